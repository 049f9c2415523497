"""The per-student report (grader/report.py): what the student sees and
what only the TA sees, self-contained pages, pictures, performance bars,
escaping; and that grading writes it without ever risking results.json."""
from __future__ import annotations

import base64
import io
import json
import os
import re
from html.parser import HTMLParser
from unittest import mock

from grader import report, writers
from grader.grade import Options, grade_submission, main
from grader.kit import PARTS
from grader.model import Adjustment, PartState, Status

from . import gradescope_schema, report_fixtures as F
from .util import TempDir, fake_kit, need_toolchain, solution, stub


class Tags(HTMLParser):
    """The tags and attributes of a page, to check what it would load."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):  # noqa: N802 (HTMLParser's name)
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(page: str) -> list[tuple[str, dict[str, str]]]:
    p = Tags()
    p.feed(page)
    return p.tags


class Pages(TempDir):
    def setUp(self) -> None:
        super().setUp()
        self.sub = F.rich_submission(self.tmp)
        self.paths = report.write_reports(self.sub, self.tmp)
        self.student = (self.tmp / "report.html").read_text()
        self.md = (self.tmp / "report.md").read_text()
        self.ta = (self.tmp / "report_ta.html").read_text()

    def test_the_three_files(self) -> None:
        self.assertEqual([p.name for p in self.paths], ["report.html", "report.md", "report_ta.html"])
        left = sorted(p.name for p in self.tmp.iterdir() if p.is_file())
        self.assertEqual(left, ["report.html", "report.md", "report_ta.html"])  # no temporary file

    def test_the_student_never_sees_hidden_cases(self) -> None:
        for page in (self.student, self.md):
            for secret in [*F.HIDDEN_IDS, F.SECRET_MESSAGE, F.SECRET_DIAGNOSIS, "stride-twice",
                           "a3.avg_pool2d.budget", "hidden_1.png", str(F.SEED), "implausibly",
                           "after_due_date", "after_published"]:
                self.assertFalse(secret in page, secret)
        self.assertIn("3 hidden cases and 1 hidden measurement: results after the due date; "
                      "results when the grades are published", self.student)
        # per part, the count only
        self.assertIn("2 hidden cases: results after the due date", self.student)
        self.assertIn("2 hidden cases: results after the due date", self.md)
        # the score shown leaves the hidden points out (and says so)
        self.assertIn('<span class="big" id="score">18</span>', self.student)
        self.assertIn("/ 27.5 points", self.student)
        self.assertIn("(not in this score)", self.student)
        # the grader error naming a hidden case is redacted
        self.assertIn("a hidden case: the judge did not report this case", self.student)

    def test_the_ta_sees_everything(self) -> None:
        for x in [F.HIDDEN_IDS[0], F.HIDDEN_IDS[2], "im_conv · hidden_2", F.SECRET_MESSAGE,
                  F.SECRET_DIAGNOSIS, str(F.SEED), "implausibly fast on 256x256",
                  "after_due_date", "after_published",
                  "a3.conv2d.hidden_1: the judge did not report this case"]:
            self.assertTrue(x in self.ta, x)
        self.assertIn('<span class="big" id="score">20</span>', self.ta)
        self.assertIn("/ 32.5 points", self.ta)
        self.assertIn("TA version", self.ta)
        # the hidden case's picture is embedded for the TA
        self.assertEqual(self.ta.count("data:image/png;base64,"), 2)
        self.assertEqual(self.student.count("data:image/png;base64,"), 1)

    def test_content(self) -> None:
        s = self.student
        for x in ["alice", "a1 sliding windows", "a1_windows.c", "1.5 / 4",
                  "im_conv: at row 0, column 1: you have 12.5, it should be 14.",
                  "<b>Likely cause:</b> the kernel is flipped", "your code crashed (SIGSEGV",
                  "timed out", "not graded", "a2_borders.c does not compile",
                  "unused variable", "Compiler warnings", "Compiler output",
                  "input | expected | yours | difference", "within the budget",
                  "over the budget", "scored", "9.5 / 15", "1.8×", "budget", "5.25×",
                  "0.2.0", "sha256:" + "cd" * 32, "bubblewrap 0.8.0", "a3_layers.c was taken"]:
            self.assertTrue(x in s, x)
        # the judge's "See the picture: PATH" is replaced by the picture itself
        self.assertNotIn("See the picture", s)
        # one bar per visible measurement
        self.assertEqual(s.count('<svg class="bar"'), 3)
        self.assertEqual(self.ta.count('<svg class="bar"'), 4)

    def test_escaping(self) -> None:
        self.assertNotIn("<script>", self.student + self.ta)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", self.student)
        self.assertIn("debug: k=3 &lt;b&gt;bold&lt;/b&gt;", self.student)
        sub = F.rich_submission(self.tmp / "x", student='<img src=x onerror="alert(1)">')
        page = report.report_html(sub, self.tmp / "x")
        self.assertNotIn("<img src=x", page)

    def test_self_contained(self) -> None:
        for page in (self.student, self.ta):
            self.assertIn("Content-Security-Policy", page)
            self.assertIn("default-src 'none'", page)
            for tag, attrs in tags(page):
                self.assertNotIn(tag, ("script", "link", "iframe", "object", "embed"))
                for k in ("src", "href"):
                    v = attrs.get(k)
                    if v is not None:
                        self.assertTrue(v.startswith(("data:image/png;base64,", "#")), v)
            self.assertNotRegex(page, r"url\(")
            self.assertNotRegex(page, r"https?://")

    def test_pictures_are_the_files(self) -> None:
        uri = re.search(r'src="(data:image/png;base64,[^"]+)"', self.student).group(1)
        data = base64.b64decode(uri.split(",", 1)[1])
        self.assertEqual(data, (self.tmp / "feedback/a1.im_conv.letter_f.png").read_bytes())

    def test_a_picture_outside_the_folder_is_not_embedded(self) -> None:
        (self.tmp / "outside.png").write_bytes(F.png_bytes(2, 2, lambda x, y: (1, 2, 3)))
        out = self.tmp / "student"
        out.mkdir()
        self.assertIsNone(report.picture_data_uri(out, "../outside.png"))
        self.assertIsNone(report.picture_data_uri(out, "/etc/hostname"))
        (out / "fake.png").write_text("not a png")
        self.assertIsNone(report.picture_data_uri(out, "fake.png"))
        self.assertIsNone(report.picture_data_uri(out, "missing.png"))
        self.assertIsNone(report.picture_data_uri(out, ""))
        os.symlink(self.tmp / "outside.png", out / "link.png")
        self.assertIsNone(report.picture_data_uri(out, "link.png"))
        sub = F.rich_submission(out)
        sub.cases[1].picture = "../outside.png"
        page = report.report_html(sub, out)
        self.assertIn("picture not available", page)

    def test_markdown_is_the_gradescope_text(self) -> None:
        s = self.sub
        # every visible failure's paragraph is the Gradescope output of that test,
        # plus the link to its picture
        r = writers.gradescope_results(s)
        t = {x["name"]: x for x in r["tests"]}
        self.assertIn(t["a1.im_conv.cat_gaussian"]["output"], self.md)
        self.assertIn(t["a4.im_conv_fast.speedup"]["output"], self.md)
        self.assertIn(writers.case_output_md(s, s.cases[1], picture=True), self.md)
        self.assertIn("![input | expected | yours | difference](feedback/a1.im_conv.letter_f.png)",
                      self.md)
        self.assertIn("- ✅ `a1.conv_output_size.valid_table`: 1.5 / 1.5 (passed)", self.md)
        self.assertIn("- ❌ `a1.im_conv.letter_f`: 0 / 1 (failed)", self.md)
        self.assertTrue(self.md.startswith("# convlab report: alice\n"))

    def test_adjustments(self) -> None:
        sub = F.rich_submission(self.tmp / "adj")
        sub.adjustments = [Adjustment("a1", 1.0, "partial credit for the <sizes>", by="Sam"),
                           Adjustment("a3", -5.0, "hard-coded the image size")]
        sub.finish()
        st = report.report_html(sub, self.tmp / "adj")
        ta = report.report_html(sub, self.tmp / "adj", ta=True)
        md = report.report_md(sub)
        self.assertIn("Adjusted by your instructor: +1 points</b>: partial credit for the "
                      "&lt;sizes&gt;", st)
        self.assertNotIn("Sam", st + md)
        self.assertIn("Adjusted by Sam: +1 points", ta)
        # the student: visible points + the adjustment, the part kept within 0..its maximum
        # 18 visible: a1 1.5 + 1, a3 2 - 5 -> 0 (never below 0): 17
        self.assertTrue('id="score">17</span>' in st)
        self.assertTrue('id="score">' + f"{sub.score:g}" + "</span>" in ta)
        self.assertIn("- a3: -5 points: hard-coded the image size", md)
        self.assertIn("| a3 | `a3_layers.c` | 0 / 3 | 1/2 | 1 crashed or timed out; adjusted (see below) |", md)
        row = writers.grades_csv([sub]).splitlines()[1]
        self.assertIn(",-4,", row)                          # the adjustments column

    def test_perfect_and_kit_error_pages(self) -> None:
        sub = F.rich_submission(self.tmp / "p")
        sub.performance = []
        for c in sub.cases:
            c.status = Status.PASSED
        page = report.report_html(sub.finish(), self.tmp / "p")
        self.assertNotIn('class="fail', page)
        self.assertIn('class="ok"', page)
        sub.parts[0].state = PartState.KIT_ERROR
        sub.parts[0].note = "not graded: the grader failed"
        page = report.report_html(sub, self.tmp / "p")
        self.assertIn('<div class="note kit">not graded: the grader failed</div>', page)


class Grading(TempDir):
    """grade_submission writes the report next to results.json, and a
    failing report never costs results.json."""

    def setUp(self) -> None:
        super().setUp()
        need_toolchain(self)
        self.opts = Options(kit=fake_kit())
        patcher = mock.patch.dict(os.environ, {"FAKE_JUDGE_TIMEOUT": "0.5", "FAKE_JUDGE_MODE": ""})
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_grading_writes_the_reports(self) -> None:
        d = self.submission("bob", {f: (solution(f) if f != "a3_layers.c" else stub(f))
                                    for f in PARTS.values()})
        out = self.tmp / "out"
        with mock.patch("sys.stderr", io.StringIO()):
            sub = grade_submission(d, out, self.opts, seed=5, log=lambda s: None)
        for name in ("results.json", "grade.json", "report.html", "report.md", "report_ta.html"):
            self.assertTrue((out / name).is_file(), name)
        self.assertFalse([e for e in sub.errors if "report" in e], sub.errors)
        page = (out / "report_ta.html").read_text()
        self.assertIn(f'id="score">{sub.score:g}</span>', page)
        self.assertIn("bob", page)

    def test_a_failing_report_keeps_results_json(self) -> None:
        out = self.tmp / "out"
        with mock.patch("grader.report.write_reports", side_effect=RuntimeError("no ink")), \
             mock.patch("sys.stderr", io.StringIO()):
            sub = grade_submission(self.submission("carol", {}), out, self.opts, log=lambda s: None)
        r = json.loads((out / "results.json").read_text())
        self.assertEqual(gradescope_schema.validate(r), [])
        self.assertIn("the grader could not write the report (RuntimeError: no ink)", sub.errors)
        d = json.loads((out / "grade.json").read_text())
        self.assertIn("the grader could not write the report (RuntimeError: no ink)", d["errors"])

    def test_the_report_verb(self) -> None:
        sub = F.rich_submission(self.tmp / "one")
        writers.write_student_json(sub, self.tmp / "one" / "grade.json")
        with mock.patch("sys.stdout", io.StringIO()) as o:
            self.assertEqual(main(["report", str(self.tmp / "one")]), 0)
        self.assertIn("report_ta.html", o.getvalue())
        self.assertTrue((self.tmp / "one" / "report.html").is_file())
        with mock.patch("sys.stdout", io.StringIO()):
            self.assertEqual(main(["report", str(self.tmp / "nothing-here")]), 2)
