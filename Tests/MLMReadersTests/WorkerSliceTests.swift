import MLMCore
import Testing

/// `--worker I/N` and the defaults from Slurm array tasks and Kubernetes Indexed Jobs.
@Suite struct WorkerSliceTests {
    func resolve(_ explicit: String?, _ environment: [String: String]) throws(WorkerSliceError) -> WorkerSlice? {
        try WorkerSlice.resolve(explicit: explicit, environment: environment)
    }

    func resolve(_ environment: [String: String]) throws(WorkerSliceError) -> WorkerSlice? {
        try resolve(nil, environment)
    }

    func slurm(id: Int, min: Int, max: Int, step: Int, count: Int?) -> [String: String] {
        var environment = [
            "SLURM_ARRAY_TASK_ID": "\(id)", "SLURM_ARRAY_TASK_MIN": "\(min)", "SLURM_ARRAY_TASK_MAX": "\(max)",
            "SLURM_ARRAY_TASK_STEP": "\(step)", "SLURM_ARRAY_JOB_ID": "77",
        ]
        if let count { environment["SLURM_ARRAY_TASK_COUNT"] = "\(count)" }
        return environment
    }

    @Test func parsing() throws {
        #expect(try WorkerSlice(parsing: "2/3") == WorkerSlice(index: 2, count: 3))
        #expect(try WorkerSlice(parsing: "0/1") == .all)
        for bad in ["3/3", "a/3", "-1/3", "0/0", "1", "1/2/3", "", "/", "1/-2"] {
            #expect(throws: WorkerSliceError.self) { try WorkerSlice(parsing: bad) }
        }
    }

    @Test func slurmArraysWithAMinimumAndAStepMapToWorkers() throws {
        // --array=3-9:3 gives IDs 3, 6, 9: workers 0, 1, 2 of 3.
        for (id, index) in [(3, 0), (6, 1), (9, 2)] {
            #expect(try resolve(slurm(id: id, min: 3, max: 9, step: 3, count: 3)) == WorkerSlice(index: index, count: 3))
        }
        #expect(try resolve(slurm(id: 0, min: 0, max: 0, step: 1, count: 1)) == .all)
        #expect(try resolve(slurm(id: 14, min: 10, max: 19, step: 1, count: nil)) == WorkerSlice(index: 4, count: 10))
        var noStep = slurm(id: 1, min: 0, max: 2, step: 1, count: 3)
        noStep["SLURM_ARRAY_TASK_STEP"] = nil
        #expect(try resolve(noStep) == WorkerSlice(index: 1, count: 3))
        // An explicit --worker wins over the scheduler.
        #expect(try resolve("1/2", slurm(id: 6, min: 3, max: 9, step: 3, count: 3)) == WorkerSlice(index: 1, count: 2))
        #expect(try resolve([String: String]()) == nil)
    }

    @Test func inconsistentSlurmVariablesAreErrorsNamingThem() {
        let cases: [[String: String]] = [
            slurm(id: 4, min: 3, max: 9, step: 3, count: 3),  // not on the step
            slurm(id: 12, min: 3, max: 9, step: 3, count: 3),  // past the maximum
            slurm(id: 3, min: 3, max: 9, step: 3, count: 4),  // a list like 3,6,7,9: the count disagrees
            slurm(id: 3, min: 3, max: 9, step: 0, count: 3),
            ["SLURM_ARRAY_TASK_ID": "2"],
            ["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "3"],
        ]
        for environment in cases {
            do throws(WorkerSliceError) {
                _ = try resolve(environment)
                Issue.record("accepted \(environment)")
            } catch {
                #expect(error.message.contains("SLURM_ARRAY_TASK_"), "\(error.message)")
                #expect(error.message.contains("--worker"))
            }
        }
    }

    @Test func kubernetesIndexedJobsNeedTheCount() throws {
        let pod = ["JOB_COMPLETION_INDEX": "2", WorkerSlice.countVariable: "3"]
        #expect(try resolve(pod) == WorkerSlice(index: 2, count: 3))
        #expect(try resolve("0/3", pod) == WorkerSlice(index: 0, count: 3))
        for environment in [
            ["JOB_COMPLETION_INDEX": "2"], ["JOB_COMPLETION_INDEX": "3", WorkerSlice.countVariable: "3"],
            ["JOB_COMPLETION_INDEX": "0", WorkerSlice.countVariable: "0"], [WorkerSlice.countVariable: "3"],
        ] {
            #expect(throws: WorkerSliceError.self) { try resolve(environment) }
        }
        do throws(WorkerSliceError) {
            _ = try resolve(["JOB_COMPLETION_INDEX": "5", WorkerSlice.countVariable: "3"])
        } catch {
            #expect(error.message.contains("JOB_COMPLETION_INDEX=5") && error.message.contains("MLMPREP_WORKER_COUNT=3"))
        }
    }

    @Test func rangesTileTheWhole() {
        for total in [0, 1, 2, 7, 1000, Int.max / 2] {
            for count in 1...9 {
                var next = 0
                for index in 0..<count {
                    let range = WorkerSlice(index: index, count: count).range(of: total)
                    #expect(range.lowerBound == next)
                    #expect(range.count <= total / count + 1)
                    next = range.upperBound
                }
                #expect(next == total)
            }
        }
    }
}
