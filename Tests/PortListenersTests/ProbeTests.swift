import Testing

@testable import PortListeners

/// The recognisers on bytes captured from real servers.
struct ProbeTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func httpResponseWithServerHeader() {
        let reply = Self.bytes(
            "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\nDate: Mon, 30 Nov 2026 10:00:00 GMT\r\n\r\n")
        #expect(ProbeRecognizer.isComplete(reply, for: .http))
        let outcome = ProbeRecognizer.answer(reply, to: .http)
        #expect(outcome == .identified(.http, banner: "HTTP/1.0, Server: SimpleHTTP/0.6 Python/3.11.2"))
        #expect(ProbeResult(outcome!).phrase == "speaks HTTP/1.0, Server: SimpleHTTP/0.6 Python/3.11.2")
    }

    @Test func serverSpeaksFirstGreetings() {
        #expect(
            ProbeRecognizer.greeting(Self.bytes("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"))
                == .identified(.ssh, banner: "SSH-2.0-OpenSSH_9.2p1 Debian-2"))
        #expect(
            ProbeRecognizer.greeting(Self.bytes("220 mail.example ESMTP Postfix (Debian/GNU)\r\n"))
                == .identified(.smtp, banner: "220 mail.example ESMTP Postfix (Debian/GNU)"))
        #expect(
            ProbeRecognizer.greeting(Self.bytes("220 (vsFTPd 3.0.3)\r\n"))
                == .identified(.ftp, banner: "220 (vsFTPd 3.0.3)"))
        #expect(
            ProbeRecognizer.greeting(Self.bytes("+OK Dovecot ready.\r\n"))
                == .identified(.pop3, banner: "+OK Dovecot ready."))
        #expect(
            ProbeRecognizer.greeting(Self.bytes("* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n"))
                == .identified(.imap, banner: "* OK [CAPABILITY IMAP4rev1] Dovecot ready."))
        #expect(ProbeRecognizer.greeting(Self.bytes("hello\n")) == nil)
    }

    @Test func mysqlHandshakePacket() {
        let version = Array("10.11.6-MariaDB-0+deb12u1".utf8)
        var payload: [UInt8] = [10] + version + [0] + [1, 0, 0, 0] + Array(repeating: 0x41, count: 8) + [0]
        payload += [0xFF, 0xF7, 8, 2, 0]
        let packet = [UInt8(payload.count), 0, 0, 0] + payload
        #expect(ProbeRecognizer.isComplete(packet, for: nil))
        #expect(
            ProbeRecognizer.greeting(packet) == .identified(.mysql, banner: "MariaDB 10.11.6-MariaDB-0+deb12u1"))
    }

    @Test func tlsServerHelloAndAlert() {
        // A record header (handshake, TLS 1.2), then the ServerHello's type, length and version.
        let hello: [UInt8] = [22, 3, 3, 0, 6, 2, 0, 0, 2, 3, 3]
        #expect(ProbeRecognizer.answer(hello, to: .tls) == .identified(.tls, banner: "ServerHello, TLS 1.2 or 1.3"))
        let alert: [UInt8] = [21, 3, 1, 0, 2, 2, 40]
        #expect(ProbeRecognizer.answer(alert, to: .tls) == .identified(.tls, banner: "alert 40"))
        // A TLS server answering the HTTP request with an alert is still TLS.
        #expect(ProbeRecognizer.answer(alert, to: .http) == .identified(.tls, banner: "alert 40"))
        #expect(ProbeRecognizer.clientHello.prefix(3) == [22, 3, 1])
    }

    @Test func redisPostgresAndDNS() {
        #expect(ProbeRecognizer.answer(Self.bytes("+PONG\r\n"), to: .redis) == .identified(.redis, banner: "+PONG"))
        #expect(
            ProbeRecognizer.answer(Self.bytes("-NOAUTH Authentication required.\r\n"), to: .redis)
                == .identified(.redis, banner: "-NOAUTH Authentication required."))
        #expect(ProbeRecognizer.answer([0x4E], to: .postgresql) == .identified(.postgresql, banner: "SSL refused"))
        #expect(ProbeRecognizer.answer([0x53], to: .postgresql) == .identified(.postgresql, banner: "SSL offered"))
        // The root NS query answered: same id, QR set, NOERROR, 13 answers.
        let reply: [UInt8] = [0x70, 0x68, 0x81, 0x80, 0, 1, 0, 13, 0, 0, 0, 0, 0, 0, 2, 0, 1]
        #expect(ProbeRecognizer.answer(reply, to: .dns) == .identified(.dns, banner: "NOERROR, 13 answers"))
        #expect(ProbeRecognizer.answer([0x12, 0x34, 0x81, 0x80] + Array(repeating: 0, count: 8), to: .dns) == nil)
    }

    @Test func nmapXMLIsRead() {
        let xml = Self.bytes(
            """
            <port protocol="tcp" portid="8080"><state state="open" reason="syn-ack"/>\
            <service name="http" product="SimpleHTTPServer" version="0.6" extrainfo="Python 3.11.2" method="probed"/></port>
            """)
        let outcome = ProbeNmap.read(xml: xml)
        #expect(outcome == .named("http", banner: "SimpleHTTPServer 0.6 (Python 3.11.2)"))
        #expect(ProbeResult(outcome).protocolFound == .http)
    }

    @Test func onlyLoopbackOrThisHostsOwnAddresses() {
        #expect(ProbeTarget(transport: .tcp, address: "0.0.0.0", port: 1).loopback == "127.0.0.1")
        #expect(ProbeTarget(transport: .tcp, address: "::", port: 1).loopback == "::1")
        let elsewhere = ProbeConversation.probe(
            ProbeTarget(transport: .tcp, address: "192.0.2.7", port: 80), localAddresses: { ["10.0.0.5"] })
        guard case .refused(let why) = elsewhere.outcome else {
            Issue.record("probed an address that is not this host's: \(elsewhere)")
            return
        }
        #expect(why.contains("not one of this host's addresses"))
        #expect(elsewhere.connectedTo == nil)
    }
}
