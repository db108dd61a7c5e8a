import Foundation

/// Starts the worker threads of ``ParallelThreads`` and ``OrderedParallelMap``: one place that sets their name
/// and stack size (8 MiB: the tokenizer's and counters' frames are large).
enum WorkerThread {
    /// The stack size of every worker thread.
    static let stackSize = 8 << 20

    /// Starts a thread running `body`.
    /// - Parameters:
    ///   - number: The worker's number, for its name (`mlmprep-worker-N`).
    ///   - body: What the thread runs.
    static func start(number: Int, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = "mlmprep-worker-\(number)"
        thread.stackSize = stackSize
        thread.start()
    }
}
