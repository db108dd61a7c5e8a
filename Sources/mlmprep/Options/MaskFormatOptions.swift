import ArgumentParser
import MLMFormats
import MLMPipeline

/// `mlmprep mask`'s output format: mlmprep's own shards, or MosaicML Streaming's MDS.
struct MaskFormatOptions: ParsableArguments {
    /// The output formats of `mlmprep mask`.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// mlmprep's zstd-compressed safetensors batches (the MLMB container).
        case mlmb
        /// MosaicML Streaming's MDS shards and `index.json`, one sample per sequence.
        case mds
    }

    @Option(
        help: ArgumentHelp(
            "Output format: mlmb (mlmprep's shards), or mds (MosaicML Streaming: read with "
                + "streaming.StreamingDataset(local=DIR); needs -o DIR).", valueName: "mlmb|mds"))
    var format: Format = .mlmb

    @Option(
        help: ArgumentHelp(
            "MDS shard compression: zstd (Streaming's default, level 3), zstd:1 … zstd:22, or none.",
            valueName: "codec"))
    var mdsCompression = "zstd"

    @Option(
        help: ArgumentHelp(
            "MDS hashes of every shard file, for StreamingDataset(validate_hash=…): any of sha1, sha256, xxh64.",
            valueName: "a,b"))
    var mdsHashes = ""

    /// Checks the MDS flags against the rest of the command line.
    /// - Parameters:
    ///   - stdout: `--stdout` was given.
    ///   - resume: `--resume` was given.
    ///   - sizeLimit: The shard size limit in bytes (`--max-shard-mb`/`--max-shard-bytes`).
    func check(stdout: Bool, resume: Bool, sizeLimit: Int) throws {
        guard format == .mds else {
            if mdsCompression != "zstd" || !mdsHashes.isEmpty {
                throw ValidationError("--mds-compression and --mds-hashes need --format mds")
            }
            return
        }
        if stdout {
            throw ValidationError(
                "--format mds writes a directory (-o DIR): StreamingDataset cannot read a pipe; use --stdout with the "
                    + "default format")
        }
        if resume {
            throw ValidationError("--resume is not available with --format mds (MDS shards have no journal); use --overwrite")
        }
        if sizeLimit >= 1 << 32 {
            throw ValidationError("MDS shards must stay under 4 GiB (Streaming's uint32 offsets): lower --max-shard-mb")
        }
        do {
            _ = try MDSCompression.parse(mdsCompression)
            _ = try MDSHashAlgorithm.parseList(mdsHashes)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// Where the batches go.
    /// - Parameters:
    ///   - stdout: `--stdout` was given.
    ///   - directory: `-o DIR`.
    ///   - sizeLimit: The shard size limit in bytes.
    ///   - overwrite: `--overwrite` was given.
    /// - Returns: The destination.
    func destination(stdout: Bool, directory: String, sizeLimit: Int, overwrite: Bool) throws -> BatchDestination {
        if stdout { return .standardOutput }
        guard format == .mds else { return .directory(directory) }
        var output = MDSOutputSettings(directory: directory)
        output.compression = try MDSCompression.parse(mdsCompression)
        output.hashes = try MDSHashAlgorithm.parseList(mdsHashes)
        output.sizeLimit = sizeLimit
        output.overwrite = overwrite
        return .mds(output)
    }

    /// The zstd level of the batch records: with MDS they are only passed from the workers to the MDS writer, so
    /// the fastest level does.
    /// - Parameter level: `--level`.
    /// - Returns: The level to use.
    func recordLevel(_ level: Int32) -> Int32 { format == .mds ? 1 : level }
}
