import MLMCore
import MLMShards

/// Where a mask run's frames go: a journaled directory of shards, or a stream of frames without a journal (standard
/// output, or another format's writer such as MDS).
enum MaskOutput {
    /// How a run starts.
    enum Opening {
        /// `--resume` found the run finished: its manifest.
        case finished(JSONValue)
        /// Write to this output.
        case opened(MaskOutput)
    }

    /// Shards in a directory; `recordedSettings` is the command line the manifest records.
    case directory(JournaledShardOutput, recordedSettings: [(String, JSONValue)])
    /// Frames to a sink that keeps no journal: standard output (flushed per batch), an MDS writer.
    case stream(any FrameSink)

    /// The job's state after the last journaled shard of an interrupted run; nil for a new run or a pipe.
    var resumedState: (state: JSONValue, directory: String, shards: Int)? {
        guard case .directory(let output, _) = self, let state = output.resumedState else { return nil }
        return (state, output.directory, output.resumedShards)
    }

    /// Appends one frame (see ``JournaledShardOutput/append(frame:rawSize:sequences:stateBefore:)``).
    func append(frame: [UInt8], rawSize: Int, sequences: Int, stateBefore: () throws -> JSONValue) throws {
        switch self {
        case .directory(let output, _):
            try output.append(frame: frame, rawSize: rawSize, sequences: sequences, stateBefore: stateBefore)
        case .stream(let sink): try sink.append(frame: frame, rawSize: rawSize, sequences: sequences)
        }
    }

    /// Finishes the last shard (journaled with `state()`), or flushes the stream.
    func finish(state: () throws -> JSONValue) throws {
        switch self {
        case .directory(let output, _): try output.finish(state: state)
        case .stream(let sink): _ = try sink.finish()
        }
    }

    /// Gives up after an error (see ``JournaledShardOutput/abandon()``).
    func abandon() {
        if case .directory(let output, _) = self { output.abandon() }
    }
}
