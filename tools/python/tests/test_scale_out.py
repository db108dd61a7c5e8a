"""Scale-out on a real Slurm started on localhost from Debian's packages (tools/scale-out/slurm-local.sh) and the
Kubernetes manifest's command lines run as an Indexed Job's pods would run them: every result is compared with
one process (stores give identical masked batches, PMI tables are byte-identical, counts add up)."""

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from mlmprep_reader import iter_documents

REPO = Path(__file__).resolve().parents[3]
SCALE_OUT = REPO / "tools" / "scale-out"
CORPORA = REPO / "corpora"
MASK_ARGS = ["--preset", "pmi", "--seq-len", "64"]
MAX_N = "3"


def run(*args, env=None, timeout=300, check=True):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def slurm_processes(conf: str) -> list[int]:
    """PIDs of processes whose environment names this SLURM_CONF, or that run with it as an argument."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if f"SLURM_CONF={conf}".encode() in environ or conf.encode() in cmdline:
            found.append(int(proc.name))
    return found


@pytest.fixture(scope="module")
def slurm():
    """A real slurmctld + slurmd on localhost; stopped by PID afterwards, leaving no process."""
    started = run(SCALE_OUT / "slurm-local.sh", "start", timeout=90)
    env = dict(os.environ)
    for name, value in re.findall(r"^export (\w+)=(.*)$", started.stdout, re.M):
        env[name] = value
    assert "SLURM_CONF" in env and Path(env["SLURM_CONF"]).is_file(), started.stdout + started.stderr
    try:
        yield env
    finally:
        run(SCALE_OUT / "slurm-local.sh", "stop", env["MLMPREP_SLURM_DIR"], timeout=120)
        deadline = time.monotonic() + 10  # [slurmstepd] <defunct> may show for a moment
        while slurm_processes(env["SLURM_CONF"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert slurm_processes(env["SLURM_CONF"]) == [], "processes of the local Slurm were left running"
        assert not Path(env["MLMPREP_SLURM_DIR"]).exists()


@pytest.fixture(scope="module")
def data(tmp_path_factory, vocab):
    """/data as the Kubernetes manifest sees it: input/ (many files of both formats, zstd with and without a
    content size in the frame header), vocab.txt; and big/one.txt, a single larger file."""
    root = tmp_path_factory.mktemp("scale-out") / "data"
    (root / "input").mkdir(parents=True)
    shutil.copy(vocab, root / "vocab.txt")
    for name in ["en.txt", "multilingual.txt", "adversarial.txt", "en.txt.zst", "sample.jsonl", "sample.jsonl.zst"]:
        shutil.copy(CORPORA / name, root / "input" / name)
    paragraphs = (CORPORA / "en.txt").read_text().split("\n\n")
    for number in range(24):
        text = "\n\n".join(f"Part {number}, document {k}.\n{p}" for k, p in enumerate(paragraphs[number % 5 :]))
        (root / "input" / f"gen-{number:02d}.txt").write_text(text + "\n")
    # Compressed from a pipe: the frame does not state its size, so the slicer decompresses to measure it.
    with open(root / "input" / "gen-00.txt", "rb") as source, open(root / "input" / "streamed.txt.zst", "wb") as out:
        subprocess.run(["zstd", "-q", "-c"], stdin=source, stdout=out, check=True)
    (root / "big").mkdir()
    with open(root / "big" / "one.txt", "w") as big:
        for repeat in range(40):
            for k, p in enumerate(paragraphs):
                big.write(f"Copy {repeat}, paragraph {k}.\n{p.strip()}\n\n")
    return root


def inputs(data: Path) -> list[str]:
    return sorted(str(p) for p in (data / "input").iterdir())


def one_process(mlmprep_bin, data, paths, out: Path, pmi=True):
    """tokenize, pmi and mask in one process each: the reference for every scale-out result."""
    run(mlmprep_bin, "tokenize", *paths, "--vocab", data / "vocab.txt", "-o", out / "tok", "--quiet")
    mask = list(MASK_ARGS)
    if pmi:
        run(mlmprep_bin, "pmi", out / "tok", "--max-n", MAX_N, "-o", out / "pmi.table", "--quiet")
        mask += ["--pmi", out / "pmi.table"]
    else:
        mask = ["--seq-len", "64"]
    run(mlmprep_bin, "mask", out / "tok", *mask, "-o", out / "batches", "--quiet")
    return out


def shard_bytes(directory: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted(directory.glob("shard-*.mlmb.zst"))]


def counts_without_records(store: Path) -> dict:
    counts = json.loads((store / "manifest.json").read_text())["counts"]
    counts.pop("records")
    return counts


def submit(slurm, mlmprep_bin, work, *args):
    env = dict(slurm, MLMPREP_BIN=mlmprep_bin)
    return run(SCALE_OUT / "submit.sh", "--tasks", "3", "--work", work, *args, env=env, timeout=600)


def test_slurm_array_run_matches_one_process(slurm, data, mlmprep_bin, tmp_path):
    """tokenize array → merge → PMI rounds as arrays + merges → mask → verify, against one process."""
    paths = inputs(data)
    work = tmp_path / "work"
    submit(slurm, mlmprep_bin, work, "--vocab", data / "vocab.txt", "--max-n", MAX_N, "--mask", " ".join(MASK_ARGS),
           "--wait", *paths)
    reference = one_process(mlmprep_bin, data, paths, tmp_path / "one")
    parts = sorted((work / "tok.parts").iterdir())
    assert [p.name for p in parts] == ["task-0", "task-1", "task-2"]
    workers = [json.loads((p / "manifest.json").read_text())["worker"] for p in parts]
    assert sorted((w["index"], w["count"]) for w in workers) == [(0, 3), (1, 3), (2, 3)]
    # The merged store: the same documents and counts as one process, readable by the Python reader.
    assert counts_without_records(work / "tok") == counts_without_records(reference / "tok")
    merged_docs = [(ids.tolist(), flags.tolist()) for ids, flags in iter_documents(str(work / "tok"))]
    single_docs = [(ids.tolist(), flags.tolist()) for ids, flags in iter_documents(str(reference / "tok"))]
    assert merged_docs == single_docs and len(merged_docs) > 300
    run(mlmprep_bin, "verify", work / "tok")
    assert "[MASK]" in run(mlmprep_bin, "inspect", work / "batches").stdout
    # PMI rounds as array tasks + pmi merge: byte-identical to one-process pmi on the same store, and the same
    # entries as the table of the one-process store (whose header names another store manifest).
    run(mlmprep_bin, "pmi", work / "tok", "--max-n", MAX_N, "-o", tmp_path / "merged.table", "--quiet")
    assert (work / "pmi.table").read_bytes() == (tmp_path / "merged.table").read_bytes()
    body = run("zstd", "-dc", work / "pmi.table").stdout.split("\n", 1)[1]
    assert body == run("zstd", "-dc", reference / "pmi.table").stdout.split("\n", 1)[1] and body.count("\n") > 20
    # Masking the merged store gives the one-process batches.
    assert shard_bytes(work / "batches") == shard_bytes(reference / "batches") != []


def test_slurm_array_splits_one_large_file(slurm, data, mlmprep_bin, tmp_path):
    big = [str(data / "big" / "one.txt")]
    work = tmp_path / "work"
    submit(slurm, mlmprep_bin, work, "--vocab", data / "vocab.txt", "--stages", "tokenize,merge", "--wait", *big)
    reference = one_process(mlmprep_bin, data, big, tmp_path / "one", pmi=False)
    shares = [json.loads((p / "manifest.json").read_text())["counts"]["bytes_read"]
              for p in sorted((work / "tok.parts").iterdir())]
    size = (data / "big" / "one.txt").stat().st_size
    assert sum(shares) == size
    assert all(abs(share - size / 3) < 2000 for share in shares), shares  # a cut moves to the next document
    assert counts_without_records(work / "tok") == counts_without_records(reference / "tok")
    run(mlmprep_bin, "mask", work / "tok", "--seq-len", "64", "-o", tmp_path / "batches", "--quiet")
    assert shard_bytes(tmp_path / "batches") == shard_bytes(reference / "batches") != []


def squeue(slurm, job):
    """The array's tasks still listed (none once it is over; squeue fails for a job already forgotten)."""
    listed = run("squeue", "-h", "-j", job, "-o", "%i %T", env=slurm, check=False)
    return [line for line in listed.stdout.split("\n") if line.strip()] if listed.returncode == 0 else []


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_killed_task_is_rerun_alone_with_resume(slurm, data, mlmprep_bin, tmp_path):
    # Three copies (real files: the same file named three times is refused): each worker has some seconds of work.
    big = []
    for copy in range(3):
        path = tmp_path / f"copy{copy}.txt"
        shutil.copyfile(data / "big" / "one.txt", path)
        big.append(str(path))
    work = tmp_path / "work"
    env = dict(slurm, MLMPREP_TOKENIZE_ARGS="--max-shard-bytes 40000 --chunk-bytes 8000 --threads 1")
    submitted = run(SCALE_OUT / "submit.sh", "--tasks", "3", "--work", work, "--vocab", data / "vocab.txt",
                    "--stages", "tokenize", *big, env=dict(env, MLMPREP_BIN=mlmprep_bin))
    job = submitted.stdout.split()[1]
    journal = work / "tok.parts" / "task-1" / "mlmprep-progress.jsonl"

    def journaled_shards():
        return journal.read_text().count("\n") - 1 if journal.exists() else 0

    wait_until(lambda: journaled_shards() >= 2, 120, "task 1 to journal two shards")
    run("scancel", f"{job}_1", env=slurm)
    wait_until(lambda: squeue(slurm, job) == [], 120, "the array to end")
    assert not (work / "tok.parts" / "task-1" / "manifest.json").exists(), "task 1 finished before it was killed"
    kept = journaled_shards()
    refused = run(mlmprep_bin, "merge", *sorted((work / "tok.parts").iterdir()), "-o", work / "tok", check=False)
    assert refused.returncode == 1 and "task-1" in refused.stderr, refused.stderr
    # Rerun the killed task alone, with its array variables: --resume keeps the journaled shards.
    run("scontrol", "requeue", f"{job}_1", env=slurm)
    run("scontrol", "update", f"JobId={job}_1", "StartTime=now", env=slurm)
    wait_until(lambda: (work / "tok.parts" / "task-1" / "manifest.json").exists() and squeue(slurm, job) == [],
               300, "the rerun of task 1")
    assert kept >= 2
    # The resumed part is byte-identical to an uninterrupted worker 1/3 run, manifest included.
    fresh = tmp_path / "fresh"
    run(mlmprep_bin, "tokenize", *big, "--vocab", data / "vocab.txt", *env["MLMPREP_TOKENIZE_ARGS"].split(),
        "--worker", "1/3", "-o", fresh, "--quiet")
    resumed = work / "tok.parts" / "task-1"
    assert sorted(p.name for p in resumed.iterdir()) == sorted(p.name for p in fresh.iterdir())
    for name in os.listdir(fresh):
        assert (resumed / name).read_bytes() == (fresh / name).read_bytes(), name
    run(mlmprep_bin, "merge", *sorted((work / "tok.parts").iterdir()), "-o", work / "tok")
    run(mlmprep_bin, "verify", work / "tok")
    run(mlmprep_bin, "tokenize", *big, "--vocab", data / "vocab.txt", "-o", tmp_path / "one", "--quiet")
    assert counts_without_records(work / "tok") == counts_without_records(tmp_path / "one")


