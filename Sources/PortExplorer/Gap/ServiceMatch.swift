/// Decides whether a process looks like the service registered on its port.
///
/// The registry names protocols (`http`, `domain`); processes are programs (`nginx`,
/// `dnsmasq`). A name match in either direction counts (`sshd` for `ssh`, `postgres` for
/// `postgresql`), and so does a program known to serve that protocol. This is a heuristic
/// for teaching, and its answer is worded as "looks like", never as proof.
enum ServiceMatch {
    /// Programs that commonly serve a registered protocol, keyed by service name.
    static let knownServers: [String: Set<String>] = [
        "http": [
            "nginx", "apache2", "httpd", "caddy", "lighttpd", "traefik", "haproxy", "envoy", "node", "python3",
            "gunicorn", "uvicorn",
        ],
        "https": ["nginx", "apache2", "httpd", "caddy", "lighttpd", "traefik", "haproxy", "envoy"],
        "http-alt": ["nginx", "apache2", "httpd", "caddy", "node", "python3", "java", "tomcat"],
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

    /// Whether `process` (its `comm`) or its command line looks like `service`.
    static func looksLike(process: String, command: String, service: String) -> Bool {
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
