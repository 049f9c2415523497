#!/usr/bin/env bash
# tests/gradescope/check.sh ZIP -- `make check-autograder`: the Gradescope
# autograder zip, tried as Gradescope would use it, in a temporary /autograder.
#
#  1. the zip: setup.sh and run_autograder at its root (executable), the kit's
#     sources, and nothing of solutions/, build/ or the mutants;
#  2. it is unpacked into ROOT/source and setup.sh builds the kit there from
#     scratch (SKIP_APT=1: the packages are already installed; nothing of the
#     repository's build/ is reused);
#  3. run_autograder, with AUTOGRADER_ROOT=ROOT and the seed 20261121, on: the
#     model solutions (95 points of cases, visible and hidden), the stubs (0),
#     the solutions as one uploaded .zip (95), and every example submission of
#     tests/examples/*/ (a valid results.json; the points of its cases are the
#     `total` of [NAME] in tests/examples/expected_scores.toml when listed; the
#     measurements vary with the machine: the score must be the sum of the
#     tests' and the leaderboard must be there);
#  4. the last-resort fallback: a kit whose grader cannot start still leaves a
#     valid results.json (score 0).
# Every results.json is checked against tests/grader/gradescope_schema.py.
# Prints "N passed, M failed"; exit status 1 when anything failed.
set -uo pipefail

ZIP=${1:?usage: tests/gradescope/check.sh AUTOGRADER_ZIP}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ZIP=$(cd "$(dirname "$ZIP")" && pwd)/$(basename "$ZIP")
PY=/usr/bin/python3
T0=$(date +%s)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/convlab-gradescope.XXXXXX")
# the grader's sandbox user (nobody) must reach the private build folders
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
ROOT="$TMP/autograder"

passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "  ok    $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $*"; }

# check_results NAME EXPECTED_SCORE|any: results.json valid, the score right.
check_results() {
    local name=$1 want=$2 res="$ROOT/results/results.json" msg
    if msg=$("$PY" - "$res" "$want" "$REPO/tests/grader" <<'PYEOF' 2>&1
import json, sys
res, want, schema_dir = sys.argv[1:4]
sys.path.insert(0, schema_dir)
import gradescope_schema
try:
    r = json.load(open(res))
except (OSError, ValueError) as e:
    sys.exit(f"no valid results.json: {e}")
errors = gradescope_schema.validate(r)
if errors:
    sys.exit("schema: " + "; ".join(errors[:5]))
score = r.get("score")
tests = r.get("tests", [])
# the cases' points are exact (hidden cases from the fixed seed); the
# measurements' (tagged "performance") depend on the machine's timing
cases = round(sum(t["score"] for t in tests if "performance" not in t.get("tags", [])), 4)
perf = [t for t in tests if "performance" in t.get("tags", [])]
if abs(float(score) - sum(t["score"] for t in tests)) > 0.011:
    sys.exit(f"score {score} is not the sum of the tests' scores")
if want != "any" and abs(cases - float(want)) > 1e-6:
    sys.exit(f"the cases give {cases}, expected {want} (score {score})")
if tests and (not perf or "leaderboard" not in r):   # a broken kit has no tests at all
    sys.exit("no performance tests or no leaderboard")
print(f"score {score} ({cases} from cases), {len(tests)} tests, {len(perf)} measurements")
PYEOF
    ); then ok "$name: $msg"; else fail "$name: $msg"; fi
}

# run_on NAME: run_autograder on what is in ROOT/submission, into a fresh ROOT/results.
run_on() {
    local name=$1 log="$TMP/run-$1.log"
    rm -rf "$ROOT/results"; mkdir -p "$ROOT/results"
    if AUTOGRADER_ROOT="$ROOT" GRADER_ARGS="--seed 20261121" bash "$ROOT/source/run_autograder" >"$log" 2>&1; then
        ok "$name: run_autograder exits 0"
    else
        fail "$name: run_autograder exited non-zero (see below)"; tail -20 "$log"
    fi
}

submit() { rm -rf "$ROOT/submission"; mkdir -p "$ROOT/submission"; }

echo "check-autograder: $ZIP ($(( $(stat -c %s "$ZIP") / 1024 )) KiB)"

# ------------------------------------------------------------------ 1. the zip
if msg=$("$PY" - "$ZIP" <<'PYEOF' 2>&1
import stat, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
bad = []
for root in ("setup.sh", "run_autograder"):
    if root not in names:
        bad.append(f"no {root} at the root")
    elif not (z.getinfo(root).external_attr >> 16) & stat.S_IXUSR:
        bad.append(f"{root} is not executable")
for n in names:
    if n.startswith(("solutions/", "build/", "tests/mutants/", "/")) or ".." in n.split("/"):
        bad.append(f"{n} must not be in the zip")
for need in ("Makefile", "tests/cases.toml", "grader/grade.py", "harness/drivers/judge.c"):
    if need not in names:
        bad.append(f"{need} is missing")
if bad:
    sys.exit("; ".join(bad[:8]))
print(f"{len(names)} files, setup.sh and run_autograder at the root, no solutions/")
PYEOF
); then ok "zip: $msg"; else fail "zip: $msg"; fi

