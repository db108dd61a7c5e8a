import ArgumentParser
import Foundation
import MLMCore
import MLMReaders

/// Input files and how to read them.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Input files or globs; '-' reads standard input.", valueName: "files"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp("Input format (default: by extension, .jsonl/.ndjson/.json → jsonl).", valueName: "txt|jsonl"))
    var format: InputFormat?

    @Option(help: ArgumentHelp("The JSON Lines field that holds the text.", valueName: "name"))
    var field = "text"

    @Option(help: ArgumentHelp("What ends a plain-text document.", valueName: "blank-line|line"))
    var docBoundary: DocumentBoundary = .blankLine

    @Option(
        help: ArgumentHelp(
            "JSON Lines records that are not JSON, lack the field or hold a non-string: fail, or skip and count them.",
            valueName: "fail|skip"))
    var badRecords: BadRecordPolicy = .fail

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Skip documents with a line longer than this many bytes.", valueName: "n"))
    var maxLineBytes = 16 << 20

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one input file (or '-' for standard input)") }
        if maxLineBytes < 1024 { throw ValidationError("--max-line-bytes must be at least 1024 (got \(maxLineBytes))") }
        // A file read twice silently doubles its documents: bad usage, refused before anything is read.
        if let paths = try? InputPaths.expand(inputs), let (first, second) = InputPaths.sameFile(in: paths) {
            throw ValidationError(InputPaths.sameFileMessage(first, second))
        }
    }

    /// The reader settings.
    var readerOptions: ReaderOptions {
        var options = ReaderOptions()
        options.format = format
        options.field = field
        options.boundary = docBoundary
        options.maxLineBytes = maxLineBytes
        options.badRecords = badRecords
        return options
    }

    /// Inputs taken literally: an existing name as given, other names as glob patterns (sorted), `-` kept.
    /// - Throws: ``ReaderError`` when a name neither exists nor matches a file as a pattern.
    func expandedPaths() throws -> [String] { try InputPaths.expand(inputs) }
}

extension InputFormat: ExpressibleByArgument {}
extension DocumentBoundary: ExpressibleByArgument {}
extension BadRecordPolicy: ExpressibleByArgument {}
