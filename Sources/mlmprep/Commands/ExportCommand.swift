import ArgumentParser
import Foundation
import MLMPipeline

/// `mlmprep export`: a tokenized store in another tool's format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a tokenized store in another trainer's format.",
        subcommands: [MegatronExportCommand.self]
    )
}

/// `mlmprep export megatron`: a Megatron-LM indexed dataset, in place of `tools/preprocess_data.py`.
struct MegatronExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "megatron",
        abstract: "Write a Megatron-LM indexed dataset (.bin/.idx) from a tokenized store.",
        discussion: """
            Examples:
              mlmprep export megatron tok/ -o data/corpus --split-sentences   # data/corpus_text_sentence.bin/.idx
              mlmprep export megatron tok/ -o data/corpus --append-eod       # data/corpus_text_document.bin/.idx

            The files are named as Megatron's preprocess_data.py names them for --output-prefix PREFIX: \
            PREFIX_<key>_sentence with --split-sentences (one sequence per sentence of the store), else \
            PREFIX_<key>_document (one sequence per document). Give the part before .bin/.idx to \
            megatron.core.datasets.indexed_dataset.IndexedDataset, or to Megatron's --data-path. Tokens are \
            uint16 below 65,500 vocabulary entries, else int32 (DType.optimal_dtype). Megatron's BERT dataset \
            masks on the fly, so the store is exported unmasked.
            """
    )

    @Argument(help: ArgumentHelp("The tokenized store (from mlmprep tokenize).", valueName: "store"))
    var store: String

    @Option(
        name: [.short, .customLong("output-prefix")],
        help: ArgumentHelp("The output prefix, as preprocess_data.py --output-prefix.", valueName: "prefix"))
    var outputPrefix: String

    @Flag(help: "One sequence per sentence (the store's sentences), as preprocess_data.py --split-sentences.")
    var splitSentences = false

    @Flag(help: "Append the end-of-document token ([SEP], Megatron's BERT eod) to every document (--append-eod).")
    var appendEod = false

    @Option(help: ArgumentHelp("The key in the file names, as preprocess_data.py --json-keys.", valueName: "key"))
    var jsonKey = "text"

    @Flag(help: "Replace existing .bin/.idx files.")
    var overwrite = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if jsonKey.isEmpty || jsonKey.contains("/") { throw ValidationError("--json-key must be a name without /") }
        if outputPrefix.isEmpty || outputPrefix.hasSuffix("/") {
            throw ValidationError("--output-prefix needs a file name part (e.g. data/corpus), got '\(outputPrefix)'")
        }
    }

    func run() throws {
        try CommandErrors.reporting {
            var settings = MegatronExportSettings(store: store, outputPrefix: outputPrefix)
            settings.splitSentences = splitSentences
            settings.appendEOD = appendEod
            settings.jsonKey = jsonKey
            settings.overwrite = overwrite
            let result = try MegatronExportJob(settings: settings).run()
            if !quiet {
                Diagnostics.line(
                    "export: \(result.documents) documents → \(result.sequences) sequences (\(result.tokens) tokens, "
                        + "\(result.tokenType)) in \(result.datasetPrefix).bin/.idx; "
                        + "\(String(format: "%.2f", result.seconds)) s")
            }
        }
    }
}
