"""The writers: Gradescope's schema, Autolab's line, the per-student JSON
round trip, the CSV gradebook, and atomic writes."""
from __future__ import annotations

import csv
import io
import json
import math
import unittest
from unittest import mock

from grader import writers
from grader.model import (CaseResult, LeaderboardEntry, PartResult, PartState, PerfVerdict,
                          Status, SubmissionResult, Visibility)

from . import gradescope_schema, report_fixtures
from .util import TempDir


def sample(student: str = "alice") -> SubmissionResult:
    """A submission with a bit of everything."""
    s = SubmissionResult(student=student, seed=123456789, kit_version="0.1.0",
                         rubric_hash="sha256:" + "ab" * 32, sandbox="bubblewrap 0.8.0: ...",
                         started="2025-01-01T00:00:00+00:00", finished="2025-01-01T00:01:00+00:00",
                         leaderboard=[LeaderboardEntry("a4 speed-up", "not measured yet")])
    s.parts = [
        PartResult("a1", "a1_windows.c", 3.5),
        PartResult("a2", "a2_borders.c", 2.0, state=PartState.COMPILE_ERROR,
                   note="a2_borders.c does not compile (gcc exit status 1)",
                   compile_log="a2_borders.c:3:1: error: expected ';' ```` before '}'"),
        PartResult("a3", "a3_layers.c", 1.0, state=PartState.REJECTED,
                   note="a3_layers.c uses fopen: a solution never needs it; the part is not graded",
                   rejected_symbols=["fopen"]),
        PartResult("a4", "a4_fast.c", 1.0, state=PartState.MISSING,
                   note="a4_fast.c is not in the submission: part a4 scores 0"),
    ]
    s.cases = [
        CaseResult("a1.im_conv.cat", "a1", "im_conv", "cat", "im_conv: the *cat* | blurred",
                   1.5, Status.PASSED, seconds=0.01),
        CaseResult("a1.im_conv.f", "a1", "im_conv", "f", "im_conv: letter F", 1.0, Status.FAILED,
                   message="at row 3, column 7 (channel 0): you have 12.5, it should be 14",
                   diagnosis="the kernel is flipped", tag="kernel-flipped",
                   worker_stderr="debug: x=3\n"),
        CaseResult("a1.im_conv.crash", "a1", "im_conv", "crash", "im_conv: crash", 0.5,
                   Status.CRASHED, message="your code crashed (SIGSEGV)"),
        CaseResult("a1.im_conv.hidden1", "a1", "im_conv", "hidden1", "", 0.5, Status.PASSED,
                   visibility=Visibility.HIDDEN),
        CaseResult("a2.flip_kernel.x", "a2", "flip_kernel", "x", "flip", 2.0, Status.NOT_GRADED),
        CaseResult("a3.conv2d.x", "a3", "conv2d", "x", "conv2d", 1.0, Status.NOT_GRADED),
        CaseResult("a4.im_conv_fast.x", "a4", "im_conv_fast", "x", "fast", 1.0, Status.NOT_GRADED),
    ]
    return s.finish()


class Model(unittest.TestCase):
    def test_scores_are_derived(self) -> None:
        s = sample()
        self.assertEqual(s.score, 2.0)
        self.assertEqual(s.max_points, 7.5)
        self.assertEqual(s.part("a1").score, 2.0)
        self.assertEqual(s.part("a2").score, 0.0)

    def test_student_json_round_trip(self) -> None:
        s = sample()
        d = json.loads(json.dumps(s.to_dict()))
        self.assertEqual(d["seed"], 123456789)
        self.assertEqual(d["kit_version"], "0.1.0")
        self.assertTrue(d["rubric_hash"].startswith("sha256:"))
        self.assertEqual(d["sandbox"], "bubblewrap 0.8.0: ...")
        self.assertEqual(d["score"], 2.0)
        back = SubmissionResult.from_dict(d)
        self.assertEqual(back.to_dict(), s.to_dict())
        self.assertIs(back.cases[1].status, Status.FAILED)
        self.assertIs(back.parts[1].state, PartState.COMPILE_ERROR)


