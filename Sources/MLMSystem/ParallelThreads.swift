import Foundation

/// Runs one closure on each of several threads and returns their results in thread order.
///
/// With one thread the closure runs on the caller's thread. The first error thrown by any thread is rethrown
/// after all have finished.
package enum ParallelThreads {
    private final class Results<T>: @unchecked Sendable {
        let lock = NSLock()
        var values: [T?]
        var error: (any Error)?
        init(count: Int) { values = Array(repeating: nil, count: count) }
    }

    package static func run<T>(count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        if count <= 1 { return [try body(0)] }
        let results = Results<T>(count: count)
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            WorkerThread.start(number: index) {
                defer { group.leave() }
                do {
                    let value = try body(index)
                    results.lock.lock()
                    results.values[index] = value
                    results.lock.unlock()
                } catch {
                    results.lock.lock()
                    if results.error == nil { results.error = error }
                    results.lock.unlock()
                }
            }
        }
        group.wait()
        if let error = results.error { throw error }
        return results.values.map { $0! }
    }
}
