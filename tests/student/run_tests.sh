#!/bin/sh
# run_tests.sh BIN_DIR PARTS_FILE PART... -- runs the student suites of the
# given parts (a1 a2 a3 a4) and prints the summary table.
#
#   BIN_DIR     holds test_a1 ... test_a4; a part whose file did not compile
#               has no program there (the Makefile removes it)
#   PARTS_FILE  "aN TESTS POINTS" per part (written by casegen), for the
#               parts that did not compile
#
# Each program writes "aN PASSED TOTAL POINTS POSSIBLE NOT_IMPLEMENTED CRASHED"
# to $CONVLAB_SUMMARY_DIR/aN.txt (default BIN_DIR/summary). Criterion's own
# output (the failure messages) comes first, then the table:
#
#   part  tests      points
#   a1    7/12       13.0/25
#   a2    0/35       0.0/25     not implemented yet
#   a3    0/31       0.0/30     does not compile: see the errors above
#   total 7/78       13.0/80
#
# CONVLAB_TEST_ARGS adds Criterion options (e.g. --verbose, or
# --filter 'a1/im_conv_*' to run some tests only).
# Exits 0 when every test of every part passed, 1 otherwise.
set -u

bindir=${1:?usage: run_tests.sh BIN_DIR PARTS_FILE PART...}
partsfile=${2:?usage: run_tests.sh BIN_DIR PARTS_FILE PART...}
shift 2
summary=${CONVLAB_SUMMARY_DIR:-$bindir/summary}
CONVLAB_SUMMARY_DIR=$summary
export CONVLAB_SUMMARY_DIR
mkdir -p "$summary" || exit 1

# The parts run side by side, each test after the other inside a part (so
# that a failure message stays next to its test); their outputs are shown in
# order as each part finishes.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/convlab-tests.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
color=never
[ -t 1 ] && color=always
status=0
for part in "$@"; do
    case $part in
    a[1-9]) ;;
    *) echo "run_tests.sh: unknown part '$part' (a1 .. a4)" >&2; exit 2 ;;
    esac
    rm -f "$summary/$part.txt"
    # Pictures of an earlier run would outlive the failures they show.
    if [ -n "${CONVLAB_FEEDBACK:-}" ] && [ -d "$CONVLAB_FEEDBACK" ]; then
        rm -f "$CONVLAB_FEEDBACK/$part".*.png
    fi
    pid=none
    if [ -x "$bindir/test_$part" ]; then
        set -f # CONVLAB_TEST_ARGS is split into words but may hold patterns: no globbing
        # shellcheck disable=SC2086
        "$bindir/test_$part" --jobs=1 --short-filename --color=$color ${CONVLAB_TEST_ARGS:-} \
            > "$tmp/$part.log" 2>&1 &
        pid=$!
        set +f
    fi
    eval "pid_$part=$pid"
done
for part in "$@"; do
    eval "pid=\$pid_$part"
    if [ "$pid" = none ]; then
        status=1
        continue
    fi
    wait "$pid" || status=1
    echo "---- $part ----"
    cat "$tmp/$part.log"
done

pictures=0
for part in "$@"; do
    [ -f "$summary/$part.txt" ] || status=1
    for f in "${CONVLAB_FEEDBACK:-/nonexistent}/$part".*.png; do
        [ -f "$f" ] && pictures=1
        break
    done
done

# One line per part for awk: the summary line, or "aN none TESTS POINTS" when
# it did not compile, or "aN stopped TESTS POINTS" when it ran but wrote none.
for part in "$@"; do
    if [ -f "$summary/$part.txt" ]; then
        cat "$summary/$part.txt"
    else
        how=stopped
        [ -x "$bindir/test_$part" ] || how=none
        awk -v p="$part" -v how="$how" '$1 == p { print p, how, $2, $3 }' "$partsfile"
    fi
done | awk -v feedback="${CONVLAB_FEEDBACK:-}" -v pictures="$pictures" '
    function pts(x,   s) { s = sprintf("%.2f", x); sub(/0$/, "", s); return s }
    function whole(x) { return (x == int(x)) ? sprintf("%d", x) : sprintf("%.2f", x) }
    BEGIN { printf "\n%-6s%-11s%-11s\n", "part", "tests", "points" }
    $2 == "none" || $2 == "stopped" {
        note = ($2 == "none") ? "does not compile: see the errors above" \
                              : "stopped before the end (a crash of the test program)"
        printf "%-6s%-11s%-11s%s\n", $1, "0/" $3, "0.0/" whole($4), note
        total += $3; possible += $4; failed = 1
        next
    }
    {
        note = ""
        if ($2 == 0 && $6 == $3 && $3 > 0) note = "not implemented yet"
        else if ($6 > 0) note = $6 " not implemented yet"
        if ($7 > 0) note = note (note == "" ? "" : ", ") $7 " crashed or timed out"
        if ($2 < $3) failed = 1
        printf "%-6s%-11s%-11s%s\n", $1, $2 "/" $3, pts($4) "/" whole($5), note
        passed += $2; total += $3; points += $4; possible += $5
    }
    END {
        printf "%-6s%-11s%-11s\n", "total", passed + 0 "/" total + 0, pts(points) "/" whole(possible + 0)
        if (failed && pictures) print "Pictures of the failing cases: " feedback "/"
    }'
exit $status
