import MLMCore
import MLMZstd

/// The binary layout shared by part files (`mlmprep pmi count`) and count files (`mlmprep pmi merge`).
///
/// The file is a zstd stream (frames of up to 4 MiB, each with a checksum) whose content is:
/// `MLMPMI-COUNTS 1\n`, a one-line JSON header, then the sections the header announces, in this order:
/// the vocabulary text (`vocab_bytes` bytes), the words (`has_words`), then one pair section per length in
/// `pair_lengths`, then `END\n`. A section is a list of blocks, each a little-endian `UInt32` entry count and
/// the entries, closed by an empty block: words are `UInt32` length, the ids (`UInt32` each) and a `UInt64`
/// count; pairs are a `UInt64` key (see ``NgramLevel``) and a `UInt64` count. Entries are in ascending order.
enum CountFileFormat {
    static let magic = Array("MLMPMI-COUNTS 1\n".utf8)
    static let end = Array("END\n".utf8)
    static let blockEntries = 1 << 16
}

/// Writes a count file: a temporary file renamed into place by ``finish()``.
final class CountFileWriter {
    let path: String
    private let output: FileOutput
    private let compressor: ZstdCompressor
    private var pending: [UInt8] = []
    private let frameSize = 4 << 20

    init(path: String, header: JSONValue) throws(PMIError) {
        self.path = path
        output = try FileOutput(path: path + ".tmp")
        do { compressor = try ZstdCompressor(level: 3) } catch { throw PMIError(.io, "\(error)", path: path) }
        pending.reserveCapacity(frameSize + (1 << 20))
        append(CountFileFormat.magic)
        append(Array((header.compactPrinted() + "\n").utf8))
    }

    func append(_ bytes: [UInt8]) { pending.append(contentsOf: bytes) }

    func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { pending.append(contentsOf: $0) } }

    func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { pending.append(contentsOf: $0) } }

    /// Compresses what is pending once it is large enough.
    func flushIfLarge() throws(PMIError) {
        if pending.count >= frameSize { try flush() }
    }

    private func flush() throws(PMIError) {
        guard !pending.isEmpty else { return }
        var frame: [UInt8] = []
        do {
            _ = try pending.withUnsafeBytesThrowing { (raw) throws(ZstdError) in
                try compressor.compressFrame(raw, appendingTo: &frame)
            }
        } catch {
            throw PMIError(.io, "\(error)", path: path)
        }
        try output.write(frame)
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes a words section.
    func appendWords(_ run: WordRun) throws(PMIError) {
        var index = 0
        while index < run.count {
            let end = min(run.count, index + CountFileFormat.blockEntries)
            append(UInt32(end - index))
            for word in index..<end {
                let ids = run.word(word)
                append(UInt32(ids.count))
                for id in ids { append(id) }
                append(run.counts[word])
            }
            try flushIfLarge()
            index = end
        }
        append(UInt32(0))
    }

    /// Writes a pair section from sorted keys and counts.
    func appendPairs(keys: [UInt64], counts: [UInt64]) throws(PMIError) {
        var block: [KeyCount] = []
        block.reserveCapacity(CountFileFormat.blockEntries)
        var index = 0
        while index < keys.count {
            block.removeAll(keepingCapacity: true)
            for entry in index..<min(keys.count, index + CountFileFormat.blockEntries) {
                block.append(KeyCount(key: keys[entry], count: counts[entry]))
            }
            try appendPairBlock(block)
            index += block.count
        }
        endPairs()
    }

    /// Writes one block of pairs.
    func appendPairBlock(_ block: [KeyCount]) throws(PMIError) {
        guard !block.isEmpty else { return }
        append(UInt32(block.count))
        for pair in block {
            append(pair.key)
            append(pair.count)
        }
        try flushIfLarge()
    }

    /// Closes a pair section.
    func endPairs() { append(UInt32(0)) }

    /// Ends the file and renames it into place.
    func finish() throws(PMIError) {
        append(CountFileFormat.end)
        try flush()
        do {
            try output.finish(atomicallyReplacing: path)
        } catch {
            FileOutput.remove(path + ".tmp")
            throw error
        }
    }

    /// Removes the temporary file after a failure.
    func abandon() {
        try? output.close()
        FileOutput.remove(path + ".tmp")
    }
}

/// Reads a count file front to back.
final class CountFileReader {
    let path: String
    /// The header.
    private(set) var header: JSONValue = .null
    private let input: FileInput
    private let decoder: ZstdStreamDecoder
    private var data: [UInt8] = []
    private var position = 0
    private var compressed = [UInt8](repeating: 0, count: 1 << 20)
    private var inputEnded = false

