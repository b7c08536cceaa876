import PortListeners
import PortRegistry

/// A snapshot in the Prometheus text exposition format, as node_exporter's textfile collector
/// reads it (`snapshot --prometheus FILE`): one `porthole_listener_info` series per listener,
/// counts per verdict, the registry's date and age, and the snapshot's time.
///
/// Labels are kept to what stays stable between runs, so a series lives as long as its
/// listener: port, transport, address, process names, registered names, verdict, host (and
/// netns, only for listeners in another network namespace). Pids, users, inodes and command
/// lines are left out: each restart would start a new series, and command lines can hold
/// secrets that a world-readable file must not.
enum PrometheusTextfile {
    /// Every verdict `who` gives, so `porthole_listeners` has a series for each, zeros too: an
    /// alert on `porthole_listeners{verdict="differs"} > 0` then never sees a gap.
    static let verdicts = ["matches", "differs", "unregistered", "dynamic", "unknown"]

    /// The whole file, ending in a newline.
    static func text(_ snapshot: TerritorySnapshot) -> String {
        var out = ""
        func family(_ name: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
        }
        let host = snapshot.machine.hostName

        family(
            "porthole_listener_info",
            "A socket listening on this host, joined with the IANA registry: its port, transport, address, "
                + "processes, registered names and verdict. The value is the number of sockets with these labels.")
        for (labels, count) in listenerSeries(snapshot) {
            out += "porthole_listener_info{\(labels)} \(count)\n"
        }

        family("porthole_listeners", "Sockets listening on this host, by verdict against the IANA registry.")
        var counts: [String: Int] = [:]
        for entry in snapshot.listeners { counts[entry.verdict, default: 0] += 1 }
        let extra = counts.keys.filter { !verdicts.contains($0) }.sorted()
        for verdict in verdicts + extra {
            out += "porthole_listeners{\(label("verdict", verdict)),\(label("host", host))} \(counts[verdict] ?? 0)\n"
        }

        let registry = snapshot.registry
        family("porthole_registry_info", "The registry the verdicts come from: its kind and the date it was updated.")
        out +=
            "porthole_registry_info{\(label("kind", registry.kind)),\(label("updated", registry.updated ?? "")),"
            + "\(label("host", host))} 1\n"
        if let updated = registry.updated.flatMap(updatedSeconds) {
            family(
                "porthole_registry_updated_timestamp_seconds",
                "When the registry was updated (midnight UTC of its date), in seconds since the Unix epoch.")
            out += "porthole_registry_updated_timestamp_seconds{\(label("host", host))} \(updated)\n"
            family(
                "porthole_registry_age_seconds",
                "How old the registry was when the snapshot was taken, in seconds ('porthole update' renews it).")
            out += "porthole_registry_age_seconds{\(label("host", host))} \(Int(snapshot.takenAt) - updated)\n"
        }

        family("porthole_snapshot_timestamp_seconds", "When porthole looked, in seconds since the Unix epoch.")
        out += "porthole_snapshot_timestamp_seconds{\(label("host", host))} \(Int(snapshot.takenAt))\n"
        return out
    }

    /// Each distinct label set with how many sockets carry it, in the snapshot's order. Two
    /// sockets can share every label (SO_REUSEPORT workers, or the same port in two namespaces
    /// that `--all-netns` does not tell apart by name); a repeated series would make
    /// node_exporter drop the whole file, so they become one series counting both.
    static func listenerSeries(_ snapshot: TerritorySnapshot) -> [(String, Int)] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for entry in snapshot.listeners {
            let l = entry.listener
            var processes: [String] = []
            for owner in l.owners where !processes.contains(owner.process) { processes.append(owner.process) }
            var labels = [
                label("port", String(l.port)), label("transport", l.transport.rawValue), label("address", l.address),
                label("process", processes.joined(separator: ",")),
                label("registered", entry.registered.joined(separator: ",")), label("verdict", entry.verdict),
                label("host", snapshot.machine.hostName),
            ]
            if let netns = l.netns { labels.append(label("netns", netns)) }
            let key = labels.joined(separator: ",")
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += 1
        }
        return order.map { ($0, counts[$0] ?? 0) }
    }

    /// `name="value"`, the value escaped as the exposition format asks (backslash, double
    /// quote, newline). Other control and format characters are legal there but would reach
    /// the terminal of whoever curls `/metrics` and make one name look like another, so they
    /// are written out as porthole shows them everywhere (`\e`, `\x07`, `<U+202E>`: see
    /// `Visible`); a newline stays a newline, which the format can carry exactly.
    static func label(_ name: String, _ value: String) -> String {
        var out = name + "=\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default:
                if Visible.isHidden(scalar) {
                    out += Visible.escape(scalar).replacingBackslashes()
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// The registry's date as seconds since the epoch (midnight UTC; the 1st for a month-only
    /// date); nil when it is not a date.
    static func updatedSeconds(_ text: String) -> Int? {
        guard let day = Day(iso: text) else { return nil }
        return Timestamp.days(fromCivil: day.year, day.month, day.day ?? 1) * 86_400
    }
}

extension String {
    /// Each backslash doubled, as the exposition format's label values need.
    fileprivate func replacingBackslashes() -> String {
        var out = ""
        for scalar in unicodeScalars {
            if scalar == "\\" { out += "\\\\" } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
