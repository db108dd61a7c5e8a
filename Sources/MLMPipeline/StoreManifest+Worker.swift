import MLMCore
import MLMReaders

extension JSONValue {
    /// A store manifest with the `worker` entry of a `tokenize --worker I/N` run: `{"index", "count",
    /// "input_sizes"}` (the size of every input file, so that `mlmprep merge` can tell parts of other inputs).
    /// A run of the whole input (N = 1) gets no entry, so its manifest is that of a run without `--worker`.
    /// - Parameters:
    ///   - worker: The run's slice.
    ///   - inputs: The inputs' status.
    /// - Returns: The manifest, with the entry appended.
    func addingWorker(_ worker: WorkerSlice, inputs: [InputFileStatus]) -> JSONValue {
        guard !worker.isAll, case .object(var members) = self else { return self }
        members.append(
            (
                "worker",
                .object([
                    ("index", .int(worker.index)), ("count", .int(worker.count)),
                    ("input_sizes", .array(inputs.map { .int($0.size) })),
                ])
            ))
        return .object(members)
    }
}