def manifest_args(stage: str) -> list[str]:
    documents = list(yaml.safe_load_all((SCALE_OUT / "kubernetes.yaml").read_text()))
    jobs = {d["metadata"]["labels"]["mlmprep-stage"]: d for d in documents}
    assert jobs["volume"]["kind"] == "PersistentVolumeClaim"
    container = jobs[stage]["spec"]["template"]["spec"]["containers"][0]
    assert container["volumeMounts"][0]["mountPath"] == "/data"
    return jobs[stage], container


def test_kubernetes_manifest_commands_give_the_same_parts(slurm, data, mlmprep_bin, tmp_path):
    """The manifest's command lines, run with JOB_COMPLETION_INDEX as each pod sees it, write the parts a Slurm
    array writes (byte for byte), and the finishing Job's lines give the one-process batches."""
    job, container = manifest_args("tokenize")
    assert job["spec"]["completionMode"] == "Indexed"
    count = job["spec"]["completions"]
    environment = {e["name"]: e["value"] for e in container["env"]}
    assert environment["MLMPREP_WORKER_COUNT"] == str(count)
    path = dict(os.environ, PATH=f"{Path(mlmprep_bin).parent}:{os.environ['PATH']}")
    path.pop("SLURM_ARRAY_TASK_ID", None)
    for index in range(count):
        script = container["args"][0].replace("/data", str(data))
        run(*container["command"], script, env=dict(path, **environment, JOB_COMPLETION_INDEX=str(index)))
    # The same parts from a Slurm array of as many tasks (the same inputs, listed as the glob lists them).
    work = tmp_path / "slurm"
    submit(slurm, mlmprep_bin, work, "--vocab", data / "vocab.txt", "--stages", "tokenize", "--wait", *inputs(data))
    for index in range(count):
        pod = data / "work" / "tok.parts" / f"task-{index}"
        task = work / "tok.parts" / f"task-{index}"
        assert sorted(os.listdir(pod)) == sorted(os.listdir(task))
        for name in os.listdir(pod):
            assert (pod / name).read_bytes() == (task / name).read_bytes(), f"task-{index}/{name}"
    # The finishing Job: merge, pmi, mask, verify.
    _, finish = manifest_args("finish")
    run(*finish["command"], finish["args"][0].replace("/data", str(data)), env=path)
    reference = one_process(mlmprep_bin, data, inputs(data), tmp_path / "one")
    assert shard_bytes(data / "work" / "batches") == shard_bytes(reference / "batches") != []
    # Without the count variable a pod's index is not enough: a clear usage error.
    refused = run(*container["command"], container["args"][0].replace("/data", str(data)),
                  env=dict(path, JOB_COMPLETION_INDEX="0"), check=False)
    assert refused.returncode == 2 and "MLMPREP_WORKER_COUNT" in refused.stderr
    shutil.rmtree(data / "work")


