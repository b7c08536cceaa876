import Testing

@testable import PortExplorer

/// An error message repeats at most 80 characters of any one thing the user typed, and the
/// banner says at once when there is no registry to answer from.
@Suite struct EchoLimitTests {
    let x80 = String(repeating: "x", count: 80)

    @Test func shortMessagesAreUntouched() {
        let text = "lookup: 'wkstn' is not a port; porthole's names are 'a', 'b' (type 'help')"
        #expect(CommandError.clippingTokens(text) == text)
        let long = "porthole's message is long but every word in it is short, " + String(repeating: "so ", count: 40)
        #expect(CommandError.clippingTokens(long) == long)
    }

    @Test func quotedAndBareTokensAreCutAt80Characters() {
        #expect(CommandError.clippingTokens("unknown command '\(x80)' here") == "unknown command '\(x80)' here")
        #expect(
            CommandError.clippingTokens("unknown command '\(x80)x'; did you mean 'y'?")
                == "unknown command '\(x80)…'; did you mean 'y'?")
        #expect(CommandError.clippingTokens("port \(x80)12345 is out of range") == "port \(x80)… is out of range")
        // A quoted token may hold spaces; it is still one token.
        let spaced = String(repeating: "a ", count: 100)
        #expect(
            CommandError.clippingTokens("no name '\(spaced)' (hint)")
                == "no name '\(String(spaced.prefix(80)))…' (hint)")
        // An apostrophe inside a word neither opens nor closes a quote.
        #expect(
            CommandError.clippingTokens("'don't \(x80)x' isn't known")
                == "'don't \(String(repeating: "x", count: 74))…' isn't known")
    }

    @Test func everyMessageIsClippedWhereItIsAssembled() {
        let error = CommandError("lookup", problem: "no service named '\(x80)yyy'", hint: "'\(x80)zzz'")
        #expect(error.message == "lookup: no service named '\(x80)…' ('\(x80)…')")
    }

    @Test func theBannerSaysWhenThereIsNoRegistry() {
        let host = makeHost()
        host.registry = .failure(CommandError(problem: "cannot use the registry: /r.xml: no such file"))
        let banner = makeExplorer(host: host, input: .interactive).banner()
        #expect(banner.contains("Registry: none — cannot use the registry: /r.xml: no such file.\n"), "\(banner)")
    }
}
