import Foundation
import PortholeTestSupport
import Testing

/// Examples/fleet for real: `scripts/fleet-lab` makes three hosts out of network namespaces
/// (a veth pair on private addresses it chose, an sshd, its own host name and one listener
/// each), Ansible installs this build's porthole on one of them with install.yml and collects
/// all three with collect.yml over ssh with a throwaway key, and the test reads the folder:
/// one file a host, a snapshot from the host with porthole and `ss` text from the others,
/// each with its own host's listener and no other's. Everything the lab made is removed,
/// whatever happens, by `scripts/fleet-lab down`.
@Suite(
    .serialized,
    .enabled(if: geteuid() == 0, "needs root: network namespaces, veth pairs and sshd"),
    .enabled(if: FleetLab.tool("ansible-playbook") != nil, "needs ansible-playbook (apt-get install ansible-core)"),
    .enabled(if: FleetLab.tool("sshd", in: "/usr/sbin") != nil, "needs sshd (apt-get install openssh-server)"),
    .enabled(if: FleetLab.tool("ssh-keygen") != nil, "needs ssh-keygen (apt-get install openssh-client)"),
    .enabled(if: FleetLab.tool("ip", in: "/usr/sbin") != nil, "needs ip (apt-get install iproute2)"),
    .enabled(if: FleetLab.tool("unshare") != nil, "needs unshare (util-linux)"),
    .enabled(if: FleetLab.tool("python3") != nil, "needs python3 (the hosts' listeners and Ansible's modules)")
)
struct FleetAnsibleTests {
    @Test func collectPlaybookFetchesEveryHostIntoOneFolder() throws {
        let folder = try TemporaryFolder(prefix: "porthole-fleet")
        let lab = folder.path + "/lab"
        defer {
            let down = try? TestProcess.run(
                [FleetLab.script, "down", lab], environment: FleetLab.environment, timeout: 60)
            #expect(down?.status == 0, "fleet-lab down: \(down.map(String.init(describing:)) ?? "did not start")")
            folder.cleanup()
        }
        let up = try TestProcess.run(
            [FleetLab.script, "up", lab, "3"], environment: FleetLab.environment, timeout: 120)
        try #require(up.status == 0, "fleet-lab up: \(up)")
        // "lab1 10.231.X.6 2991" a line: each host's name, address and listener's port.
        let hosts = try String(contentsOfFile: lab + "/hosts", encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: " ").map(String.init)
        }
        try #require(hosts.map { $0[0] } == ["lab1", "lab2", "lab3"])
        let inventory = lab + "/inventory.ini"

        // porthole on lab1 only: install.yml copies this build to lab1's porthole_path.
        let install = try FleetLab.ansiblePlaybook(
            [
                "-i", inventory, "--limit", "lab1", FleetLab.examples + "/install.yml",
                "-e", "porthole_binary=\(Porthole.executable.path)",
            ],
            in: folder)
        try #require(install.status == 0, "install.yml: \(install)")
        #expect(FileManager.default.isExecutableFile(atPath: lab + "/lab1/bin/porthole"))
        #expect(!FileManager.default.fileExists(atPath: lab + "/lab2/bin/porthole"))

        let collected = folder.path + "/collected"
        let collect = try FleetLab.ansiblePlaybook(
            ["-i", inventory, FleetLab.examples + "/collect.yml", "-e", "collect_dir=\(collected)"], in: folder)
        try #require(collect.status == 0, "collect.yml: \(collect)")
        let files = try FileManager.default.contentsOfDirectory(atPath: collected).sorted()
        #expect(files == ["lab1.json", "lab2.ss", "lab3.ss"], "\(collect)")

        // lab1's snapshot: its own host name, its listener and sshd at its address, nothing else.
        let (address1, port1) = (hosts[0][1], Int(hosts[0][2])!)
        let data = try Data(contentsOf: URL(fileURLWithPath: collected + "/lab1.json"))
        let snapshot = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(snapshot["format"] as? String == "porthole-snapshot")
        #expect((snapshot["host"] as? [String: Any])?["name"] as? String == "lab1")
        let listeners = try #require(snapshot["listeners"] as? [[String: Any]])
        let seen = Set(listeners.map { "\($0["address"] as? String ?? "?"):\($0["port"] as? Int ?? -1)" })
        #expect(seen == ["\(address1):22", "\(address1):\(port1)"], "\(listeners)")
        let listener = listeners.first { $0["port"] as? Int == port1 }
        let owners = listener?["owners"] as? [[String: Any]]
        #expect(owners?.first?["process"] as? String == "python3", "\(listener ?? [:])")

