import Foundation
import PortListeners
import Testing

@testable import PortExplorer

/// `explain` run as a command on a fixed host: the territory and the port settings it quotes.
@Suite struct ExplainCommandTests {
    /// The paragraphs of `explain LINE`'s body.
    func paragraphs(_ line: String, territory: [Listener]?) throws -> [String] {
        let json = try Territory.json(line, in: makeExplorer(host: Territory.host(territory: territory)))
        guard case .string(let body)? = json["text"] else { throw Territory.Unexpected(outcomes: 0) }
        return body.components(separatedBy: "\n\n")
    }

    @Test func aListenerOnThePortChangesWhatIsSaidAboutHere() throws {
        let with = try paragraphs("explain 2991", territory: Territory.all)
        let without = try paragraphs("explain 2991", territory: [])
        #expect(
            with[4]
                == "On this host, python3 (pid 4242) listens on 127.0.0.1:2991/tcp. None of that looks like wkstn-mon: the port is in use here, by something the registry does not describe."
        )
        #expect(without[4] == "Nothing listens on port 2991 on this host right now (read from fixed).")
        #expect(
            with.last
                == "In short: the registry promises wkstn-mon, and this host runs python3 on port 2991. Believe the territory: on this machine, port 2991 means python3, whatever the registry says."
        )
        #expect(
            without.last
                == "In short: port 2991 is a name in a ledger. Someone registered it, and nothing shows the protocol ever ran in public. If you find it open somewhere, the registry will not tell you what it is; the process holding the socket will."
        )
        // The listener has its own paragraph; the verdict does not say it again.
        #expect(!with[2].contains("python3"))
        #expect(with.filter { $0.contains("python3 (pid 4242) listens on 127.0.0.1:2991/tcp") }.count == 1)
        #expect(with[0] == without[0] && with[1] == without[1])
    }

    @Test func aMatchingListenerAgreesWithTheMap() throws {
        let with = try paragraphs("explain 22", territory: Territory.all)
        let without = try paragraphs("explain 22", territory: [])
        #expect(
            with[4]
                == "On this host, sshd (pid 812) listens on 0.0.0.0:22/tcp. That looks like ssh, the registered service: here the map and the territory agree."
        )
        #expect(
            with.last
                == "In short: ssh is registered here and something that looks like it is running. For this port, the map describes the territory."
        )
        #expect(without[4] == "Nothing listens on port 22 on this host right now (read from fixed).")
        #expect(
            without.last == "In short: ssh is a real, documented protocol; this host just does not run it right now.")
        // The fixed host's unprivileged port start (80), not this machine's.
        #expect(
            with[1]
                == "Port 22 is a System port (0-1023), where new assignments need IETF Review or IESG Approval. On this host only privileged programs may bind it (ip_unprivileged_port_start is 80)."
        )
    }

    @Test func anUnreadableTerritoryIsSaid() throws {
        let text = try paragraphs("explain 2991", territory: nil)
        #expect(
            text[4]
                == "porthole cannot see this host's listeners (this host's sockets cannot be read), so it cannot say whether anything uses port 2991 here."
        )
    }

    @Test func theListenerFieldsFollowTheTerritory() throws {
        let with = try Territory.json("explain 2991", in: makeExplorer(host: Territory.host()))
        #expect(with["listeners"] == [["endpoint": "127.0.0.1:2991/tcp", "processes": ["python3"], "pids": [4242]]])
        #expect(with["verdict"] == "ghost")
        let unseen = try Territory.json("explain 2991", in: makeExplorer(host: Territory.host(territory: nil)))
        #expect(unseen["listeners"] == .null)
    }

    @Test func onlyThePortIsAskedFor() throws {
        let host = Territory.host()
        _ = try Territory.text("explain 2991/udp", in: makeExplorer(host: host))
        #expect(host.requests == [TerritoryRequest(ports: [2991...2991])])
    }

    @Test func rangesQuotesTheHostsSettings() throws {
        let explorer = makeExplorer(host: Territory.host())
        let text = try Territory.text("explain ranges", in: explorer)
        #expect(text.hasPrefix("The three port ranges\n\n"))
        #expect(
            text.hasSuffix(
                """
                On this host the kernel picks source ports for outgoing connections from
                40000-50000, 10,001 ports (read just now from
                /proc/sys/net/ipv4/ip_local_port_range). That is not IANA's Dynamic range:
                40000-49151 of it lies in the User range, so an outgoing connection can briefly
                hold a port that a registered service would like to listen on.

                Here /proc/sys/net/ipv4/ip_unprivileged_port_start is 80: ordinary programs may
                bind ports from 80 up; below that they need root or the CAP_NET_BIND_SERVICE
                capability. No ports are kept out of the ephemeral range here:
                /proc/sys/net/ipv4/ip_local_reserved_ports is empty, as it is by default.
                """))
        let json = try Territory.json("explain ranges", in: explorer)
        #expect(json["ephemeralRange"] == ["low": 40000, "high": 50000])
        #expect(json["unprivilegedPortStart"] == 80)
    }

    /// The picture marks the listeners, so the ranges look at every port once; an unreadable
    /// territory is said under the picture, and the text still answers.
    @Test func rangesAsksTheTerritoryOnceForThePicture() throws {
        let host = Territory.host(territory: nil)
        let text = try Territory.text("explain ranges", in: makeExplorer(host: host))
        #expect(host.requests == [TerritoryRequest(ports: nil)])
        #expect(text.contains("listeners: porthole cannot see them here (this host's sockets cannot be"))
    }

    @Test func aWordThatIsNoFormOfExplainsOffersOnlyExplainsForms() {
        #expect(
            failure(of: "explain 端口", in: makeExplorer(host: Territory.host()))
                == "explain: '端口' is not a topic, a port (0-65535, optionally /tcp or /udp) or a service name (type 'explain' for the topics)"
        )
    }
}

