#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much memory this process may use, and the check that a run's settings fit in it before anything is
/// allocated: the smallest of the address-space limit (`ulimit -v`, less what is already mapped), the data limit
/// (`ulimit -d`), the cgroup memory limit (containers) and physical memory.
///
/// ```swift
/// let budget = MemoryBudget.current(threads: 4)
/// let need = MemoryBudget.product(batchSize, sequenceLength, 10)
/// if let message = budget.shortfall(need, for: "--batch-size 4096 × --seq-len 8192", fix: "lower them") {
///     throw ValidationError(message)
/// }
/// ```
/// Estimates saturate at `Int.max` instead of overflowing, so a product of huge flags is "too much", never a trap.
public struct MemoryBudget: Sendable, Equatable {
    /// The bytes the run may use.
    public var bytes: Int
    /// What sets the limit, for messages ("physical memory", "the address-space limit (ulimit -v)", …).
    public var source: String

    /// Creates a budget from known values (tests).
    /// - Parameters:
    ///   - bytes: The bytes available.
    ///   - source: What sets the limit.
    public init(bytes: Int, source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// Address space each worker thread reserves besides its data (a glibc malloc arena of 64 MiB and an 8 MiB
    /// stack); it counts only against `ulimit -v`.
    public static let perThreadAddressSpace = 72 << 20

    /// The budget of this process now.
    /// - Parameter threads: Worker threads the run will start (their reservations count against `ulimit -v`).
    /// - Returns: The smallest limit that applies.
    public static func current(threads: Int = 1) -> MemoryBudget {
        var limits: [MemoryBudget] = []
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0 && pageSize > 0 { limits.append(.init(bytes: product(pages, pageSize), source: "physical memory")) }
        if let limit = resourceLimit(.addressSpace) {
            let used = product(mappedPages() ?? 0, max(pageSize, 4096), 1)
            let reserved = product(max(threads, 1), perThreadAddressSpace)
            limits.append(.init(bytes: max(0, limit - used - reserved), source: "the address-space limit (ulimit -v)"))
        }
        if let limit = resourceLimit(.data) {
            limits.append(.init(bytes: limit, source: "the data size limit (ulimit -d)"))
        }
        if let limit = cgroupLimit() { limits.append(.init(bytes: limit, source: "the cgroup memory limit")) }
        return limits.min { $0.bytes < $1.bytes } ?? MemoryBudget(bytes: .max, source: "no limit")
    }

    /// The message for a need that does not fit, or nil when it fits.
    /// - Parameters:
    ///   - need: Estimated bytes (saturated).
    ///   - what: The settings that imply it ("--batch-size 4096 × --seq-len 8192").
    ///   - fix: What to do ("lower --batch-size or --seq-len").
    /// - Returns: One line naming the settings, both sizes and the fix.
    public func shortfall(_ need: Int, for what: String, fix: String) -> String? {
        guard need > bytes else { return nil }
        return "\(what) needs about \(Self.format(need)) of memory, more than the \(Self.format(bytes)) this "
            + "process may use (\(source)); \(fix)"
    }

    /// The product of sizes, saturating at `Int.max` (never negative: negative factors count as 0).
    /// - Parameter factors: Counts and sizes.
    /// - Returns: Their product, or `Int.max` when it overflows.
    public static func product(_ factors: Int...) -> Int {
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: max(factor, 0))
            if overflow { return .max }
            result = value
        }
        return result
    }

    /// The sum of sizes, saturating at `Int.max`.
    /// - Parameter terms: Sizes.
    /// - Returns: Their sum, or `Int.max` when it overflows.
    public static func sum(_ terms: Int...) -> Int {
        var result = 0
        for term in terms {
            let (value, overflow) = result.addingReportingOverflow(max(term, 0))
            if overflow { return .max }
            result = value
        }
        return result
    }

    /// A size for people: `512 MiB`, `3.2 GiB`, `more than 8 EiB`.
    /// - Parameter bytes: A size.
    /// - Returns: The size in the largest binary unit below it.
    public static func format(_ bytes: Int) -> String {
        if bytes == .max { return "more than 8 EiB" }
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) bytes" }
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(tenths)) \(units[unit])" : "\(tenths) \(units[unit])"
    }

    private enum Resource { case addressSpace, data }

    private static func resourceLimit(_ resource: Resource) -> Int? {
        var limit = rlimit()
        #if canImport(Glibc)
            let which = resource == .addressSpace ? RLIMIT_AS : RLIMIT_DATA
            guard getrlimit(__rlimit_resource_t(which.rawValue), &limit) == 0 else { return nil }
        #else
            guard getrlimit(resource == .addressSpace ? RLIMIT_AS : RLIMIT_DATA, &limit) == 0 else { return nil }
        #endif
        guard limit.rlim_cur < UInt64(Int.max) else { return nil }  // RLIM_INFINITY is all ones
        return Int(limit.rlim_cur)
    }

    /// The resident set of this process now (the second field of /proc/self/statm), where Linux has it.
    /// - Returns: Bytes, or nil.
    public static func residentBytes() -> Int? {
        guard let text = readSmallFile("/proc/self/statm") else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return product(pages, max(sysconf(Int32(_SC_PAGESIZE)), 4096))
    }

    /// Pages mapped now (the first field of /proc/self/statm), where Linux has it.
    private static func mappedPages() -> Int? {
        guard let text = readSmallFile("/proc/self/statm"), let first = text.split(separator: " ").first else {
            return nil
        }
        return Int(first)
    }

    /// The cgroup v2 (`memory.max`) or v1 (`memory.limit_in_bytes`) limit of this process's group, if set.
    private static func cgroupLimit() -> Int? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = readSmallFile(path) else { continue }
            let value = text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first.flatMap { Int($0) }
            // v1 reports "no limit" as a huge number rounded to pages.
            if let value, value > 0, value < 1 << 60 { return value }
        }
        return nil
    }

    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}
