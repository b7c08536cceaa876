/// What the user's locale says about the characters the terminal can show, read as the C
/// library would, from the environment alone (setlocale is never called: porthole's own text
/// does not depend on the locale).
enum TerminalLocale {
    /// Whether the locale's character set is UTF-8. POSIX takes the first of `LC_ALL`,
    /// `LC_CTYPE` and `LANG` that is set and not empty; none means the C locale, which is ASCII.
    static func isUTF8(_ variables: [String: String]) -> Bool {
        let name = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { variables[$0] }.first { !$0.isEmpty } ?? "C"
        // `en_US.UTF-8`, `C.utf8`, `de_DE.UTF-8@euro`: the codeset follows the dot.
        guard let dot = name.firstIndex(of: ".") else { return false }
        let codeset = name[name.index(after: dot)...].prefix { $0 != "@" }.lowercased()
        return codeset == "utf-8" || codeset == "utf8"
    }
}
