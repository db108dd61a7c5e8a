/// The output settings that `tokenize` and `mask` share: zstd level, shard size, and what to do with an earlier run
/// in the directory.
public protocol ShardOutputSettings {
    /// zstd level of the records.
    var compressionLevel: Int32 { get set }
    /// Largest uncompressed shard in bytes.
    var maxShardBytes: Int { get set }
    /// Replace an earlier run of mlmprep in the output directory.
    var overwrite: Bool { get set }
    /// Continue an interrupted run in the output directory (or start one); see `RunJournal`.
    var resume: Bool { get set }
}

extension TokenizeJobSettings: ShardOutputSettings {}
extension MaskJobSettings: ShardOutputSettings {}
