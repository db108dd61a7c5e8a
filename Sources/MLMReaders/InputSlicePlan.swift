import MLMCore
import MLMZstd

/// Which bytes of the inputs one worker of a scale-out run reads (`tokenize --worker I/N`, DESIGN.md §4).
///
/// The inputs are laid end to end, each file counting with its size (decompressed, for zstd files), and cut into
/// N nearly equal byte ranges; worker I takes the documents that start in its range. A cut inside a file moves
/// to the next place where the reader starts afresh (a line start after a blank line in plain text; any line
/// start in JSON Lines and with `--doc-boundary line`, see ``DocumentBoundaryScanner``), which every worker
/// finds the same way, so no document is lost or read twice, and the workers' documents, in worker order, are
/// the documents of one reader of all inputs. The balance holds for thousands of small files and for one huge
/// file alike. A zstd file is decompressed from its start up to the worker's range (positions are decompressed
/// bytes): worker I of a file split N ways decompresses (I+1)/N of it.
public struct InputSlicePlan: Sendable, Equatable {
    /// The bytes of one input a worker reads.
    public struct Part: Sendable, Equatable {
        /// The input's position in the input list.
        public var input: Int
        /// The file.
        public var path: String
        /// The input's size in (decompressed) bytes.
        public var size: Int
        /// Where the worker's range starts in the file: it reads from the first fresh start at or after it
        /// (0: from the beginning).
        public var from: Int
        /// Where the worker's range ends in the file: it stops at the first fresh start at or after it (nil: at
        /// the end of the file).
        public var to: Int?

        /// Whether this worker reads the file's first byte: it counts the file and reports an empty one.
        public var ownsStart: Bool { from == 0 }
        /// Whether this worker reads all of the file.
        public var isWholeFile: Bool { from == 0 && to == nil }
    }

    /// The worker.
    public var worker: WorkerSlice
    /// The (decompressed) size of each input, in input order.
    public var sizes: [Int]
    /// The parts this worker reads, in input order.
    public var parts: [Part]

    /// The total size of the inputs.
    public var totalSize: Int { sizes.reduce(0, +) }

    /// Plans one worker's share of the inputs.
    /// - Parameters:
    ///   - paths: The inputs (standard input cannot be split).
    ///   - worker: The worker.
    /// - Throws: ``ReaderError`` for a missing or unreadable input, a damaged zstd file, or `-`.
    public init(paths: [String], worker: WorkerSlice) throws(ReaderError) {
        var sizes: [Int] = []
        for path in paths { sizes.append(try Self.size(of: path)) }
        self.init(paths: paths, sizes: sizes, worker: worker)
    }

    /// Plans one worker's share of inputs of known sizes.
    /// - Parameters:
    ///   - paths: The inputs.
    ///   - sizes: Their (decompressed) sizes.
    ///   - worker: The worker.
    public init(paths: [String], sizes: [Int], worker: WorkerSlice) {
        self.worker = worker
        self.sizes = sizes
        let range = worker.range(of: sizes.reduce(0, +))
        let isLast = worker.index == worker.count - 1
        var parts: [Part] = []
        var offset = 0
        for (input, path) in paths.enumerated() {
            let size = sizes[input]
            defer { offset += size }
            // An empty file goes to the worker whose range holds its position (the last one at the very end).
            if size == 0 {
                if range.contains(offset) || (isLast && offset >= range.upperBound) {
                    parts.append(Part(input: input, path: path, size: 0, from: 0, to: nil))
                }
                continue
            }
            let from = min(max(range.lowerBound - offset, 0), size)
            let to = min(max(range.upperBound - offset, 0), size)
            if from >= to { continue }
            parts.append(Part(input: input, path: path, size: size, from: from, to: to == size ? nil : to))
        }
        self.parts = parts
    }

    /// The size of an input as the plan counts it: the file size, or the decompressed size of a zstd file
    /// (from its frame headers, or by decompressing it when a frame does not state its size).
    static func size(of path: String) throws(ReaderError) -> Int {
        if path == "-" {
            throw ReaderError(
                .invalidInput, "standard input cannot be split between workers; give the input as files",
                at: InputLocation(file: "<stdin>"))
        }
        let status = try InputFileStatus(path: path)
        guard try ByteSource(path: path, chunkSize: 4).isZstdFile() else { return status.size }
        do {
            if let size = try ZstdContentSize.total(ofFileAt: path) { return size }
        } catch {
            throw ReaderError(
                .corruptCompressed, "the zstd data is damaged (\(error.message)); check it with `zstd -t`",
                at: InputLocation(file: path))
        }
        let source = try ByteSource(path: path, chunkSize: 1 << 20)
        var buffer: [UInt8] = []
        var total = 0
        while try source.read(appendingTo: &buffer) {
            total += buffer.count
            buffer.removeAll(keepingCapacity: true)
        }
        return total
    }
}
