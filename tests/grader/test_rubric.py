"""The rubric (grader/rubric.py), the performance points (grader/perf.py) and
a TA's adjustments (grader/adjust.py)."""
from __future__ import annotations

import unittest
from pathlib import Path

from grader import adjust, perf
from grader.kit import Kit, load_cases
from grader.model import (Adjustment, CaseResult, PartResult, PerfVerdict, Status,
                          SubmissionResult, Visibility)
from grader.rubric import RubricError, load_rubric

import tempfile

from .util import ROOT

CASES = load_cases(ROOT / "tests" / "cases.toml")


def TempDir():
    """A temporary folder, as a context manager yielding its Path."""
    class _T:
        def __enter__(self):
            self.d = tempfile.TemporaryDirectory(prefix="convlab-rubric-test-")
            return Path(self.d.name)

        def __exit__(self, *exc):
            self.d.cleanup()
    return _T()
BUDGETS = ROOT / "tests" / "budgets.toml"


def rubric_from(tmp: Path, text: str):
    p = tmp / "rubric.toml"
    p.write_text(text)
    return load_rubric(p, CASES, budgets_file=BUDGETS)


class ShippedRubric(unittest.TestCase):
    def test_it_reads_and_every_part_has_hidden_cases(self):
        r = load_rubric(Kit().rubric_file, CASES)
        totals = r.totals(CASES)
        visible = {p: sum(c.points for c in CASES if c.part == p) for p in totals}
        for part, total in totals.items():
            self.assertGreater(len(r.hidden_cases(part)), 0, part)
            self.assertAlmostEqual(total, visible[part] + sum(c.points for c in r.hidden_cases(part))
                                   + r.performance_points(part))
        self.assertEqual(r.a4.points, r.performance_points("a4"))

    def test_budgets_that_name_only_a_function_come_from_the_budgets_table(self):
        import tomllib
        local = {b["function"]: b for b in tomllib.loads(BUDGETS.read_text())["budget"]}
        with TempDir() as tmp:
            r = rubric_from(tmp, '[[performance.budget]]\nfunction = "im_conv"\npoints = 1\n'
                                 '[[performance.budget]]\nfunction = "conv2d"\nbudget = 9\n')
        self.assertEqual(r.budgets[0].input, local["im_conv"]["input"])
        self.assertEqual(r.budgets[0].budget, float(local["im_conv"]["budget"]))
        self.assertEqual(r.budgets[1].input, local["conv2d"]["input"])
        self.assertEqual(r.budgets[1].budget, 9.0, "a ratio given here wins")
        self.assertIn("filters=16", r.budgets[1].judge_arg())

    def test_the_shipped_budgets_are_the_graders_own(self):
        r = load_rubric(Kit().rubric_file, CASES)
        self.assertEqual([b.function for b in r.budgets],
                         ["im_conv", "im_conv_opts", "conv2d", "max_pool2d"])
        self.assertTrue(all(b.points == 0 for b in r.budgets), "advice: no points")


