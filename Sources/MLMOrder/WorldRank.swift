/// One rank of a data-parallel job: rank `rank` of `size` (`--rank r/R`, or torchrun's `RANK`/`WORLD_SIZE`).
public struct WorldRank: Hashable, Sendable, CustomStringConvertible {
    /// This process's rank, in `0..<size`.
    public let rank: Int
    /// The number of ranks.
    public let size: Int

    /// The largest world size accepted.
    public static let maximumSize = 1 << 20

    /// A single process: rank 0 of 1.
    public static let single = WorldRank(checkedRank: 0, size: 1)

    /// Creates a rank, checking `0 ≤ rank < size ≤ maximumSize`.
    public init(rank: Int, size: Int) throws(OrderError) {
        guard size >= 1 && size <= Self.maximumSize else {
            throw OrderError(.badRank, "the world size must be in 1...\(Self.maximumSize), got \(size)")
        }
        guard rank >= 0 && rank < size else {
            throw OrderError(.badRank, "rank \(rank) is outside 0..<\(size): ranks count from 0 to the world size − 1")
        }
        self.init(checkedRank: rank, size: size)
    }

    private init(checkedRank rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Parses `r/R` (as `--rank` takes it).
    public init(parsing text: String) throws(OrderError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let rank = Int(parts[0]), let size = Int(parts[1]) else {
            throw OrderError(.badRank, "--rank wants r/R (rank r of R ranks, e.g. 0/8), got '\(text)'")
        }
        try self.init(rank: rank, size: size)
    }

    /// The rank torchrun gives in `RANK` and `WORLD_SIZE`, or nil unless both are set.
    /// - Parameter environment: The process environment.
    public static func fromEnvironment(_ environment: [String: String]) throws(OrderError) -> WorldRank? {
        guard let rankText = environment["RANK"], let sizeText = environment["WORLD_SIZE"] else { return nil }
        guard let rank = Int(rankText), let size = Int(sizeText) else {
            throw OrderError(.badRank, "RANK='\(rankText)' and WORLD_SIZE='\(sizeText)' must be integers; "
                             + "unset them or pass --rank r/R")
        }
        do { return try WorldRank(rank: rank, size: size) } catch {
            throw OrderError(.badRank, "RANK/WORLD_SIZE: \(error.message); unset them or pass --rank r/R")
        }
    }

    /// `r/R`.
    public var description: String { "\(rank)/\(size)" }
}