class Gradescope(unittest.TestCase):
    def test_schema(self) -> None:
        r = writers.gradescope_results(sample(), execution_time=12.3)
        errors = gradescope_schema.validate(json.loads(json.dumps(r)))
        self.assertEqual(errors, [])

    def test_the_validator_catches_mistakes(self) -> None:
        r = writers.gradescope_results(sample())
        r["tests"][0]["status"] = "ok"
        r["tests"][1].pop("max_score")
        r["score"] = "12"
        r["bogus"] = 1
        errors = gradescope_schema.validate(r)
        self.assertEqual(len(errors), 4, errors)

    def test_content(self) -> None:
        r = writers.gradescope_results(sample())
        self.assertEqual(r["score"], 2.0)
        self.assertEqual(r["output_format"], "md")
        self.assertEqual(len(r["tests"]), 7)
        t = {x["name"]: x for x in r["tests"]}
        self.assertEqual(t["a1.im_conv.cat"]["status"], "passed")
        self.assertEqual(t["a1.im_conv.f"]["score"], 0.0)
        self.assertEqual(t["a1.im_conv.f"]["max_score"], 1.0)
        self.assertIn("you have 12.5, it should be 14", t["a1.im_conv.f"]["output"])
        self.assertIn("**Likely cause:** the kernel is flipped", t["a1.im_conv.f"]["output"])
        self.assertIn("kernel-flipped", t["a1.im_conv.f"]["tags"])
        self.assertEqual(t["a1.im_conv.hidden1"]["visibility"], "hidden")
        self.assertIn("Not graded", t["a2.flip_kernel.x"]["output"])
        self.assertIn("does not compile", t["a2.flip_kernel.x"]["output"])
        self.assertEqual(r["leaderboard"], [{"name": "a4 speed-up", "value": "not measured yet"}])
        self.assertNotIn("seed", json.dumps(r))   # the secret seed stays out of what students get

    def test_summary_markdown(self) -> None:
        md = writers.summary_md(sample())
        self.assertIn("| a2 | `a2_borders.c` | 0 / 2 | 0/1 | does not compile (see below) |", md)
        self.assertIn("on the visible cases", md)      # a hidden case exists
        self.assertIn("1 hidden case: results hidden.", md)
        self.assertIn("uses fopen", md)
        self.assertIn("a4\\_fast.c is not in the submission", md)
        # the compile log's backticks cannot close its fence
        self.assertIn("`````\na2_borders.c:3:1", md)
        # Markdown in a description is escaped
        t = writers.case_output_md(sample(), sample().cases[0])
        self.assertIn("the \\*cat\\* \\| blurred", t)


