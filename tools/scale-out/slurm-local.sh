#!/usr/bin/env bash
# A real single-node Slurm on localhost, from Debian's packages (slurmctld, slurmd, slurm-client), for tests and
# for trying tools/scale-out/mlmprep.sbatch on one machine. Everything lives in one temporary directory: the
# configuration (AuthType=auth/none with CredType=cred/none, so no munged), state, spool, logs and PID files, on
# two free ports. Nothing is installed here (tools/setup.sh does that); must run as root (SlurmUser=root).
#
# Usage:
#   eval "$(tools/scale-out/slurm-local.sh start)"   # prints: export SLURM_CONF=…; export MLMPREP_SLURM_DIR=…
#   sbatch --array=0-2 --wait --wrap 'echo $SLURM_ARRAY_TASK_ID'
#   tools/scale-out/slurm-local.sh stop "$MLMPREP_SLURM_DIR"   # cancels jobs, stops the daemons by PID, removes it
#
# Waits are bounded: start gives up after 30 s without an idle node (and stops what it started); stop waits at
# most 20 s for jobs to end, then 5 s per daemon after SIGTERM before SIGKILL, and also ends, by PID, every process
# whose environment holds this SLURM_CONF (slurmstepd and job steps outlive a killed slurmd).
set -euo pipefail

say() { printf '[slurm-local] %s\n' "$*" >&2; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until `$1` (a command) succeeds, at most $2 tenths of a second.
wait_for() {
    local tries=0
    until eval "$1" >/dev/null 2>&1; do
        tries=$((tries + 1))
        [ "$tries" -ge "$2" ] && return 1
        sleep 0.1
    done
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Ends one process by PID: SIGTERM, then SIGKILL after 5 s.
end_pid() {
    local pid=$1
    alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    wait_for "! kill -0 $pid" 50 || kill -KILL "$pid" 2>/dev/null || true
    wait_for "! kill -0 $pid" 20 || say "process $pid did not end"
}

write_config() {
    local dir=$1 ctld_port=$2 slurmd_port=$3 node
    # The node line as slurmd -C sees this machine, renamed to localhost.
    node=$(slurmd -C | head -n 1 | sed -E 's/^NodeName=[^ ]+/NodeName=localhost NodeAddr=127.0.0.1/')
    cat >"$dir/slurm.conf" <<CONF
ClusterName=mlmprep
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
MinJobAge=5
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pidfile
SlurmdPidFile=$dir/slurmd.pidfile
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
$node
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
}

start() {
    [ "$(id -u)" -eq 0 ] || { say "error: run as root (the local cluster's SlurmUser is root)"; exit 1; }
    for tool in slurmctld slurmd sinfo sbatch; do
        command -v "$tool" >/dev/null || { say "error: $tool is missing; run tools/setup.sh"; exit 1; }
    done
    local dir
    dir=$(mktemp -d /tmp/mlmprep-slurm-XXXXXX)
    chmod 755 "$dir"
    mkdir -p "$dir/state" "$dir/spool"
    write_config "$dir" "$(free_port)" "$(free_port)"
    export SLURM_CONF=$dir/slurm.conf
    slurmctld -D -f "$SLURM_CONF" </dev/null >>"$dir/slurmctld.out" 2>&1 &
    echo $! >"$dir/slurmctld.pid"
    slurmd -D -N localhost -f "$SLURM_CONF" </dev/null >>"$dir/slurmd.out" 2>&1 &
    echo $! >"$dir/slurmd.pid"
    if ! wait_for "sinfo -h -n localhost -o %T | grep -qx idle" 300; then
        say "error: the node did not become idle within 30 s; logs: $dir/slurmctld.log $dir/slurmd.log"
        tail -n 5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
        stop "$dir" --keep
        exit 1
    fi
    echo "export SLURM_CONF=$SLURM_CONF"
    echo "export MLMPREP_SLURM_DIR=$dir"
}

stop() {
    local dir=${1:?give the directory that start printed (MLMPREP_SLURM_DIR)} keep=${2:-}
    [ -f "$dir/slurm.conf" ] || { say "error: $dir holds no slurm.conf"; exit 1; }
    export SLURM_CONF=$dir/slurm.conf
    local ctld slurmd
    ctld=$(cat "$dir/slurmctld.pid" 2>/dev/null || true)
    slurmd=$(cat "$dir/slurmd.pid" 2>/dev/null || true)
    if alive "$ctld"; then
        timeout 10 scancel --quiet --user=root 2>/dev/null || true
        wait_for '[ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ]' 200 || say "jobs still listed after 20 s"
    fi
    end_pid "$slurmd"
    end_pid "$ctld"
    # slurmstepd and job processes that outlived slurmd: every process whose environment names this SLURM_CONF.
    # This script and its callers (which may have been started with SLURM_CONF set) are spared.
    local proc pid ancestors=" " up=$$
    while [ -n "$up" ] && [ "$up" -gt 1 ]; do
        ancestors+="$up "
        up=$(awk '/^PPid:/ { print $2 }' "/proc/$up/status" 2>/dev/null || true)
    done
    for proc in /proc/[0-9]*; do
        pid=${proc#/proc/}
        case "$ancestors" in *" $pid "*) continue ;; esac
        if { tr '\0' '\n' <"$proc/environ"; } 2>/dev/null | grep -qxF "SLURM_CONF=$SLURM_CONF"; then end_pid "$pid"; fi
    done
    [ -n "$keep" ] || rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
stop) shift; stop "$@" ;;
*) say "usage: $0 start | stop DIR"; exit 2 ;;
esac
