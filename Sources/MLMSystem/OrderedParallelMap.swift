import Foundation

/// Runs a function over a stream of inputs on several threads and hands the outputs back in input order.
///
/// The caller submits inputs one by one; at most `maxInFlight` wait or run at a time, so memory stays
/// bounded. Outputs are consumed on the caller's thread, in submission order, so whatever the consumer
/// writes does not depend on the number of threads. With one thread everything runs inline.
///
/// Each worker thread builds its own state with `makeWorker` (encoders and compressors are not `Sendable`).
package final class OrderedParallelMap<Input: Sendable, Output: Sendable, Worker>: @unchecked Sendable {
    private let threads: Int
    private let maxInFlight: Int
    private let makeWorker: @Sendable () throws -> Worker
    private let work: @Sendable (inout Worker, Input) throws -> Output
    private let consume: (Output) throws -> Void

    private let condition = NSCondition()
    private var queue: [(index: Int, input: Input)] = []
    private var results: [Int: Result<Output, any Error>] = [:]
    private var submitted = 0
    private var consumed = 0
    private var closed = false
    private var started = false
    private var running = 0
    private var inlineWorker: Worker?

    /// Creates the map.
    /// - Parameters:
    ///   - threads: Worker threads (1 runs inline on the caller's thread).
    ///   - maxInFlight: Inputs queued or running at once.
    ///   - makeWorker: Builds one worker's state, on its thread.
    ///   - work: The function applied to each input.
    ///   - consume: Receives outputs in input order, on the caller's thread.
    package init(
        threads: Int,
        maxInFlight: Int,
        makeWorker: @escaping @Sendable () throws -> Worker,
        work: @escaping @Sendable (inout Worker, Input) throws -> Output,
        consume: @escaping (Output) throws -> Void
    ) {
        self.threads = max(1, threads)
        self.maxInFlight = max(maxInFlight, self.threads)
        self.makeWorker = makeWorker
        self.work = work
        self.consume = consume
    }

    /// Submits one input; may block until earlier outputs are consumed.
    /// - Parameter input: The next input.
    /// - Throws: The first error of a worker or of the consumer.
    package func submit(_ input: Input) throws {
        if threads == 1 {
            if inlineWorker == nil { inlineWorker = try makeWorker() }
            guard var worker = inlineWorker else { return }
            let output = try work(&worker, input)
            inlineWorker = worker
            try consume(output)
            return
        }
        startThreadsIfNeeded()
        condition.lock()
        queue.append((submitted, input))
        submitted += 1
        condition.broadcast()
        condition.unlock()
        try drain(waitingUntilInFlightBelow: maxInFlight)
    }

    /// Waits for every submitted input and consumes the remaining outputs.
    /// - Throws: The first error of a worker or of the consumer.
    package func finish() throws {
        defer { stop() }
        if threads == 1 { return }
        try drain(waitingUntilInFlightBelow: 1)
    }

    private func startThreadsIfNeeded() {
        guard !started else { return }
        started = true
        for number in 0..<threads {
            condition.lock()
            running += 1
            condition.unlock()
            WorkerThread.start(number: number) { [self] in self.workerLoop() }
        }
    }

    private func workerLoop() {
        var worker: Worker
        do {
            worker = try makeWorker()
        } catch {
            condition.lock()
            // Fail every input this worker would have taken: report the error on the next one.
            while !closed {
                if let item = queue.first {
                    queue.removeFirst()
                    results[item.index] = .failure(error)
                    condition.broadcast()
                } else {
                    condition.wait()
                }
            }
            running -= 1
            condition.broadcast()
            condition.unlock()
            return
        }
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty && closed {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let item = queue.removeFirst()
            condition.unlock()
            let result: Result<Output, any Error>
            do {
                result = .success(try work(&worker, item.input))
            } catch {
                result = .failure(error)
            }
            condition.lock()
            results[item.index] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Consumes finished outputs in order until fewer than `limit` inputs are in flight.
    private func drain(waitingUntilInFlightBelow limit: Int) throws {
        while true {
            condition.lock()
            var ready: Result<Output, any Error>?
            while true {
                if let result = results.removeValue(forKey: consumed) {
                    ready = result
                    break
                }
                if submitted - consumed < limit { break }
                condition.wait()
            }
            condition.unlock()
            guard let result = ready else { return }
            consumed += 1
            try consume(try result.get())
        }
    }

    private func stop() {
        condition.lock()
        queue.removeAll()
        closed = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    deinit { stop() }
}
