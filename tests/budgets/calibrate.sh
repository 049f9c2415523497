#!/bin/sh
# calibrate.sh -- measures the performance budgets' calibration and checks
# its rule (tests/budgets/README.md).
#
#   sh tests/budgets/calibrate.sh [--runs N] [--check] [--table FILE] CALDIR
#
# CALDIR holds the programs of `make budgets-slow`: CALDIR/solution/budgets
# (the model solutions) and CALDIR/FUNCTION.MISTAKE/budgets (the model with
# one function replaced by a classic slow mistake, tests/budgets/slow/).
# Each program is run N times (default 3; --check: 1); every run is one
# `budgets` run, so every ratio is best-of-K interleaved against the
# reference of that same run. The table gives min and median per program.
#
# THE RULE, for every budget B of the table, on the medians:
#   B >= 3 x (ratio of the model solution)      the model has 3x headroom
#   B <  ratio of every slow mistake of that function
# A mistake listed in tests/budgets/slow/INSEPARABLE (one name per line, #
# comments) is measured and shown but not held to the second line: those
# are the mistakes that cost less than 3x the model at any sensible size.
#
# --check: one run; when the rule fails, the failing programs are measured
# once more and judged on that second run alone. Exit 0 when the rule
# holds, 1 when it fails, 2 for a usage error.
set -eu

runs=3
check=0
table=tests/budgets.toml
here=$(dirname "$0")

