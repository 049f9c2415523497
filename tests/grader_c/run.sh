#!/usr/bin/env bash
# Re-run under bash when started as `sh run.sh`.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
# run.sh -- the C side of the grader, end to end (make check-grader-c).
#
# Builds the judge, sandbox_exec, the workers of the model solutions and of
# the stubs (one per part) and the hostile workers of tests/grader_c/hostile/,
# then checks, with tests/grader_c/check.py on the judge's JSON lines:
#   - the model solutions pass every case of every part;
#   - the stubs give not_implemented on every case, "not implemented yet";
#   - a worker without the part's file gives not_implemented, "not built";
#   - each hostile worker costs only its own cases: an endless loop (timeout,
#     the worker and a child it left behind killed), crashes (segmentation
#     fault, exit(0), abort), a flood of prints (capped, counted, escaped),
#     modified inputs (named), writes outside the output and an output never
#     allocated, a 64 MiB output (refused), junk written into the protocol
#     pipe, a crash at start, processes that leave the process group;
#   - the judge's command line errors and exit statuses;
#   - sandbox_exec's limits, descriptors and session, and a grade through
#     sandbox_exec and, when it works here, through bubblewrap;
#   - no process is left behind.
# Environment: BUILD (default build), MAKE (default make), SAN (1: the
# judge is the sanitizer build of BUILD, as `make SAN=1 check-grader-c`
# gives; the workers and sandbox_exec, untrusted side, stay plain, built in
# BUILD/plain: AddressSanitizer needs terabytes of address space, which the
# sandbox's limits refuse). About 10 s.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
unset MAKEFLAGS MFLAGS MAKELEVEL
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
SAN=${SAN:-0}
case $BUILD in /*) ABS=$BUILD ;; *) ABS=$ROOT/$BUILD ;; esac
WBUILD=$BUILD
[ "$SAN" = 1 ] && WBUILD=$BUILD/plain
case $WBUILD in /*) WABS=$WBUILD ;; *) WABS=$ROOT/$WBUILD ;; esac
J=$ABS/grader/judge
G=$WABS/grader
OUT=$ABS/grader-tests
PY=$(for p in /usr/bin/python3 python3; do command -v "$p" && break; done)
CHECK=("$PY" "$ROOT/tests/grader_c/check.py")
IMAGES=$ABS/images
HOSTILE_FLOOR=0.5
T0=$(date +%s.%N)

rm -rf "$OUT"
mkdir -p "$OUT"
passed=0
failed=0

# ok NAME COMMAND...: runs a check, records it.
ok() {
    local name=$1
    shift
    if out=$("$@" 2>&1); then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL  $name"
        [ -n "$out" ] && printf '      %s\n' "$out" | head -n 8
    fi
}

# judge NAME PART [JUDGE OPTIONS] -- WORKER...: grades into $OUT/NAME.jsonl
# (standard error in NAME.err); returns the judge's exit status.
judge() {
    local name=$1 part=$2
    shift 2
    "$J" --cases tests/cases.toml --images "$IMAGES" --expected "$ABS/expected" \
        --feedback "$OUT/feedback" --part "$part" "$@" > "$OUT/$name.jsonl" 2> "$OUT/$name.err"
}

# leftovers PATTERN: fails when a process whose command line matches is alive.
leftovers() {
    local left
    left=$(pgrep -af -- "$1" | grep -v -e pgrep -e "run.sh" || true)
    [ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

# ------------------------------------------------------------------ build
echo "check-grader-c: building the judge and the workers"
build_log=$OUT/build.log
{
    "$MAKE" --no-print-directory -j2 SAN="$SAN" BUILD="$BUILD" "$BUILD/grader/judge" \
        "$BUILD/expected/.stamp" &&
        "$MAKE" --no-print-directory -j2 SAN=0 BUILD="$WBUILD" "$WBUILD/grader/sandbox_exec" \
            hostile-workers &&
        "$MAKE" --no-print-directory -j2 SAN=0 BUILD="$WBUILD" workers STUDENT_DIR=solutions &&
        "$MAKE" --no-print-directory -j2 SAN=0 BUILD="$WBUILD" workers STUDENT_DIR=assignments
} > "$build_log" 2>&1 || {
    echo "check-grader-c: the build failed (see $build_log)"
    tail -20 "$build_log"
    exit 1
}
if grep -q 'warning:' "$build_log"; then
    echo "check-grader-c: the build has warnings (see $build_log)"
    grep 'warning:' "$build_log" | head
    failed=$((failed + 1))
fi

# ------------------------------------------------------ the trust boundary
STUDENT_FNS="conv_output_size|get_subimages|im_conv|flip_kernel|pad_image|im_conv_opts"
STUDENT_FNS+="|threshold_binary|to_uint8|conv2d|max_pool2d|avg_pool2d|upsample"
STUDENT_FNS+="|conv2d_transpose|im_conv_fast"
no_student_code() { # the judge links none of the 14 student functions
    ! nm "$J" | grep -Eq " [TtWw] (solution_|student_)?($STUDENT_FNS)\$"
}
no_reference() { # a worker links no reference function
    ! nm "$1" | grep -q ' cl_ref_'
}
ok "the judge links no student code" no_student_code
for p in a1 a2 a3 a4; do
    ok "worker_$p links no reference" no_reference "$G/solutions/worker_$p"
done

# ---------------------------------------------- model solutions and stubs
files=(a1_windows.c a2_borders.c a3_layers.c a4_fast.c)
for i in 0 1 2 3; do
    p=a$((i + 1))
    judge "solutions_$p" "$p" -- "$G/solutions/worker_$p"
    ok "solutions $p: graded (exit 0)" test $? -eq 0
    ok "solutions $p: every case passes" "${CHECK[@]}" all "$OUT/solutions_$p.jsonl" passed
    judge "stubs_$p" "$p" -- "$G/assignments/worker_$p"
    ok "stubs $p: graded (exit 0)" test $? -eq 0
    ok "stubs $p: every case is not_implemented" "${CHECK[@]}" all "$OUT/stubs_$p.jsonl" \
        not_implemented "not implemented yet \\(assignments/${files[$i]}\\)"
done
judge not_built a2 -- "$G/solutions/worker_a1"
ok "a worker without the part: not built" "${CHECK[@]}" all "$OUT/not_built.jsonl" \
    not_implemented "is not built: its part file was not compiled into the grader's worker"
judge only a1 --only a1.im_conv.cat_gaussian -- "$G/solutions/worker_a1"
ok "--only: one case" "${CHECK[@]}" count "$OUT/only.jsonl" 1

# ---------------------------------------------------------------- hostile
h() { # h NAME [FLOOR]: grades part a1 on hostile worker NAME (the floor: 5 s unless the
    # test wants a timeout, so that a loaded machine cannot turn a case into one)
    judge "hostile_$1" a1 --timeout-floor "${2:-5}" -- "$G/hostile/worker_$1"
    ok "hostile $1: graded (exit 0)" test $? -eq 0
}
f() { echo "$OUT/hostile_$1.jsonl"; }

h loop "$HOSTILE_FLOOR"
TIMEOUT_MSG="^im_conv: your code timed out after 0.5 s; the reference takes .*: "
TIMEOUT_MSG+="an infinite loop, or far too much work\\?$"
ok "loop: timeout" "${CHECK[@]}" case "$(f loop)" cat_gaussian timeout "$TIMEOUT_MSG"
ok "loop: the other cases pass" "${CHECK[@]}" rest "$(f loop)" passed cat_gaussian
ok "loop: no worker left" leftovers "$G/hostile/worker_loop"

h escape "$HOSTILE_FLOOR"
ok "escape: timeout" "${CHECK[@]}" case "$(f escape)" rejects_kernel_larger_than_image timeout
ok "escape: the other cases pass" "${CHECK[@]}" rest "$(f escape)" passed \
    rejects_kernel_larger_than_image
ok "escape: no process left, in the group or out of it" leftovers "$G/hostile/worker_escape"

h crash
ok "crash: segmentation fault" "${CHECK[@]}" case "$(f crash)" letter_f_emboss crashed \
    "crashed with signal 11 \\(segmentation fault"
ok "crash: exit(0) during the call" "${CHECK[@]}" case "$(f crash)" even_kernel crashed \
    "exited with status 0 during the call"
ok "crash: abort" "${CHECK[@]}" case "$(f crash)" kernel_as_large_as_image crashed \
    "crashed with signal 6 \\(abort"
ok "crash: the next cases still pass" "${CHECK[@]}" rest "$(f crash)" passed \
    letter_f_emboss even_kernel kernel_as_large_as_image

h flood
ok "flood: every case passes" "${CHECK[@]}" all "$(f flood)" passed
ok "flood: 32 MiB of prints counted, 4 KiB kept" "${CHECK[@]}" stderr "$(f flood)" \
    cat_gaussian 33521664
ok "flood: prints of each case, escaped" grep -q 'im_conv says \\"hi\\" \\\\ tab\\t bell\\u0007' \
    "$(f flood)"

h modify
ok "modify: the image" "${CHECK[@]}" case "$(f modify)" cat_gaussian failed \
    "modified its input \`img\`"
ok "modify: the kernel" "${CHECK[@]}" case "$(f modify)" cat_sobel_x failed \
    "modified its input \`kernel\`"
ok "modify: the other cases pass" "${CHECK[@]}" rest "$(f modify)" passed cat_gaussian cat_sobel_x

h oob
for c in cat_gaussian letter_f_emboss cat_sobel_x; do
    ok "oob: $c wrote outside its output" "${CHECK[@]}" case "$(f oob)" "$c" failed \
        "^im_conv wrote outside its output"
done
ok "oob: no output allocated" "${CHECK[@]}" case "$(f oob)" even_kernel failed \
    "returned CL_OK but did not allocate its output"
ok "oob: the other cases pass" "${CHECK[@]}" rest "$(f oob)" passed cat_gaussian \
    letter_f_emboss cat_sobel_x even_kernel

h huge
ok "huge: refused" "${CHECK[@]}" case "$(f huge)" cat_gaussian failed \
    "your output is 67 MB; expected about 529 KB"
ok "huge: the other cases pass" "${CHECK[@]}" rest "$(f huge)" passed cat_gaussian

h fdwrite
ok "fdwrite: malformed reply" "${CHECK[@]}" case "$(f fdwrite)" letter_f_emboss crashed \
    "sent a malformed reply"
ok "fdwrite: the other cases pass" "${CHECK[@]}" rest "$(f fdwrite)" passed letter_f_emboss

h startcrash
ok "startcrash: crash at start" "${CHECK[@]}" case "$(f startcrash)" valid_table crashed \
    "while starting, before any of your functions was called"
ok "startcrash: not restarted for ever" "${CHECK[@]}" case "$(f startcrash)" cat_gaussian \
    crashed "not run: the worker failed to start"

# ------------------------------------------------------------- usage
usage_rc() { # usage_rc WANT ARGS...: the judge exits with WANT
    local want=$1
    shift
    "$J" "$@" > "$OUT/usage.out" 2> "$OUT/usage.err"
    local rc=$?
    [ "$rc" -eq "$want" ] || { echo "exit $rc, expected $want: $(cat "$OUT/usage.err")"; return 1; }
}
W1=$G/solutions/worker_a1
STD=(--cases tests/cases.toml --images "$IMAGES")
ok "judge: no arguments -> 2" usage_rc 2
ok "judge: --help -> 0" usage_rc 0 --help
ok "judge: no worker -> 2" usage_rc 2 "${STD[@]}" --part a1
ok "judge: bad part -> 2" usage_rc 2 "${STD[@]}" --part a9 -- "$W1"
ok "judge: bad floor -> 2" usage_rc 2 "${STD[@]}" --part a1 --timeout-floor -1 -- "$W1"
ok "judge: unknown --only -> 2" usage_rc 2 "${STD[@]}" --part a1 --only a1.nope.x -- "$W1"
ok "judge: worker cannot be executed -> 2" usage_rc 2 "${STD[@]}" --part a1 -- /nonexistent/worker
ok "judge: the message says why" grep -q "cannot be started: /nonexistent/worker" "$OUT/usage.err"
ok "judge: unreadable table -> 1" usage_rc 1 --cases /nonexistent.toml --images "$IMAGES" \
    --part a1 -- "$W1"
ok "judge: --seed recorded" usage_rc 0 "${STD[@]}" --part a4 --seed 12345 \
    -- "$G/solutions/worker_a4"
ok "judge: --seed in the log" grep -q "seed 12345" "$OUT/usage.err"
ok "judge: --hidden without --seed -> 2" usage_rc 2 "${STD[@]}" --part a1 \
    --hidden im_conv:2:0.5 -- "$W1"
ok "judge: --hidden with a bad visibility -> 2" usage_rc 2 "${STD[@]}" --part a1 --seed 1 \
    --hidden im_conv:2:0.5:public -- "$W1"
ok "judge: --budget without a budget -> 2" usage_rc 2 "${STD[@]}" --part a1 --perf-only \
    --budget "function=im_conv input=64x64" -- "$W1"

# hidden cases: drawn from the seed, graded like the table's, the same twice
hidden() { "$J" "${STD[@]}" --part a2 --seed "$1" --hidden pad_image:3:0.5 \
    --hidden im_conv_opts:2:0.25:after_published --hidden im_conv:4:1 -- "$G/$2/worker_a2" \
    2> "$OUT/hidden.err"; }
hidden 77 solutions > "$OUT/hidden_solutions.jsonl"
hidden 77 solutions > "$OUT/hidden_again.jsonl"
hidden 78 assignments > "$OUT/hidden_stubs.jsonl"
ok "hidden: the table's cases and 5 of a2 (none of a1)" "${CHECK[@]}" count \
    "$OUT/hidden_solutions.jsonl" 41
ok "hidden: the model solutions pass them" "${CHECK[@]}" all "$OUT/hidden_solutions.jsonl" passed
ok "hidden: the stubs are not implemented" "${CHECK[@]}" all "$OUT/hidden_stubs.jsonl" \
    not_implemented "not implemented yet"
same_draw() { grep hidden_ "$OUT/hidden_solutions.jsonl" | "$PY" -c 'import json, sys
a = [(d["id"], d["description"], d["visibility"], d["points"]) for d in map(json.loads, sys.stdin)]
b = [(d["id"], d["description"], d["visibility"], d["points"])
     for d in map(json.loads, open(sys.argv[1])) if "hidden_" in d["id"]]
assert a == b and len(a) == 5, (a, b)
assert a[3][2] == "after_published" and a[3][3] == 0.25 and a[0][2] == "after_due_date", a
' "$OUT/hidden_again.jsonl"; }
ok "hidden: the same seed draws the same cases, with their visibility and points" same_draw
other_draw() { ! cmp -s <(grep -o '"description": "[^"]*hidden case[^"]*"' "$OUT/hidden_solutions.jsonl") \
    <(grep -o '"description": "[^"]*hidden case[^"]*"' "$OUT/hidden_stubs.jsonl"); }
ok "hidden: another seed draws other cases" other_draw

# measurements: the trusted side times the worker (PREPARE, GO, FETCH)
perf() { "$J" "${STD[@]}" --part "$1" --seed 5 --perf-only --repeats 3 --rounds 2 "${@:3}" \
    -- "$G/$2/worker_$1" 2> "$OUT/perf.err"; }
perf_is() { # perf_is FILE KEY VALUE...: the one line of FILE has KEY in VALUE...
    "$PY" -c 'import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 1, rows
assert str(rows[0][sys.argv[2]]) in sys.argv[3:], (rows[0][sys.argv[2]], rows[0]["message"])
' "$@"; }
perf a4 solutions --speedup "kernel=3x3 sizes=64x64,96x80" > "$OUT/perf_a4.jsonl"
ok "perf: the naive model's speed-up is measured" perf_is "$OUT/perf_a4.jsonl" verdict \
    measured noisy
perf a1 solutions --budget "function=im_conv input=64x64 kernel=3x3 budget=1000" \
    > "$OUT/perf_a1.jsonl"
ok "perf: a budget is measured: within 1000x" perf_is "$OUT/perf_a1.jsonl" verdict within
perf a4 assignments --speedup "kernel=3x3 sizes=64x64" > "$OUT/perf_stub.jsonl"
ok "perf: a stub's timing is wrong, not a crash" perf_is "$OUT/perf_stub.jsonl" verdict wrong
"$J" "${STD[@]}" --part a1 --seed 5 --perf-only --repeats 3 --timeout-floor 0.5 \
    --budget "function=im_conv input=64x64 kernel=5x5 budget=1000" -- "$G/hostile/worker_loop" \
    > "$OUT/perf_loop.jsonl" 2> "$OUT/perf.err"
ok "perf: an endless loop while timed is over budget" perf_is "$OUT/perf_loop.jsonl" verdict over
ok "perf: ... and says it timed out" grep -q "timed out" "$OUT/perf_loop.jsonl"
ok "perf: no worker left" leftovers "$G/hostile/worker_loop"

# ------------------------------------------------------------ sandbox_exec
SE=$G/sandbox_exec
limits() { # the limits sandbox_exec sets, as /proc/self/limits shows them
    "$SE" --cpu 7 --as 256 --nproc 4000 --fsize 3 --nofile 32 --no-core -- cat /proc/self/limits
}
limit_is() { limits | grep -Eq "^$1 +$2 +$3 "; }
ok "sandbox_exec: RLIMIT_CPU" limit_is "Max cpu time" 7 8
ok "sandbox_exec: RLIMIT_AS" limit_is "Max address space" 268435456 268435456
ok "sandbox_exec: RLIMIT_NPROC" limit_is "Max processes" 4000 4000
ok "sandbox_exec: RLIMIT_FSIZE" limit_is "Max file size" 3145728 3145728
ok "sandbox_exec: RLIMIT_NOFILE" limit_is "Max open files" 32 32
ok "sandbox_exec: RLIMIT_CORE" limit_is "Max core file size" 0 0
fds_closed() { ! ( exec 7< /dev/null; "$SE" -- ls /proc/self/fd ) | grep -qx 7; }
ok "sandbox_exec: descriptors above 2 closed" fds_closed
own_session() { "$SE" -- "$PY" -c 'import os; assert os.getsid(0) == os.getpid()'; }
ok "sandbox_exec: a session of its own" own_session
cpu_killed() { # SIGXCPU (24) after one second of CPU
    "$SE" --cpu 1 -- "$PY" -c 'while True: pass' 2> /dev/null
    local rc=$?
    [ "$rc" -eq $((128 + 24)) ] || [ "$rc" -eq $((128 + 9)) ] || { echo "exit $rc"; return 1; }
}
ok "sandbox_exec: the CPU limit stops a loop" cpu_killed
se_rc() { local want=$1; shift; "$SE" "$@" > /dev/null 2>&1; [ $? -eq "$want" ]; }
ok "sandbox_exec: bad option -> 2" se_rc 2 --bogus 1 -- true
ok "sandbox_exec: no command -> 2" se_rc 2 --cpu 5
ok "sandbox_exec: missing command -> 127" se_rc 127 -- /nonexistent/cmd
judge sandbox_exec a1 -- "$SE" --cpu 30 --as 2048 --nproc 4096 --fsize 16 --nofile 64 --no-core \
    -- "$W1"
ok "sandbox_exec: grading through it" "${CHECK[@]}" all "$OUT/sandbox_exec.jsonl" passed
judge sandbox_loop a1 --timeout-floor "$HOSTILE_FLOOR" -- "$SE" --cpu 30 --no-core \
    -- "$G/hostile/worker_loop"
ok "sandbox_exec: a timeout through it" "${CHECK[@]}" case "$OUT/sandbox_loop.jsonl" cat_gaussian \
    timeout

# --------------------------------------------------------------- bubblewrap
bw() { # bw WORKER: the worker in a bubblewrap sandbox (no network, no view of the kit)
    echo bwrap --ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
        --symlink usr/bin /bin --dev /dev --proc /proc --tmpfs /tmp --unshare-all \
        --die-with-parent --new-session --ro-bind "$1" /w/worker --ro-bind "$SE" /w/sandbox_exec \
        -- /w/sandbox_exec --cpu 30 --as 2048 --nofile 64 --no-core -- /w/worker
}
bwrap_works() {
    command -v bwrap > /dev/null &&
        bwrap --ro-bind / / --unshare-all --die-with-parent true 2> /dev/null
}
if bwrap_works; then
    # shellcheck disable=SC2046
    judge bwrap a1 -- $(bw "$W1")
    ok "bwrap: grading through it" "${CHECK[@]}" all "$OUT/bwrap.jsonl" passed
    # shellcheck disable=SC2046
    judge bwrap_crash a1 --timeout-floor "$HOSTILE_FLOOR" -- $(bw "$G/hostile/worker_crash")
    ok "bwrap: a crash through it" "${CHECK[@]}" case "$OUT/bwrap_crash.jsonl" letter_f_emboss \
        crashed "signal 11"
    # shellcheck disable=SC2046
    judge bwrap_loop a1 --timeout-floor "$HOSTILE_FLOOR" -- $(bw "$G/hostile/worker_loop")
    ok "bwrap: a timeout through it" "${CHECK[@]}" case "$OUT/bwrap_loop.jsonl" cat_gaussian timeout
else
    echo "check-grader-c: bubblewrap does not work here: its checks are skipped"
fi

# ------------------------------------------------------------- leftovers
ok "no process left behind" leftovers "$G/"

T1=$(date +%s.%N)
secs=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", b - a }')
if [ "$failed" -ne 0 ]; then
    echo "check-grader-c: $failed of $((passed + failed)) checks failed" \
        "(${secs} s; outputs in $OUT)"
    exit 1
fi
echo "check-grader-c: all $passed checks passed (${secs} s)"
