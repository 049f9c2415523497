#!/usr/bin/env bash
# Re-run under bash when started as `sh run.sh` (arrays, process slots).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
# run.sh -- runs the public student suite against every mutant of the model
# solutions and reports which are caught, and whether the first failure
# message points at the mistake.
#
#   sh tests/mutants/run.sh [--update-doc] [--jobs N] [--keep] [FILTER]
#
# FILTER is an extended regular expression matched against "<part>/<name>"
# (e.g. a3, 'bias', 'a2/to_uint8'). For each mutant tests/mutants/<part>/<name>.patch:
#   1. copy solutions/*.c to a scratch folder laid out as solutions/, apply
#      the patch with `patch -p1`;
#   2. compile the patched file with -Werror (a mutant must compile cleanly);
#   3. run `make test A=<part> STUDENT_DIR=<scratch>/solutions BUILD=<worker>`;
#   4. take the message of the first failing test and match it against the
#      patch's "Expect:" regular expression (grep -Ei).
# Verdicts: CAUGHT, CAUGHT (message does not point at the mistake), SURVIVED,
# DOES NOT COMPILE, PATCH DOES NOT APPLY. The model solutions themselves must
# pass the suite first (this also warms the workers' builds).
#
# Writes $BUILD/mutants/report.md (BUILD defaults to build); with --update-doc
# also rewrites the results table of tests/mutants/README.md between
# <!-- results --> and <!-- /results -->. Exits 0 only when every mutant is
# caught with a message that points at its mistake.
#
# Environment: BUILD (build folder, default build), MAKE (default make),
# MUTANTS_JOBS (workers, default 2), MUTANTS_SUITE_CMD (replaces step 3; a
# command evaluated with $PART, $STUDENT_DIR and $WBUILD set, for trying the
# runner against another suite).
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# Started from make (make check-mutants): the inner makes get their own
# command lines, not the outer one's flags, variables or jobserver.
unset MAKEFLAGS MFLAGS MAKELEVEL
MUT_DIR=$ROOT/tests/mutants
BUILD=${BUILD:-build}
case $BUILD in /*) BUILD_ABS=$BUILD ;; *) BUILD_ABS=$ROOT/$BUILD ;; esac
OUT=$BUILD_ABS/mutants
MAKE=${MAKE:-make}
JOBS=${MUTANTS_JOBS:-2}
CC=${CC:-gcc}
CFLAGS_CHECK=(-std=c11 -Wall -Wextra -Werror -O0 -D_POSIX_C_SOURCE=200809L -I"$ROOT/harness" -I"$ROOT/assignments")

# ------------------------------------------------------------------ helpers

strip_ansi() { sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g'; }

# header FIELD PATCH: the value of "FIELD: ..." in the patch's leading comment.
header() { sed -n "/^--- /q; s/^$1:[[:space:]]*//p" "$2" | head -n 1; }

# The suite for one part against one student folder; output on stdout+stderr.
run_suite() {
    local PART=$1 STUDENT_DIR=$2 WBUILD=$3
    if [ -n "${MUTANTS_SUITE_CMD:-}" ]; then
        (cd "$ROOT" && eval "$MUTANTS_SUITE_CMD")
    else
        "$MAKE" -C "$ROOT" --no-print-directory test A="$PART" STUDENT_DIR="$STUDENT_DIR" \
            BUILD="$WBUILD"
    fi
}

