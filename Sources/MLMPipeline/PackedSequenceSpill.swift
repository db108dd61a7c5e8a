#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLMPacking
import MLMShards

/// One epoch's packed sequences in corpus order, for random access by index: in memory up to a cap, then in an
/// unlinked temporary file.
///
/// Packing is sequential (full-sentence packing carries sentences across documents, pair packing draws random
/// next segments from a pool of recent documents), so a shuffled epoch packs the store once in corpus order into
/// the spill and then reads the rows its order asks for. A row is `L` ids (U32), `L` flags, `L` token types, the
/// real length and the pair label (I32 each): `6L + 8` bytes per sequence (3,080 at L = 512). The first
/// ``memoryLimit`` bytes stay in memory (so memory is bounded whatever the corpus); beyond that the rows go to a
/// file in `$TMPDIR` that is unlinked as soon as it is created, so a killed run leaves nothing behind.
final class PackedSequenceSpill {
    /// The name used in errors (the file no longer has one).
    let path: String
    /// `L`.
    let sequenceLength: Int
    /// Bytes per row.
    let rowBytes: Int
    /// Rows written.
    private(set) var count = 0
    /// Bytes kept in memory before the rows go to a file.
    let memoryLimit: Int
    /// Where the file goes (`$TMPDIR`, else `/tmp`, when nil).
    private let directory: String?
    /// The rows while they fit in ``memoryLimit``.
    private var memory: [UInt8] = []
    /// The file, once the rows outgrew memory (−1 before).
    private var descriptor: Int32 = -1
    private var buffer: [UInt8] = []

    /// The default in-memory share: 64 MiB.
    static let defaultMemoryLimit = 64 << 20

    /// Bytes per sequence for length `L`.
    static func rowBytes(sequenceLength: Int) -> Int { 6 * sequenceLength + 8 }

    /// Creates an empty spill.
    /// - Parameters:
    ///   - directory: Where the file goes if the rows outgrow `memoryLimit` (nil: `$TMPDIR`, else `/tmp`).
    ///   - sequenceLength: `L`.
    ///   - memoryLimit: Bytes kept in memory.
    init(directory: String?, sequenceLength: Int, memoryLimit: Int = defaultMemoryLimit) {
        let base = directory ?? (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp")
        path = "\(base)/mlmprep-order-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).spill"
        self.directory = directory
        self.sequenceLength = sequenceLength
        self.memoryLimit = memoryLimit
        rowBytes = Self.rowBytes(sequenceLength: sequenceLength)
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Whether the rows went to a file.
    var isOnDisk: Bool { descriptor >= 0 }

    /// Creates the file, unlinks it at once and moves the in-memory rows into it.
    private func moveToDisk() throws {
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ShardError(.io, "cannot create the shuffle spill file (\(String(cString: strerror(errno)))): "
                             + "set TMPDIR to a writable directory with room for one epoch", path: path)
        }
        unlink(path)
        descriptor = fd
        try memory.withUnsafeBytes { try write($0, at: 0) }
        memory = []
    }

    /// Appends every row of a packed batch (rows must arrive in corpus order).
    func append(_ batch: SequenceBatch) throws {
        buffer.removeAll(keepingCapacity: true)
        for row in 0..<batch.count {
            let range = batch.rowRange(row)
            batch.tokens[range].withUnsafeBytes { buffer.append(contentsOf: $0) }
            buffer.append(contentsOf: batch.flags[range])
            buffer.append(contentsOf: batch.tokenTypes[range])
            let label = batch.pairTask == nil ? SequenceBatch.ignoredPairLabel : batch.pairLabels[row]
            withUnsafeBytes(of: batch.lengths[row].littleEndian) { buffer.append(contentsOf: $0) }
            withUnsafeBytes(of: label.littleEndian) { buffer.append(contentsOf: $0) }
        }
        if !isOnDisk && memory.count + buffer.count <= memoryLimit {
            // One allocation of the whole share (pages are touched only as rows arrive), so the array never
            // regrows: a doubling would hold twice the share at once.
            if memory.capacity < memoryLimit { memory.reserveCapacity(memoryLimit) }
            memory.append(contentsOf: buffer)
        } else {
            if !isOnDisk { try moveToDisk() }
            try buffer.withUnsafeBytes { try write($0, at: count * rowBytes) }
        }
        count += batch.count
    }

    /// Appends row `index` (in `0..<count`) to a batch reset for gathering.
    func appendRow(_ index: Int, to batch: inout SequenceBatch) throws {
        if isOnDisk {
            if buffer.count != rowBytes { buffer = [UInt8](repeating: 0, count: rowBytes) }
            try buffer.withUnsafeMutableBytes { try read(into: $0, at: index * rowBytes) }
            buffer.withUnsafeBytes { Self.appendRow($0, index: index, length: sequenceLength, to: &batch) }
        } else {
            memory.withUnsafeBytes { all in
                let row = UnsafeRawBufferPointer(rebasing: all[index * rowBytes..<(index + 1) * rowBytes])
                Self.appendRow(row, index: index, length: sequenceLength, to: &batch)
            }
        }
    }

    /// Appends one encoded row to a batch (the ids are copied out: rows are not 4-byte aligned for odd `L`).
    private static func appendRow(_ raw: UnsafeRawBufferPointer, index: Int, length: Int, to batch: inout SequenceBatch) {
        var ids = [UInt32](repeating: 0, count: length)
        ids.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<4 * length])) }
        let bytes = raw.bindMemory(to: UInt8.self)
        let tail = 6 * length
        ids.withUnsafeBufferPointer { ids in
            batch.appendGatheredRow(
                tokens: ids,
                flags: UnsafeBufferPointer(rebasing: bytes[4 * length..<5 * length]),
                types: UnsafeBufferPointer(rebasing: bytes[5 * length..<tail]),
                length: Int32(littleEndian: raw.loadUnaligned(fromByteOffset: tail, as: Int32.self)),
                pairLabel: Int32(littleEndian: raw.loadUnaligned(fromByteOffset: tail + 4, as: Int32.self)),
                sequenceIndex: index)
        }
    }

    private func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let wrote = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if wrote < 0 && errno == EINTR { continue }
            guard wrote > 0 else {
                throw ShardError(.io, "cannot write the shuffle spill file (\(String(cString: strerror(errno)))): "
                                 + "it needs \(rowBytes) bytes per packed sequence; set TMPDIR to a disk with room",
                                 path: path, byteOffset: offset + done)
            }
            done += wrote
        }
    }

    private func read(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let got = pread(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw ShardError(.io, "cannot read the shuffle spill file back (\(String(cString: strerror(errno))))",
                                 path: path, byteOffset: offset + done)
            }
            done += got
        }
    }
}
