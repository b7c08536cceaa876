import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Helpers for the fault tests: a bounded process runner (time-out, peak memory), a loopback
// HTTP server that misbehaves on request, and a registry installed in a private HOME.

/// A process started with posix_spawn: a clean signal mask, stdout and stderr to files,
/// stopped with SIGKILL by pid (the test runner's threads block SIGTERM).
final class FaultProcess: @unchecked Sendable {
    let pid: pid_t
    let outPath: String
    let errPath: String
    private(set) var status: Int32?
    /// Peak resident set size of the process, in KiB: VmHWM sampled while it runs (wait4's
    /// ru_maxrss is useless here: a posix_spawn child inherits the test runner's peak).
    private(set) var maxRSSKiB: Int = 0

    /// `stdinPath` nil: /dev/null. `closeStdout`: fd 1 is closed in the child (`>&-`).
    init(_ argv: [String], environment: [String: String], directory: URL, stdinPath: String? = nil, closeStdout: Bool = false) throws {
        let tag = UUID().uuidString.prefix(8)
        outPath = directory.appendingPathComponent("out-\(tag)").path
        errPath = directory.appendingPathComponent("err-\(tag)").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        if closeStdout {
            posix_spawn_file_actions_addclose(&actions, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signo in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, signo) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, argv[0], &actions, &attr, cArgs, cEnv)
        guard rc == 0 else { throw FaultError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        pid = child
    }

    /// Reaps the process if it has ended; true when it has.
    @discardableResult
    func poll() -> Bool {
        if status != nil { return true }
        sampleMemory()
        var raw: Int32 = 0
        let done = waitpid(pid, &raw, WNOHANG)
        guard done == pid else { return false }
        status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        return true
    }

    /// Waits up to `timeout` seconds; false (and still running) when it did not end.
    func wait(timeout: Double) -> Bool {
        let deadline = faultNow() + timeout
        while !poll() {
            if faultNow() >= deadline { return false }
            usleep(5_000)
        }
        return true
    }

    /// SIGKILL by pid, then reap. Safe to call twice: the pid stays ours until reaped.
    func stop() {
        guard status == nil else { return }
        sampleMemory()
        kill(pid, SIGKILL)
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        status = 128 + SIGKILL
    }

    /// VmHWM (the peak so far) from /proc; absent once the process is a zombie.
    private func sampleMemory() {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return }
        maxRSSKiB = max(maxRSSKiB, kib)
    }

    var stdout: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self) }
    var stderr: String { String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self) }

    deinit {
        stop()
        unlink(outPath)
        unlink(errPath)
    }
}

struct FaultError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func faultNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// What a bounded run of porthole did.
struct FaultRun: CustomStringConvertible {
    let stdout: String
    let stderr: String
    /// Exit status; 128+signal when killed; nil when it timed out (then it was killed).
    let status: Int32?
    let seconds: Double
    let maxRSSKiB: Int

    var description: String { "status \(status.map(String.init) ?? "timed out") after \(String(format: "%.2f", seconds)) s, \(maxRSSKiB) KiB\nstdout: \(stdout.prefix(2000))\nstderr: \(stderr.prefix(2000))" }
}

/// A private HOME with its XDG folders, removed by `cleanup()`.
struct FaultHome {
    let url: URL
    init() throws { url = try Porthole.temporaryHome() }
    var environment: [String: String] { Porthole.environment(home: url) }
    var dataDirectory: URL { url.appendingPathComponent("data/porthole") }
    var registryFile: URL { dataDirectory.appendingPathComponent("registry.bin") }

    /// Runs porthole (or, with `argv0`, another program) and kills it after `timeout` seconds.
    func run(_ arguments: [String], timeout: Double = 30, stdinPath: String? = nil, closeStdout: Bool = false,
             environment extra: [String: String] = [:], argv0: [String]? = nil) throws -> FaultRun {
        var env = environment
        for (k, v) in extra { env[k] = v }
        let start = faultNow()
        let process = try FaultProcess((argv0 ?? [Porthole.executable.path]) + arguments, environment: env, directory: url,
                                       stdinPath: stdinPath, closeStdout: closeStdout)
        let finished = process.wait(timeout: timeout)
        if !finished { process.stop() }
        return FaultRun(stdout: process.stdout, stderr: process.stderr, status: finished ? process.status : nil,
                        seconds: faultNow() - start, maxRSSKiB: process.maxRSSKiB)
    }

    /// Installs `bytes` as the user's registry copy (mode 0600, folders 0700).
    func install(_ bytes: Data) throws {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try bytes.write(to: registryFile)
        chmod(registryFile.path, 0o600)
    }

    /// Names in the data folder other than registry.bin (temporary files left behind).
    func strayFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.path)) ?? []).filter { $0 != "registry.bin" }.sorted()
    }

    func cleanup() {
        // A test may leave the folder read-only.
        chmod(dataDirectory.path, 0o700)
        try? FileManager.default.removeItem(at: url)
    }
}

/// The fast-form registries the update fault tests start from and expect: built once by the
/// binary under test from the shared 2025 IANA XML (and a copy re-dated to 2024-06-01).
enum FaultRegistries {
    struct Built: Sendable {
        /// The XML re-dated 2024-06-01 (in a temporary folder, never in the repository), as a
        /// fast-form file: "the previous registry".
        let old: Data
        /// The 2025-12-15 XML as a fast-form file: what a good update installs.
        let new: Data
    }

