"""Reading the judge's lines (judge.py): statuses, points from the table,
hidden cases, duplicates, garbage, non-finite numbers, a judge that dies."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from grader import judge
from grader.kit import Kit
from grader.model import Status, Visibility

from .util import ROOT, TempDir


class JudgeLines(TempDir):
    def run_with(self, lines: list[str], status: int = 0):
        script = self.tmp / "judge.sh"
        body = "".join(f"printf '%s\\n' {json.dumps(l)}\n" for l in lines)
        script.write_text(f"#!/bin/sh\n{body}echo 'summary on stderr' >&2\nexit {status}\n")
        script.chmod(0o755)
        kit = Kit(root=ROOT, judge=script, images=self.tmp, expected=self.tmp)
        cases = kit.cases()
        return judge.run_part(kit, "a4", cases, ["/bin/true"], 1, None), cases

    def line(self, id: str, status: str = "passed", **kw) -> str:
        d = {"id": id, "function": id.split(".")[1], "points": 99, "status": status,
             "message": "", "diagnosis": "", "tag": "", "picture": "", "seconds": 0.1,
             "worker_stderr": ""}
        d.update(kw)
        return json.dumps(d)

    def test_points_come_from_the_table(self) -> None:
        ids = [c.id for c in Kit(root=ROOT).cases() if c.part == "a4"]
        run, cases = self.run_with([self.line(i) for i in ids])
        self.assertEqual(run.errors, [])
        self.assertEqual([c.id for c in run.cases], ids)
        self.assertEqual(sum(c.points for c in run.cases), 5.0)   # not 6 x 99

    def test_missing_duplicate_unknown_and_garbage(self) -> None:
        ids = [c.id for c in Kit(root=ROOT).cases() if c.part == "a4"]
        lines = [self.line(ids[0]), self.line(ids[0]), self.line(ids[1], "weird"),
                 "not json", self.line("a1.im_conv.cat_gaussian"),
                 self.line(ids[2], seconds=float("nan"), message="x" * 100000)]
        run, _ = self.run_with(lines)
        by = {c.id: c for c in run.cases}
        self.assertTrue(by[ids[0]].passed)
        self.assertIs(by[ids[1]].status, Status.ERROR)        # unreadable verdict: not run
        self.assertEqual(by[ids[2]].seconds, 0.0)
        self.assertLess(len(by[ids[2]].message), 5000)
        self.assertTrue(all(by[i].status is Status.ERROR for i in ids[3:]))
        text = "\n".join(run.errors)
        self.assertIn("appears twice", text)
        self.assertIn("unknown status", text)
        self.assertIn("cannot read", text)
        self.assertIn("not of part a4", text)
        self.assertIn("gave no verdict", text)

    def test_hidden_case_from_the_seed(self) -> None:
        ids = [c.id for c in Kit(root=ROOT).cases() if c.part == "a4"]
        run, _ = self.run_with([self.line(i) for i in ids]
                               + [self.line("a4.im_conv_fast.hidden_7", points=2.5)])
        h = run.cases[-1]
        self.assertEqual((h.id, h.max_points, h.visibility), ("a4.im_conv_fast.hidden_7", 2.5,
                                                              Visibility.HIDDEN))

    def test_judge_exit_status(self) -> None:
        run, _ = self.run_with([], status=1)
        self.assertIn("exited with status 1: summary on stderr", run.errors[0])
        self.assertEqual(len(run.cases), 6)
        self.assertTrue(all(c.status is Status.ERROR for c in run.cases))

    def test_judge_missing(self) -> None:
        kit = Kit(root=ROOT, judge=self.tmp / "nope", images=self.tmp, expected=self.tmp)
        run = judge.run_part(kit, "a1", kit.cases(), ["/bin/true"], 1, None)
        self.assertIn("could not start", run.errors[0])
        self.assertEqual(len(run.cases), 21)

    def test_command_line(self) -> None:
        kit = Kit(root=ROOT, judge=Path("/j"), images=Path("/i"), expected=Path("/e"))
        cmd = judge.judge_command(kit, "a2", ["bwrap", "--", "/worker"], 77, Path("/f"), "hw")
        self.assertEqual(cmd[:1], ["/j"])
        self.assertEqual(cmd[cmd.index("--part") + 1], "a2")
        self.assertEqual(cmd[cmd.index("--seed") + 1], "77")
        self.assertEqual(cmd[cmd.index("--feedback") + 1], "/f")
        self.assertEqual(cmd[cmd.index("--student-dir") + 1], "hw")
        self.assertEqual(cmd[cmd.index("--") + 1:], ["bwrap", "--", "/worker"])
