import Foundation
import Testing

/// The terminal layer decides whether pictures may use block and box-drawing characters, from
/// the locale (LC_ALL, then LC_CTYPE, then LANG) and TERM, the way it decides colour.
@Suite struct PictureLocaleTests {
    @Test(arguments: [
        (["LANG": "C.UTF-8", "TERM": "xterm"], true),
        (["LANG": "en_US.utf8", "TERM": "xterm-256color"], true),
        (["LANG": "de_DE.UTF-8@euro", "TERM": "xterm"], true),
        (["LANG": "C.UTF-8", "TERM": "dumb"], false),
        (["LANG": "", "TERM": "xterm"], false),
        (["LANG": "C", "TERM": "xterm"], false),
        (["LANG": "en_US.ISO-8859-1", "TERM": "xterm"], false),
        (["LANG": "C", "LC_ALL": "en_US.UTF-8", "TERM": "xterm"], true),
        (["LANG": "C.UTF-8", "LC_ALL": "POSIX", "TERM": "xterm"], false),
        (["LANG": "", "LC_CTYPE": "C.UTF-8", "TERM": "xterm"], true),
        (["LANG": "C", "LC_ALL": "", "LC_CTYPE": "C.UTF-8", "TERM": "xterm"], true),
    ])
    func theLocaleAndTERMDecide(environment: [String: String], unicode: Bool) throws {
        let run = try Porthole.run(["stats", "--timeline"], environment: environment)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains(unicode ? "◀ RFC 6335" : "<- RFC 6335"), "\(environment)")
        #expect(run.stdout.contains("█") == unicode, "\(environment)")
        let map = try Porthole.run(["map"], environment: environment)
        #expect(map.stdout.contains("░ Dynamic 49152-65535, 25%") == unicode, "\(environment)")
        #expect(map.stdout.contains(". Dynamic 49152-65535, 25%") == !unicode, "\(environment)")
    }

    @Test func jsonCarriesNumbersInEveryLocale() throws {
        let run = try Porthole.run(["map", "--json"], environment: ["TERM": "xterm"])
        #expect(run.stdout.hasPrefix("{\"command\":\"map\",\"ok\":true,"))
        #expect(run.stdout.contains("\"ranges\":[{\"name\":\"system\""))
        #expect(!run.stdout.contains("█") && !run.stdout.contains("All 65,536"))
    }
}
