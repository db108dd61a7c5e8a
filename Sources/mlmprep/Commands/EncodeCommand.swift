import ArgumentParser
import Foundation
import MLMReaders
import MLMTokenizer

/// `mlmprep encode`: prints the tokens and ids of a text, for a quick look (and for parity checks).
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Print the WordPiece tokens and ids of a text.",
        discussion: """
            With --file, every input line (split at \\n, a \\r before it dropped, invalid UTF-8 replaced) is \
            encoded on its own and printed as one line of space-separated ids: the form parity tests compare.
            """
    )

    @Argument(help: "Text to encode (joined with spaces).")
    var text: [String] = []

    @Option(help: ArgumentHelp("Encode every line of this file ('-' for stdin).", valueName: "file"))
    var file: String?

    @Option(help: "What to print: tokens, ids or both (default: ids with --file, both otherwise).")
    var show: Show?

    @OptionGroup var tokenizerOptions: TokenizerOptions

    enum Show: String, ExpressibleByArgument, CaseIterable {
        case tokens, ids, both
    }

    func validate() throws {
        if text.isEmpty && file == nil { throw ValidationError("give a text to encode, or --file") }
    }

    func run() throws {
        try CommandErrors.reporting {
            let (vocabulary, settings) = try tokenizerOptions.load()
            let encoder = BertEncoder(vocabulary: vocabulary, tables: try BertCharacterTables(), settings: settings)
            var output = StandardOutput()
            if let file {
                let source = try ByteSource(path: file)
                var buffer: [UInt8] = []
                while try source.read(appendingTo: &buffer) {}
                var lines = buffer.split(separator: 0x0A, omittingEmptySubsequences: false)
                if buffer.last == 0x0A { lines.removeLast() }
                for line in lines {
                    var bytes = Array(line)
                    if bytes.last == 0x0D { bytes.removeLast() }
                    encoder.reset()
                    bytes.withUnsafeBufferPointer { _ = encoder.encode($0) }
                    try output.write(format(encoder.ids, vocabulary) + "\n")
                }
            } else {
                var joined = text.joined(separator: " ")
                encoder.reset()
                joined.withUTF8 { _ = encoder.encode($0) }
                try output.write(format(encoder.ids, vocabulary) + "\n")
            }
            try output.flush()
        }
    }

    private func format(_ ids: [UInt32], _ vocabulary: Vocabulary) -> String {
        switch show ?? (file == nil ? .both : .ids) {
        case .ids: return ids.map(String.init).joined(separator: " ")
        case .tokens: return ids.map { vocabulary.tokens[Int($0)] }.joined(separator: " ")
        case .both: return ids.map { "\(vocabulary.tokens[Int($0)])/\($0)" }.joined(separator: " ")
        }
    }
}