    static let built: Result<Built, FaultError> = {
        do {
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-fault-registries-\(getpid())")
            try? FileManager.default.removeItem(at: work)
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            let xml = try Data(contentsOf: sharedRegistryXML)
            let text = String(decoding: xml, as: UTF8.self)
            guard let range = text.range(of: "<updated>2025-12-15</updated>") else { throw FaultError("the shared XML is not the 2025-12-15 registry") }
            let oldXML = work.appendingPathComponent("old.xml")
            try Data(text.replacingCharacters(in: range, with: "<updated>2024-06-01</updated>").utf8).write(to: oldXML)
            func build(_ source: String) throws -> Data {
                let home = try FaultHome()
                defer { home.cleanup() }
                let run = try home.run(["update", "--from", source], timeout: 120)
                guard run.status == 0 else { throw FaultError("update --from \(source) failed: \(run)") }
                return try Data(contentsOf: home.registryFile)
            }
            return .success(Built(old: try build(oldXML.path), new: try build(sharedRegistryXML.path)))
        } catch let error as FaultError {
            return .failure(error)
        } catch {
            return .failure(FaultError("\(error)"))
        }
    }()

    static func get() throws -> Built { try built.get() }
}

/// A loopback HTTP server (python3) that misbehaves on request; the path chooses how:
/// `/full` the registry; `/cut/N` a Content-Length for the whole file, then N bytes and a
/// closed connection; `/stall` headers, then nothing; `/html` a 200 OK web page;
/// `/big/SIZE/garbage|xml` SIZE bytes of junk (with a Content-Length); `/bignolength/SIZE`
/// the same junk with no length (the end is the closed connection).
final class FaultHTTPServer {
    let process: FaultProcess
    let port: Int
    private let work: URL

    static let script = #"""
        import os, socket, sys, threading, time
        source, portfile = sys.argv[1], sys.argv[2]
        body = open(source, "rb").read()
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", 0))
        srv.listen(64)
        open(portfile + ".tmp", "w").write(str(srv.getsockname()[1]))
        os.rename(portfile + ".tmp", portfile)
        def head(length, kind=b"application/xml"):
            text = b"HTTP/1.1 200 OK\r\nContent-Type: " + kind + b"\r\nConnection: close\r\n"
            if length is not None: text += b"Content-Length: %d\r\n" % length
            return text + b"\r\n"
        start = (b"<?xml version='1.0' encoding='UTF-8'?>\n<registry xmlns=\"http://www.iana.org/assignments\""
                 b" id=\"service-names-port-numbers\">\n<updated>2025-12-15</updated>\n")
        junk = b"<junk><note>filler filler filler</note></junk>\n"
        def stream(c, size, kind):
            if kind == "garbage":
                unit = bytes((i * 7919 + 13) % 251 for i in range(1 << 16)) * 16
            else:
                unit = start + junk * ((1 << 20) // len(junk))
            sent = 0
            while size is None or sent < size:
                piece = unit if size is None else unit[:size - sent]
                c.sendall(piece)
                sent += len(piece)
                if kind != "garbage": unit = junk * ((1 << 20) // len(junk))
        def handle(c):
            try:
                c.settimeout(120)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = c.recv(65536)
                    if not chunk: return
                    data += chunk
                parts = data.split(b" ")[1].decode().strip("/").split("/")
                if parts[0] == "full":
                    c.sendall(head(len(body)) + body)
                elif parts[0] == "cut":
                    c.sendall(head(len(body)) + body[:int(parts[1])])
                elif parts[0] == "stall":
                    c.sendall(head(len(body)))
                    time.sleep(3600)
                elif parts[0] == "html":
                    page = (b"<!DOCTYPE html>\n<html><head><title>IANA</title></head>"
                            b"<body><p>Please enable JavaScript to continue.</p></body></html>\n")
                    c.sendall(head(len(page), b"text/html") + page)
                elif parts[0] == "big":
                    c.sendall(head(int(parts[1])))
                    stream(c, int(parts[1]), parts[2])
                elif parts[0] == "bignolength":
                    c.sendall(head(None))
                    stream(c, int(parts[1]), "xml")
                c.shutdown(socket.SHUT_WR)
            except Exception:
                pass
            finally:
                c.close()
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=handle, args=(conn,), daemon=True).start()
        """#

    init(serving file: URL) throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-fault-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let portFile = work.appendingPathComponent("port").path
        process = try FaultProcess(["/usr/bin/python3", "-c", Self.script, file.path, portFile],
                                   environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"], directory: work)
        let deadline = faultNow() + 20
        var found: Int?
        while found == nil, faultNow() < deadline, !process.poll() {
            found = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
            if found == nil { usleep(20_000) }
        }
        guard let found else {
            process.stop()
            throw FaultError("the loopback server did not start: \(process.stderr)")
        }
        port = found
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: work)
    }

    deinit { stop() }
}

/// Memory bounds are multiplied by this for a sanitized build (ASan's shadow and quarantine).
let sanitizerMemoryFactor: Int = {
    guard let binary = try? Data(contentsOf: Porthole.executable, options: .alwaysMapped) else { return 1 }
    return binary.range(of: Data("__asan_init".utf8)) != nil || binary.range(of: Data("__tsan_init".utf8)) != nil ? 6 : 1
}()

/// Whether this process may create mount namespaces and mount tmpfs (root with CAP_SYS_ADMIN).
let canMountPrivately: Bool = {
    guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
    probe.arguments = ["-m", "--propagation", "private", "/bin/sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null"]
    probe.standardOutput = FileHandle.nullDevice
    probe.standardError = FileHandle.nullDevice
    guard (try? probe.run()) != nil else { return false }
    probe.waitUntilExit()
    return probe.terminationStatus == 0
}()
