#!/usr/bin/env bash
# Submits a whole scale-out mlmprep run to Slurm as dependent jobs of tools/scale-out/mlmprep.sbatch:
# a tokenize array, a merge, the PMI rounds (an array and a merge each), mask and verify.
#
#   tools/scale-out/submit.sh --tasks 32 --cpus 4 --work /shared/run1 --vocab vocab.txt [--max-n 5] \
#       [--mask "--preset pmi --seq-len 128"] [--stages tokenize,merge,pmi,mask,verify] [--wait] \
#       [--sbatch "--partition=cpu --time=4:00:00"] INPUT...
#
# Prints the job IDs. Each job depends on the previous one with afterok and --kill-on-invalid-dep=yes, so a failed
# stage cancels the rest (rerun a failed task with `scontrol requeue JOBID_TASK`, then submit the remaining
# stages with --stages). With --wait it waits for the last job and exits with its status.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

tasks=2 cpus=1 work="" vocab="" max_n=5 mask="" stages="tokenize,merge,pmi,mask,verify" wait="" extra=""
while [ $# -gt 0 ]; do
    case "$1" in
    --tasks) tasks=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --vocab) vocab=$2; shift 2 ;;
    --max-n) max_n=$2; shift 2 ;;
    --mask) mask=$2; shift 2 ;;
    --stages) stages=$2; shift 2 ;;
    --sbatch) extra=$2; shift 2 ;;
    --wait) wait=1; shift ;;
    --) shift; break ;;
    -*) echo "submit.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ -n "$work" ] && [ -n "$vocab" ] && [ $# -gt 0 ] || { echo "submit.sh: give --work, --vocab and the inputs" >&2; exit 2; }
mkdir -p "$work/logs"
work=$(cd "$work" && pwd)
printf '%s\n' "$@" >"$work/inputs.txt"
export MLMPREP_WORK=$work MLMPREP_VOCAB=$vocab MLMPREP_INPUTS=$work/inputs.txt MLMPREP_MAX_N=$max_n
export MLMPREP_MASK_ARGS=$mask MLMPREP_BIN=${MLMPREP_BIN:-mlmprep}

previous=""
# Submits one job of the chain: submit NAME ARRAY(or "") STAGE ARGS…; prints its ID.
submit() {
    local name=$1 array=$2
    shift 2
    local options=(--parsable --job-name="mlmprep-$name" --cpus-per-task="$cpus" --output="$work/logs/$name-%j.log")
    [ -n "$array" ] && options+=(--array="$array" --output="$work/logs/$name-%A_%a.log")
    [ -n "$previous" ] && options+=(--dependency="afterok:$previous" --kill-on-invalid-dep=yes)
    # shellcheck disable=SC2086 # $extra holds several sbatch flags
    previous=$(sbatch "${options[@]}" $extra "$here/mlmprep.sbatch" "$@")
    echo "$name $previous"
}
all="0-$((tasks - 1))"
case ",$stages," in *,tokenize,*) submit tokenize "$all" tokenize ;; esac
case ",$stages," in *,merge,*) submit merge "" merge ;; esac
case ",$stages," in *,pmi,*)
    for round in $(seq 1 "$max_n"); do
        submit "pmi-count-$round" "$all" pmi-count "$round"
        submit "pmi-merge-$round" "" pmi-merge "$round"
    done ;;
esac
case ",$stages," in *,mask,*) submit mask "" mask ;; esac
case ",$stages," in *,verify,*) submit verify "" verify ;; esac
if [ -n "$wait" ] && [ -n "$previous" ]; then
    # sbatch --wait on a job that only waits for the last one: its exit status is the chain's.
    sbatch --wait --quiet --job-name=mlmprep-wait --dependency="afterok:$previous" --kill-on-invalid-dep=yes \
        --output=/dev/null --wrap true
fi
