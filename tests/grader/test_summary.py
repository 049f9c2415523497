"""The class summary (grader/summary.py): cases.csv, the pass rates, the
frequent diagnoses, the submissions to look at, the plots, the page."""
from __future__ import annotations

import base64
import csv
import io
import re
import unittest
from unittest import mock

from grader import summary, writers
from grader.grade import main
from grader.model import PartState, Status

from . import report_fixtures as F
from .util import TempDir


def has_matplotlib() -> bool:
    return summary._matplotlib() is not None


class Summary(TempDir):
    def setUp(self) -> None:
        super().setUp()
        self.subs = F.write_class(self.tmp, n=12, seed=3)

    def test_load_results(self) -> None:
        (self.tmp / "broken").mkdir()
        (self.tmp / "broken" / "grade.json").write_text("{not json")
        (self.tmp / "empty").mkdir()
        subs, problems, folders = summary.load_results(self.tmp)
        self.assertEqual([s.student for s in subs], [f"student{i:02d}" for i in range(12)])
        self.assertEqual(len(problems), 1)
        self.assertIn("broken", problems[0])
        self.assertEqual(folders["student03"], "student03")

    def test_cases_csv(self) -> None:
        text = summary.cases_csv(self.subs)
        rows = list(csv.reader(io.StringIO(text)))
        head = rows[0]
        self.assertEqual(head[:7], ["student", "a1", "a2", "a3", "a4", "total", "max_points"])
        ids = [c.id for c in self.subs[0].cases] + [x.id for x in self.subs[0].performance]
        self.assertEqual(sorted(head[7:]), sorted(ids))
        # the parts' order: every a1 column before every a2 column ...
        parts = [h.split(".")[0] for h in head[7:]]
        self.assertEqual(parts, sorted(parts))
        self.assertEqual(len(rows), 13)
        for row, s in zip(rows[1:], sorted(self.subs, key=lambda s: s.student)):
            d = dict(zip(head, row))
            self.assertEqual(d["student"], s.student)
            self.assertEqual(float(d["total"]), s.score)
            self.assertAlmostEqual(sum(float(d[i]) for i in ids), s.score)
            self.assertEqual(float(d["a4"]), s.part("a4").score)
            for c in s.cases:
                self.assertEqual(float(d[c.id]), c.points)

    def test_a_student_without_a_case_gets_an_empty_cell(self) -> None:
        self.subs[0].cases = self.subs[0].cases[:2]
        rows = list(csv.DictReader(io.StringIO(summary.cases_csv(self.subs))))
        self.assertEqual(rows[0]["a4.im_conv_fast.cat"], "")
        self.assertNotEqual(rows[1]["a4.im_conv_fast.cat"], "")

    def test_pass_rates_and_diagnoses(self) -> None:
        rates = {cid: (ok, n) for cid, _, ok, n in summary.pass_rates(self.subs)}
        for cid, (ok, n) in rates.items():
            self.assertEqual(n, 12)
            self.assertEqual(ok, sum(1 for s in self.subs for c in s.cases
                                     if c.id == cid and c.passed))
        diag = summary.frequent_diagnoses(self.subs)
        flipped = [d for d in diag if d["tag"] == "kernel-flipped"][0]
        self.assertEqual(flipped["students"], sum(
            1 for s in self.subs if any(c.tag == "kernel-flipped" and not c.passed for c in s.cases)))
        self.assertEqual([d["students"] for d in diag], sorted((d["students"] for d in diag),
                                                               reverse=True))

    def test_review_reasons(self) -> None:
        s = self.subs[7]   # refused symbols (report_fixtures.write_class)
        kinds = dict(summary.review_reasons(s))
        self.assertIn("refused", kinds)
        self.assertIn("fopen", kinds["refused"])
        s = self.subs[3]   # the grader error
        self.assertIn("kit", dict(summary.review_reasons(s)))
        clean = F.rich_submission(self.tmp / "clean")
        clean.errors, clean.performance = [], []
        for c in clean.cases:
            c.status = Status.PASSED
        self.assertEqual(summary.review_reasons(clean), [])
        clean.cases[0].status = Status.TIMEOUT
        clean.parts[2].state = PartState.INTAKE_REJECTED
        self.assertEqual(summary.review_reasons(clean),
                         [("refused", "a3: refused at intake"), ("timeout", "1 timeout")])

    def test_page(self) -> None:
        paths = summary.write_summary(self.tmp)
        self.assertEqual([p.name for p in paths], ["summary.html", "cases.csv"])
        page = (self.tmp / "summary.html").read_text()
        self.assertIn("Class summary", page)
        self.assertIn("Submissions to look at", page)
        self.assertIn('href="student07/report_ta.html"', page)
        self.assertIn("refused symbols fopen", page)
        self.assertIn("Most frequent likely causes", page)
        self.assertIn("the kernel is flipped", page)
        mean = sum(s.score for s in self.subs) / len(self.subs)
        self.assertIn(f'<span class="big" id="mean">{mean:.1f}</span>', page)
        self.assertIn('href="cases.csv"', page)
        self.assertNotIn("<script", page)
        self.assertNotRegex(page, r"https?://")
        for href in re.findall(r'(?:src|href)="([^"]*)"', page):
            self.assertTrue(href.startswith("data:image/png;base64,") or href.endswith(".html")
                            or href.endswith(".csv"), href)

    @unittest.skipUnless(has_matplotlib(), "python3-matplotlib is not installed")
    def test_plots(self) -> None:
        pics = summary.plots(self.subs)
        self.assertEqual(set(pics), {"scores", "pass_rates", "performance", "diagnoses"})
        for uri in pics.values():
            data = base64.b64decode(uri.split(",", 1)[1])
            self.assertTrue(data.startswith(b"\x89PNG\r\n\x1a\n"))
        page = summary.summary_html(self.subs, pictures=pics)
        self.assertEqual(page.count('class="plot"'), 4)

    def test_without_matplotlib(self) -> None:
        with mock.patch("grader.summary._matplotlib", return_value=None):
            page = summary.summary_html(self.subs)
        self.assertNotIn("data:image/png", page)
        self.assertIn("Plots need Debian's python3-matplotlib", page)
        self.assertIn("Pass rate of every case", page)    # the table stands in

    def test_no_students(self) -> None:
        empty = self.tmp / "none"
        empty.mkdir()
        summary.write_summary(empty)
        self.assertIn("No graded submissions", (empty / "summary.html").read_text())
        self.assertEqual((empty / "cases.csv").read_text().splitlines()[0],
                         "student,a1,a2,a3,a4,total,max_points")

    def test_the_report_verb_on_a_batch(self) -> None:
        with mock.patch("sys.stdout", io.StringIO()) as out:
            self.assertEqual(main(["report", str(self.tmp)]), 0)
        self.assertIn("12 student report(s)", out.getvalue())
        for s in self.subs:
            for name in ("report.html", "report.md", "report_ta.html"):
                self.assertTrue((self.tmp / s.student / name).is_file())
        self.assertTrue((self.tmp / "summary.html").is_file())
        self.assertTrue((self.tmp / "cases.csv").is_file())

    def test_the_gradebook_agrees(self) -> None:
        rows = list(csv.DictReader(io.StringIO(writers.grades_csv(self.subs))))
        per_case = list(csv.DictReader(io.StringIO(summary.cases_csv(self.subs))))
        for a, b in zip(rows, per_case):
            for col in ("student", "a1", "a2", "a3", "a4", "total", "max_points"):
                self.assertEqual(a[col], b[col])


if __name__ == "__main__":
    unittest.main()