/// A port's story leads with three lines, and `--brief` prints them alone; how to look on other
/// machines is said once, in 'explain listening' and 'explain nmap'.
@Suite struct ExplainAnswerTests {
    func text(_ line: String, territory: [Listener]? = Territory.all, width: Int = 80) throws -> String {
        let outcomes = makeExplorer(host: Territory.host(territory: territory)).evaluate(line)
        return try outcomes[0].result.get().text(TextContext(width: width))
    }

    @Test(
        arguments: [
            (
                "explain 2991 --brief", Territory.all,
                """
                map        wkstn-mon (TCP, UDP), citing no document
                territory  python3 (pid 4242) on 127.0.0.1:2991/tcp
                verdict    differs: python3, not wkstn-mon (ghost)
                """
            ),
            (
                "explain 2991 --brief", [],
                """
                map        wkstn-mon (TCP, UDP), citing no document
                territory  nothing listens on 2991 here
                verdict    ghost: nothing shows wkstn-mon ever ran
                """
            ),
            (
                "explain 2991 --brief", nil,
                """
                map        wkstn-mon (TCP, UDP), citing no document
                territory  cannot be seen here (this host's sockets cannot be read)
                verdict    ghost: nothing shows wkstn-mon ever ran (listeners here unseen)
                """
            ),
            (
                "explain ssh --brief", Territory.all,
                """
                map        ssh (TCP), citing RFC 4251
                territory  sshd (pid 812) on 0.0.0.0:22/tcp
                verdict    matches: sshd looks like ssh
                """
            ),
            (
                "explain 22 --brief", [],
                """
                map        ssh (TCP), citing RFC 4251
                territory  nothing listens on 22 here
                verdict    documented: a real protocol, not running here now
                """
            ),
            (
                "explain 631 --brief", Territory.all,
                """
                map        ipp (TCP), citing no document
                territory  a process porthole cannot see on 127.0.0.1:631/tcp
                verdict    unknown: cannot tell from here whether this is ipp
                """
            ),
            (
                "explain 3000 --brief", Territory.all,
                """
                map        no entry at all (this copy of the registry may be partial)
                territory  node (pid 5000) on [::]:3000/tcp
                verdict    unregistered: node took a number nobody holds
                """
            ),
            (
                "explain 50000 --brief", Territory.all,
                """
                map        no entry: the Dynamic range, which IANA never assigns
                territory  game (pid 6000) on 0.0.0.0:50000/udp
                verdict    dynamic: game uses a number IANA never assigns
                """
            ),
            (
                "explain 4 --brief", Territory.all,
                """
                map        Unassigned: nobody holds it
                territory  nothing listens on 4 here
                verdict    free: nothing claims port 4, on paper or here
                """
            ),
        ] as [(String, [Listener]?, String)])
    func briefIsExactlyThreeLinesFromLiveData(line: String, territory: [Listener]?, expected: String) throws {
        let out = try text(line, territory: territory)
        #expect(out == expected)
        #expect(out.split(separator: "\n").count == 3)
    }

