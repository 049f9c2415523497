#!/usr/bin/env bash
# judge_as_suite.sh PART STUDENT_DIR BUILD -- the judge, dressed as the student
# suite's output, so that the mutant runner (tests/mutants/run.sh) can check
# that the grader catches every mutant with a message that points at the
# mistake, exactly as the suite does:
#
#   MUTANTS_SUITE_CMD='bash tests/grader_c/judge_as_suite.sh "$PART" "$STUDENT_DIR" "$WBUILD"' \
#       bash tests/mutants/run.sh        (make check-grader-c-mutants)
#
# Builds the judge and STUDENT_DIR's worker for PART under BUILD, grades PART,
# and prints each case that did not pass as a Criterion failure (its case
# line, then its message), in Criterion's order (by test name, where the
# judge goes in table order), then Criterion's "Synthesis" line. The images and
# the outputs of known mistakes come from $KIT_BUILD/images and
# $KIT_BUILD/expected (default: the BUILD the mutant runner exports, else
# build). Run from the repository root.
set -u
part=${1:?usage: judge_as_suite.sh PART STUDENT_DIR BUILD}
student=${2:?}
build=${3:?}
make=${MAKE:-make}
dir=${student//./_}
dir=${dir//\//_}
worker=$build/grader/$dir/worker_$part
kit=${KIT_BUILD:-${BUILD:-build}}
"$make" --no-print-directory -s BUILD="$build" STUDENT_DIR="$student" \
    "$build/grader/judge" "$worker" >/dev/null || exit 1
python=$(command -v /usr/bin/python3 || command -v python3)
"$build/grader/judge" --cases tests/cases.toml --images "$kit/images" --expected "$kit/expected" \
    --student-dir "$student" --part "$part" -- "$worker" |
"$python" -c '
import json, sys
tested = passing = failing = crashing = 0
rows = sorted((json.loads(line) for line in sys.stdin),
              key=lambda r: "_".join(r["id"].split(".")[1:]))
for r in rows:
    tested += 1
    if r["status"] == "passed":
        passing += 1
        continue
    if r["status"] in ("crashed", "timeout"):
        crashing += 1
    else:
        failing += 1
    part, fn, name = r["id"].split(".")
    print("[----] judge: Assertion Failed")
    print("[----] %s (%g points): %s" % (r["id"], r["points"], r["status"]))
    for m in r["message"].split("\n"):
        print("[----]   " + m)
    print("[FAIL] %s::%s_%s" % (part, fn, name))
print("[====] Synthesis: Tested: %d | Passing: %d | Failing: %d | Crashing: %d"
      % (tested, passing, failing, crashing))
'
