import ArgumentParser
import Foundation

/// `mlmprep report`: one self-contained HTML page about stores, batch directories and PMI tables.
///
/// The figures and the charts come from the Python renderer shipped in `tools/python` (`mlmprep_reader.report`,
/// matplotlib SVG inline, docs/design.md §8); this command finds a Python that has it and runs it.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one HTML page of charts about stores, batch directories and PMI tables.",
        discussion: """
            Each PATH is a tokenized store, a batch directory (recognised by the format in manifest.json) or a \
            PMI table (by its first line), in any mix. The page shows, per store: tokens per document, token \
            frequency by rank (log-log), the [UNK] rate; per batch directory: the predicted and corrupted rate \
            per sequence against the setting, unit lengths (against the truncated geometric for spans), the \
            [MASK]/random/kept split against the setting, real length and padding per sequence; per table: the \
            top n-grams of each length with counts and scores; and, with --stats STAGE=FILE (a --stats-json \
            file), MB/s per stage. The page needs no network: the charts are inline SVG, the numbers are also \
            embedded as JSON (<script id="mlmprep-report-data">). The renderer is Python with matplotlib: \
            tools/setup.sh installs it in .venv, or pip install './tools/python[report]'.
            """
    )

    @Argument(help: ArgumentHelp("Stores, batch directories and PMI tables.", valueName: "path"))
    var paths: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("The HTML page to write.", valueName: "report.html"))
    var output: String

    @Option(help: ArgumentHelp("A stage's --stats-json file, for the throughput chart (repeatable).",
                               valueName: "stage=file"))
    var stats: [String] = []

    @Option(help: ArgumentHelp("The Python that has mlmprep_reader and matplotlib (default: $MLMPREP_PYTHON, "
                                   + "the checkout's .venv, python3).", valueName: "python"))
    var python: String?

    func run() throws {
        let interpreter = try ReportRenderer.find(explicit: python)
        var arguments = ["-m", "mlmprep_reader.report"] + paths.map { $0.hasPrefix("-") ? "./" + $0 : $0 }
        arguments += ["-o", output]
        for entry in stats { arguments += ["--stats", entry] }
        let status = try ReportRenderer.run(interpreter, arguments)
        if status != 0 { throw CommandFailure(message: nil, status: status == 2 ? 2 : 1) }
    }
}
