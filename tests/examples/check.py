#!/usr/bin/python3
"""tests/examples/check.py -- the example submissions through the grader.

    check.py --out DIR [-- GRADER_ARGS...]                 each example, one by one
    check.py --batch --out DIR [--count 50] [--jobs 2] [-- GRADER_ARGS...]
                                                           grade-all on copies of them

GRADER_ARGS are passed to `python3 -m grader grade|grade-all` (the Makefile
gives the kit's paths: --build-dir, --judge, ...).

One by one: grades tests/examples/<name> into DIR/<name>, compares the total
and the part scores with expected_scores.toml exactly, and every case's
status (a case not listed there must pass); a part that does not compile must
show its compiler message, a crash must say "crashed", a timeout "timed out"
and "the reference takes". Also checks that grading one ordinary submission
(perfect) takes under 15 s.

Batch: makes DIR/submissions with COUNT entries, copies of the examples in
turn as folders, .zip and .tar.gz archives, runs grade-all --jobs JOBS, checks
that grades.csv has one row per entry with the expected part scores and
totals, and prints the elapsed time.

Prints "N passed, M failed"; exits 1 when anything failed. Standard library
only (Python 3.11: tomllib).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
KIT = HERE.parent.parent
PARTS = ("a1", "a2", "a3", "a4")
PART_FILES = ("a1_windows.c", "a2_borders.c", "a3_layers.c", "a4_fast.c")
ONE_SUBMISSION_LIMIT = 15.0  # seconds, for one ordinary submission
PYTHON = "/usr/bin/python3"


class Tally:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, ok: bool, what: str) -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"  FAIL {what}")
        return ok


def load_expected() -> dict:
    with open(HERE / "expected_scores.toml", "rb") as f:
        return tomllib.load(f)


def run_grader(args: list[str]) -> tuple[int, str, float]:
    t0 = time.monotonic()
    p = subprocess.run([PYTHON, "-m", "grader", *args], cwd=KIT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout, time.monotonic() - t0


def expected_status(exp: dict, case_id: str, part: str) -> str:
    if part in exp.get("compile_error", []):
        return "not_graded"
    for st in ("failed", "crashed", "timeout", "not_implemented"):
        if case_id in exp.get(st, []):
            return st
    return "passed"


def check_one(name: str, exp: dict, out: Path, grader_args: list[str], t: Tally) -> float:
    dest = out / name
    shutil.rmtree(dest, ignore_errors=True)
    code, log, secs = run_grader(["grade", str(HERE / name), "--out", str(dest), *grader_args])
    print(f"{name}: graded in {secs:.1f} s")
    if not t.check(code == 0, f"{name}: the grader exited with {code}:\n{log}"):
        return secs
    try:
        g = json.loads((dest / "grade.json").read_text())
        json.loads((dest / "results.json").read_text())
    except (OSError, ValueError) as e:
        t.check(False, f"{name}: no readable grade.json/results.json: {e}")
        return secs
    t.check(float(g["score"]) == float(exp["total"]),
            f"{name}: total {g['score']}, expected {exp['total']}")
    parts = {p["part"]: p for p in g["parts"]}
    for part in PARTS:
        got = parts.get(part, {}).get("score")
        t.check(got is not None and float(got) == float(exp[part]),
                f"{name}: {part} scored {got}, expected {exp[part]}")
    for part in exp.get("compile_error", []):
        p = parts.get(part, {})
        t.check(p.get("state") == "compile_error",
                f"{name}: {part} state {p.get('state')!r}, expected 'compile_error'")
        t.check("error:" in p.get("compile_log", ""),
                f"{name}: {part} has no compiler message in its compile_log: "
                f"{p.get('compile_log', '')!r}")
    listed = {c for st in ("failed", "crashed", "timeout", "not_implemented")
              for c in exp.get(st, [])}
    seen = set()
    for c in g["cases"]:
        cid, status, msg = c["id"], c["status"], c.get("message", "")
        seen.add(cid)
        want = expected_status(exp, cid, c["part"])
        t.check(status == want, f"{name}: {cid} is {status!r}, expected {want!r} ({msg[:200]!r})")
        if want == "crashed" and status == want:
            t.check("crashed" in msg, f"{name}: {cid}: the message does not say crashed: {msg!r}")
        if want == "timeout" and status == want:
            t.check("timed out" in msg and "the reference takes" in msg,
                    f"{name}: {cid}: the message does not say 'timed out ... the reference "
                    f"takes': {msg!r}")
        if want == "failed" and status == want:
            t.check(bool(msg), f"{name}: {cid} failed without a message")
    for cid in sorted(listed - seen):
        t.check(False, f"{name}: {cid} is listed in expected_scores.toml but was not reported")
    return secs


def make_batch(subs: Path, names: list[str], count: int) -> dict[str, str]:
    """count entries, copies of the examples in turn, as folders, .zip and
    .tar.gz. Returns {student name: example}."""
    shutil.rmtree(subs, ignore_errors=True)
    subs.mkdir(parents=True)
    students = {}
    for i in range(count):
        ex = names[i % len(names)]
        kind = (i // len(names)) % 3
        student = f"{ex}_{i + 1:02d}"
        src = HERE / ex
        if kind == 0:  # a folder, as Gradescope gives it
            shutil.copytree(src, subs / student)
        elif kind == 1:  # a .zip with the files in a folder of their own
            with zipfile.ZipFile(subs / f"{student}.zip", "w", zipfile.ZIP_DEFLATED) as z:
                for f in PART_FILES:
                    z.write(src / f, f"{student}/{f}")
        else:  # a .tar.gz with the files at the top
            with tarfile.open(subs / f"{student}.tar.gz", "w:gz") as tf:
                for f in PART_FILES:
                    tf.add(src / f, f)
        students[student] = ex
    return students


def check_batch(expected: dict, out: Path, count: int, jobs: int, grader_args: list[str],
                t: Tally) -> float:
    names = sorted(expected)
    subs, dest = out / "submissions", out / "results"
    students = make_batch(subs, names, count)
    shutil.rmtree(dest, ignore_errors=True)
    print(f"grade-all: {count} submissions (copies of {', '.join(names)}), --jobs {jobs}")
    code, log, secs = run_grader(["grade-all", str(subs), "--out", str(dest), "--jobs", str(jobs),
                                  "--force", *grader_args])
    (out / "grade-all.log").write_text(log)
    print(f"grade-all: {count} submissions with --jobs {jobs} took {secs:.1f} s "
          f"(log: {out / 'grade-all.log'})")
    # 0 even with crashes, timeouts and compile failures: those are the
    # students' problems; 1 means a grader error
    t.check(code == 0, f"grade-all exited with {code}:\n{log[-3000:]}")
    try:
        rows = list(csv.DictReader(io.StringIO((dest / "grades.csv").read_text())))
    except OSError as e:
        t.check(False, f"no grades.csv: {e}")
        return secs
    t.check(len(rows) == count, f"grades.csv has {len(rows)} rows, expected {count}")
    by_student = {r["student"]: r for r in rows}
    for student, ex in sorted(students.items()):
        r = by_student.get(student)
        if not t.check(r is not None, f"grades.csv has no row for {student}"):
            continue
        e = expected[ex]
        for col, key in [*((p, p) for p in PARTS), ("total", "total")]:
            t.check(float(r[col]) == float(e[key]),
                    f"grades.csv: {student} {col} = {r[col]}, expected {e[key]}")
        probs = r["problems"]
        for part in e.get("compile_error", []):
            t.check(f"{part} compile error" in probs,
                    f"grades.csv: {student} problems {probs!r} lack '{part} compile error'")
        if e.get("crashed"):
            t.check(f"{len(e['crashed'])} crashed" in probs,
                    f"grades.csv: {student} problems {probs!r} lack '{len(e['crashed'])} crashed'")
        if e.get("timeout"):
            t.check(f"{len(e['timeout'])} timeout" in probs,
                    f"grades.csv: {student} problems {probs!r} lack '{len(e['timeout'])} timeout'")
        if not any(e.get(k) for k in ("compile_error", "crashed", "timeout")):
            t.check(probs == "", f"grades.csv: {student} problems {probs!r}, expected none")
    return secs


def main() -> int:
    argv = sys.argv[1:]
    grader_args: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, grader_args = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--batch", action="store_true")
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", action="append", help="(one by one) only these examples")
    a = ap.parse_args(argv)

    expected = load_expected()
    for name in expected:
        for f in PART_FILES:
            if not (HERE / name / f).is_file():
                print(f"check-examples: {HERE / name / f} is missing")
                return 1
    t = Tally()
    a.out.mkdir(parents=True, exist_ok=True)
    if a.batch:
        check_batch(expected, a.out, a.count, a.jobs, grader_args, t)
    else:
        times = {}
        for name in sorted(expected):
            if a.only and name not in a.only:
                continue
            times[name] = check_one(name, expected[name], a.out, grader_args, t)
        if "perfect" in times:
            t.check(times["perfect"] < ONE_SUBMISSION_LIMIT,
                    f"grading one ordinary submission (perfect) took {times['perfect']:.1f} s, "
                    f"over {ONE_SUBMISSION_LIMIT:g} s")
            print(f"one ordinary submission (perfect): {times['perfect']:.1f} s "
                  f"(limit {ONE_SUBMISSION_LIMIT:g} s)")
    print(f"{t.passed} passed, {t.failed} failed")
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