class Reading(unittest.TestCase):
    def test_overrides_change_points_and_visibility(self):
        with TempDir() as tmp:
            r = rubric_from(tmp, '[case."a1.im_conv.cat_gaussian"]\npoints = 7\n'
                                 'visibility = "after_published"\n')
        c = next(c for c in r.apply(CASES) if c.id == "a1.im_conv.cat_gaussian")
        self.assertEqual(c.points, 7)
        self.assertIs(c.visibility, Visibility.AFTER_PUBLISHED)

    def test_hidden_groups_give_placeholders_and_judge_options(self):
        with TempDir() as tmp:
            r = rubric_from(tmp, '[hidden]\nvisibility = "hidden"\n[[hidden.group]]\n'
                                 'function = "pad_image"\ncount = 3\npoints = 0.25\n')
        ids = [c.id for c in r.hidden_cases("a2")]
        self.assertEqual(ids, [f"a2.pad_image.hidden_{i}" for i in (1, 2, 3)])
        self.assertIn("--hidden", r.judge_args("a2"))
        self.assertIn("pad_image:3:0.25:hidden", r.judge_args("a2"))
        self.assertNotIn("--hidden", r.judge_args("a1"))
        self.assertEqual(r.totals(CASES)["a2"], 25 + 0.75)

    def test_speed_curve_is_linear_and_capped(self):
        with TempDir() as tmp:
            r = rubric_from(tmp, '[a4]\npoints = 10\nkernel = "3x3"\nsizes = ["64x64"]\n'
                                 'curve = { low = 2.0, high = 4.0 }\n')
        self.assertEqual(r.a4.score(1.0), 0)
        self.assertEqual(r.a4.score(2.0), 0)
        self.assertEqual(r.a4.score(3.0), 5)
        self.assertEqual(r.a4.score(4.0), 10)
        self.assertEqual(r.a4.score(40.0), 10)
        self.assertEqual(r.a4.score(float("nan")), 0)
        args = r.perf_args("a4", ["im_conv_fast"])
        self.assertIn("--speedup", args)
        self.assertEqual(r.perf_args("a4", []), [], "nothing is timed unless its cases passed")

    def test_mistakes_are_refused_with_the_key_named(self):
        bad = {
            '[case."a1.nope.x"]\npoints = 1\n': "no such case",
            '[[hidden.group]]\nfunction = "blur"\ncount = 1\npoints = 1\n': "unknown function",
            '[[hidden.group]]\nfunction = "im_conv"\ncount = -1\npoints = 1\n': "count",
            '[[hidden.group]]\nfunction = "im_conv"\ncount = 1\npoints = 0\n': "> 0",
            '[grading]\nvisibility = "public"\n': "visibility",
            '[grading]\ntimeout = 3\n': "unknown key 'timeout'",
            '[a4]\ncurve = { low = 5, high = 2 }\nsizes = ["8x8"]\n': "must be above low",
            '[a4]\nsizes = ["big"]\n': "sizes",
            '[[performance.budget]]\nfunction = "flip_kernel"\n': "tests/budgets.toml",
            '[performance]\nrepeats = 1\n': "repeats",
            'points = [': "cannot read",
        }
        for text, words in bad.items():
            with self.subTest(text=text), TempDir() as tmp:
                with self.assertRaises(RubricError) as cm:
                    rubric_from(tmp, text)
                self.assertIn(words, str(cm.exception))
                self.assertIn("rubric.toml", str(cm.exception))


def sub_with_speed(rub) -> SubmissionResult:
    from grader.grade import performance_placeholders
    s = SubmissionResult(student="x", parts=[PartResult("a4", "a4_fast.c", 21.0)])
    s.cases = [CaseResult("a4.im_conv_fast.a", "a4", "im_conv_fast", "a", "", 6.0, Status.PASSED)]
    s.performance = performance_placeholders(rub, "a4")
    return s


class Performance(unittest.TestCase):
    def setUp(self):
        with TempDir() as tmp:
            self.rub = rubric_from(tmp, '[a4]\npoints = 15\nkernel = "5x5"\nsizes = ["64x64"]\n'
                                        'curve = { low = 1.0, high = 6.0 }\nimplausible = 1.5\n'
                                        '[[performance.budget]]\nfunction = "im_conv"\n'
                                        'points = 2\n')

    def line(self, **kw):
        d = {"id": "a4.im_conv_fast.speedup", "verdict": "measured", "speedup": 3.5,
             "reference_speedup": 9.0, "message": "m", "measurements": []}
        d.update(kw)
        return d

    def test_the_curve_gives_the_points_and_the_leaderboard_the_speedup(self):
        s = sub_with_speed(self.rub)
        errors: list[str] = []
        perf.apply(s, self.rub, [self.line()], errors)
        p = s.performance[0]
        self.assertEqual((p.verdict, p.earned, p.speedup), (PerfVerdict.SCORED, 7.5, 3.5))
        self.assertEqual(s.leaderboard[0].value, 3.5)
        self.assertEqual(s.finish().part("a4").score, 13.5)
        self.assertEqual(errors, [])
        self.assertEqual(p.flag, "")

    def test_wrong_output_scores_nothing_and_implausible_speed_is_flagged(self):
        s = sub_with_speed(self.rub)
        perf.apply(s, self.rub, [self.line(verdict="wrong", speedup=0)], [])
        self.assertEqual((s.performance[0].verdict, s.performance[0].earned), (PerfVerdict.WRONG, 0))
        self.assertEqual(s.leaderboard[0].value, 0)
        s = sub_with_speed(self.rub)
        perf.apply(s, self.rub, [self.line(speedup=20.0, reference_speedup=9.0)], [])
        self.assertIn("implausibly fast", s.performance[0].flag)
        self.assertEqual(s.performance[0].earned, 15)

    def test_budgets_inconclusive_never_cost_points(self):
        s = sub_with_speed(self.rub)
        s.parts.append(PartResult("a1", "a1_windows.c", 27.0))
        from grader.grade import performance_placeholders
        s.performance = performance_placeholders(self.rub)
        b = {"id": "a1.im_conv.budget", "message": "m", "ratio": 9.0}
        for verdict, want in [("within", 2), ("over", 0), ("inconclusive", 2), ("wrong", 0)]:
            perf.apply(s, self.rub, [{**b, "verdict": verdict}], [])
            got = next(p for p in s.performance if p.kind == "budget")
            self.assertEqual(got.earned, want, verdict)

    def test_only_functions_whose_cases_all_passed_are_timed(self):
        cs = [CaseResult("a3.conv2d.a", "a3", "conv2d", "a", "", 1, Status.PASSED),
              CaseResult("a3.conv2d.hidden_1", "a3", "conv2d", "hidden_1", "", 1, Status.FAILED),
              CaseResult("a3.max_pool2d.a", "a3", "max_pool2d", "a", "", 1, Status.PASSED)]
        self.assertEqual(perf.passed_functions(cs, "a3"), ["max_pool2d"])


