import ArgumentParser
import Foundation
import MLMCore

/// `--worker I/N` with the scheduler's defaults (see ``MLMCore/WorkerSlice/resolve(explicit:environment:)``).
enum WorkerOption {
    /// The slice of this process, or nil when neither `--worker` nor a scheduler gives one.
    /// - Throws: `ValidationError` (exit 2) for an impossible slice, naming the flag or the variables.
    static func resolve(_ explicit: String?) throws -> WorkerSlice? {
        do {
            return try WorkerSlice.resolve(explicit: explicit, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
