#!/usr/bin/env bash
# tests/fuzz/run.sh --smoke|--long SECONDS TARGET... -- runs the libFuzzer
# programs $FUZZ_BUILD/fuzz_TARGET for SECONDS each.
#   --smoke  fixed seed (-seed=1), a fresh scratch corpus over the generated
#            seeds: the same start every time; meant for make check.
#   --long   random seed, the corpus kept in $FUZZ_BUILD/corpus/TARGET.
# A crash, leak, timeout or out-of-memory leaves its input in
# tests/fuzz/crashes/TARGET/ and fails the run. Prints one line per target:
# executions, executions per second.
set -u
mode=$1 seconds=$2
shift 2
B=${FUZZ_BUILD:-build/fuzz}
status=0
for t in "$@"; do
    bin=$B/fuzz_$t
    seeds=$B/seeds/$t
    crashes=tests/fuzz/crashes/$t
    mkdir -p "$crashes"
    if [ "$mode" = --smoke ]; then
        work=$B/smoke/$t
        rm -rf "$work"
        mkdir -p "$work"
        extra=(-seed=1)
    else
        work=$B/corpus/$t
        mkdir -p "$work"
        extra=()
    fi
    log=$B/$t.log
    "$bin" "${extra[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
        -malloc_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$crashes/" "$work" "$seeds" > "$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    if [ $rc -ne 0 ]; then
        echo "fuzz $t: FAILED (exit $rc) after ${execs:-?} executions; see $log"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" | head -5
        status=1
    else
        echo "fuzz $t: ok, ${execs:-?} executions in ${seconds}s (${rate:-?}/s)"
    fi
    rmdir "$crashes" 2>/dev/null
done
exit $status
