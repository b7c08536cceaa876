import Foundation
import PortholeTestSupport
import Testing

@testable import porthole

/// `porthole history` from the shell reads libedit's file; `history --clear` empties it.
@Suite struct HistoryFromTheShellTests {
    /// As libedit writes it: strvis(3) escapes for spaces, a backslash and UTF-8 bytes.
    static let file = "_HiStOrY_V2_\nlookup\\0402991\nwho\\04022\\040--wide\nexplain\\040caf\\303\\251\\040a\\\\b\n"

    func home() throws -> URL {
        let home = try Porthole.temporaryHome()
        let folder = home.appendingPathComponent("state/porthole")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.file.utf8).write(to: folder.appendingPathComponent("history"))
        chmod(folder.appendingPathComponent("history").path, 0o600)
        return home
    }

    @Test func printsTheSavedHistoryDecoded() throws {
        let home = try home()
        defer { try? FileManager.default.removeItem(at: home) }
        let run = try Porthole.run(["history"], home: home)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == "1  lookup 2991\n2  who 22 --wide\n3  explain café a\\b\n")
        let json = try Porthole.run(["history", "--json"], home: home)
        #expect(json.stdout.contains("\"history\":[\"lookup 2991\",\"who 22 --wide\",\"explain café a\\\\b\"]"))
    }

    @Test func clearEmptiesTheFileAtomically() throws {
        let home = try home()
        defer { try? FileManager.default.removeItem(at: home) }
        let path = historyFile(in: home).path
        var before = stat()
        stat(path, &before)
        let run = try Porthole.run(["history", "--clear"], home: home)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == "history cleared (3 entries forgotten)\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "_HiStOrY_V2_\n")
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_ino != before.st_ino, "a new file swapped in, not the old one truncated")
        #expect(after.st_mode & 0o777 == 0o600)
        #expect(try Porthole.run(["history"], home: home).stdout == "no history yet\n")
    }

    @Test func noFileIsNoHistory() throws {
        let run = try Porthole.run(["-c", "history; history --clear"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == "no history yet\n\nhistory cleared (0 entries forgotten)\n")
    }

    @Test func unvisDecodesEveryForm() {
        func decode(_ text: String) -> String {
            String(decoding: HistoryFile.unvis(Array(text.utf8)), as: UTF8.self)
        }
        #expect(decode("a\\040b\\sc\\td") == "a b c\td")
        #expect(decode("\\^A\\^?") == "\u{1}\u{7f}")
        #expect(HistoryFile.unvis(Array("\\M-a\\M^A".utf8)) == [0xE1, 0x81])
        #expect(decode("trailing\\") == "trailing\\" && decode("\\q") == "\\q")
        #expect(HistoryFile.entries(in: Array(Self.file.utf8)).count == 3)
    }
}