# --------------------------------------------------------------- 2. setup.sh
mkdir -p "$ROOT/source"
"$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$ZIP" "$ROOT/source"
# zipfile does not restore modes: Gradescope's unzip does; do the same here.
chmod +x "$ROOT/source/setup.sh" "$ROOT/source/run_autograder"
t=$(date +%s)
if (cd "$ROOT/source" && AUTOGRADER_ROOT="$ROOT" SKIP_APT=1 bash ./setup.sh) >"$TMP/setup.log" 2>&1; then
    ok "setup.sh builds the kit from the zip ($(( $(date +%s) - t )) s)"
else
    fail "setup.sh failed:"; tail -30 "$TMP/setup.log"
    echo "check-autograder: $passed passed, $failed failed"; exit 1
fi

# --------------------------------------------------------- 3. run_autograder
submit; cp "$REPO"/solutions/a*.c "$ROOT/submission/"
run_on solutions; check_results solutions 95

submit; cp "$REPO"/assignments/a*.c "$ROOT/submission/"
run_on stubs; check_results stubs 0

# what Gradescope keeps of an uploaded archive: the archive itself
submit; (cd "$REPO/solutions" && "$PY" -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    [z.write(f) for f in sys.argv[2:]]' "$ROOT/submission/handin.zip" a1_windows.c a2_borders.c a3_layers.c a4_fast.c)
run_on solutions-zip; check_results solutions-zip 95

for ex in "$REPO"/tests/examples/*/; do
    [ -f "$ex/a4_fast.c" ] || continue   # a folder of submissions (a4_speed/), not one
    name=example-$(basename "$ex")
    submit; cp -R "$ex". "$ROOT/submission/"
    want=any
    if [ -f "$REPO/tests/examples/expected_scores.toml" ]; then
        want=$("$PY" -c 'import sys, tomllib
t = tomllib.load(open(sys.argv[1], "rb")).get(sys.argv[2], {})
print(t.get("total", "any"))' "$REPO/tests/examples/expected_scores.toml" "$(basename "$ex")" 2>/dev/null || echo any)
    fi
    run_on "$name"; check_results "$name" "$want"
done

# the fallback sandbox (what Docker on Gradescope may force) with the kit hidden
submit; cp "$REPO"/solutions/a*.c "$ROOT/submission/"
rm -rf "$ROOT/results"; mkdir -p "$ROOT/results"
if AUTOGRADER_ROOT="$ROOT" GRADER_ARGS="--seed 20261121 --sandbox fallback" \
        bash "$ROOT/source/run_autograder" >"$TMP/run-fallback.log" 2>&1; then
    check_results solutions-fallback-sandbox 95
else
    fail "solutions-fallback-sandbox: run_autograder exited non-zero"; tail -20 "$TMP/run-fallback.log"
fi

# the kit is not readable by the sandbox's user (only when we can become it)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    leaked=""
    for f in harness/ref_windows.c tests/cases.toml build/expected/.stamp build/libconvlab_ref.a; do
        if setpriv --reuid=65534 --regid=65534 --clear-groups -- cat "$ROOT/source/$f" >/dev/null 2>&1; then
            leaked="$leaked $f"
        fi
    done
    if [ -z "$leaked" ]; then ok "the kit is unreadable by uid 65534 (nobody)"
    else fail "uid 65534 (nobody) can read:$leaked"; fi
    if setpriv --reuid=65534 --regid=65534 --clear-groups -- test -x "$ROOT/source/build/grader/sandbox_exec"
    then ok "sandbox_exec stays executable by uid 65534 (nobody)"
    else fail "sandbox_exec is not executable by uid 65534 (nobody)"; fi
fi

# ------------------------------------------------------------- 4. fallback
# A broken kit (the grader package gone): run_autograder still leaves a valid
# results.json with score 0.
mv "$ROOT/source/grader" "$ROOT/source/grader.off"
submit; cp "$REPO"/solutions/a*.c "$ROOT/submission/"
run_on broken-kit; check_results broken-kit 0
mv "$ROOT/source/grader.off" "$ROOT/source/grader"

echo "check-autograder: $passed passed, $failed failed ($(( $(date +%s) - T0 )) s)"
[ "$failed" = 0 ]
