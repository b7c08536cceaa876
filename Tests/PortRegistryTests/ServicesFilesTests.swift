import Testing

@testable import PortRegistry

@Suite struct ServicesFilesTests {
    @Test func servicesFixture() throws {
        let entries = try ServicesFiles.parseServices(try Fixtures.bytes("services"), file: "services")
        #expect(
            entries == [
                ServicesEntry(name: "tcpmux", port: 1, transports: [.tcp], comment: "TCP port service multiplexer"),
                ServicesEntry(name: "echo", port: 7, transports: [.tcp]),
                ServicesEntry(name: "echo", port: 7, transports: [.udp]),
                ServicesEntry(name: "discard", port: 9, transports: [.tcp], aliases: ["sink", "null"]),
                ServicesEntry(
                    name: "http", port: 80, transports: [.tcp], aliases: ["www", "www-http"],
                    comment: "WorldWideWeb HTTP"),
                ServicesEntry(
                    name: "kerberos", port: 88, transports: [.tcp], aliases: ["kerberos5", "krb5"],
                    comment: "Kerberos v5"),
                ServicesEntry(name: "sctp-http", port: 80, transports: [.sctp]),
                // 1/ddp (AppleTalk) is not an IP port and is skipped.
                ServicesEntry(
                    name: "wireshark", port: 80, transports: [.tcp, .udp], comment: "Wireshark's merged form"),
            ])
    }

    @Test(arguments: [
        ("lonely\n", "s: line 1: \"lonely\" has no port/protocol"),
        ("# c\nx 80\n", "s: line 2: \"80\" is not port/protocol"),
        ("x 80/\n", "s: line 1: \"80/\" is not port/protocol"),
        ("x 70000/tcp\n", "s: line 1: port \"70000\" is out of the port range 0-65535"),
        ("x http/tcp\n", "s: line 1: \"http\" is not a port number"),
    ])
    func malformedServices(input: String, message: String) {
        #expect(
            errorMessage { () throws(RegistryError) in try ServicesFiles.parseServices(Array(input.utf8), file: "s") }
                == message)
    }

    @Test func missingSystemFileIsEmptyNotAnError() throws {
        #expect(try ServicesFiles.loadSystemServices(path: "/nonexistent/services") == [])
    }

    @Test(.enabled(if: ServicesFiles.systemServicesExists)) func thisSystemsServicesParse() throws {
        let entries = try ServicesFiles.loadSystemServices()
        #expect(entries.contains { $0.name == "ssh" && $0.port == 22 && $0.transports == [.tcp] })
    }

    @Test func nmapFixture() throws {
        let entries = try ServicesFiles.parseNmapServices(try Fixtures.bytes("nmap-services"), file: "nmap-services")
        #expect(
            entries == [
                NmapServiceEntry(name: "alpha", port: 1, transport: .tcp, frequency: 0.125, comment: "First service"),
                NmapServiceEntry(name: "beta", port: 4, transport: .tcp, frequency: 0.0001),
                NmapServiceEntry(name: "gamma", port: 80, transport: .tcp, frequency: 0.5, comment: "Web-ish"),
                NmapServiceEntry(name: "gamma", port: 80, transport: .udp, frequency: 0.25),
                NmapServiceEntry(name: "delta", port: 9, transport: .sctp, frequency: 0),
            ])
    }

    @Test(arguments: [
        ("x 1/tcp\n", "n: line 1: expected name port/protocol frequency, found 2 fields"),
        ("x 1/tcp often\n", "n: line 1: frequency \"often\" is not a number between 0 and 1"),
        ("x 1/tcp 1.5\n", "n: line 1: frequency \"1.5\" is not a number between 0 and 1"),
        ("x 1/tcp nan\n", "n: line 1: frequency \"nan\" is not a number between 0 and 1"),
    ])
    func malformedNmap(input: String, message: String) {
        #expect(
            errorMessage { () throws(RegistryError) in try ServicesFiles.parseNmapServices(Array(input.utf8), file: "n")
            } == message)
    }

    /// The vector search agrees with a plain one on every offset, at both ends of the buffer
    /// and across the 16-byte blocks' edges.
    @Test func byteSearchFindsWhatAPlainScanFinds() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let alphabet = Array("\t29/1\n".utf8)
            let haystack = (0..<Int.random(in: 0...300, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }
            let needle = Array(["\t29/", "9/", "\t2991/", "/\n"].randomElement(using: &generator)!.utf8)
            haystack.withUnsafeBufferPointer { buffer in
                for from in 0...haystack.count {
                    let plain = (from..<max(from, haystack.count - needle.count + 1)).first {
                        Array(haystack[$0..<$0 + needle.count]) == needle
                    }
                    #expect(
                        ByteSearch.firstIndex(of: needle, in: buffer, from: from) == plain,
                        "\(haystack) \(needle) \(from)")
                }
            }
        }
    }

    /// The index kept between runs reads back as the same index, and damaged bytes (any one
    /// byte changed, cut short, lengthened, or names beyond a shorter file) are refused
    /// rather than believed.
    @Test func nmapIndexKeptAsBytesReadsBackOrIsRefused() throws {
        var text = try Fixtures.bytes("nmap-services")
        text += Array("dup\t7/tcp\t0.5\nmore\t7/tcp\t0.75\nboth\t9/tcp/udp\t1e-3\n".utf8)
        let file = NmapServicesFile(bytes: text, path: "nmap-services")
        let index = file.index()
        let kept = index.cacheBytes()
        let back = try #require(NmapServicesIndex(cached: kept, file: file))
        #expect(back.count == index.count)
        #expect(back.allEntries().map { "\($0)" } == index.allEntries().map { "\($0)" })
        for port in [7, 9, 22, 80, 2991, 65535] as [UInt16] {
            for transport in Transport.allCases {
                #expect(
                    "\(back.entry(port: port, transport: transport) as Any)"
                        == "\(index.entry(port: port, transport: transport) as Any)")
            }
        }
        for at in kept.indices {
            var damaged = kept
            damaged[at] ^= 0x10
            #expect(NmapServicesIndex(cached: damaged, file: file) == nil, "byte \(at) changed")
        }
        #expect(NmapServicesIndex(cached: Array(kept.dropLast()), file: file) == nil)
        #expect(NmapServicesIndex(cached: kept + [0], file: file) == nil)
        #expect(NmapServicesIndex(cached: [], file: file) == nil)
        let shorter = NmapServicesFile(bytes: Array(text.prefix(text.count / 2)), path: "nmap-services")
        #expect(NmapServicesIndex(cached: kept, file: shorter) == nil)
        // Whole and checksummed, but out of order: looked up by halves it would mislead.
        var swapped = kept
        let size = (kept.count - 12) / index.count
        for k in 0..<size { swapped.swapAt(12 + k, 12 + size + k) }
        Self.resum(&swapped)
        #expect(NmapServicesIndex(cached: swapped, file: file) == nil)
        var resummed = kept
        Self.resum(&resummed)
        #expect(resummed == kept)
    }

    /// The kept index's checksum (FNV-1a over 8-byte words, then bytes), written again.
    static func resum(_ bytes: inout [UInt8]) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var at = 12
        while at + 8 <= bytes.count {
            var word: UInt64 = 0
            for k in 0..<8 { word |= UInt64(bytes[at + k]) << (8 * k) }
            hash = (hash ^ word) &* 0x0000_0100_0000_01b3
            at += 8
        }
        while at < bytes.count {
            hash = (hash ^ UInt64(bytes[at])) &* 0x0000_0100_0000_01b3
            at += 1
        }
        for k in 0..<8 { bytes[4 + k] = UInt8(truncatingIfNeeded: hash >> (8 * k)) }
    }

    @Test func nmapPerPortSearchMatchesTheWholeTable() throws {
        let bytes = try Fixtures.bytes("nmap-services")
        let file = NmapServicesFile(bytes: bytes, path: "nmap-services")
        let all = try ServicesFiles.parseNmapServices(bytes, file: "nmap-services")
        for port in Set(all.map(\.port)).union([2, 8, 65535]) {
            #expect(file.entries(onPort: port) == all.filter { $0.port == port })
        }
    }

    /// The index keeps, per port and transport, the entry the whole table's readers keep: the
    /// more frequent, the first on a tie, with frequencies read exactly as `Double` reads them.
    @Test func nmapIndexMatchesTheReadableEntries() throws {
        var text = try Fixtures.bytes("nmap-services")
        text += Array(
            "dup\t7/tcp\t0.5\nlater\t7/tcp\t0.5\nmore\t7/tcp\t0.75\nboth\t9/tcp/udp\t1e-3\nbad\t9/dccp\t2\n"
                .utf8)
        text += Array("x\t11/tcp\t0.12345678901234567\ny\t12/udp\t.5\nz\t13/udp\t0.100000000000000005551\n".utf8)
        // Comments: trimmed, empty, with a second `#`, on a line the general reader takes
        // (several transports, an exponent), and on the less frequent of two lines.
        text += Array(
            ("c1\t21/tcp\t0.5\t#  BSD supdupd(8) \t\nc2\t22/tcp\t0.5\t#\t \nc3\t23/udp\t0.5 # a # b\n"
                + "c4\t24/tcp/udp\t5e-1 # [rfc-1078]\r\nc5\t25/tcp\t0.1 # lost\nc6\t25/tcp\t0.2\n").utf8)
        try expectIndexKeepsTheReadableEntries(NmapServicesFile(bytes: text, path: "nmap-services"))
        let index = NmapServicesFile(bytes: text, path: "nmap-services").index()
        #expect(index.entry(port: 21, transport: .tcp)?.comment == "BSD supdupd(8)")
        #expect(index.entry(port: 22, transport: .tcp).map { $0.comment == nil } == true)
        #expect(index.entry(port: 23, transport: .udp)?.comment == "a # b")
        #expect(index.entry(port: 24, transport: .udp)?.comment == "[rfc-1078]")
        #expect(index.entry(port: 25, transport: .tcp).map { $0.name == "c6" && $0.comment == nil } == true)
        #expect(index.sighting(port: 21, transport: .tcp).map { $0 == (0.5, true) } == true)
        #expect(index.sighting(port: 22, transport: .tcp).map { $0 == (0.5, false) } == true)
        #expect(index.sighting(port: 24, transport: .tcp)?.mayCite == true)
        #expect(index.sighting(port: 23, transport: .udp)?.mayCite == false)
        #expect(index.entry(port: 7, transport: .tcp)?.name == "more")
        #expect(index.entry(port: 9, transport: .dccp) == nil)
        #expect(index.entry(port: 65535, transport: .sctp) == nil)
    }

    /// The same over this host's nmap-services, when installed, and through a kept copy of its
    /// index: name, frequency and comment, for every port and transport.
    @Test func nmapIndexMatchesTheInstalledFile() throws {
        guard let file = try NmapServicesFile.loadInstalled() else { return }
        try expectIndexKeepsTheReadableEntries(file)
        let kept = try #require(NmapServicesIndex(cached: file.index().cacheBytes(), file: file))
        #expect(kept.allEntries().map { "\($0)" } == file.index().allEntries().map { "\($0)" })
    }

    private func expectIndexKeepsTheReadableEntries(_ file: NmapServicesFile) throws {
        var kept: [String: NmapServiceEntry] = [:]
        for entry in file.readableEntries() {
            let key = "\(entry.port)/\(entry.transport)"
            if let old = kept[key], old.frequency >= entry.frequency { continue }
            kept[key] = entry
        }
        let index = file.index()
        #expect(index.count == kept.count)
        for entry in kept.values {
            let found = index.entry(port: entry.port, transport: entry.transport)
            #expect(
                found?.name == entry.name && found?.frequency == entry.frequency && found?.comment == entry.comment,
                "\(entry)")
            let mayCite = Array((entry.comment ?? "").utf8).withUnsafeBufferPointer(NmapServiceEntry.mayCite)
            #expect(index.sighting(port: entry.port, transport: entry.transport)?.mayCite == mayCite, "\(entry)")
            // The test lets a survey skip a comment only when it cites nothing.
            if !mayCite, let comment = entry.comment {
                #expect(NmapServiceEntry.citations(in: comment).isEmpty, "\(entry)")
            }
        }
    }

    @Test func servicesPerPortSearchMatchesTheWholeFile() throws {
        let bytes = try Fixtures.bytes("services")
        let file = ServicesFile(bytes: bytes, path: "services")
        let all = try file.allEntries()
        for port in Set(all.map(\.port)).union([0, 8, 65535]) {
            #expect(file.entries(onPort: port) == all.filter { $0.port == port })
        }
        // A port number in a comment or an alias is not the line's port.
        let tricky = ServicesFile(bytes: Array("a 81/tcp # not 80/tcp\nb 80/udp x80/tcp\nc 0080/tcp\n".utf8), path: "t")
        #expect(
            tricky.entries(onPort: 80) == [
                ServicesEntry(name: "b", port: 80, transports: [.udp], aliases: ["x80/tcp"]),
                // Leading zeros, found by the fuzzer: the whole-file reader takes 0080 as 80.
                ServicesEntry(name: "c", port: 80, transports: [.tcp]),
            ])
    }

    /// One bad line costs that line only, whether a port is searched or the file is read
    /// whole; the strict reader still names it.
    @Test func aMalformedLineIsPassedOverTheSameWayByBothReaders() throws {
        let services = ServicesFile(bytes: Array("a 80/tcp www\nb 70000/tcp\nc 80/udp\n".utf8), path: "s")
        #expect(services.readableEntries().map(\.name) == ["a", "c"])
        #expect(services.entries(onPort: 80).map(\.name) == ["a", "c"])
        #expect(
            errorMessage { () throws(RegistryError) in _ = try services.allEntries() }
                == "s: line 2: port \"70000\" is out of the port range 0-65535")

        let nmap = NmapServicesFile(bytes: Array("a\t80/tcp\t0.5\nb\t80/udp\toften\nc\t80/sctp\t0.1\n".utf8), path: "n")
        #expect(nmap.readableEntries().map(\.name) == ["a", "c"])
        #expect(nmap.entries(onPort: 80).map(\.name) == ["a", "c"])
    }

    @Test(.enabled(if: ServicesFiles.systemServicesExists)) func systemServicesPerPortSearchMatchesTheWholeFile() throws
    {
        let file = try #require(try ServicesFile.loadSystem())
        let all = try file.allEntries()
        for port in Set(all.map(\.port)) {
            #expect(file.entries(onPort: port) == all.filter { $0.port == port })
        }
    }

    @Test func nmapAbsentIsNil() throws {
        #expect(try ServicesFiles.loadNmapServices(paths: ["/nonexistent/nmap-services"]) == nil)
    }

    @Test(.enabled(if: FileIO.exists("/usr/share/nmap/nmap-services"))) func installedNmapServicesParse() throws {
        let entries = try #require(try ServicesFiles.loadNmapServices())
        #expect(entries.count > 20_000)
        #expect(entries.contains { $0.name == "http" && $0.port == 80 && $0.transport == .tcp && $0.frequency > 0.1 })
    }
}

