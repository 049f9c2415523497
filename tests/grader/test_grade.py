"""Grading whole submissions and batches with tests/grader/fake_judge.py (the
real judge's command line and output): full marks, stubs, crashes, hangs,
compile errors, kit failures, the batch, the CLI."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path
from unittest import mock

from grader import grade, writers
from grader.grade import Options, grade_all, grade_submission
from grader.kit import PARTS, Kit
from grader.model import PartState, Status

from . import gradescope_schema
from .util import FAKE_JUDGE, ROOT, TempDir, fake_kit, need_toolchain, solution, stub

FILES = list(PARTS.values())


def quiet(_: str) -> None:
    pass


class Base(TempDir):
    def setUp(self) -> None:
        super().setUp()
        need_toolchain(self)
        self.kit = fake_kit()
        self.opts = Options(kit=self.kit)
        env = {"FAKE_JUDGE_TIMEOUT": "0.5", "FAKE_JUDGE_MODE": ""}
        patcher = mock.patch.dict(os.environ, env)
        patcher.start()
        self.addCleanup(patcher.stop)

    def models(self, name: str = "model") -> Path:
        return self.submission(name, {f: solution(f) for f in FILES})

    def stubs(self, name: str = "stubs") -> Path:
        return self.submission(name, {f: stub(f) for f in FILES})

    def results(self, out: Path) -> dict:
        r = json.loads((out / "results.json").read_text())
        self.assertEqual(gradescope_schema.validate(r), [])
        return r


class GradeOne(Base):
    def test_model_solutions_get_full_marks(self) -> None:
        out = self.tmp / "out"
        sub = grade_submission(self.models(), out, self.opts, seed=42, log=quiet)
        self.assertEqual(sub.errors, [])
        self.assertEqual(sub.score, 85.0)
        self.assertEqual(sub.max_points, 85.0)
        self.assertTrue(all(c.status is Status.PASSED for c in sub.cases))
        self.assertEqual(len(sub.cases), 94)
        r = self.results(out)
        self.assertEqual(r["score"], 85.0)
        d = json.loads((out / "grade.json").read_text())
        self.assertEqual(d["seed"], 42)
        self.assertEqual(d["kit_version"], "0.1.0")
        rubric = self.kit.rubric_file   # the hash covers the case table and the rubric
        self.assertEqual(d["rubric_hash"], "sha256:" + hashlib.sha256(
            b"cases.toml\0" + (ROOT / "tests/cases.toml").read_bytes() + b"\0"
            + rubric.name.encode() + b"\0" + rubric.read_bytes() + b"\0").hexdigest())
        self.assertTrue(d["sandbox"])
        self.assertTrue(d["started"] and d["finished"])
        self.assertEqual(writers.autolab_scores(sub),
                         {"scores": {"a1": 25.0, "a2": 25.0, "a3": 30.0, "a4": 5.0},
                          "scoreboard": [0, 85.0]})

    def test_stubs_score_zero_not_implemented(self) -> None:
        out = self.tmp / "out"
        sub = grade_submission(self.stubs(), out, self.opts, log=quiet)
        self.assertEqual(sub.score, 0.0)
        self.assertEqual(sub.errors, [])
        self.assertTrue(all(c.status is Status.NOT_IMPLEMENTED for c in sub.cases))
        self.assertTrue(all("not implemented yet" in c.message for c in sub.cases))
        r = self.results(out)
        self.assertTrue(all("Not implemented yet" in t["output"] for t in r["tests"]))
        self.assertIn("not implemented yet |", r["output"])
        self.assertTrue(0 <= sub.seed < 2 ** 63)

    def test_crash_hang_compile_error_and_missing_file(self) -> None:
        a1 = solution("a1_windows.c").replace(
            "int conv_output_size(int in, int k, int stride, cl_mode mode)\n{",
            "int conv_output_size(int in, int k, int stride, cl_mode mode)\n{\n"
            "    *(volatile int *)0 = 1;", 1)
        self.assertNotEqual(a1, solution("a1_windows.c"))
        a2 = "#include \"assignment.h\"\nint flip_kernel(oops\n"
        a3 = stub("a3_layers.c").replace(
            "int avg_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,\n"
            "               cl_image *out)\n{",
            "int avg_pool2d(const cl_image *in, int ph, int pw, int sy, int sx, cl_mode padding,\n"
            "               cl_image *out)\n{\n    for (volatile int i = 0;; i++) ;", 1)
        self.assertNotEqual(a3, stub("a3_layers.c"))
        d = self.submission("mixed", {"a1_windows.c": a1, "a2_borders.c": a2, "a3_layers.c": a3})
        out = self.tmp / "out"
        t0 = time.monotonic()
        sub = grade_submission(d, out, self.opts, log=quiet)
        self.assertLess(time.monotonic() - t0, 60)
        by = {c.id: c for c in sub.cases}
        crashed = [c for c in sub.cases if c.status is Status.CRASHED]
        self.assertEqual({c.function for c in crashed}, {"conv_output_size"})
        self.assertTrue(by["a1.im_conv.cat_gaussian"].passed)
        self.assertEqual(sub.part("a2").state, PartState.COMPILE_ERROR)
        self.assertIn("error", sub.part("a2").compile_log)
        self.assertTrue(all(c.status is Status.NOT_GRADED for c in sub.cases_of("a2")))
        timeouts = [c for c in sub.cases if c.status is Status.TIMEOUT]
        self.assertEqual({c.function for c in timeouts}, {"avg_pool2d"})
        self.assertEqual(sub.part("a4").state, PartState.MISSING)
        self.assertIn("a4_fast.c is not in the submission", sub.part("a4").note)
        self.assertEqual(sub.part("a1").score, 20.0)   # 25 minus conv_output_size's 5
        r = self.results(out)
        self.assertIn("does not compile", r["output"])
        self.assertIn("crashed or timed out", r["output"])
        self.assertEqual(sub.errors, [])

    def test_a_kit_failure_still_writes_results_with_score_zero(self) -> None:
        out = self.tmp / "out"
        out.mkdir()
        (out / "results.json").write_text('{"score": 99}')
        with mock.patch("grader.grade.Builder.build", side_effect=RuntimeError("boom")), \
             mock.patch("sys.stderr", io.StringIO()):
            sub = grade_submission(self.models(), out, self.opts, log=quiet)
        r = self.results(out)
        self.assertEqual(r["score"], 0)
        self.assertIn("the grader failed (RuntimeError: boom)", r["output"])
        self.assertTrue(all(t["score"] == 0 for t in r["tests"]))
        self.assertEqual(len(r["tests"]), 94)
        self.assertTrue(all(c.status is Status.ERROR for c in sub.cases))
        self.assertEqual({p.name for p in out.iterdir()},
                         {"results.json", "grade.json", "report.html", "report.md",
                          "report_ta.html"})

    def test_a_writer_failure_still_writes_a_results_json(self) -> None:
        out = self.tmp / "out"
        with mock.patch("grader.writers.gradescope_results", side_effect=ValueError("bad")), \
             mock.patch("sys.stderr", io.StringIO()):
            grade_submission(self.submission("empty", {}), out, self.opts, log=quiet)
        r = self.results(out)
        self.assertEqual(r["score"], 0)
        self.assertIn("ValueError: bad", r["output"])

    def test_an_unreadable_case_table_still_writes_results(self) -> None:
        self.opts.kit = Kit(root=ROOT, judge=FAKE_JUDGE, worker_objects=self.kit.worker_objects,
                            cases_file=self.tmp / "missing.toml")
        out = self.tmp / "out"
        with mock.patch("sys.stderr", io.StringIO()):
            sub = grade_submission(self.models(), out, self.opts, log=quiet)
        r = self.results(out)
        self.assertEqual(r["score"], 0)
        self.assertIn("the grader failed", r["output"])
        self.assertTrue(sub.errors)

    def test_judge_that_stops_early(self) -> None:
        os.environ["FAKE_JUDGE_MODE"] = "exit3"
        sub = grade_submission(self.models(), self.tmp / "out", self.opts, log=quiet)
        self.assertTrue(any("exited with status 3" in e for e in sub.errors), sub.errors)
        a1 = sub.cases_of("a1")
        self.assertEqual(len(a1), 21)
        self.assertTrue(a1[0].passed)
        self.assertTrue(all(c.status is Status.ERROR for c in a1[1:]))
        self.assertIn("not of your code", a1[1].message)

    def test_judge_that_prints_garbage(self) -> None:
        os.environ["FAKE_JUDGE_MODE"] = "garbage"
        sub = grade_submission(self.models(), self.tmp / "out", self.opts, log=quiet)
        self.assertEqual(sub.score, 85.0)
        self.assertTrue(any("cannot read" in e for e in sub.errors))

    def test_judge_not_built(self) -> None:
        self.opts.kit = Kit(root=ROOT, judge=self.tmp / "no-judge",
                            worker_objects=self.kit.worker_objects,
                            images=self.kit.images, expected=self.kit.expected)
        out = self.tmp / "out"
        sub = grade_submission(self.models(), out, self.opts, log=quiet)
        self.assertEqual(sub.score, 0)
        self.assertTrue(all(p.state is PartState.KIT_ERROR for p in sub.parts))
        self.assertIn("the kit is not built", self.results(out)["output"])

    def test_refused_submission(self) -> None:
        z = self.tmp / "evil.zip"
        with zipfile.ZipFile(z, "w") as zf:
            zf.writestr("a1_windows.c", solution("a1_windows.c"))
            zf.writestr("../../etc/cron.d/x", "* * * * * root rm -rf /")
        out = self.tmp / "out"
        sub = grade_submission(z, out, self.opts, log=quiet)
        self.assertEqual(sub.student, "evil")
        self.assertEqual(sub.score, 0)
        self.assertTrue(all(p.state is PartState.INTAKE_REJECTED for p in sub.parts))
        self.assertIn("climbs out", self.results(out)["output"])

    def test_rejected_symbol_costs_its_part(self) -> None:
        files = {f: solution(f) for f in FILES}
        files["a2_borders.c"] += '\n#include <stdio.h>\nvoid peek(void) { fopen("/x", "r"); }\n'
        sub = grade_submission(self.submission("s", files), self.tmp / "out", self.opts, log=quiet)
        self.assertEqual(sub.part("a2").state, PartState.REJECTED)
        self.assertEqual(sub.score, 60.0)
        self.assertIn("a2_borders.c uses fopen: a solution never needs it; the part is not graded",
                      self.results(self.tmp / "out")["output"].replace("\\_", "_"))


class RubricWithTheFakeJudge(Base):
    """grader/rubric.toml through the whole grader: the hidden cases' placeholders
    are graded by the judge's verdicts, the measurements of the fake judge
    (budgets within, a4 speed-up 2.0x) become points on the rubric's curve, the
    leaderboard shows the speed-up, and a part that does not build keeps its
    hidden cases (not graded) and measurements (not measured) in the maximum."""

    def setUp(self) -> None:
        super().setUp()
        self.opts.kit = Kit(root=ROOT, judge=FAKE_JUDGE, worker_objects=self.kit.worker_objects,
                            images=self.kit.images, expected=self.kit.expected)

    def test_hidden_cases_and_performance_points(self) -> None:
        from grader.rubric import load_rubric
        rub = load_rubric(self.opts.kit.rubric_file, self.opts.kit.cases())
        sub = grade_submission(self.models(), self.tmp / "out", self.opts, seed=5, log=quiet)
        self.assertEqual(sub.errors, [])
        hidden = [c for c in sub.cases if c.name.startswith("hidden_")]
        self.assertEqual(len(hidden), len(rub.hidden_cases()))
        self.assertTrue(all(c.passed for c in hidden))
        speed = next(p for p in sub.performance if p.kind == "speedup")
        self.assertEqual(speed.speedup, 2.0)
        self.assertEqual(speed.earned, rub.a4.score(2.0))
        self.assertEqual(sub.leaderboard[0].value, 2.0)
        budgets = [p for p in sub.performance if p.kind == "budget"]
        self.assertEqual(len(budgets), len(rub.budgets))
        self.assertTrue(all(p.verdict.value == "within" for p in budgets))
        self.assertEqual(sub.max_points, sum(rub.totals(self.opts.kit.cases()).values()))
        self.assertEqual(sub.score, 95 + rub.a4.score(2.0))
        r = self.results(self.tmp / "out")
        self.assertEqual(r["leaderboard"][0]["value"], 2.0)

    def test_a_part_that_does_not_build_keeps_its_maximum(self) -> None:
        files = {f: solution(f) for f in FILES}
        files["a4_fast.c"] = "int im_conv_fast(void) { return 0 }\n"   # a compile error
        sub = grade_submission(self.submission("broken4", files), self.tmp / "out", self.opts,
                               seed=5, log=quiet)
        a4 = sub.part("a4")
        self.assertIs(a4.state, PartState.COMPILE_ERROR)
        self.assertEqual(a4.score, 0)
        self.assertEqual(a4.max_points, 21)
        self.assertTrue(all(c.status is Status.NOT_GRADED for c in sub.cases_of("a4")))
        self.assertEqual(len(sub.cases_of("a4")), 8)
        self.assertEqual([p.verdict.value for p in sub.performance_of("a4")], ["not_measured"])


class GradeAll(Base):
    def make_batch(self) -> Path:
        batch = self.tmp / "batch"
        batch.mkdir()
        shutil.copytree(self.models("m"), batch / "alice")
        with zipfile.ZipFile(batch / "bob.zip", "w") as zf:
            for f in FILES:
                zf.writestr(f"bob/{f}", stub(f))
        with tarfile.open(batch / "carol.tar.gz", "w:gz") as tf:
            for f in FILES[:2]:
                data = (solution(f) if f != "a2_borders.c" else "syntax error").encode()
                ti = tarfile.TarInfo(f)
                ti.size = len(data)
                tf.addfile(ti, io.BytesIO(data))
        with zipfile.ZipFile(batch / "dave.zip", "w", zipfile.ZIP_DEFLATED) as zf:
            with zf.open("zeros", "w") as f:
                for _ in range(100):
                    f.write(bytes(1 << 20))
        (batch / "erin").mkdir()
        (batch / ".DS_Store").write_text("x")
        return batch

    def test_batch(self) -> None:
        batch = self.make_batch()
        out = self.tmp / "grades"
        lines: list[str] = []
        subs, code = grade_all(batch, out, self.opts, jobs=2, log=lines.append)
        self.assertEqual(code, 0, lines)
        self.assertEqual(sorted(s.student for s in subs), ["alice", "bob", "carol", "dave", "erin"])
        for s in subs:
            self.results(out / s.student)
            self.assertTrue((out / s.student / "grade.json").is_file())
        rows = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))
        by = {r["student"]: r for r in rows}
        self.assertEqual(by["alice"]["total"], "85")
        self.assertEqual(by["bob"]["total"], "0")
        self.assertEqual(by["carol"]["a1"], "25")
        self.assertEqual(by["carol"]["a2"], "0")
        self.assertIn("a2 compile error", by["carol"]["problems"])
        self.assertIn("a3 missing", by["carol"]["problems"])
        self.assertEqual(by["dave"]["total"], "0")
        self.assertIn("refused at intake", by["dave"]["problems"])
        text = "\n".join(lines)
        self.assertIn("compile failures: 1: carol/a2", text)
        self.assertIn("refused at intake: 4", text)
        # resumable: a second run skips everybody and keeps the seeds
        seeds = {s.student: s.seed for s in subs}
        mtime = (out / "alice" / "results.json").stat().st_mtime_ns
        lines.clear()
        subs2, _ = grade_all(batch, out, self.opts, jobs=2, log=lines.append)
        self.assertEqual((out / "alice" / "results.json").stat().st_mtime_ns, mtime)
        self.assertEqual(sum("skipped" in l for l in lines), 5)
        self.assertEqual(len(list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))), 5)
        # --force re-grades with the recorded seed
        subs3, _ = grade_all(batch, out, self.opts, jobs=1, force=True, log=quiet)
        self.assertNotEqual((out / "alice" / "results.json").stat().st_mtime_ns, mtime)
        self.assertEqual({s.student: s.seed for s in subs3}, seeds)

    def test_name_clashes(self) -> None:
        batch = self.tmp / "b"
        batch.mkdir()
        (batch / "x").mkdir()
        with zipfile.ZipFile(batch / "x.zip", "w") as zf:
            zf.writestr("a1_windows.c", "")
        names = [e.student for e in grade.batch_entries(batch, self.tmp / "out")]
        self.assertEqual(sorted(names), ["x", "x-2"])


class Cli(Base):
    def run_cli(self, *args: str) -> subprocess.CompletedProcess:
        kit = self.kit
        common = ["--judge", str(kit.judge), "--worker-objects",
                  ",".join(str(o) for o in kit.worker_objects),
                  "--images", str(kit.images), "--expected", str(kit.expected),
                  "--rubric", str(kit.rubric_file)]
        return subprocess.run([sys.executable, "-m", "grader", *args, *common], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)

    def test_grade_autolab(self) -> None:
        out = self.tmp / "out"
        r = self.run_cli("grade", str(self.models()), "--out", str(out), "--autolab",
                         "--seed", "7")
        self.assertEqual(r.returncode, 0, r.stderr)
        last = r.stdout.rstrip("\n").splitlines()[-1]
        self.assertEqual(json.loads(last),
                         {"scores": {"a1": 25.0, "a2": 25.0, "a3": 30.0, "a4": 5.0},
                          "scoreboard": [0, 85.0]})
        self.assertEqual(json.loads((out / "grade.json").read_text())["seed"], 7)

    def test_grade_all_cli(self) -> None:
        batch = self.tmp / "batch"
        batch.mkdir()
        shutil.copytree(self.stubs(), batch / "s1")
        r = self.run_cli("grade-all", str(batch), "--out", str(self.tmp / "o"), "--jobs", "2")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        self.assertIn("grade-all: 1 graded", r.stdout)
        self.assertTrue((self.tmp / "o" / "grades.csv").is_file())