class Adjustments(unittest.TestCase):
    def graded(self) -> SubmissionResult:
        s = SubmissionResult(student="bo", parts=[PartResult("a2", "a2_borders.c", 10.0)])
        s.cases = [CaseResult("a2.pad_image.a", "a2", "pad_image", "a", "", 6.0, Status.PASSED),
                   CaseResult("a2.pad_image.b", "a2", "pad_image", "b", "", 4.0, Status.FAILED)]
        return s.finish()

    def test_merged_last_and_kept_within_the_part(self):
        with TempDir() as tmp:
            (tmp / "adjustments.toml").write_text(
                '[[adjustment]]\npart = "a2"\npoints = 2.5\nreason = "one bug, counted twice"\n'
                'by = "TA"\n')
            s = self.graded()
            self.assertTrue(adjust.merge(s, tmp))
            self.assertEqual(s.score, 8.5)
            self.assertFalse(adjust.merge(s, tmp), "the same adjustments again: no change")
            (tmp / "adjustments.toml").write_text(
                '[[adjustment]]\npart = "a2"\npoints = 99\nreason = "generous"\n')
            adjust.merge(s, tmp)
            self.assertEqual(s.score, 10.0, "never above the part's maximum")
            (tmp / "adjustments.toml").write_text(
                '[[adjustment]]\npart = "a2"\npoints = -99\nreason = "copied"\n')
            adjust.merge(s, tmp)
            self.assertEqual(s.score, 0.0, "never below 0")

    def test_a_malformed_file_is_reported_and_merges_nothing(self):
        for text, words in [('[[adjustment]]\npart = "a9"\npoints = 1\nreason = "r"\n', "part"),
                            ('[[adjustment]]\npart = "a2"\npoints = "1"\nreason = "r"\n', "points"),
                            ('[[adjustment]]\npart = "a2"\npoints = 1\n', "reason"),
                            ('[[adjustment]]\npart = "a2"\npoints = 1\nreason = "r"\nwho = 1\n',
                             "unknown key")]:
            with self.subTest(text=text), TempDir() as tmp:
                (tmp / "adjustments.toml").write_text(text)
                s = self.graded()
                adjust.merge(s, tmp)
                self.assertEqual(s.adjustments, [])
                self.assertEqual(s.score, 6.0)
                self.assertTrue(any(words in e for e in s.errors), s.errors)

    def test_reasons_name_what_changed(self):
        old, new = self.graded(), self.graded()
        self.assertEqual(adjust.reasons(old, new), [])
        new.cases[1].status = Status.PASSED
        new.adjustments = [Adjustment("a2", -1.0, "late")]
        why = adjust.reasons(old, new.finish())
        self.assertIn("a2.pad_image.b: failed -> passed", why)
        self.assertTrue(any("late" in w for w in why), why)
        with TempDir() as tmp:
            path = adjust.write_changes(tmp, [("bo", old.score, new.score, why)])
            text = path.read_text()
        self.assertIn("| bo | 6 | 9 |", text)


if __name__ == "__main__":
    unittest.main()
