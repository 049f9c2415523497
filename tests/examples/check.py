#!/usr/bin/python3
"""tests/examples/check.py -- the example submissions through the grader.

    check.py --out DIR [-- GRADER_ARGS...]                 each example, one by one
    check.py --batch --out DIR [--count 50] [--jobs 2] [-- GRADER_ARGS...]
                                                           grade-all on copies of them

GRADER_ARGS are passed to `python3 -m grader grade|grade-all` (the Makefile
gives the kit's paths: --build-dir, --judge, ...).

One by one: grades tests/examples/<name> into DIR/<name> with the fixed seed
SEED (so the hidden cases drawn for it are always the same), compares the
points of the cases (visible and hidden) per part and in total with
expected_scores.toml exactly, and every case's status (a case not listed
there must pass); a part that does not compile must show its compiler
message, a crash must say "crashed", a timeout "timed out" and "the reference
takes". Timing varies, so the performance results are checked for what must
hold whatever the machine: a measurement is made exactly when every case of
its function passed; its verdict is one the rubric knows; the a4 speed-up
points lie in the range expected_scores.toml gives (a4_speed) and agree with
the curve; the part's score is its cases plus its performance points. Also
checks that grading one ordinary submission (perfect) takes under 15 s.

Batch: makes DIR/submissions with COUNT entries, copies of the examples in
turn as folders, .zip and .tar.gz archives, runs grade-all --jobs JOBS, checks
that grades.csv has one row per entry with the expected part scores and
totals, and prints the elapsed time.

    check.py --a4 --out DIR [-- GRADER_ARGS...]
    check.py --repeat 10 --busy 5 --out DIR [-- GRADER_ARGS...]

A4 CURVE: grades three im_conv_fast submissions: naive (the model solution's
solutions/a4_fast.c itself, copied into a submission at check time), and
tests/examples/a4_speed/ moderate (4-wide vectors, one thread, no blocking) and
fast (register blocking and two threads) and checks that their a4 speed-ups and speed
points increase in that order, that the naive copy earns no speed points and
that the correctness of a4 is full in all three.

REPEATABILITY (SPEC §7: re-grading must give the same verdict, also with
another process loading the machine): grades the perfect example REPEAT
times with one seed, the last BUSY of them while a process keeps one core
busy, and checks that every performance verdict is the same every time, that
the a4 speed points stay within 1.5 of 15 and the speed-up within 25%.

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
SEED = "20261121"            # the hidden cases of every example are drawn from it
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
    code, log, secs = run_grader(["grade", str(HERE / name), "--out", str(dest), "--seed", SEED,
                                  *grader_args])
    print(f"{name}: graded in {secs:.1f} s")
    if not t.check(code == 0, f"{name}: the grader exited with {code}:\n{log}"):
        return secs
    try:
        g = json.loads((dest / "grade.json").read_text())
        json.loads((dest / "results.json").read_text())
    except (OSError, ValueError) as e:
        t.check(False, f"{name}: no readable grade.json/results.json: {e}")
        return secs
    case_pts = {p: round(sum(c["points"] for c in g["cases"] if c["part"] == p), 4) for p in PARTS}
    t.check(round(sum(case_pts.values()), 4) == float(exp["total"]),
            f"{name}: the cases give {sum(case_pts.values()):g} points, expected {exp['total']}")
    parts = {p["part"]: p for p in g["parts"]}
    for part in PARTS:
        t.check(case_pts[part] == float(exp[part]),
                f"{name}: the cases of {part} give {case_pts[part]:g}, expected {exp[part]}")
    check_performance(name, exp, g, t)
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


def check_performance(name: str, exp: dict, g: dict, t: Tally) -> None:
    """What holds of the performance results whatever the machine's speed."""
    passed: dict[str, bool] = {}
    for c in g["cases"]:
        passed[c["function"]] = passed.get(c["function"], True) and c["status"] == "passed"
    known = {"within", "over", "scored", "inconclusive", "wrong", "not_measured"}
    for p in g.get("performance", []):
        v = p["verdict"]
        t.check(v in known, f"{name}: {p['id']} has the unknown verdict {v!r}")
        t.check((v != "not_measured") == passed.get(p["function"], False),
                f"{name}: {p['id']} is {v!r} although the cases of {p['function']} "
                f"{'all' if passed.get(p['function']) else 'did not all'} pass: {p['message']!r}")
        t.check(0 <= p["earned"] <= p["max_points"],
                f"{name}: {p['id']} earned {p['earned']} of {p['max_points']}")
        if p["kind"] == "speedup":
            lo, hi = exp.get("a4_speed", [0, 0])
            t.check(lo <= p["earned"] <= hi,
                    f"{name}: the a4 speed-up ({p.get('speedup')}x) earned {p['earned']} points, "
                    f"expected {lo}..{hi}: {p['message']!r}")
    for part in PARTS:
        want = round(sum(c["points"] for c in g["cases"] if c["part"] == part)
                     + sum(p["earned"] for p in g.get("performance", []) if p["part"] == part), 4)
        got = next((q["score"] for q in g["parts"] if q["part"] == part), None)
        t.check(got is not None and abs(float(got) - want) < 1e-6,
                f"{name}: {part} scored {got}, but its cases and measurements give {want}")


