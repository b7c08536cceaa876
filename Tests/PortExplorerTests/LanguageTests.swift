import Testing

@testable import PortExplorer

@Suite struct TokenizerTests {
    @Test(
        arguments: [
            ("help", [["help"]]),
            ("  help   set  ", [["help", "set"]]),
            ("help; version", [["help"], ["version"]]),
            ("help;;version;", [["help"], ["version"]]),
            ("lookup 'two words' \"x;y\"", [["lookup", "two words", "x;y"]]),
            ("lookup a\\ b", [["lookup", "a b"]]),
            ("# a comment", []),
            ("help # trailing comment", [["help"]]),
            ("lookup ~a#b", [["lookup", "~a#b"]]),
            ("", []),
            ("set format café", [["set", "format", "café"]]),
        ] as [(String, [[String]])])
    func splitsCommandsAndWords(line: String, expected: [[String]]) throws {
        #expect(try Tokenizer.commands(in: line) == expected)
    }

    @Test func unterminatedQuotesAreNamed() {
        #expect(
            errorMessage { () throws(CommandError) in _ = try Tokenizer.commands(in: "help 'x") }
                == "unterminated single quote")
        #expect(
            errorMessage { () throws(CommandError) in _ = try Tokenizer.commands(in: "help \"x") }
                == "unterminated double quote")
    }
}

@Suite struct ErrorMessageTests {
    @Test(
        arguments: [
            ("lokup", "unknown command 'lokup'; did you mean 'lookup'? (type 'help' for the list)"),
            ("hlep", "unknown command 'hlep'; did you mean 'help'? (type 'help' for the list)"),
            ("frobnicate", "unknown command 'frobnicate' (type 'help' for the list)"),
            ("set", nil),
            ("set format xml", "set format: expected text, json, csv or tsv, not 'xml'"),
            ("set color blue", "set color: expected auto, always or never, not 'blue'"),
            ("set format", "set: expected a setting and a value, e.g. 'set format json'"),
            ("set speed fast", "set: unknown setting 'speed'; the settings are format, color and pager"),
            ("help nosuch", "help: no command named 'nosuch'"),
            ("help hepl", "help: no command named 'hepl'; did you mean 'help'?"),
            ("help a b", "help: expected at most one command name, got 2"),
            ("version now", "version: unexpected argument 'now'; 'version' takes none"),
            ("version --verbose", "version: unknown option '--verbose' (it takes none)"),
            ("history", "history: neither XDG_STATE_HOME nor HOME is set, so no history is kept"),
        ] as [(String, String?)])
    func messagesNameTheProblem(line: String, expected: String?) {
        #expect(failure(of: line) == expected)
    }

    @Test func suggestionsUseEditDistance() {
        #expect(Suggest.distance("lokup", "lookup") == 1)
        #expect(Suggest.distance("hlep", "help") == 1)
        #expect(Suggest.nearest(to: "zzzzzz", in: ["help", "set"]) == nil)
    }
}

@Suite struct SessionTests {
    @Test func setChangesFormatForLaterCommands() {
        let explorer = makeExplorer()
        #expect(
            text(of: "set format json", in: explorer)
                == "{\"command\":\"set\",\"ok\":true,\"color\":\"auto\",\"format\":\"json\",\"pager\":true}\n")
        #expect(text(of: "version", in: explorer).hasPrefix("{\"command\":\"version\",\"ok\":true,"))
        #expect(text(of: "set format text", in: explorer) == "format is now text\n")
    }

    @Test func quitStopsTheLine() {
        let outcomes = makeExplorer().evaluate("version; quit; version")
        #expect(outcomes.map(\.command) == ["version", "quit"])
        #expect(outcomes.last?.quits == true)
        #expect(makeExplorer().evaluate("exit").first?.quits == true)
    }

    @Test func failuresInJSONCarryTheMessageAndLine() {
        let explorer = makeExplorer(format: .json)
        let outcome = explorer.evaluate("lokup 1")[0]
        let output = RecordedOutput()
        Transcript(explorer: explorer, output: output).record(outcome, line: 7)
        let rendered = output
        #expect(
            rendered.stdout
                == "{\"command\":\"lokup\",\"ok\":false,\"error\":{\"line\":7,\"message\":\"unknown command 'lokup'; did you mean 'lookup'? (type 'help' for the list)\"}}\n"
        )
        #expect(
            rendered.stderr
                == "porthole: line 7: unknown command 'lokup'; did you mean 'lookup'? (type 'help' for the list)\n")
    }

    @Test func errorsAreLabelledByInputMode() {
        let error = CommandError(problem: "boom")
        func label(_ input: InputMode, _ line: Int?) -> String {
            Transcript(explorer: makeExplorer(input: input), output: RecordedOutput()).errorLine(error, line: line)
        }
        #expect(label(.script, 3) == "porthole: line 3: boom")
        #expect(label(.oneShot, nil) == "porthole: boom")
        #expect(label(.interactive, nil) == "error: boom")
    }

    @Test func helpListsEveryDeclaredCommand() {
        let explorer = makeExplorer()
        // Wrapped to 80 columns: compared with runs of spaces and newlines as one space.
        func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let listing = text(of: "help", in: explorer)
        for spec in explorer.commands {
            #expect(listing.contains(spec.name + "  ") && words(listing).contains(spec.summary))
            #expect(words(text(of: "help \(spec.name)", in: explorer)).hasPrefix(spec.usage))
        }
        #expect(text(of: "help set", in: explorer).contains("set format json"))
    }
}

@Suite struct CompletionTests {
    @Test(
        arguments: [
            ("h", ["help", "history"]),
            ("he", ["help"]),
            ("hel", ["help"]),
            ("set ", ["color", "format", "pager"]),
            ("set f", ["format"]),
            ("set format ", ["csv", "json", "text", "tsv"]),
            ("set color a", ["always", "auto"]),
            ("help ve", ["version"]),
            ("version; se", ["set"]),
            ("nosuch ", []),
        ] as [(String, [String])])
    func candidatesComeFromTheDeclarations(line: String, expected: [String]) {
        #expect(makeExplorer().complete(line).candidates == expected)
    }

    @Test func wordStartIsAByteOffset() {
        let completion = makeExplorer().complete("set format café; se")
        #expect(completion.wordStart == "set format café; ".utf8.count)
        #expect(completion.prefix == "se")
        #expect(makeExplorer().complete("h").commonPrefix == "h")
    }
}

@Suite struct JSONTests {
    @Test func encodingIsDeterministicAndEscaped() {
        let literal: JSON = ["b": [1, .double(2.5), nil, true], "a": "quote\" back\\ nl\n tab\t \u{01} é"]
        #expect(literal.encoded == #"{"b":[1,2.5,null,true],"a":"quote\" back\\ nl\n tab\t \u0001 é"}"#)
        let dictionary = JSON.object(["b": 1, "a": 2])
        #expect(dictionary.encoded == #"{"a":2,"b":1}"#)
    }
}
