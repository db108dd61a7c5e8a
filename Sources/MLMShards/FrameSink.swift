/// A destination for compressed record frames: a directory of shards (``ShardSetWriter``) or a pipe
/// (``StdoutFrameSink``).
///
/// Frames arrive already compressed (compression runs on worker threads) and in output order. A sink is used
/// from one thread at a time.
///
/// ```swift
/// let sink: any FrameSink = toStdout ? try StdoutFrameSink() : try ShardSetWriter(directory: "out")
/// for batch in batches { try sink.append(frame: batch.frame, rawSize: batch.record.count, sequences: batch.rows) }
/// let shards = try sink.finish()
/// ```
public protocol FrameSink: AnyObject {
    /// Writes one frame.
    /// - Parameters:
    ///   - frame: Exactly one complete zstd frame holding one record.
    ///   - rawSize: The record's decompressed size in bytes.
    ///   - sequences: How many sequences the record holds (for the summary).
    /// - Throws: ``ShardError``; `brokenPipe` when the reader of a pipe has gone away.
    func append(frame: [UInt8], rawSize: Int, sequences: Int) throws(ShardError)

    /// Completes the output: finishes the last shard, or flushes the stream.
    /// - Returns: The shards written (empty for a stream).
    /// - Throws: ``ShardError``.
    func finish() throws(ShardError) -> [ShardSummary]
}
