import PortExplorer

/// The interactive prompt.
struct Interactive {
    let explorer: Explorer
    let console: Console

    func run() -> Int32 {
        console.print(stdout: "porthole \(PortholeVersion.current) — type 'help'\n", stderr: "")
        while true {
            console.print(stdout: "porthole> ", stderr: "")
            console.flush()
            guard let line = readLine() else { return 0 }
            for outcome in explorer.evaluate(line) {
                let rendered = explorer.render(outcome)
                console.print(stdout: rendered.stdout, stderr: rendered.stderr)
                if outcome.quits { return 0 }
            }
        }
    }
}