        // lab2 and lab3 by ss: each host's listener, owned by python3, and only its own address.
        for host in hosts.dropFirst() {
            let (name, address, port) = (host[0], host[1], host[2])
            let text = try String(contentsOfFile: collected + "/\(name).ss", encoding: .utf8)
            let lines = text.split(separator: "\n")
            #expect(
                lines.contains { $0.contains(" \(address):\(port) ") && $0.contains("((\"python3\",pid=") }, "\(text)")
            #expect(lines.contains { $0.contains(" \(address):22 ") && $0.contains("((\"sshd\",pid=") }, "\(text)")
            for other in hosts where other[0] != name { #expect(!text.contains(other[1] + ":"), "\(name): \(text)") }
        }

        // Run again for lab1, with a file of it left in the other format (as when porthole was
        // installed since): it is rewritten and the other dropped, still one file a host.
        try Data("tcp LISTEN 0 5 0.0.0.0:1 0.0.0.0:*\n".utf8).write(to: URL(fileURLWithPath: collected + "/lab1.ss"))
        let again = try FleetLab.ansiblePlaybook(
            ["-i", inventory, "--limit", "lab1", FleetLab.examples + "/collect.yml", "-e", "collect_dir=\(collected)"],
            in: folder)
        #expect(again.status == 0, "collect.yml again: \(again)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: collected).sorted() == files)

        // porthole reads the collected folder as the class's territory: each host by its file,
        // lab1 from its snapshot and lab2 and lab3 from their ss text, one line per port.
        let sshd = try Porthole.run(["--territory", collected, "who", "--hosts", "22"])
        #expect(sshd.status == 0, "\(sshd)")
        #expect(sshd.stdout.hasPrefix("22/tcp: sshd on 3 of 3 hosts — registered to ssh, matches"), "\(sshd)")
        let everyHost = try Porthole.run(["--json", "--territory", collected, "who"])
        let rows = try WhoTests.listeners(everyHost)
        #expect(Set(rows.compactMap { $0["host"] as? String }) == ["lab1", "lab2", "lab3"], "\(everyHost)")
        for host in hosts {
            #expect(
                rows.contains { $0["host"] as? String == host[0] && $0["port"] as? Int == Int(host[2]) },
                "\(host[0]) at port \(host[2]): \(everyHost)")
        }

        // And reads the collected snapshot back on its own.
        let diff = try Porthole.run(["--json", "diff", collected + "/lab1.json", collected + "/lab1.json"])
        #expect(diff.status == 0, "\(diff)")
        let answer = try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any]
        #expect((answer?["new"] as? [String: Any])?["host"] as? String == "lab1", "\(diff)")
        #expect((answer?["summary"] as? [String: Any])?["unchanged"] as? Int == 2, "\(diff)")
    }
}

/// The lab script, the playbooks and how Ansible is run against the lab.
enum FleetLab {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let script = root + "/scripts/fleet-lab"
    static let examples = root + "/Examples/fleet"

    static func tool(_ name: String, in folder: String = "/usr/bin") -> String? {
        findExecutable(name, preferring: [folder + "/" + name, "/bin/" + name])
    }

    /// The test's environment with the system folders on PATH (sshd and ip live in sbin).
    static let environment: [String: String] = {
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = (env["PATH"].map { $0 + ":" } ?? "") + "/usr/sbin:/usr/bin:/sbin:/bin"
        return env
    }()

    /// Runs ansible-playbook with everything it writes inside `folder`: its HOME, local and
    /// remote temporary files and ssh's control sockets (the masters end when the lab's sshd
    /// goes). No host key checking: the lab's host key is new each run. Pipelining makes each
    /// task one ssh round trip.
    static func ansiblePlaybook(_ arguments: [String], in folder: TemporaryFolder) throws -> TestRun {
        var env = environment
        for (key, value) in [
            "HOME": folder.path + "/home", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_PIPELINING": "True", "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCAL_TEMP": folder.path + "/ansible-local",
            "ANSIBLE_REMOTE_TEMP": folder.path + "/ansible-remote",
            "ANSIBLE_SSH_CONTROL_PATH_DIR": folder.path + "/ansible-cp",
        ] {
            env[key] = value
        }
        return try TestProcess.run(
            [tool("ansible-playbook")!] + arguments, environment: env, timeout: 300)
    }
}