class Performance(TempDir):
    """Performance measurements as Gradescope tests, the leaderboard, and
    what a student may not see yet (report_fixtures.rich_submission)."""

    def rich(self) -> SubmissionResult:
        return report_fixtures.rich_submission(self.tmp)

    def test_schema_with_performance_and_leaderboard(self) -> None:
        r = writers.gradescope_results(self.rich(), execution_time=70.2)
        self.assertEqual(gradescope_schema.validate(json.loads(json.dumps(r))), [])

    def test_performance_tests(self) -> None:
        s = self.rich()
        r = writers.gradescope_results(s)
        t = {x["name"]: x for x in r["tests"]}
        a4 = t["a4.im_conv_fast.speedup"]
        self.assertEqual((a4["score"], a4["max_score"], a4["status"]), (9.5, 15.0, "failed"))
        self.assertEqual(a4["output_format"], "md")
        self.assertEqual(a4["visibility"], "visible")
        self.assertIn("performance", a4["tags"])
        self.assertIn("speedup", a4["tags"])
        self.assertIn("speed-up 5.25×", a4["output"])
        self.assertIn("9.5 / 15 points", a4["output"])
        self.assertIn("| size | naive\\_s | yours\\_s |", a4["output"])
        self.assertNotIn("implausibly", json.dumps(r))     # a flag is for the TA
        ok = t["a1.im_conv.budget"]
        self.assertEqual((ok["score"], ok["max_score"], ok["status"]), (0.0, 0.0, "passed"))
        self.assertIn("1.8× the reference's (budget 4×)", ok["output"])
        # a budget of 0 points that is over still shows red
        self.assertEqual(t["a3.conv2d.budget"]["status"], "failed")
        self.assertEqual(t["a3.avg_pool2d.budget"]["visibility"], "after_due_date")
        # the same Markdown as report.md (one source)
        self.assertEqual(a4["output"], writers.perf_output_md(s, s.performance[3]))
        self.assertEqual(t["a1.im_conv.letter_f"]["output"], writers.case_output_md(s, s.cases[1]))
        # numbers: the performance points are in the score, per test and in total
        self.assertEqual(r["score"], s.score)
        self.assertAlmostEqual(sum(x["score"] for x in r["tests"]), s.score)
        self.assertEqual(len({x["number"] for x in r["tests"]}), len(r["tests"]))

    def test_leaderboard(self) -> None:
        s = self.rich()
        r = writers.gradescope_results(s)
        self.assertEqual(r["leaderboard"], [{"name": "a4 speed-up", "value": 5.25, "order": "desc"},
                                            {"name": "a1 ratio", "value": 1.8, "order": "asc"}])
        s.leaderboard = [LeaderboardEntry("a4 speed-up", math.nan, "sideways"),
                         LeaderboardEntry("x", None)]
        r = writers.gradescope_results(s)
        self.assertEqual(r["leaderboard"], [{"name": "a4 speed-up", "value": "not measured yet"},
                                            {"name": "x", "value": "not measured yet"}])
        self.assertEqual(gradescope_schema.validate(json.loads(json.dumps(r))), [])

    def test_nothing_hidden_in_the_top_level_output_or_visible_tests(self) -> None:
        s = self.rich()
        r = writers.gradescope_results(s)
        visible_text = r["output"] + "".join(
            t["output"] + t["name"] + " ".join(t["tags"]) for t in r["tests"]
            if t["visibility"] == "visible")
        for secret in [*report_fixtures.HIDDEN_IDS, report_fixtures.SECRET_MESSAGE,
                       report_fixtures.SECRET_DIAGNOSIS, "stride-twice", "a3.avg_pool2d.budget",
                       "avg\\_pool2d, 512x512", str(report_fixtures.SEED)]:
            self.assertNotIn(secret, visible_text, secret)
        self.assertIn("3 hidden cases and 1 hidden measurement: results after the due date; "
                      "results when the grades are published.", r["output"])
        # the grader error that names a hidden case is redacted, not dropped
        self.assertIn("a hidden case: the judge did not report this case", r["output"])
        # the hidden tests are there, with their visibility (Gradescope shows them later)
        t = {x["name"]: x for x in r["tests"]}
        self.assertEqual(t["a1.im_conv.hidden_1"]["visibility"], "after_due_date")
        self.assertIn(report_fixtures.SECRET_MESSAGE, t["a1.im_conv.hidden_1"]["output"])
        self.assertEqual(t["a3.conv2d.hidden_1"]["visibility"], "after_published")
        # the visible score: visible cases and measurements only
        self.assertTrue(r["output"].startswith("## convlab: 18 / 27.5 points on the visible cases"))
        self.assertIn("| a4 | `a4_fast.c` | 14.5 / 20 | 1/1 |  |", r["output"])
        self.assertIn("### Performance", r["output"])

    def test_autolab_and_csv_count_the_performance_points(self) -> None:
        s = self.rich()
        self.assertEqual(writers.autolab_scores(s)["scores"]["a4"], 14.5)
        self.assertEqual(json.loads(writers.autolab_line(s))["scores"],
                         {"a1": 3.5, "a2": 0.0, "a3": 2.0, "a4": 14.5})
        rows = list(csv.DictReader(io.StringIO(writers.grades_csv([s]))))
        self.assertEqual(rows[0]["a4"], "14.5")
        self.assertEqual(rows[0]["performance"], "9.5")
        self.assertEqual(rows[0]["total"], "20")
        self.assertEqual(rows[0]["max_points"], "32.5")
        self.assertIn("a4 flagged: implausibly fast", rows[0]["problems"])

    def test_perf_round_trip(self) -> None:
        s = self.rich()
        back = SubmissionResult.from_dict(json.loads(json.dumps(s.to_dict())))
        self.assertEqual(back.to_dict(), s.to_dict())
        self.assertIs(back.performance[1].verdict, PerfVerdict.OVER)


