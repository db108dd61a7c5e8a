import MLMShards

/// How MDS shards are compressed, named as MosaicML Streaming names it: `zstd` (its default level, 3) or
/// `zstd:N` for N in 1…22; `nil` (the `none` setting) writes raw `.mds` shards.
///
/// The name goes into `index.json` exactly as given, as `MDSWriter(compression=…)` records it; the compressed
/// file name ends in `.zstd` (Streaming's extension, not `.zst`).
///
/// ```swift
/// let compression = try MDSCompression(parsing: "zstd:7")   // level 7, recorded as "zstd:7"
/// ```
public struct MDSCompression: Sendable, Hashable {
    /// The name recorded in the index (`zstd` or `zstd:N`).
    public let name: String
    /// The zstd level used.
    public let level: Int32
    /// The file-name extension of compressed shards.
    public var fileExtension: String { "zstd" }

    /// Streaming's default: `zstd` at level 3.
    public static let `default` = MDSCompression(name: "zstd", level: 3)

    private init(name: String, level: Int32) {
        self.name = name
        self.level = level
    }

    /// Parses a setting: `zstd`, `zstd:1` … `zstd:22`, or `none` (which gives `nil`).
    /// - Parameter text: The setting.
    /// - Returns: The compression, or `nil` for `none`.
    /// - Throws: ``MLMShards/ShardError`` (`invalidArgument`) for anything else.
    public static func parse(_ text: String) throws(ShardError) -> MDSCompression? {
        if text == "none" { return nil }
        if text == "zstd" { return .default }
        if text.hasPrefix("zstd:"), let level = Int32(text.dropFirst(5)), (1...22).contains(level) {
            return MDSCompression(name: text, level: level)
        }
        throw ShardError(
            .invalidArgument,
            "unknown MDS compression \(text): give zstd, zstd:1 … zstd:22 or none (Streaming's other codecs, br, bz2, "
                + "gz and snappy, are not written by mlmprep)")
    }
}
