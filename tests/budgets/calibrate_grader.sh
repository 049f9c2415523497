#!/bin/bash
# calibrate_grader.sh -- the ratios the GRADER measures for the budgets of
# grader/rubric.toml (`make calibrate-grader-budgets`), for the model
# solutions, the perfect example and the slow variants of tests/budgets/slow/.
#
# The grader times the student's function in its worker (another process)
# against the reference in the judge, and fetches and checks each timed
# output, so both sides run with cold caches: its ratios differ from those of
# `make budgets` (one process). Pick each rubric budget so that the model
# passes with 3x headroom and the slow variants that can be told apart go
# over; record the figures in the rubric's comments.
#
#   bash tests/budgets/calibrate_grader.sh [BUILD] [RUNS]
set -u
BUILD=${1:-build}
RUNS=${2:-2}
PY=/usr/bin/python3
J=$BUILD/grader/judge
G=$BUILD/grader
cd "$(dirname "$0")/../.."

# "function part spec" of every budget of the rubric
mapfile -t BUDGETS < <("$PY" - <<'PYEOF'
from grader.kit import Kit
from grader.rubric import load_rubric
k = Kit()
r = load_rubric(k.rubric_file, k.cases())
for b in r.budgets:
    spec = " ".join(a for a in b.judge_arg().split() if not a.startswith("budget="))
    print(f"{b.function} {b.part} {spec} budget={b.budget:g}")
PYEOF
)

workers=("solutions:solutions" "perfect:tests/examples/perfect")
for patch in tests/budgets/slow/*.patch; do
    v=$(basename "$patch" .patch)
    make -s "$BUILD/slow-src/$v/.stamp" BUILD="$BUILD" >/dev/null || exit 1
    workers+=("$v:$BUILD/slow-src/$v/solutions")
done
for w in "${workers[@]}"; do
    make -s workers BUILD="$BUILD" STUDENT_DIR="${w#*:}" >/dev/null 2>&1 || { echo "cannot build ${w#*:}"; exit 1; }
done

ratio() { # part worker spec
    "$J" --cases tests/cases.toml --images "$BUILD/images" --part "$1" --seed 3 --perf-only \
        --budget "$3 budget=100000" -- "$2" 2>/dev/null |
        "$PY" -c 'import json, sys; print("%.1fx" % json.loads(sys.stdin.read())["ratio"])'
}

for line in "${BUDGETS[@]}"; do
    read -r fn part rest <<< "$line"
    spec=${rest% budget=*}
    echo "$fn (rubric budget ${rest##*budget=}x): $spec"
    for w in "${workers[@]}"; do
        name=${w%%:*}
        case $name in solutions|perfect|"$fn".*) ;; *) continue ;; esac
        dir=$G/$(echo "${w#*:}" | tr '/.' '__')
        out=""
        for _ in $(seq "$RUNS"); do out="$out $(ratio "$part" "$dir/worker_$part" "$spec")"; done
        printf '  %-28s%s\n' "$name" "$out"
    done
done
