import ArgumentParser

/// The `mlmprep` command: turns raw text into masked-language-model training data.
@main
struct MLMPrep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlmprep",
        abstract: "Turn raw text into masked-language-model training data.",
        discussion: """
            Tokenize once (mlmprep tokenize), then mask as often as you like. Output is zstd-compressed \
            safetensors batches (the MLMB container) that any trainer can read.
            """,
        version: MLMPrepVersion.string,
        subcommands: [TokenizeCommand.self, EncodeCommand.self]
    )
}

/// The tool's version, written into every manifest.
enum MLMPrepVersion {
    static let string = "0.1.0"
}
