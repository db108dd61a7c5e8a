/// Where and how `mlmprep mask --format mds` writes its MDS dataset.
public struct MDSOutputSettings: Sendable, Hashable {
    /// The dataset directory (holds `index.json` and the shards).
    public var directory: String
    /// Shard compression (`zstd`, Streaming's default level 3, unless set); `nil` writes raw `.mds` shards.
    public var compression: MDSCompression? = .default
    /// Hashes recorded for every shard file (for `validate_hash`).
    public var hashes: [MDSHashAlgorithm] = []
    /// Largest raw shard in bytes (Streaming's `size_limit`; `nil`: one shard).
    public var sizeLimit: Int? = MDSWriter.defaultSizeLimit
    /// Replace an earlier dataset in the directory.
    public var overwrite = false

    /// Creates settings with Streaming's defaults.
    /// - Parameter directory: The dataset directory.
    public init(directory: String) { self.directory = directory }
}