class Autolab(unittest.TestCase):
    def test_line(self) -> None:
        line = writers.autolab_line(sample())
        self.assertNotIn("\n", line)
        # the scoreboard: the a4 speed-up (not measured in sample(): 0) and the total
        self.assertEqual(json.loads(line), {"scores": {"a1": 2.0, "a2": 0.0, "a3": 0.0, "a4": 0.0},
                                            "scoreboard": [0, 2.0]})


class Csv(TempDir):
    def test_gradebook(self) -> None:
        a, b = sample("alice"), sample("=bob")
        b.cases[0].status = Status.FAILED
        b.finish()
        path = self.tmp / "grades.csv"
        writers.write_grades_csv([b, a], path)
        rows = list(csv.reader(io.StringIO(path.read_text())))
        self.assertEqual(rows[0], writers.CSV_COLUMNS)
        self.assertEqual(rows[0][:7], ["student", "a1", "a2", "a3", "a4", "total", "max_points"])
        self.assertEqual(len(rows), 3)
        alice = dict(zip(rows[0], rows[1] if rows[1][0] == "alice" else rows[2]))
        self.assertEqual(alice["a1"], "2")
        self.assertEqual(alice["total"], "2")
        self.assertEqual(alice["max_points"], "7.5")
        self.assertEqual(alice["seed"], "123456789")
        self.assertIn("a2 compile error", alice["problems"])
        self.assertIn("a3 rejected (fopen)", alice["problems"])
        self.assertIn("a4 missing", alice["problems"])
        self.assertIn("1 crashed", alice["problems"])
        self.assertIn("'=bob", [r[0] for r in rows])    # no formula injection
        self.assertTrue(path.read_text().endswith("\n"))


class CsvCells(unittest.TestCase):
    def test_numbers_stay_numbers_formulas_do_not_run(self) -> None:
        self.assertEqual([writers._csv_safe(x) for x in ["-4", "-4.5", "12", "=1+2", "-1+2",
                                                          "+3", "@SUM(A1)", "-"]],
                         ["-4", "-4.5", "12", "'=1+2", "'-1+2", "'+3", "'@SUM(A1)", "'-"])


class Atomic(TempDir):
    def test_no_temporary_file_is_left(self) -> None:
        p = self.tmp / "out" / "results.json"
        writers.write_gradescope(sample(), p)
        writers.write_gradescope(sample(), p)
        self.assertEqual([x.name for x in p.parent.iterdir()], ["results.json"])
        json.loads(p.read_text())

    def test_a_failed_write_keeps_the_old_file(self) -> None:
        p = self.tmp / "results.json"
        writers.atomic_write_json(p, {"score": 1})
        with self.assertRaises(ValueError):
            writers.atomic_write_json(p, {"score": math.nan})   # allow_nan=False
        self.assertEqual(json.loads(p.read_text()), {"score": 1})
        with mock.patch("os.replace", side_effect=OSError("disk full")):
            with self.assertRaises(OSError):
                writers.atomic_write_json(p, {"score": 2})
        self.assertEqual(json.loads(p.read_text()), {"score": 1})
        self.assertEqual([x.name for x in self.tmp.iterdir()], ["results.json"])


if __name__ == "__main__":
    unittest.main()
