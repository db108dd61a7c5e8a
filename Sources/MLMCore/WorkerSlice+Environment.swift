/// The worker slice a batch scheduler gives a task, when `--worker` is not given (DESIGN.md §4 "Scale-out").
extension WorkerSlice {
    /// The environment variable that gives the worker count of a Kubernetes Indexed Job (Kubernetes sets only
    /// `JOB_COMPLETION_INDEX`, not the number of completions).
    public static let countVariable = "MLMPREP_WORKER_COUNT"

    /// The slice of this task: `--worker I/N` when given; else a Slurm array task's place in its array
    /// (`SLURM_ARRAY_TASK_ID` mapped through `SLURM_ARRAY_TASK_MIN`, `_MAX` and `_STEP`, so that `--array=3-9:3`
    /// gives workers 0, 1, 2 of 3; `SLURM_ARRAY_TASK_COUNT` must agree); else a Kubernetes Indexed Job's
    /// `JOB_COMPLETION_INDEX` of ``countVariable``; else nil (the whole input).
    /// - Parameters:
    ///   - explicit: The `--worker` text, if given.
    ///   - environment: The process environment.
    /// - Returns: The slice, or nil when neither the flag nor a scheduler gives one.
    /// - Throws: ``WorkerSliceError`` for an impossible slice or inconsistent variables, naming them.
    public static func resolve(explicit: String?, environment: [String: String]) throws(WorkerSliceError) -> WorkerSlice? {
        if let explicit { return try WorkerSlice(parsing: explicit) }
        if environment["SLURM_ARRAY_TASK_ID"] != nil { return try slurmArrayTask(environment) }
        if let index = environment["JOB_COMPLETION_INDEX"] {
            guard let countText = environment[countVariable] else {
                throw WorkerSliceError(
                    "JOB_COMPLETION_INDEX=\(index) is set but not the worker count: set \(countVariable) to the "
                        + "Job's completions, or give --worker \(index)/N")
            }
            return try WorkerSlice(
                parsing: "\(index)/\(countText)", or: "JOB_COMPLETION_INDEX=\(index) with \(countVariable)=\(countText)")
        }
        if let countText = environment[countVariable] {
            throw WorkerSliceError(
                "\(countVariable)=\(countText) is set but JOB_COMPLETION_INDEX is not (not an Indexed Job's pod?): "
                    + "give --worker I/N, or unset \(countVariable)")
        }
        return nil
    }

    /// A Slurm array task's slice: its place among the array's IDs `MIN, MIN+STEP, …, MAX`.
    static func slurmArrayTask(_ environment: [String: String]) throws(WorkerSliceError) -> WorkerSlice {
        func value(_ name: String) throws(WorkerSliceError) -> Int {
            guard let text = environment[name] else {
                throw WorkerSliceError(
                    "SLURM_ARRAY_TASK_ID is set but \(name) is not; give --worker I/N")
            }
            guard let number = Int(text) else {
                throw WorkerSliceError("\(name)=\(text) is not a number; give --worker I/N")
            }
            return number
        }
        let id = try value("SLURM_ARRAY_TASK_ID")
        let minimum = try value("SLURM_ARRAY_TASK_MIN")
        let maximum = try value("SLURM_ARRAY_TASK_MAX")
        let step = environment["SLURM_ARRAY_TASK_STEP"] == nil ? 1 : try value("SLURM_ARRAY_TASK_STEP")
        let described =
            "SLURM_ARRAY_TASK_ID=\(id) with SLURM_ARRAY_TASK_MIN=\(minimum), SLURM_ARRAY_TASK_MAX=\(maximum), "
            + "SLURM_ARRAY_TASK_STEP=\(step)"
        guard step >= 1, minimum <= id, id <= maximum, (id - minimum) % step == 0, (maximum - minimum) % step == 0
        else {
            throw WorkerSliceError(
                "\(described) is not a task of an array MIN-MAX:STEP; give --worker I/N")
        }
        let slice = WorkerSlice(index: (id - minimum) / step, count: (maximum - minimum) / step + 1)
        if let countText = environment["SLURM_ARRAY_TASK_COUNT"], Int(countText) != slice.count {
            throw WorkerSliceError(
                "\(described) makes \(slice.count) tasks but SLURM_ARRAY_TASK_COUNT=\(countText): the array is not "
                    + "one range with one step (like --array=0-9 or 3-9:3); give --worker I/N")
        }
        return slice
    }

    /// Parses `I/N` that came from the environment, naming the variables when it is impossible.
    private init(parsing text: String, or described: String) throws(WorkerSliceError) {
        do {
            try self.init(parsing: text)
        } catch {
            throw WorkerSliceError("\(described) is not a worker I/N with 0 ≤ I < N; fix the variables or give --worker I/N")
        }
    }
}
