import MLMCore

extension TokenizeJobSettings {
    /// Bytes a chunk needs per byte of text while it is tokenized and compressed: the text, ids (up to 4 bytes
    /// per token, at most a token per byte), flags, the safetensors record and its frame.
    static let bytesPerChunkByte = 8

    /// The memory the reader's sizes imply, in bytes (saturated at `Int.max`): the line buffer, which holds a
    /// line of up to `--max-line-bytes` whole plus two reads, one chunk holding such a line, and every other chunk
    /// in flight (`3 × threads` queued, one being read, one being written) at its target size.
    /// - Returns: The estimate.
    public func estimatedMemory() -> Int {
        let lineBuffer = MemoryBudget.sum(reader.maxLineBytes, MemoryBudget.product(reader.readChunkBytes, 2))
        let longChunk = MemoryBudget.product(
            MemoryBudget.sum(reader.maxLineBytes, reader.targetChunkBytes), Self.bytesPerChunkByte)
        let inFlight = MemoryBudget.sum(MemoryBudget.product(max(threads, 1), 3), 1)
        let chunks = MemoryBudget.product(inFlight, reader.targetChunkBytes, Self.bytesPerChunkByte)
        return MemoryBudget.sum(lineBuffer, longChunk, chunks)
    }
}
