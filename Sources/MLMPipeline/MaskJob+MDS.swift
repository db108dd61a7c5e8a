import MLMFormats
import MLMShards

extension MaskJob {
    /// The sink of `--format mds`: the batches become an MDS dataset (``MLMFormats/MDSBatchSink``), one sample per
    /// sequence, written in the order the job produces them (so `--epochs` and the training order carry over).
    ///
    /// This is the one hook MDS output has in the job: everything else (packing, masking, order) is shared.
    /// - Parameters:
    ///   - output: The dataset directory and MDS settings.
    ///   - resume: Whether `--resume` was asked for (not supported for MDS).
    /// - Returns: The sink.
    /// - Throws: ``MLMShards/ShardError`` for `resume` or a directory that cannot be used.
    static func mdsSink(_ output: MDSOutputSettings, resume: Bool) throws -> any FrameSink {
        if resume {
            throw ShardError(
                .invalidArgument,
                "--resume is not available with --format mds (MDS shards have no journal); run again with --overwrite",
                path: output.directory)
        }
        return try MDSBatchSink(settings: output)
    }
}
