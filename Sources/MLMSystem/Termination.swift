import CSignals
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGINT and SIGTERM as a request to stop: the handlers only record the signal; long loops call ``check()`` at
/// safe points (a chunk, a batch, a record), which throws ``TerminationRequested`` so that the usual error path
/// runs: temporary files and spill directories are removed, the progress journal stays for `--resume`.
///
/// ```swift
/// Termination.installHandlers()          // once, in main
/// for chunk in chunks { try Termination.check(); … }
/// ```
/// A second Ctrl-C ends the process at once, the default way.
public enum Termination {
    /// Installs the recording handlers for SIGINT and SIGTERM.
    public static func installHandlers() { csignals_install_termination_handlers() }

    /// The signal received, if any.
    public static var pendingSignal: Int32? {
        let signal = csignals_pending()
        return signal == 0 ? nil : signal
    }

    /// Throws when a termination signal has arrived.
    /// - Throws: ``TerminationRequested``.
    @inline(__always)
    public static func check() throws(TerminationRequested) {
        if let signal = pendingSignal { throw TerminationRequested(signal: signal) }
    }
}

/// A run stopped because of SIGINT or SIGTERM; the exit status is 128 + the signal (130, 143).
public struct TerminationRequested: Error, Sendable, CustomStringConvertible {
    /// The signal number.
    public var signal: Int32

    /// Creates the error.
    public init(signal: Int32) { self.signal = signal }

    /// The exit status a shell expects: 128 + the signal.
    public var exitStatus: Int32 { 128 + signal }

    /// The signal's name.
    public var signalName: String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }

    public var description: String { "stopped by \(signalName)" }
}