A4_VARIANTS = ("naive", "moderate", "fast")


def grade_json(args: list[str], dest: Path, t: Tally, what: str) -> dict:
    shutil.rmtree(dest, ignore_errors=True)
    code, log, secs = run_grader(args)
    if not t.check(code == 0, f"{what}: the grader exited with {code}:\n{log[-2000:]}"):
        return {}
    try:
        return json.loads((dest / "grade.json").read_text())
    except (OSError, ValueError) as e:
        t.check(False, f"{what}: no readable grade.json: {e}")
        return {}


def speed_of(g: dict) -> dict:
    return next((p for p in g.get("performance", []) if p["kind"] == "speedup"), {})


def check_a4(out: Path, grader_args: list[str], t: Tally) -> None:
    got = {}
    naive = out / "naive-submission"
    shutil.rmtree(naive, ignore_errors=True)
    naive.mkdir(parents=True)
    shutil.copy(KIT / "solutions" / "a4_fast.c", naive / "a4_fast.c")
    for v in A4_VARIANTS:
        dest = out / v
        src = naive if v == "naive" else HERE / "a4_speed" / v
        g = grade_json(["grade", str(src), "--out", str(dest), "--seed", SEED,
                        *grader_args], dest, t, v)
        if not g:
            return
        a4 = [c for c in g["cases"] if c["part"] == "a4"]
        t.check(all(c["status"] == "passed" for c in a4),
                f"a4 {v}: not every a4 case passed: "
                f"{[(c['id'], c['status']) for c in a4 if c['status'] != 'passed']}")
        sp = speed_of(g)
        got[v] = sp
        print(f"a4 {v}: {sp.get('verdict')}, speed-up {sp.get('speedup')}x, "
              f"{sp.get('earned')} of {sp.get('max_points')} points")
    t.check(got["naive"].get("earned") == 0,
            f"a4: the naive copy earned {got['naive'].get('earned')} speed points, expected 0")
    for lo, hi in zip(A4_VARIANTS, A4_VARIANTS[1:]):
        t.check((got[lo].get("speedup") or 0) < (got[hi].get("speedup") or 0),
                f"a4: {lo} ({got[lo].get('speedup')}x) is not slower than {hi} "
                f"({got[hi].get('speedup')}x)")
        t.check(got[lo].get("earned", 0) < got[hi].get("earned", 0),
                f"a4: {lo} earned {got[lo].get('earned')} points, {hi} {got[hi].get('earned')}: "
                f"not increasing")


