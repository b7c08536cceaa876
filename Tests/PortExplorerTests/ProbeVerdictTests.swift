import PortListeners
import PortRegistry
import Testing

@testable import PortExplorer

/// `matches` needs evidence: a daemon's name, or a probe that heard the registered protocol.
struct ProbeVerdictTests {
    static let records = [
        ServiceRecord(name: "http-alt", ports: PortRange(8080), transport: .tcp, description: "HTTP Alternate")
    ]
    static func listener(_ owners: [SocketOwner], hidden: String? = nil) -> Listener {
        Listener(
            transport: .tcp, address: "::", port: 8080, uid: 1000, user: "alice", inode: 7, v6Only: false,
            owners: owners, ownerHiddenReason: hidden)
    }
    static let python = listener([
        Territory.owner("python3", pid: 4242, command: "python3 -m http.server 8080", user: "alice", uid: 1000)
    ])

    static func explorer(_ territory: [Listener], probes: [UInt16: ProbeResult] = [:]) -> (Explorer, FixedHost) {
        let host = FixedHost(registry: makeRegistry(records: records), territory: territory)
        host.probeResults = probes
        return (makeExplorer(host: host), host)
    }

    @Test func aRuntimeNeverMatchesByName() {
        #expect(!ServiceMatch.looksLike(process: "python3", command: "python3 -m http.server", service: "http-alt"))
        #expect(!ServiceMatch.looksLike(process: "java", command: "java -jar app.jar", service: "http-alt"))
        #expect(!ServiceMatch.looksLike(process: "node", command: "node server.js", service: "http"))
        #expect(ServiceMatch.isGenericRuntime("python3.11") && ServiceMatch.isGenericRuntime("beam.smp"))
        #expect(ServiceMatch.looksLike(process: "nginx", command: "nginx: master process", service: "http"))
        #expect(ServiceMatch.looksLike(process: "sshd", command: "/usr/sbin/sshd -D", service: "ssh"))
        let (explorer, host) = Self.explorer([Self.python])
        let out = text(of: "who 8080", in: explorer)
        #expect(!out.contains("matches"))
        #expect(host.probes.isEmpty)
    }

    @Test func aProbeThatHearsTheProtocolMakesAMatch() {
        let heard = ProbeResult(
            .identified(.http, banner: "HTTP/1.0, Server: SimpleHTTP/0.6 Python/3.11"), connectedTo: "::1")
        let (explorer, host) = Self.explorer([Self.python], probes: [8080: heard])
        let out = text(of: "who 8080 --probe", in: explorer)
        #expect(out.contains("http-alt    matches"))
        #expect(out.contains("python3, pid 4242 speaks HTTP/1.0, Server:\nSimpleHTTP/0.6 Python/3.11"))
        #expect(host.probes.map(\.address) == ["::"])
        #expect(host.probes.first?.expected == [.http])
        let json = text(of: "who 8080 --probe --json", in: explorer)
        #expect(json.contains(#""probe":{"banner":"HTTP/1.0, Server: SimpleHTTP/0.6 Python/3.11""#))
        #expect(json.contains(#""protocol":"HTTP""#))
        // Another protocol on the port is evidence that it differs.
        let ssh = ProbeResult(.identified(.ssh, banner: "SSH-2.0-OpenSSH_9.2p1"))
        let (other, _) = Self.explorer([Self.python], probes: [8080: ssh])
        #expect(text(of: "who 8080 --probe", in: other).contains("differs"))
    }

    @Test func hiddenOrSilentIsUnknownNeverDoesNotLookLike() {
        let hidden = Self.listener([], hidden: "owned by another user; run as root to see it")
        let (explorer, _) = Self.explorer([hidden])
        #expect(text(of: "who 8080", in: explorer).contains("unknown"))
        let explained = text(of: "explain 8080", in: explorer)
        #expect(!explained.contains("does not look like"))
        #expect(!explained.contains("None of that looks like"))
        #expect(explained.contains("cannot be told"))
        // A silent python3 when probed: unknown too.
        let (silent, _) = Self.explorer([Self.python], probes: [8080: ProbeResult(.silent)])
        let out = text(of: "who 8080 --probe", in: silent)
        #expect(out.contains("unknown"))
        #expect(out.contains("said nothing"))
        let facts = GhostFacts(listeners: [ListenerFact(Self.listener([], hidden: "hidden"))])
        let registration = Registration.group(Self.records)[0]
        let assessment = GhostRules.assess(registration, facts: facts)
        #expect(assessment.evidence.contains { $0.kind == .unidentifiedListener && $0.strength == .noted })
        #expect(!assessment.evidence.contains { $0.sentence.contains("does not look like") })
    }

    @Test func probeTakesOnlyNmapAsAValue() {
        let (explorer, host) = Self.explorer([Self.python])
        #expect(text(of: "who 8080 --probe=nmap", in: explorer).contains("unknown"))
        #expect(host.probes.first?.method == .nmap)
        #expect(failure(of: "who 8080 --probe=telnet", in: explorer)?.contains("--probe=nmap") == true)
    }
}
