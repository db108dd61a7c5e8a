/// One task's share of a scale-out run: worker `index` of `count` (`--worker I/N`, DESIGN.md §4 "Scale-out").
///
/// Each stage decides what a worker takes: `pmi count` the store records `I, I+N, …`; `tokenize` the documents
/// that start in the I-th of N equal byte ranges of its inputs. ``resolve(explicit:environment:)`` gives the
/// scheduler's default when `--worker` is not given.
public struct WorkerSlice: Sendable, Hashable, CustomStringConvertible {
    /// This worker, from 0.
    public var index: Int
    /// Workers in all.
    public var count: Int

    /// The whole input: one worker.
    public static let all = WorkerSlice(index: 0, count: 1)

    /// Creates a slice (`0 ≤ index < count` is the caller's to check; ``init(parsing:)`` checks it).
    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N`.
    /// - Throws: ``WorkerSliceError`` unless `0 ≤ I < N`.
    public init(parsing text: String) throws(WorkerSliceError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw WorkerSliceError("--worker must be I/N with 0 ≤ I < N (for example 0/4), got \(text)")
        }
        guard count >= 1, index >= 0, index < count else {
            throw WorkerSliceError("--worker \(text) is impossible: it needs 0 ≤ I < N and N ≥ 1")
        }
        self.init(index: index, count: count)
    }

    /// Whether this is the whole input (N = 1).
    public var isAll: Bool { count == 1 }

    /// The record numbers of the slice, out of `recordCount`: every record whose number is `index` modulo `count`.
    public func ordinals(recordCount: Int) -> StrideTo<Int> { stride(from: index, to: recordCount, by: count) }

    /// The part `[lower, upper)` of `0..<total` this worker takes when the whole is cut into `count` nearly
    /// equal consecutive ranges (worker `i` takes `[i·total/N, (i+1)·total/N)`).
    public func range(of total: Int) -> Range<Int> {
        func bound(_ worker: Int) -> Int {
            count.dividingFullWidth(total.multipliedFullWidth(by: worker)).quotient
        }
        return bound(index)..<bound(index + 1)
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
}

/// An impossible or unreadable worker slice, naming the flag or the environment variables.
public struct WorkerSliceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