# first_failure LOG: the first failure message of the first failing test,
# without Criterion's "[----]" prefixes: the lines after the first "Assertion
# Failed" up to the next assertion or the test's "[FAIL]" line, which is kept
# as the last line ("test: ...", it names the test); the case line that opens
# the suite's messages is marked "case: ". A crash or a timeout gives
# Criterion's line about it.
first_failure() {
    strip_ansi < "$1" | awk '
        /^\[----\] .*Assertion [Ff]ailed/ { if (on) stop = 1; on = 1; next }
        on && /^\[FAIL\]/ { sub(/^\[FAIL\] */, ""); print "test: " $0; exit }
        on && !stop && /^\[----\]/ { line = $0; sub(/^\[----\] ?/, "", line); sub(/^ +/, "", line);
                                     if (line == "" || ++n > 40) next
                                     # the case line: "a1.im_conv.cat (1.5 points): rubric"
                                     if (n == 1 && line ~ /^a[0-9]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+ \(/)
                                         line = "case: " line
                                     print line; next }
        !on && /^\[FAIL\]|CRASH|[Cc]rash|signal|Timed out|[Tt]imeout/ && !/Synthesis/ {
            line = $0; sub(/^\[[A-Z=-]+\] */, "", line); print line; exit }'
}

# diagnosis_text: the lines of a first message that depend on what the code
# did. The test's name, the case line (its id and rubric, the same whatever
# the code does) and the picture's path (which holds the case id) do not
# count when matching Expect.
diagnosis_text() { grep -v -e '^test: ' -e '^case: ' -e '^See the picture'; }

# failing_tests LOG: how many tests failed or crashed ("" when the suite did
# not run to its summary line).
failing_tests() {
    strip_ansi < "$1" | awk '
        /Synthesis:/ { f = 0; c = 0
            for (i = 1; i <= NF; i++) {
                if ($i == "Failing:") f = $(i + 1)
                if ($i == "Crashing:") c = $(i + 1)
            }
            n += f + c; seen = 1 }
        END { if (seen) print n + 0 }'
}

# ------------------------------------------------------------ one mutant
# run_one PATCH: runs in a worker (slot $SLOT), writes $OUT/results/<id>.
run_one() {
    local patch=$1
    local part name id work wb log res
    part=$(basename "$(dirname "$patch")")
    name=$(basename "$patch" .patch)
    id=${part}_$name
    # One student folder per worker, reused: the suite keys its objects by
    # STUDENT_DIR, and a fixed one means only the part file is rebuilt.
    work=$OUT/work/w${SLOT:-1}
    wb=$BUILD/mutants/w${SLOT:-1}
    log=$OUT/logs/$id.log
    res=$OUT/results/$id
    local expect func file
    expect=$(header Expect "$patch")
    func=$(header Function "$patch")
    file=$(header File "$patch")

    rm -rf "$work"
    mkdir -p "$work/solutions" "$OUT/logs" "$OUT/results"
    cp "$ROOT"/solutions/*.c "$work/solutions/"
    local verdict msg="" points=0 t0 t1
    t0=$(date +%s.%N)
    if ! patch -p1 -s --no-backup-if-mismatch -d "$work" < "$patch" > "$log" 2>&1; then
        verdict="PATCH DOES NOT APPLY"
    elif ! "$CC" "${CFLAGS_CHECK[@]}" -c "$work/$file" -o "$work/check.o" >> "$log" 2>&1; then
        verdict="DOES NOT COMPILE"
    else
        # A fresh mtime so that make rebuilds the worker's student objects.
        touch "$work"/solutions/*.c
        run_suite "$part" "$work/solutions" "$wb" >> "$log" 2>&1
        local nfail
        nfail=$(failing_tests "$log")
        msg=$(first_failure "$log")
        if [ -z "$nfail" ]; then
            # No summary: the suite itself did not build or run.
            if grep -q 'error:' "$log"; then verdict="DOES NOT COMPILE"
            else verdict="SUITE DID NOT RUN"; fi
        elif [ "$nfail" -eq 0 ]; then
            verdict="SURVIVED"
        else
            if [ -n "$expect" ] && printf '%s\n' "$msg" | diagnosis_text | grep -Eiq -- "$expect"; then
                verdict="CAUGHT"; points=1
            else
                verdict="CAUGHT but message does not point at the mistake"
            fi
        fi
    fi
    t1=$(date +%s.%N)
    {
        echo "part=$part"
        echo "name=$name"
        echo "function=$func"
        echo "verdict=$verdict"
        echo "points=$points"
        echo "expect=$expect"
        echo "seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
        echo "--- message"
        printf '%s\n' "$msg"
    } > "$res"
    printf '%-48s %s\n' "$part/$name" "$verdict"
    if [ "${KEEP:-0}" = 1 ]; then
        rm -rf "$OUT/keep/$id"
        mkdir -p "$OUT/keep"
        cp -a "$work" "$OUT/keep/$id"
    fi
}

if [ "${1:-}" = "--one" ]; then
    shift
    run_one "$1"
    exit 0
fi

# -------------------------------------------------------------------- main
UPDATE_DOC=0
KEEP=0
FILTER=""
while [ $# -gt 0 ]; do
    case $1 in
    --update-doc) UPDATE_DOC=1 ;;
    --keep) KEEP=1 ;;
    --jobs) JOBS=$2; shift ;;
    --jobs=*) JOBS=${1#--jobs=} ;;
    -h | --help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) FILTER=$1 ;;
    esac
    shift
done
export KEEP BUILD OUT

PATCHES=()
for p in "$MUT_DIR"/a*/*.patch; do
    [ -f "$p" ] || continue
    id=$(basename "$(dirname "$p")")/$(basename "$p" .patch)
    if [ -z "$FILTER" ] || printf '%s\n' "$id" | grep -Eq -- "$FILTER"; then
        PATCHES+=("$p")
    fi
done
if [ ${#PATCHES[@]} -eq 0 ]; then
    echo "run.sh: no mutant matches '${FILTER}'" >&2
    exit 2
fi
PARTS=$(for p in "${PATCHES[@]}"; do basename "$(dirname "$p")"; done | sort -u)

START=$(date +%s)
rm -rf "$OUT/results" "$OUT/logs" "$OUT/work" "$OUT/keep"
mkdir -p "$OUT/results" "$OUT/logs"

# The model solutions must pass, part by part, or a caught mutant means
# nothing. This builds the suite and the library once, in worker 1's folder;
# the other workers start from a copy of it.
# shellcheck disable=SC2086,SC2116 # the parts on one line
echo "mutants: ${#PATCHES[@]} mutant(s) of part(s) $(echo $PARTS); $JOBS worker(s)"
# (Always a fresh copy: make decides by modification times, and a worker's
# objects may come from a mutant.)
# The baseline runs from worker 1's student folder, so that the other
# workers' copies of its build folder hold their own folder's objects.
mkdir -p "$OUT/work/w1/solutions"
cp "$ROOT"/solutions/*.c "$OUT/work/w1/solutions/"
for part in $PARTS; do
    log=$OUT/logs/baseline_$part.log
    touch "$OUT"/work/w1/solutions/*.c
    run_suite "$part" "$OUT/work/w1/solutions" "$BUILD/mutants/w1" > "$log" 2>&1
    n=$(failing_tests "$log")
    if [ "$n" != 0 ]; then
        echo "run.sh: the model solutions do not pass the suite of $part (see $log):" >&2
        tail -n 20 "$log" >&2
        exit 2
    fi
done
for w in $(seq 2 "$JOBS"); do
    rm -rf "$BUILD_ABS/mutants/w$w"
    cp -a "$BUILD_ABS/mutants/w1" "$BUILD_ABS/mutants/w$w"
done

# shellcheck disable=SC2016 # $0, $1 and SLOT0 belong to the inner bash
printf '%s\n' "${PATCHES[@]}" |
    xargs -P "$JOBS" --process-slot-var=SLOT0 -n 1 \
        bash -c 'SLOT=$((SLOT0 + 1)) exec bash "$0" --one "$1"' "$0"

ELAPSED=$(($(date +%s) - START))

# ----------------------------------------------------------------- report
total=0 caught=0 pointing=0
for f in "$OUT"/results/*; do
    total=$((total + 1))
    v=$(sed -n 's/^verdict=//p' "$f")
    case $v in CAUGHT*) caught=$((caught + 1)) ;; esac
    [ "$(sed -n 's/^points=//p' "$f")" = 1 ] && pointing=$((pointing + 1))
done

# md_cell: lines made into one Markdown table cell, joined by <br>.
md_cell() {
    sed -e 's/|/\\|/g' -e 's/`/'"'"'/g' |
        awk 'NF { printf "%s%s", sep, $0; sep = "<br>" } END { printf "\n" }'
}

# short_message RESULT: the first failure shortened to the line that matched
# Expect (when it is not the value sentence), the "Likely cause" line, and the
# first-wrong-value line; the first other line when there is neither.
short_message() {
    local msg expect hit dia val other
    msg=$(sed -n '/^--- message$/,$p' "$1" | sed 1d | diagnosis_text |
          grep -v -e 'values are wrong' -e 'values is wrong' -e '^$')
    expect=$(sed -n 's/^expect=//p' "$1")
    val=$(printf '%s\n' "$msg" | grep -E -m1 'you have .*should be|your output is|returned .* gives')
    dia=$(printf '%s\n' "$msg" | grep -m1 '^Likely cause')
    hit=""
    [ -n "$expect" ] && hit=$(printf '%s\n' "$msg" | grep -Ei -- "$expect" | grep -vxF -e "$val" -e "$dia" | head -n 1)
    other=$(printf '%s\n' "$msg" | grep -vxF -e "$val" -e "$dia" | head -n 1)
    [ -n "$hit" ] && echo "$hit"
    [ -n "$dia" ] && echo "$dia"
    [ -z "$hit$dia" ] && [ -n "$other" ] && echo "$other"
    [ -n "$val" ] && echo "$val"
    return 0
}

table() {
    echo "| mutant | function | verdict | first failure message |"
    echo "|---|---|---|---|"
    for f in "$OUT"/results/*; do
        local part name func verdict msg
        part=$(sed -n 's/^part=//p' "$f")
        name=$(sed -n 's/^name=//p' "$f")
        func=$(sed -n 's/^function=//p' "$f")
        verdict=$(sed -n 's/^verdict=//p' "$f")
        msg=$(short_message "$f" | md_cell)
        echo "| \`$part/$name\` | \`$func\` | $verdict | $msg |"
    done
}

REPORT=$OUT/report.md
{
    echo "# Mutants: results"
    echo
    echo "mutation score: $caught/$total caught, $pointing messages point at the mistake" \
         "(run in ${ELAPSED} s, $JOBS workers)."
    echo
    table
    echo
    echo "## Full first messages"
    for f in "$OUT"/results/*; do
        echo
        echo "### $(sed -n 's/^part=//p' "$f")/$(sed -n 's/^name=//p' "$f")" \
             "-- $(sed -n 's/^verdict=//p' "$f")"
        echo
        echo "Expect: \`$(sed -n 's/^expect=//p' "$f")\`"
        echo
        echo '```'
        sed -n '/^--- message$/,$p' "$f" | sed 1d
        echo '```'
    done
} > "$REPORT"

if [ "$UPDATE_DOC" = 1 ]; then
    DOC=$MUT_DIR/README.md
    if ! grep -q '^<!-- results -->$' "$DOC" || ! grep -q '^<!-- /results -->$' "$DOC"; then
        echo "run.sh: $DOC lacks the <!-- results --> ... <!-- /results --> markers" >&2
        exit 2
    fi
    if [ -n "$FILTER" ]; then
        echo "run.sh: --update-doc needs every mutant (no FILTER); the doc is unchanged" >&2
    else
        tmp=$(mktemp)
        {
            sed -n '1,/^<!-- results -->$/p' "$DOC"
            echo
            echo "Mutation score: **$caught/$total caught, $pointing messages point at the mistake**."
            echo
            table
            echo
            sed -n '/^<!-- \/results -->$/,$p' "$DOC"
        } > "$tmp"
        cat "$tmp" > "$DOC"
        rm -f "$tmp"
        echo "updated $DOC"
    fi
fi

echo "report: $REPORT"
echo "mutation score: $caught/$total caught, $pointing messages point at the mistake (${ELAPSED} s)"
[ "$caught" -eq "$total" ] && [ "$pointing" -eq "$total" ]