extension ServicesFiles {
    static var systemServicesExists: Bool { FileIO.exists(systemServicesPath) }
}

/// The one-pass frequency reader that calibrates nmap's figures must see what the index sees.
@Suite struct NmapFrequencyScanTests {
    static func fromIndex(_ file: NmapServicesFile) -> [Transport: [Double]] {
        var out: [Transport: [Double]] = [:]
        for entry in file.index().allEntries() where entry.frequency > 0 {
            out[entry.transport, default: []].append(entry.frequency)
        }
        return out.mapValues { $0.sorted() }
    }

    static func scanned(_ file: NmapServicesFile) -> [Transport: [Double]] {
        file.nonZeroFrequencies().mapValues { $0.sorted() }
    }

    @Test func theInstalledTableReadsAlike() throws {
        guard let file = try NmapServicesFile.loadInstalled() else { return }
        #expect(Self.scanned(file) == Self.fromIndex(file))
    }

    @Test func oddLinesReadAlike() {
        let text = """
            # a comment
            plain\t22/tcp\t0.182286\t# SSH
            twice\t22/tcp\t0.5
            upper\t23/TCP\t0.25
            both\t24/tcp/udp\t0.125
            zero\t25/udp\t0
            whole\t26/udp\t1
            lead\t0027/tcp\t0.001
            toolong\t000028/tcp\t0.3
            big\t70000/tcp\t0.3
            over\t29/tcp\t1.5
            expo\t30/tcp\t1e-3
            ddp\t31/ddp\t0.4
            hash#name\t32/tcp\t0.4
            short\t33/tcp
            extra\t34/sctp\t0.0625 more words
              indented   35/dccp   0.75
            crlf\t36/tcp\t0.875\r
            end\t37/udp\t0.3
            """
        let file = NmapServicesFile(bytes: Array(text.utf8), path: "odd")
        #expect(Self.scanned(file) == Self.fromIndex(file))
        #expect(!Self.scanned(file).isEmpty)
    }

