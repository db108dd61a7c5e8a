import ArgumentParser
import Foundation
import MLMCore
import MLMPMI
import MLMPipeline

/// `mlmprep pmi count`: one worker's exact counts of one round, for scale-out runs.
struct PMICountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Count one round of one worker's slice of a store into a part file (see `mlmprep pmi --help`).",
        discussion: """
            Without --after this is round 1 (words); with the count file of round k−1 (from pmi merge) it \
            counts the k-grams whose two (k−1)-grams are frequent. Worker I of N takes the store's records \
            I, I+N, I+2N, …. --worker defaults to a Slurm array task's place in its array (SLURM_ARRAY_TASK_ID \
            through SLURM_ARRAY_TASK_MIN/_MAX/_STEP) or to a Kubernetes Indexed Job's JOB_COMPLETION_INDEX of \
            MLMPREP_WORKER_COUNT.
            """
    )

    @OptionGroup var storeArgument: StoreArgument

    @Option(help: ArgumentHelp("This worker's slice, I/N with 0 ≤ I < N.", valueName: "I/N"))
    var worker: String?

    @Option(help: ArgumentHelp("The merged count file of the previous round (rounds 2…max-n).", valueName: "counts"))
    var after: String?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The part file to write.", valueName: "part"))
    var output: String

    @Flag(help: "Replace an existing part file.")
    var overwrite = false

    @OptionGroup var counting: PMICountingOptions
    @OptionGroup var runOptions: RunOptions

    func slice() throws -> WorkerSlice {
        guard let resolved = try WorkerOption.resolve(worker) else {
            throw ValidationError(
                "give --worker I/N (or run as a Slurm array task, or as a Kubernetes Indexed Job's pod with "
                    + "\(WorkerSlice.countVariable))")
        }
        return resolved
    }

    func validate() throws {
        _ = try slice()
        _ = try counting.memoryLimitBytes(threads: runOptions.resolvedThreads)
        if let maxN = counting.maxN, !(2...8).contains(maxN) {
            throw ValidationError("--max-n must be between 2 and 8, got \(maxN)")
        }
    }

    func run() throws {
        let slice = try slice()
        let memoryLimit = try counting.memoryLimitBytes(threads: runOptions.resolvedThreads)
        try CommandErrors.reporting {
            let started = Date()
            var settings = PMISettings()
            if let maxN = counting.maxN { settings.maximumLength = maxN }
            if let within = counting.within { settings.scope = within }
            try PathAliasing.check(
                inputs: [NamedPath("the store", storeArgument.store)] + (after.map { [NamedPath("--after", $0)] } ?? []),
                outputs: [NamedPath("-o", output)] + runOptions.statsOutput)
            var jobSettings = counting.jobSettings(
                store: storeArgument.store, output: output, overwrite: overwrite, pmi: settings, memoryLimit: memoryLimit,
                threads: runOptions.resolvedThreads)
            jobSettings.slice = slice
            let (round, entries) = try PMIJob(settings: jobSettings).countPart(
                after: after, explicitSettings: (counting.maxN != nil, counting.within != nil))
            let seconds = Date().timeIntervalSince(started)
            if let path = runOptions.statsJSON {
                var summary = PMIRunSummary()
                summary.distinct = [entries]
                try PMICommandSupport.writeStats(
                    summary, seconds: seconds, extra: [("round", .int(round)), ("worker", .string(slice.description))],
                    to: path)
            }
            PMICommandSupport.note(
                "round \(round), worker \(slice): \(PMICommandSupport.grouped(entries)) distinct "
                    + (round == 1 ? "words" : "\(round)-grams") + String(format: " → %@ (%.1f s)", output, seconds),
                quiet: runOptions.quiet)
        }
    }
}
