import MLMSystem
import ArgumentParser
import Foundation
import MLMCore
import MLMPipeline
import MLMShards
import MLMTokenizer

/// `mlmprep inspect`: decodes a few masked sequences back to wordpieces and shows what was masked.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a few masked sequences: [MASK]ed, randomly replaced and kept-but-predicted tokens.",
        discussion: """
            On a terminal the three kinds are coloured (red: replaced by [MASK], yellow: replaced by a random \
            token, shown as new←original, green: kept but predicted). With --plain (or when the output is not \
            a terminal) they are marked [MASK:original], {new←original} and <kept>.
            """
    )

    @Argument(help: ArgumentHelp("A batch directory (from mlmprep mask -o) or one shard file.", valueName: "path"))
    var path: String

    @Option(help: ArgumentHelp("The vocabulary (default: vocab.txt in the directory or beside the shard).", valueName: "file"))
    var vocab: String?

    @Option(help: ArgumentHelp("Which batch (record) to show, counting from 0 over the whole directory.", valueName: "n"))
    var batch = 0

    @Option(help: ArgumentHelp("How many sequences of the batch to show.", valueName: "n"))
    var sequences = 3

    @Flag(help: "Plain markers instead of colours.")
    var plain = false

    func run() throws {
        try CommandErrors.reporting {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ShardError(.io, "no such file or directory; give a batch directory or a .mlmb.zst shard", path: path)
            }
            var shards: [String] = []
            var vocabPath = vocab
            var vocabularySize: Int?
            if isDirectory.boolValue {
                // The manifest against the directory: shard list, counts, vocabulary digest and size, format.
                let check = try ManifestCheck(directory: path, expecting: .batches)
                shards = check.shards.map { (path as NSString).appendingPathComponent($0.file) }
                vocabularySize = check.vocabularySize
                if vocabPath == nil { vocabPath = (path as NSString).appendingPathComponent("vocab.txt") }
            } else {
                shards = [path]
                if vocabPath == nil {
                    vocabPath = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("vocab.txt")
                }
            }
            let vocabulary = try Vocabulary.load(vocabTxt: vocabPath ?? "vocab.txt")
            let maskID = vocabulary.id(of: "[MASK]").map { Int32($0) } ?? -1
            let idLimit = vocabularySize ?? vocabulary.count
            var remaining = batch
            for shard in shards {
                let reader = try ShardReader(path: shard)
                if remaining >= reader.recordCount {
                    remaining -= reader.recordCount
                    continue
                }
                let (tensors, _) = try SafetensorsRecord.decode(try reader.record(at: remaining))
                try show(
                    tensors, vocabulary: vocabulary, maskID: maskID, idLimit: idLimit,
                    source: "\(shard) record \(remaining)")
                return
            }
            throw ShardError(.invalidArgument, "there is no batch \(batch) (the output holds fewer)", path: path)
        }
    }

    private func show(_ tensors: [Tensor], vocabulary: Vocabulary, maskID: Int32, idLimit: Int, source: String)
        throws
    {
        let byName = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0) })
        guard let inputTensor = byName["input_ids"], let labelTensor = byName["labels"], inputTensor.shape.count == 2
        else {
            throw ShardError(.invalidRecord, "the record has no input_ids/labels batch", path: source)
        }
        let input: [Int32] =
            inputTensor.dtype == .uint16
            ? try inputTensor.values(as: UInt16.self).map { Int32($0) } : try inputTensor.values(as: Int32.self)
        let labels = try labelTensor.values(as: Int32.self)
        if let bad = (input + labels.filter { $0 != -100 }).first(where: { $0 < 0 || Int($0) >= idLimit }) {
            throw ShardError(
                .invalidRecord,
                "token id \(bad) is out of range: the vocabulary has \(idLimit) tokens; give the vocabulary the "
                    + "batches were masked with (--vocab) or re-run mlmprep mask", path: source)
        }
        let attention = try byName["attention_mask"]?.values(as: UInt8.self) ?? [UInt8](repeating: 1, count: input.count)
        let rows = inputTensor.shape[0]
        let length = inputTensor.shape[1]
        let colour = !plain && FileDescriptor.standardOutput.isTerminal
        func token(_ id: Int32) -> String {
            id >= 0 && Int(id) < vocabulary.count ? vocabulary.tokens[Int(id)] : "<\(id)>"
        }
        var counts = (real: 0, predicted: 0, masked: 0, random: 0, kept: 0)
        var out = StandardOutput()
        try out.write("\(source): \(rows) sequences of \(length) tokens\n")
        for row in 0..<rows {
            var pieces: [String] = []
            for position in row * length..<(row + 1) * length where attention[position] != 0 {
                counts.real += 1
                let id = input[position]
                let label = labels[position]
                guard label != -100 else {
                    if row < sequences { pieces.append(token(id)) }
                    continue
                }
                counts.predicted += 1
                let text: String
                if id == maskID {
                    counts.masked += 1
                    text = colour ? "\u{1B}[1;31m[MASK:\(token(label))]\u{1B}[0m" : "[MASK:\(token(label))]"
                } else if id != label {
                    counts.random += 1
                    text = colour ? "\u{1B}[1;33m\(token(id))←\(token(label))\u{1B}[0m" : "{\(token(id))←\(token(label))}"
                } else {
                    counts.kept += 1
                    text = colour ? "\u{1B}[1;32m\(token(id))\u{1B}[0m" : "<\(token(id))>"
                }
                if row < sequences { pieces.append(text) }
            }
            if row < sequences { try out.write("\n[\(row)] " + pieces.joined(separator: " ") + "\n") }
        }
        let predicted = max(counts.predicted, 1)
        try out.write(
            String(
                format: "\nbatch: %d real tokens, %d predicted (%.2f%% of real tokens): [MASK] %.1f%%, random %.1f%%, kept %.1f%%\n",
                counts.real, counts.predicted, 100 * Double(counts.predicted) / Double(max(counts.real, 1)),
                100 * Double(counts.masked) / Double(predicted), 100 * Double(counts.random) / Double(predicted),
                100 * Double(counts.kept) / Double(predicted)))
        try out.flush()
    }
}
