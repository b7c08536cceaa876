import Foundation
import PortholeTestSupport
import Testing

/// A server on 127.0.0.1 and a free port, for `who --probe`: `http` (python's http.server),
/// `tls` (the ssl module with a certificate in `folder`), `banner` (writes `text` on accept),
/// `silent` (accepts, says nothing) or `dns` (UDP, answers any query). Stopped by pid.
final class ProbeServer {
    let process: TestProcess
    let port: Int

    init(_ mode: String, text: String = "", folder: String = "") throws {
        process = try TestProcess(
            [
                "/usr/bin/python3", "-u", "-c",
                """
                import socket, ssl, sys, threading
                mode, text, folder = sys.argv[1], sys.argv[2], sys.argv[3]
                if mode == "http":
                    import http.server
                    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
                    print(server.server_address[1], flush=True)
                    server.serve_forever()
                if mode == "dns":
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    s.bind(("127.0.0.1", 0))
                    print(s.getsockname()[1], flush=True)
                    while True:
                        q, peer = s.recvfrom(512)
                        s.sendto(q[:2] + bytes([0x81, 0x80]) + q[4:6] + bytes(6) + q[12:], peer)
                s = socket.socket()
                s.bind(("127.0.0.1", 0))
                s.listen(8)
                print(s.getsockname()[1], flush=True)
                kept = []
                while True:
                    c, _ = s.accept()
                    kept.append(c)
                    if mode == "banner":
                        c.sendall(text.encode())
                    elif mode == "tls":
                        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                        context.load_cert_chain(folder + "/cert.pem", folder + "/key.pem")
                        def serve(c):
                            try:
                                context.wrap_socket(c, server_side=True).recv(1)
                            except Exception:
                                c.close()
                        threading.Thread(target=serve, args=(c,), daemon=True).start()
                """, mode, text, folder,
            ], stdout: .pipe)
        guard let line = process.readLine(), let port = Int(line.trimmingCharacters(in: .whitespaces)) else {
            process.stop()
            throw TestFailure("the \(mode) server did not start")
        }
        self.port = port
    }

    deinit { process.stop() }
}

/// `who --probe` end to end, against servers the tests start on loopback.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
struct ProbeEndToEndTests {
    static func probe(_ server: ProbeServer, _ transport: String = "tcp") throws -> String {
        let run = try Porthole.run(["who", String(server.port), transport, "--probe"])
        #expect(run.status == 0)
        return run.stdout.split(separator: "\n").joined(separator: " ")
    }

    @Test func httpServerSpeaksHTTPWithItsServerHeader() throws {
        let server = try ProbeServer("http")
        let out = try Self.probe(server)
        #expect(out.contains("speaks HTTP/1.0, Server: SimpleHTTP/"), "\(out)")
        let json = try Porthole.run(["--json", "who", String(server.port), "--probe"]).stdout
        #expect(json.contains(#""protocol":"HTTP""#))
    }

    @Test func bannersAreReadBeforeSpeaking() throws {
        let ssh = try ProbeServer("banner", text: "SSH-2.0-OpenSSH_9.2p1\r\n")
        #expect(try Self.probe(ssh).contains("speaks SSH-2.0-OpenSSH_9.2p1"))
        let smtp = try ProbeServer("banner", text: "220 test ESMTP\r\n")
        #expect(try Self.probe(smtp).contains("speaks SMTP, 220 test ESMTP"))
    }

    @Test func tlsServerAnswersTheClientHello() throws {
        guard let openssl = findExecutable("openssl") else { try Test.cancel("openssl is not installed") }
        let folder = try TemporaryFolder()
        let made = try TestProcess.run([
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-keyout", folder.path + "/key.pem", "-out", folder.path + "/cert.pem",
        ])
        guard made.status == 0 else { try Test.cancel("openssl could not make a certificate") }
        let server = try ProbeServer("tls", folder: folder.path)
        #expect(try Self.probe(server).contains("speaks TLS"))
    }

    @Test func aSilentListenerStaysUnknownWithinTheBudget() throws {
        let server = try ProbeServer("silent")
        let start = monotonicSeconds()
        let out = try Self.probe(server)
        #expect(monotonicSeconds() - start < 5)
        #expect(out.contains("accepted the connection and said nothing"), "\(out)")
        #expect(!out.contains("does not look like"))
    }

    @Test func dnsOverUDPIsRecognised() throws {
        let server = try ProbeServer("dns")
        #expect(try Self.probe(server, "udp").contains("speaks DNS, NOERROR"))
    }
}