    @Test func theStoryLeadsWithTheSameThreeLines() throws {
        let brief = try text("explain 2991 --brief")
        let story = try text("explain 2991")
        #expect(story.hasPrefix("Port 2991\n\n" + brief + "\n\nIn the test.xml of 2025-12-15, port 2991"))
        #expect(
            story.contains(
                """

                To look for a listener on port 2991 on another machine, 'explain listening'
                gives the commands for Linux, macOS and Windows; to ask it from outside,
                'explain nmap'.

                In short: the registry promises wkstn-mon
                """))
    }

    @Test func theThreeLinesWrapUnderThemselvesWhenNarrow() throws {
        let out = try text("explain 2991 --brief", territory: nil, width: 60)
        #expect(
            out == """
                map        wkstn-mon (TCP, UDP), citing no document
                territory  cannot be seen here (this host's sockets cannot
                           be read)
                verdict    ghost: nothing shows wkstn-mon ever ran
                           (listeners here unseen)
                """)
    }

    @Test func briefJSONIsTheThreeLinesWithTheFacts() throws {
        let json = try Territory.json("explain 2991 --brief", in: makeExplorer(host: Territory.host()))
        #expect(
            json["text"]
                == "wkstn-mon (TCP, UDP), citing no document\npython3 (pid 4242) on 127.0.0.1:2991/tcp\ndiffers: python3, not wkstn-mon (ghost)"
        )
        #expect(
            json["answer"]
                == [
                    "map": "wkstn-mon (TCP, UDP), citing no document",
                    "territory": "python3 (pid 4242) on 127.0.0.1:2991/tcp",
                    "verdict": "differs: python3, not wkstn-mon (ghost)",
                ])
        #expect(json["brief"] == true && json["verdict"] == "ghost")
        let full = try Territory.json("explain 2991", in: makeExplorer(host: Territory.host()))
        #expect(full["answer"] == json["answer"] && full["brief"] == false)
        guard case .string(let body)? = full["text"] else { throw Territory.Unexpected(outcomes: 0) }
        #expect(body.hasPrefix("In the test.xml"))
    }

    @Test func theHowToLookBlockIsInListeningAndNotInAPortStory() throws {
        let listening = try text("explain listening")
        let nmap = try text("explain nmap")
        for port in ["22", "2991", "0", "50000"] {
            let story = try text("explain \(port)")
            for command in ["ss -ltnup", "lsof", "netstat", "Get-NetTCPConnection", "nmap -p", "nmap -sV"] {
                #expect(!story.contains(command), "explain \(port) repeats \(command)")
            }
        }
        #expect(
            listening.contains(
                """
                  Linux:    ss -ltnup 'sport = :2991'
                  macOS:    lsof -nP -i :2991
                  Windows:  netstat -ano | findstr :2991
                            Get-NetTCPConnection -LocalPort 2991
                """))
        #expect(nmap.contains("From outside, 'nmap -p 2991 HOST' says whether port 2991 on HOST answers"))
        #expect(!(try text("explain 0")).contains("'explain listening'"))
    }

    /// Over territories, the story keeps its answer (this host's) and ends with the hosts read
    /// from files; brief, the three lines stay this host's alone.
    @Test func overTerritoriesTheAnswerStaysThisHosts() throws {
        let explorer = makeExplorer(host: Territory.host())
        _ = explorer.maps.territories.add([
            TerritoryFile(path: "fleet.jsonl", modified: 0, bytes: .success(Array(AcrossHostsTests.fleet.utf8)))
        ])
        let story = try explorer.evaluate("explain 2991")[0].result.get().text(Territory.plain)
        let brief = try explorer.evaluate("explain 2991 --brief")[0].result.get().text(Territory.plain)
        #expect(brief == (try text("explain 2991 --brief")))
        #expect(story.hasPrefix("Port 2991\n\n" + brief + "\n\n"))
        #expect(
            story.hasSuffix(
                "Across the 3 hosts read from files ('territory list'): python3 on 2991/tcp on\nlab1 and lab4. Nothing listens there on the other one."
            ))
    }

    @Test func briefIsForPortsAndNames() {
        #expect(
            failure(of: "explain ranges --brief", in: makeExplorer(host: Territory.host()))
                == "explain: --brief shortens the story of a port; give a port or a name")
    }
}