    @Test func randomLinesReadAlike() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [
            "a", "b c", "\t", " ", "22", "65535", "65536", "0", "/", "tcp", "UDP", "sctp", "dccp", "ddp", "0.5", "1",
            "0.", ".5", "1e-2", "#", "x", "\r", "007", "22/tcp", "7/udp", "80/tcp/udp", "9/TCP", "443/sctp",
            "53/udp", "0.000152", "0.25", "99999/tcp", "1/ddp", "0.5#c",
        ]
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<40 {
                let line = (0..<Int.random(in: 1...7, using: &generator)).map { _ in
                    pieces.randomElement(using: &generator)!
                }
                text += line.joined(separator: Bool.random(using: &generator) ? "\t" : " ") + "\n"
            }
            let file = NmapServicesFile(bytes: Array(text.utf8), path: "random")
            #expect(Self.scanned(file) == Self.fromIndex(file), "\(text)")
        }
    }
}

/// What a survey may skip of nmap's comments: only those `citations(in:)` finds nothing in.
@Suite struct NmapCitationTests {
    @Test func aCommentThatMayNotCiteCitesNothing() {
        let comments = [
            "RFC 959", "[RFC1939]", "rfc-1078", "BSD rwhod(8)", "bsd", "Rfc", "xrfcx", "b s d", "", "é RFC 1",
            "Web-ish",
            "r", "rf", "BSD box", "TCP Port Service Multiplexer [rfc-1078] | TCP Port Service Multiplexer",
        ]
        for comment in comments {
            let mayCite = Array(comment.utf8).withUnsafeBufferPointer(NmapServiceEntry.mayCite)
            if !mayCite { #expect(NmapServiceEntry.citations(in: comment).isEmpty, "\(comment)") }
        }
        #expect(Array("BSD supdupd(8)".utf8).withUnsafeBufferPointer(NmapServiceEntry.mayCite))
        #expect(Array("see [Rfc 1078]".utf8).withUnsafeBufferPointer(NmapServiceEntry.mayCite))
        #expect(!Array("Web-ish".utf8).withUnsafeBufferPointer(NmapServiceEntry.mayCite))
        #expect(!Array("rf".utf8).withUnsafeBufferPointer(NmapServiceEntry.mayCite))
    }
}