def busy_core() -> subprocess.Popen:
    """Another process that keeps one core busy until it is killed."""
    return subprocess.Popen([PYTHON, "-c", "while True: pass"])


def check_repeat(out: Path, repeat: int, busy: int, grader_args: list[str], t: Tally) -> None:
    runs = []
    for i in range(repeat):
        loaded = i >= repeat - busy
        hog = busy_core() if loaded else None
        try:
            dest = out / f"run{i + 1:02d}"
            g = grade_json(["grade", str(HERE / "perfect"), "--out", str(dest), "--seed", SEED,
                            *grader_args], dest, t, f"run {i + 1}")
        finally:
            if hog:
                hog.kill()
                hog.wait()
        if not g:
            return
        verdicts = {p["id"]: p["verdict"] for p in g["performance"]}
        sp = speed_of(g)
        runs.append((verdicts, sp.get("earned", 0.0), sp.get("speedup") or 0.0))
        print(f"run {i + 1}{' (one core busy)' if loaded else ''}: "
              + ", ".join(f"{k.split('.')[1]} {v}" for k, v in sorted(verdicts.items()))
              + f"; a4 speed {sp.get('speedup')}x = {sp.get('earned')} points")
    first = runs[0][0]
    for i, (v, _, _) in enumerate(runs[1:], 2):
        t.check(v == first, f"run {i}: the verdicts {v} differ from run 1's {first}")
    pts = [p for _, p, _ in runs]
    t.check(max(pts) - min(pts) <= 1.5,
            f"the a4 speed points vary from {min(pts)} to {max(pts)} over {repeat} runs "
            f"(more than 1.5 of 15)")
    speeds = [x for _, _, x in runs]
    t.check(min(speeds) > 0 and max(speeds) / min(speeds) <= 1.25,
            f"the a4 speed-up varies from {min(speeds)}x to {max(speeds)}x over {repeat} runs "
            f"(more than 25%)")
    print(f"repeatability: {repeat} runs ({busy} with one core busy): the same verdicts every "
          f"time; a4 speed-up {min(speeds)}x..{max(speeds)}x, points {min(pts)}..{max(pts)}")


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
                                  "--force", "--seed", SEED, *grader_args])
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
        try:
            g = json.loads((dest / student / "grade.json").read_text())
        except (OSError, ValueError) as err:
            t.check(False, f"{student}: no readable grade.json: {err}")
            continue
        for part in PARTS:   # the CSV says what grade.json says; the cases are as expected
            want = next(q["score"] for q in g["parts"] if q["part"] == part)
            t.check(abs(float(r[part]) - float(want)) < 0.005,
                    f"grades.csv: {student} {part} = {r[part]}, grade.json says {want}")
            cases = round(sum(c["points"] for c in g["cases"] if c["part"] == part), 4)
            t.check(cases == float(e[part]),
                    f"{student}: the cases of {part} give {cases:g}, expected {e[part]}")
        t.check(abs(float(r["total"]) - float(g["score"])) < 0.005,
                f"grades.csv: {student} total = {r['total']}, grade.json says {g['score']}")
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
    ap.add_argument("--a4", action="store_true", help="the a4 curve: naive < moderate < fast")
    ap.add_argument("--repeat", type=int, default=0, help="grade perfect this many times")
    ap.add_argument("--busy", type=int, default=0, help="... the last BUSY with a core busy")
    a = ap.parse_args(argv)

    expected = load_expected()
    for name in expected:
        for f in PART_FILES:
            if not (HERE / name / f).is_file():
                print(f"check-examples: {HERE / name / f} is missing")
                return 1
    t = Tally()
    a.out.mkdir(parents=True, exist_ok=True)
    if a.a4:
        check_a4(a.out, grader_args, t)
    elif a.repeat:
        check_repeat(a.out, a.repeat, a.busy, grader_args, t)
    elif a.batch:
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
