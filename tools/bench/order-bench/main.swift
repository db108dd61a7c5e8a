// Micro benchmark of MLMOrder lookups (tools/bench/order runs it in a release build and prints the table).
// Usage: mlmprep-order-bench [--lookups N] [--json]
// Prints one line per case: name, count, lookups, wall ns and CPU ns per lookup, checksum (keeps the work
// from being dropped).
import MLMOrder

struct Case {
    let name: String
    let count: Int
    let run: (Int) -> Int
}

/// Seconds of the given clock (CLOCK_MONOTONIC for wall time, CLOCK_THREAD_CPUTIME_ID for this thread's CPU).
func seconds(_ clock: clockid_t) -> Double {
    var time = timespec()
    clock_gettime(clock, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Best of 3 runs of `body(lookups)`, in ns per lookup of wall time and of thread CPU time (on a shared
/// machine the CPU figure is the steadier one).
func measure(_ name: String, count: Int, lookups: Int, json: Bool, _ body: (Int) -> Int) {
    _ = body(min(lookups, 10_000))  // warm up
    var wall = Double.infinity, cpu = Double.infinity
    var checksum = 0
    for _ in 0..<3 {
        let (wall0, cpu0) = (seconds(CLOCK_MONOTONIC), seconds(CLOCK_THREAD_CPUTIME_ID))
        checksum = body(lookups)
        wall = min(wall, seconds(CLOCK_MONOTONIC) - wall0)
        cpu = min(cpu, seconds(CLOCK_THREAD_CPUTIME_ID) - cpu0)
    }
    let (wallNs, cpuNs) = (wall * 1e9 / Double(lookups), cpu * 1e9 / Double(lookups))
    if json {
        print("{\"case\":\"\(name)\",\"count\":\(count),\"lookups\":\(lookups),\"wall_ns\":\(wallNs),"
              + "\"cpu_ns\":\(cpuNs),\"checksum\":\(checksum)}")
    } else {
        print("\(name)\t\(count)\t\(lookups)\t\(String(format: wallNs))\t\(String(format: cpuNs))\t\(checksum)")
    }
}

func String(format value: Double) -> String {
    let scaled = (value * 100).rounded() / 100
    return "\(scaled)"
}

var lookups = 2_000_000
var json = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--lookups": lookups = Int(arguments.next() ?? "") ?? lookups
    case "--json": json = true
    default: print("usage: mlmprep-order-bench [--lookups N] [--json]"); exit(2)
    }
}

let key = OrderKey.make(seed: 42, epoch: 0)
for count in [1_000_003, 1 << 30, SequencePermutation.maximumCount] {
    let permutation = SequencePermutation(count: count, key: key)
    measure("permutation[p], consecutive p", count: count, lookups: lookups, json: json) { n in
        var sum = 0
        for position in 0..<n { sum &+= permutation[position % count] }
        return sum
    }
    measure("permutation[p], scattered p", count: count, lookups: lookups, json: json) { n in
        var sum = 0, position = 0
        for _ in 0..<n { position = (position &+ 0x9E37_79B9) % count; sum &+= permutation[position] }
        return sum
    }
    measure("position(of:) inverse", count: count, lookups: lookups, json: json) { n in
        var sum = 0
        for sequence in 0..<n { sum &+= permutation.position(of: sequence % count) }
        return sum
    }
}
let identity = SequencePermutation(count: 1_000_003, key: key, shuffle: .none)
measure("identity[p] (--shuffle none)", count: 1_000_003, lookups: lookups, json: json) { n in
    var sum = 0
    for position in 0..<n { sum &+= identity[position % 1_000_003] }
    return sum
}
if let schedule = try? BlendSchedule(weights: [5, 3, 2]),
   let blend = try? BlendedOrder(schedule: schedule, sourceLengths: [400_000, 150_000, 30_000],
                                 length: 10_000_000, seed: 42, epoch: 0, shuffle: .global) {
    measure("blend[p], 3 sources 5,3,2", count: blend.length, lookups: lookups, json: json) { n in
        var sum = 0
        for position in 0..<n { sum &+= blend[position % blend.length].sequence }
        return sum
    }
    measure("blend.origins(batch of 256)", count: blend.length, lookups: lookups, json: json) { n in
        var sum = 0
        for start in stride(from: 0, to: n, by: 256) {
            let first = start % (blend.length - 256)
            for origin in blend.origins(first..<(first + 256)) { sum &+= origin.sequence }
        }
        return sum
    }
}
if let layout = try? StepLayout(batchSize: 32, worldSize: 8, tail: .pad) {
    let run = RunSchedule(firstEpoch: 0, epochLengths: [Int](repeating: 1_000_003, count: 1000), layout: layout)
    measure("RunSchedule.locate(step:), 1000 epochs", count: run.totalSteps, lookups: lookups, json: json) { n in
        var sum = 0
        for step in 0..<n { sum &+= (try? run.locate(step: step % run.totalSteps).stepInEpoch) ?? 0 }
        return sum
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
