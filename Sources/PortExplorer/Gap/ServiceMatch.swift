import PortListeners

/// Decides whether a process looks like the service registered on its port.
///
/// The registry names protocols (`http`, `domain`); processes are programs (`nginx`,
/// `dnsmasq`). A name match in either direction counts (`sshd` for `ssh`, `postgres` for
/// `postgresql`), and so does a program known to serve that protocol. A generic runtime
/// (python3, java, node…) never matches by name: it can run any server, so its name is no
/// evidence, and only a probe of what it speaks can tell. This is a heuristic for teaching,
/// and its answer is worded as "looks like", never as proof.
enum ServiceMatch {
    /// Programs that commonly serve a registered protocol, keyed by service name.
    static let knownServers: [String: Set<String>] = [
        "http": [
            "nginx", "apache2", "httpd", "caddy", "lighttpd", "traefik", "haproxy", "envoy", "gunicorn", "uvicorn",
        ],
        "https": ["nginx", "apache2", "httpd", "caddy", "lighttpd", "traefik", "haproxy", "envoy"],
        "http-alt": ["nginx", "apache2", "httpd", "caddy", "tomcat"],
        "ssh": ["sshd", "dropbear"],
        "domain": [
            "named", "dnsmasq", "unbound", "systemd-resolve", "systemd-resolved", "coredns", "pdns_server", "knotd",
        ],
        "smtp": ["master", "postfix", "exim4", "exim", "sendmail", "opensmtpd", "smtpd"],
        "submission": ["master", "postfix", "exim4", "exim", "sendmail"],
        "imap": ["dovecot", "imap-login"],
        "imaps": ["dovecot", "imap-login"],
        "pop3": ["dovecot", "pop3-login"],
        "ntp": ["ntpd", "chronyd", "systemd-timesyncd", "openntpd"],
        "bootps": ["dhcpd", "dnsmasq", "kea-dhcp4"],
        "bootpc": ["dhclient", "systemd-networkd", "NetworkManager"],
        "mdns": ["avahi-daemon", "systemd-resolved", "mDNSResponder"],
        "postgresql": ["postgres", "postmaster"],
        "mysql": ["mysqld", "mariadbd"],
        "redis": ["redis-server"],
        "memcache": ["memcached"],
        "sunrpc": ["rpcbind", "portmap"],
        "microsoft-ds": ["smbd"],
        "netbios-ns": ["nmbd"],
        "ipp": ["cupsd"],
        "ldap": ["slapd"],
        "kerberos": ["krb5kdc"],
        "rsync": ["rsync"],
        "ftp": ["vsftpd", "proftpd", "pure-ftpd"],
        "syslog": ["rsyslogd", "syslog-ng"],
    ]

    /// Interpreters and virtual machines that run programs of every kind, by their short name
    /// without a version (`python3.11` is `python`).
    static let genericRuntimes: Set<String> = [
        "python", "pypy", "java", "node", "nodejs", "deno", "bun", "ruby", "perl", "php", "dotnet", "beam",
        "beam.smp", "erl", "escript", "elixir", "mono", "lua", "luajit", "tclsh", "racket", "guile", "sbcl",
        "julia", "rscript", "ghc", "runghc", "qemu", "wine",
    ]

    /// Whether a process name is a generic runtime: `python3`, `python3.11`, `java`, `beam.smp`.
    static func isGenericRuntime(_ process: String) -> Bool {
        let name = process.lowercased()
        if genericRuntimes.contains(name) { return true }
        var base = Substring(name)
        while let last = base.last, last.isNumber || last == "." || last == "-" { base = base.dropLast() }
        return genericRuntimes.contains(String(base))
    }

    /// Whether `process` (its `comm`) or its command line looks like `service`; a generic
    /// runtime never does.
    static func looksLike(process: String, command: String, service: String) -> Bool {
        if isGenericRuntime(process) { return false }
        let program = normalize(process)
        let wanted = normalize(service)
        guard !program.isEmpty, !wanted.isEmpty else { return false }
        if program == wanted || program == wanted + "d" { return true }
        if program.count >= 3, wanted.count >= 3, program.hasPrefix(wanted) || wanted.hasPrefix(program) { return true }
        if let servers = knownServers[service.lowercased()],
            servers.contains(process) || servers.contains(programName(command))
        {
            return true
        }
        return false
    }

    /// The program's base name from a command line (`/usr/sbin/nginx -g …` → `nginx`).
    static func programName(_ command: String) -> String {
        let first = command.split(separator: " ").first.map(String.init) ?? ""
        return first.split(separator: "/").last.map(String.init) ?? first
    }

    static func normalize(_ text: String) -> String {
        String(
            text.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }.map(
                Character.init))
    }
}

/// How a listener compares with the service registered on its port, on the evidence there is.
enum Resemblance: Sendable, Equatable {
    /// A daemon-name match, or a probe found the registered protocol.
    case looksLike
    /// A dedicated program by another name, or a probe found another protocol.
    case differs
    /// Nothing to judge by: the owner is hidden, or it said nothing porthole recognises when
    /// probed. It counts neither for nor against the service.
    case cannotTell

    /// Judges the owners (`comm` and command line) and the probe's finding against `services`.
    static func judge(processes: [String], commands: [String], probe: ProbeResult?, services: [String]) -> Resemblance {
        let owners = zip(processes, commands)
        if owners.contains(where: { owner in
            services.contains { ServiceMatch.looksLike(process: owner.0, command: owner.1, service: $0) }
        }) {
            return .looksLike
        }
        if let found = probe?.protocolFound {
            return services.flatMap(ProbeProtocol.expected(forService:)).contains(found) ? .looksLike : .differs
        }
        if case .named(let name, _)? = probe?.outcome {
            return services.contains { $0.lowercased() == name.lowercased() } ? .looksLike : .differs
        }
        if processes.isEmpty { return .cannotTell }
        switch probe?.outcome {
        case .silent?, .unrecognized?: return .cannotTell
        default: return .differs
        }
    }
}