    init(path: String) throws(PMIError) {
        self.path = path
        input = try FileInput(path: path)
        do { decoder = try ZstdStreamDecoder() } catch { throw PMIError(.io, "\(error)", path: path) }
        let magic = try bytes(CountFileFormat.magic.count)
        guard magic == CountFileFormat.magic else {
            throw PMIError(.invalidFile, "not a PMI count file (written by mlmprep pmi count or merge)", path: path)
        }
        var line: [UInt8] = []
        while true {
            let byte = try bytes(1)[0]
            if byte == 0x0A { break }
            line.append(byte)
            if line.count > 1 << 24 { throw damaged("the header line is too long") }
        }
        do { header = try JSONValue.parse(line) } catch { throw damaged("the header is not valid JSON") }
        guard header["format"]?.stringValue == "mlmprep.pmi-counts", header["version"]?.intValue == 1 else {
            throw PMIError(.invalidFile, "not an mlmprep.pmi-counts version 1 file", path: path)
        }
    }

    func damaged(_ what: String) -> PMIError {
        PMIError(.invalidFile, "\(what); the file is damaged or cut short: write it again", path: path)
    }

    private func fill(_ needed: Int) throws(PMIError) {
        if position > 0 && position == data.count {
            data.removeAll(keepingCapacity: true)
            position = 0
        } else if position > 1 << 22 {
            data.removeSubrange(0..<position)
            position = 0
        }
        while data.count - position < needed {
            if inputEnded { throw damaged("the data ends early") }
            let count = try compressed.withUnsafeMutableBytesThrowing { (raw) throws(PMIError) in try input.read(into: raw) }
            if count == 0 {
                inputEnded = true
                continue
            }
            do {
                try compressed.withUnsafeBytesThrowing { (raw) throws(ZstdError) in
                    try decoder.decompress(UnsafeRawBufferPointer(rebasing: raw[0..<count]), into: &data)
                }
            } catch {
                throw damaged("a zstd frame does not decode (\(error))")
            }
        }
    }

    func bytes(_ count: Int) throws(PMIError) -> [UInt8] {
        try fill(count)
        defer { position += count }
        return Array(data[position..<(position + count)])
    }

    func uint32() throws(PMIError) -> UInt32 {
        try fill(4)
        defer { position += 4 }
        return data.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt32.self)) }
    }

    func uint64() throws(PMIError) -> UInt64 {
        try fill(8)
        defer { position += 8 }
        return data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt64.self)) }
    }

    /// Reads a words section.
    func words() throws(PMIError) -> WordRun {
        var run = WordRun()
        var last: [UInt32]? = nil
        while true {
            let count = Int(try uint32())
            if count == 0 { return run }
            for _ in 0..<count {
                let length = Int(try uint32())
                guard length >= 1 && length <= 1 << 20 else { throw damaged("a word has length \(length)") }
                var ids: [UInt32] = []
                ids.reserveCapacity(length)
                for _ in 0..<length { ids.append(try uint32()) }
                let wordCount = try uint64()
                if let last, WordRun.compare(last[...], ids[...]) >= 0 { throw damaged("words are out of order") }
                run.append(ids, count: wordCount)
                last = ids
            }
        }
    }

    /// Reads the next block of a pair section into `block` (cleared first); empty at the section end.
    func pairBlock(_ block: inout [KeyCount]) throws(PMIError) {
        block.removeAll(keepingCapacity: true)
        let count = Int(try uint32())
        guard count <= CountFileFormat.blockEntries else { throw damaged("a block holds \(count) entries") }
        try fill(count * 16)
        data.withUnsafeBytes { raw in
            for pair in 0..<count {
                block.append(
                    KeyCount(
                        key: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position + pair * 16, as: UInt64.self)),
                        count: UInt64(
                            littleEndian: raw.loadUnaligned(fromByteOffset: position + pair * 16 + 8, as: UInt64.self))))
            }
        }
        position += count * 16
    }

    /// Reads a whole pair section, checking the order.
    func pairs() throws(PMIError) -> (keys: [UInt64], counts: [UInt64]) {
        var keys: [UInt64] = []
        var counts: [UInt64] = []
        var block: [KeyCount] = []
        while true {
            try pairBlock(&block)
            if block.isEmpty { break }
            for pair in block {
                if let last = keys.last, last >= pair.key { throw damaged("keys are out of order") }
                keys.append(pair.key)
                counts.append(pair.count)
            }
        }
        return (keys, counts)
    }

    /// Checks the end marker.
    func expectEnd() throws(PMIError) {
        guard try bytes(CountFileFormat.end.count) == CountFileFormat.end else { throw damaged("the end marker is missing") }
        try fill(0)
        guard decoder.atFrameBoundary else { throw damaged("the last frame is cut short") }
    }
}

/// A pair section of a part file read as a sorted run, for merging parts.
struct CountFilePairRun: KeyCountRunReader {
    let reader: CountFileReader
    private var lastKey: UInt64?

    init(reader: CountFileReader) { self.reader = reader }

    mutating func nextBlock(_ block: inout [KeyCount]) throws(PMIError) {
        try reader.pairBlock(&block)
        for pair in block {
            if let lastKey, lastKey >= pair.key { throw reader.damaged("keys are out of order") }
            lastKey = pair.key
        }
    }
}
