import Foundation

/// Finds and runs the Python renderer of `mlmprep report` (`python -m mlmprep_reader.report`).
enum ReportRenderer {
    /// The module the renderer runs and the libraries it needs.
    static let probe = "import mlmprep_reader.report, mlmprep_reader.report_page, matplotlib"

    /// The first Python that imports the renderer: `--python`, `$MLMPREP_PYTHON`, a `.venv/bin/python` in a parent
    /// directory of the executable (a checkout's `.build/<config>/mlmprep`), then `python3` on the PATH.
    static func find(explicit: String?) throws -> String {
        if let named = explicit ?? ProcessInfo.processInfo.environment["MLMPREP_PYTHON"] {
            guard works(named) else { throw missing(tried: [named]) }
            return named
        }
        var tried: [String] = []
        for candidate in checkoutPythons() + ["python3"] {
            if works(candidate) { return candidate }
            tried.append(candidate)
        }
        throw missing(tried: tried)
    }

    /// Runs the renderer with the caller's standard streams; returns its exit status.
    static func run(_ python: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        do {
            try process.run()
        } catch {
            throw CommandFailure.input("cannot run \(python): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : 1
    }

    private static func works(_ python: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", probe]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationReason == .exit && process.terminationStatus == 0
    }

    private static func checkoutPythons() -> [String] {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        var found: [String] = []
        for _ in 0..<4 {
            directory = directory.deletingLastPathComponent()
            let python = directory.appendingPathComponent(".venv/bin/python").path
            if FileManager.default.isExecutableFile(atPath: python) { found.append(python) }
        }
        return found
    }

    private static func missing(tried: [String]) -> CommandFailure {
        CommandFailure.input(
            "the report renderer is missing: \(tried.joined(separator: ", ")) cannot import mlmprep_reader.report "
                + "with matplotlib; install it with tools/setup.sh (into .venv) or pip install './tools/python[report]'"
                + ", or name a Python that has it with --python or MLMPREP_PYTHON")
    }
}