usage() {
    echo "usage: sh tests/budgets/calibrate.sh [--runs N] [--check] [--table FILE] CALDIR" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --runs) [ $# -ge 2 ] || usage; runs=$2; shift 2 ;;
    --check) check=1; runs=1; shift ;;
    --table) [ $# -ge 2 ] || usage; table=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) break ;;
    esac
done
[ $# -eq 1 ] || usage
caldir=$1
[ -x "$caldir/solution/budgets" ] || {
    echo "calibrate: no $caldir/solution/budgets (run make budgets-slow)" >&2
    exit 2
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
records=$tmp/records # lines: PROGRAM FUNCTION RATIO BUDGET
order=$tmp/order     # the records of the first run: the order of the table

# The slow variants that were built: FUNCTION.MISTAKE names.
variants() {
    for d in "$caldir"/*.*/; do
        [ -x "$d/budgets" ] && basename "$d"
    done
    return 0
}

# measure PROGRAM [FUNCTION]: one run of a program; appends its records.
# The model is run on every budget, a variant only on its own function.
measure() {
    prog=$1
    only=${2:-}
    json=$tmp/out.json
    set -- --table "$table" --json "$json"
    [ -z "$only" ] || set -- "$@" --only "$only"
    "$caldir/$prog/budgets" "$@" >/dev/null || {
        echo "calibrate: $caldir/$prog/budgets $* failed" >&2
        exit 1
    }
    # One budget per line: pull function, ratio (null when not timed), budget.
    awk -v prog="$prog" '
        /"function":/ {
            f = $0; sub(/.*"function": "/, "", f); sub(/".*/, "", f)
            r = $0; sub(/.*"ratio": /, "", r); sub(/,.*/, "", r)
            b = $0; sub(/.*"budget": /, "", b); sub(/,.*/, "", b)
            print prog, f, r, b
        }' "$json" >>"$records"
}

inseparable() {
    [ -f "$here/slow/INSEPARABLE" ] &&
        awk '{ sub(/#.*/, ""); for (i = 1; i <= NF; i++) print $i }' "$here/slow/INSEPARABLE"
    return 0
}

# measure_all: the model on everything, each variant on its function
# (--check leaves out the inseparable ones: the rule does not judge them).
measure_all() {
    measure solution
    for v in $(variants); do
        if [ "$check" -eq 1 ] && inseparable | grep -qx "$v"; then
            continue
        fi
        measure "$v" "${v%%.*}"
    done
}

# judge: prints the table from $records and the names of the programs that
# break the rule to $tmp/failing ("solution FUNCTION" or "VARIANT"); exit 1
# when any does.
judge() {
    inseparable >"$tmp/inseparable"
    awk -v failing="$tmp/failing" -v insep="$tmp/inseparable" '
        BEGIN { while ((getline n < insep) > 0) if (n != "") skip[n] = 1 }
        FILENAME != ARGV[2] {   # the first file only fixes the order of the rows
            key = $1 " " $2
            if (!(key in seen)) { seen[key] = 1; order[++nkeys] = key }
            next
        }
        {
            key = $1 " " $2
            if (!(key in seen)) { seen[key] = 1; order[++nkeys] = key }
            v[key, ++count[key]] = $3
            budget[$2] = $4
        }
        function stat(key, which,    n, i, j, t, a) {
            n = 0
            for (i = 1; i <= count[key]; i++)
                if (v[key, i] != "null") a[++n] = v[key, i] + 0
            if (n == 0) return "null"
            for (i = 2; i <= n; i++)      # insertion sort, n is small
                for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
            if (which == "min") return a[1]
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        END {
            bad = 0
            printf "%-17s %7s  %-26s %8s %8s  %s\n", "function", "budget", "measured", "min", "median", "rule"
            for (k = 1; k <= nkeys; k++) {
                split(order[k], p, " ")
                if (p[1] != "solution") continue
                f = p[2]; B = budget[f]
                med = stat(order[k], "median")
                if (med == "null") { verdict = "FAIL: the model is not timed"; bad = 1; print "solution " f > failing }
                else if (B >= 3 * med) verdict = sprintf("ok (%.1fx headroom)", B / med)
                else { verdict = sprintf("FAIL: budget < 3 x %.2f", med); bad = 1; print "solution " f > failing }
                printf "%-17s %6gx  %-26s %7.2fx %7.2fx  %s\n", f, B, "model solution", stat(order[k], "min"), med, verdict
                for (q = 1; q <= nkeys; q++) {
                    split(order[q], s, " ")
                    if (s[1] == "solution" || s[2] != f) continue
                    m = s[1]; sub(/^[^.]*\./, "", m)
                    smed = stat(order[q], "median")
                    if (smed == "null") { verdict = "FAIL: not timed"; bad = 1; print s[1] > failing }
                    else if (smed > B) verdict = sprintf("ok (%.1fx the budget)", smed / B)
                    else if (s[1] in skip) verdict = "within budget: inseparable (README)"
                    else { verdict = "FAIL: within the budget"; bad = 1; print s[1] > failing }
                    printf "%-17s %7s  %-26s %7.2fx %7.2fx  %s\n", "", "", m, stat(order[q], "min"), smed, verdict
                }
            }
            exit bad
        }' "$order" "$records"
}

start=$(date +%s)
: >"$records"
i=0
while [ "$i" -lt "$runs" ]; do
    measure_all
    i=$((i + 1))
done

cp "$records" "$order"
echo "Calibration of $table: ratio = best time / best reference time (best of K, interleaved), $runs run(s) each"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
: >"$tmp/failing"
if judge; then
    echo "calibration rule holds ($(($(date +%s) - start)) s)"
    exit 0
fi
[ "$check" -eq 1 ] || exit 1

# --check: measure the failing programs once more, judge that run alone.
echo "calibration rule failed once; measuring the failing programs again"
sort -u "$tmp/failing" | while read -r prog func; do
    echo "$prog ${func:-${prog%%.*}}"
done >"$tmp/again"
cp "$records" "$tmp/first"
awk 'NR == FNR { drop[$1 " " $2] = 1; next } !(($1 " " $2) in drop)' \
    "$tmp/again" "$tmp/first" >"$records"
while read -r prog func; do
    measure "$prog" "$func"
done <"$tmp/again"
: >"$tmp/failing"
if judge; then
    echo "calibration rule holds on the second measurement ($(($(date +%s) - start)) s)"
    exit 0
fi
echo "calibration rule FAILED twice: recalibrate (tests/budgets/README.md)" >&2
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
echo "(load average $load on $(nproc) cores: on a loaded machine the naive loops slow" \
    "down more than the reference; re-run on a quiet machine before recalibrating)" >&2
exit 1
