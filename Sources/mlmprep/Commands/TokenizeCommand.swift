import ArgumentParser

/// `mlmprep tokenize`: streams text into a tokenized store.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenize", abstract: "Tokenize text into a store.")
    func run() throws {}
}
