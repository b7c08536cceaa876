/// Why a listener's owner could not be seen, in plain words: a pure function of what the
/// scan saw, so every branch is unit-tested without needing another user or a container.
enum OwnerVisibility {
    struct Context: Equatable {
        /// The scanning process's effective uid.
        var callerUID: UInt32
        /// Processes whose fd tables could not be read during the walk, and their uids.
        var deniedPIDs: Int
        var deniedUIDs: Set<UInt32>
    }

    /// nil when there is nothing to explain (owners were found).
    static func reason(
        socketUID: UInt32, socketUser: String, inode: UInt64, ownersFound: Bool,
        context: Context
    ) -> String? {
        if ownersFound { return nil }
        if inode == 0 { return "held by the kernel, not by any process" }
        let owner = "socket owned by uid \(socketUID) (\(socketUser))"
        if context.callerUID != 0 {
            if socketUID != context.callerUID {
                return "owner not visible to this user (\(owner)); try as root"
            }
            if context.deniedPIDs > 0 {
                return
                    "owner not visible: some processes could not be inspected (non-dumpable, or /proc mounted with hidepid) (\(owner)); try as root"
            }
            return
                "owner not visible (\(owner)): no process this user can see holds it (/proc hidepid, another pid namespace, or it closed during the scan)"
        }
        if context.deniedPIDs > 0 {
            return
                "owner not visible even as root: \(context.deniedPIDs) process(es) could not be inspected (missing CAP_SYS_PTRACE?) (\(owner))"
        }
        return
            "owner not visible (\(owner)): no process in this pid namespace holds it (another pid namespace such as a container, or it closed during the scan)"
    }
}