def test_impossible_slices_and_wrong_parts_are_refused(data, mlmprep_bin, tmp_path):
    """Bad usage exits 2 naming the flag or the variables; merge names what it cannot join."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "JOB_COMPLETION", "MLMPREP_WORKER"))}
    tokenize = [mlmprep_bin, "tokenize", data / "input" / "en.txt", "--vocab", data / "vocab.txt", "-o", tmp_path / "t"]
    cases = [
        ({}, ["--worker", "3/3"], "--worker"),
        ({}, ["--worker", "0/0"], "--worker"),
        ({"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_MAX": "9",
          "SLURM_ARRAY_TASK_STEP": "3", "SLURM_ARRAY_TASK_COUNT": "3"}, [], "SLURM_ARRAY_TASK_STEP=3"),
        ({"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_MAX": "9",
          "SLURM_ARRAY_TASK_STEP": "3", "SLURM_ARRAY_TASK_COUNT": "4"}, [], "SLURM_ARRAY_TASK_COUNT=4"),
        ({"JOB_COMPLETION_INDEX": "3", "MLMPREP_WORKER_COUNT": "3"}, [], "JOB_COMPLETION_INDEX=3"),
        ({"MLMPREP_WORKER_COUNT": "3"}, [], "JOB_COMPLETION_INDEX"),
    ]
    for extra_env, flags, named in cases:
        result = run(*tokenize, *flags, env=dict(base, **extra_env), check=False)
        assert result.returncode == 2 and named in result.stderr, (extra_env, flags, result.stderr)
        assert not (tmp_path / "t").exists()
    stdin = run(mlmprep_bin, "tokenize", "-", "--vocab", data / "vocab.txt", "--worker", "0/2", "-o", tmp_path / "s",
                env=base, check=False)
    assert stdin.returncode == 2 and "standard input" in stdin.stderr
    # The Slurm variables of an array 3-9:3 make task 6 worker 1 of 3: the same part as --worker 1/3.
    slurm_env = dict(base, SLURM_ARRAY_TASK_ID="6", SLURM_ARRAY_TASK_MIN="3", SLURM_ARRAY_TASK_MAX="9",
                     SLURM_ARRAY_TASK_STEP="3", SLURM_ARRAY_TASK_COUNT="3")
    run(*tokenize[:-1], tmp_path / "from-env", "--quiet", env=slurm_env)
    run(*tokenize[:-1], tmp_path / "explicit", "--worker", "1/3", "--quiet", env=base)
    assert json.loads((tmp_path / "from-env" / "manifest.json").read_text())["worker"]["index"] == 1
    assert shard_bytes(tmp_path / "from-env") == shard_bytes(tmp_path / "explicit")
    # A batch directory is not a store; a missing worker is named.
    run(mlmprep_bin, "mask", tmp_path / "explicit", "--seq-len", "64", "-o", tmp_path / "b", "--quiet", env=base)
    batches = run(mlmprep_bin, "merge", tmp_path / "b", "-o", tmp_path / "m", check=False, env=base)
    assert batches.returncode == 1 and "not a tokenized store" in batches.stderr
    missing = run(mlmprep_bin, "merge", tmp_path / "explicit", "-o", tmp_path / "m", check=False, env=base)
    assert missing.returncode == 1 and "worker 0/3 is missing (missing: 0/3, 2/3)" in missing.stderr, missing.stderr
