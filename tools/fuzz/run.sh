#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tools/fuzz and runs each for a while.
#
# Usage: tools/fuzz/run.sh [--seconds N] [--harness NAME]... [--no-build] [--fresh-corpus]
#   --seconds N       fuzzing time per harness (default 300)
#   --harness NAME    run only this harness (text, jsonl, tokenizer, shards, zstd); may be repeated
#   --no-build        use the harnesses already built
#   --fresh-corpus    start from the seeds only and keep no new inputs (what tools/test.sh does, so that its
#                     time does not grow with the corpus of earlier long runs)
#
# Build: debug configuration with -O, so that Swift's bounds and overflow checks stay on (the root package's
# release configuration uses -Ounchecked), instrumented with -sanitize=fuzzer,address. New inputs go to
# tools/fuzz/.corpus/<harness>/ (seeded from tools/fuzz/seeds/<harness>/); a crash, a hang (-timeout) or an
# allocation past -malloc_limit_mb leaves tools/fuzz/artifacts/<harness>-crash-… (or timeout-, oom-) and
# makes the script exit 1. Reproduce one with: tools/fuzz/.build-fuzz/debug/fuzz-<harness> <file>.
# Prints one line per harness (seconds, executions, crashes) and a last line "fuzz: N passed, M failed".
set -euo pipefail

# All in one function, so that bash has read the whole script before running it (editing the file during a
# long run cannot change what runs).
main() {
    fuzz="$(cd "$(dirname "$0")" && pwd)"
    cd "$fuzz"

    seconds=300
    harnesses=()
    build=1
    fresh=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --seconds) seconds="$2"; shift 2 ;;
            --harness) harnesses+=("$2"); shift 2 ;;
            --no-build) build=0; shift ;;
            --fresh-corpus) fresh=1; shift ;;
            -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print } /^set -euo/ { exit }' "$fuzz/run.sh"; exit 0 ;;
            *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
        esac
    done
    all=(text jsonl tokenizer shards zstd)
    [ ${#harnesses[@]} -gt 0 ] || harnesses=("${all[@]}")
    for harness in "${harnesses[@]}"; do
        case " ${all[*]} " in *" $harness "*) ;; *) echo "run.sh: no harness '$harness' (${all[*]})" >&2; exit 2 ;; esac
    done

    # Largest input per harness: enough for several lines, records or frames, small enough that each input is
    # quick (every harness reads its input several ways).
    max_len() {
        case "$1" in
            tokenizer) echo 1024 ;;
            shards) echo 8192 ;;
            *) echo 4096 ;;
        esac
    }

    scratch="$fuzz/.build-fuzz"
    flags=(-c debug -Xswiftc -O -Xswiftc -sanitize=fuzzer,address)
    if [ "$build" = 1 ]; then
        for harness in "${harnesses[@]}"; do
            echo "== building fuzz-$harness"
            swift build --package-path "$fuzz" --scratch-path "$scratch" "${flags[@]}" --product "fuzz-$harness" 2>&1 \
                | grep -v "warning: Cannot export local symbol" \
                | grep -Ev '^\[[0-9]+/[0-9]+\] |^Building for|^Build of product|^\[0/1\] Planning' || true
            [ -x "$scratch/debug/fuzz-$harness" ] || { echo "run.sh: building fuzz-$harness failed" >&2; exit 1; }
        done
    fi

    mkdir -p "$fuzz/artifacts" "$fuzz/logs"
    # The Swift runtime's backtracer would wait on a crashing harness; libFuzzer and ASan print the stack instead.
    export SWIFT_BACKTRACE=enable=no
    # Swift's runtime keeps metadata caches for the life of the process: not leaks.
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=0}"
    passed=0
    failed=0
    summary=()
    for harness in "${harnesses[@]}"; do
        if [ "$fresh" = 1 ]; then
            corpus="$(mktemp -d)"
        else
            corpus="$fuzz/.corpus/$harness"
            mkdir -p "$corpus"
        fi
        log="$fuzz/logs/$harness.log"
        before=$(ls "$fuzz/artifacts" | grep -c "^$harness-" || true)
        dict=()
        [ -f "$fuzz/dictionaries/$harness.dict" ] && dict=(-dict="$fuzz/dictionaries/$harness.dict")
        echo "== fuzzing $harness for ${seconds}s (max_len $(max_len "$harness"))"
        started=$(date +%s)
        set +e
        "$scratch/debug/fuzz-$harness" "$corpus" "$fuzz/seeds/$harness" "${dict[@]}" \
            -max_total_time="$seconds" -max_len="$(max_len "$harness")" -timeout=10 -rss_limit_mb=2048 \
            -malloc_limit_mb=512 -use_value_profile=1 -print_final_stats=1 -print_pcs=0 \
            -artifact_prefix="$fuzz/artifacts/$harness-" >"$log" 2>&1
        status=$?
        set -e
        elapsed=$(( $(date +%s) - started ))
        [ "$fresh" = 0 ] || rm -rf "$corpus"
        runs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1)
        [ -n "$runs" ] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
        after=$(ls "$fuzz/artifacts" | grep -c "^$harness-" || true)
        crashes=$((after - before))
        if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
        line="$harness: $elapsed s, ${runs:-0} executions, $crashes crashes"
        if [ "$crashes" -gt 0 ]; then
            failed=$((failed + 1))
            artifact=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -n 1 | sed 's/Test unit written to //')
            line="$line (exit $status; ${artifact:-see $log})"
            grep -E 'FUZZ INVARIANT FAILED|ERROR: (AddressSanitizer|libFuzzer)|Fatal error|SUMMARY' "$log" | head -n 5 | sed 's/^/    /'
        else
            passed=$((passed + 1))
        fi
        echo "$line"
        summary+=("$line")
    done
    echo "== fuzz summary (log files in tools/fuzz/logs/)"
    printf '%s\n' "${summary[@]}"
    echo "fuzz: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

main "$@"; exit $?
