import PortSystem

/// `--probe=nmap`: nmap's version detection (`-sV`) against the local listener only, its XML
/// read for the service's name, product and version.
public enum ProbeNmap {
    /// nmap's path, when it is installed in a usual place or on PATH.
    public static func path(environmentPath: String?) -> String? {
        let folders = (environmentPath ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return folders.map { $0 + "/nmap" }.first { access($0, X_OK) == 0 }
    }

    /// Runs nmap against the loopback address (or this host's own address) that `target` needs.
    public static func probe(
        _ target: ProbeTarget, nmap: String, localAddresses: () throws(Errno) -> [String] = localInterfaceAddresses
    ) -> ProbeResult {
        let address: String
        if let loopback = target.loopback {
            address = loopback
        } else if (try? localAddresses())?.contains(target.address) == true {
            address = target.address
        } else {
            return ProbeResult(
                .refused("\(target.address) is not one of this host's addresses, and porthole probes no other host"),
                method: .nmap)
        }
        var arguments = [nmap, "-sV", "-Pn", "-n", "--host-timeout", "30s", "-p", String(target.port), "-oX", "-"]
        if target.transport == .udp { arguments.insert("-sU", at: 2) }
        if address.contains(":") { arguments.insert("-6", at: 1) }
        arguments.append(address)
        let outcome: ChildProcess.Outcome
        do throws(ChildProcess.Failure) {
            outcome = try ChildProcess.run(arguments, capturingStandardError: false, capturingStandardOutput: true)
        } catch {
            return ProbeResult(.failed("nmap could not be run (\(error))"), connectedTo: address, method: .nmap)
        }
        guard outcome.status == 0 else {
            return ProbeResult(
                .failed("nmap exited with status \(outcome.status)"), connectedTo: address, method: .nmap)
        }
        return ProbeResult(read(xml: outcome.standardOutput), connectedTo: address, method: .nmap)
    }

    /// The `<service>` element of nmap's XML: `name`, then product, version and extra information
    /// as the banner. A port nmap could not name stays unrecognised.
    public static func read(xml bytes: [UInt8]) -> ProbeResult.Outcome {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let tag = element("service", in: text) else {
            if let state = element("state", in: text), let value = state["state"], value != "open" {
                return .failed("nmap found the port \(value)")
            }
            return .unrecognized(banner: "")
        }
        let name = tag["name"] ?? "unknown"
        let banner = [tag["product"], tag["version"], tag["extrainfo"].map { "(\($0))" }].compactMap { $0 }
            .joined(separator: " ")
        if name == "unknown" || name == "tcpwrapped" { return .unrecognized(banner: banner) }
        let shown = tag["tunnel"] == "ssl" && name == "http" ? "https" : name
        return .named(shown, banner: banner)
    }

    /// The attributes of the first `<name …>` element, entities decoded.
    static func element(_ name: String, in text: String) -> [String: String]? {
        guard let start = text.firstRange(of: "<" + name + " ") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: ">") else { return nil }
        var attributes: [String: String] = [:]
        var scanner = rest[..<end]
        while let equals = scanner.firstIndex(of: "=") {
            let key = scanner[..<equals].split(separator: " ").last.map(String.init) ?? ""
            let afterEquals = scanner[scanner.index(after: equals)...]
            guard let quote = afterEquals.first, quote == "\"" || quote == "'" else { break }
            let valueStart = afterEquals.index(after: afterEquals.startIndex)
            guard let close = afterEquals[valueStart...].firstIndex(of: quote) else { break }
            attributes[key] = decode(String(afterEquals[valueStart..<close]))
            scanner = afterEquals[afterEquals.index(after: close)...]
        }
        return attributes
    }

    static func decode(_ value: String) -> String {
        var out = value
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")] {
            out = out.replacing(entity, with: character)
        }
        return out
    }
}
