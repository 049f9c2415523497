"""End to end with the kit's real judge, worker and sandbox_exec and the
shipped rubric: the model solutions pass every case, visible and hidden (95
points), and are timed (their budgets measured, their naive a4 scored near
0); the stubs get 0 with "not implemented yet" on every case, and nothing is
timed.

Skipped until the kit's grader programs are built (`make grader`, the worker
objects, `make images expected`); `make check-grader-py` builds them first and
passes their paths in CONVLAB_JUDGE, CONVLAB_SANDBOX_EXEC,
CONVLAB_WORKER_OBJECTS, CONVLAB_IMAGES, CONVLAB_EXPECTED.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from grader.grade import Options, grade_submission
from grader.kit import PARTS, Kit
from grader.model import Status

from . import gradescope_schema
from .util import BUILD, ROOT, TempDir


def real_kit() -> Kit:
    env = os.environ.get
    objs = env("CONVLAB_WORKER_OBJECTS")
    return Kit(root=ROOT, build=BUILD,
               judge=Path(env("CONVLAB_JUDGE")) if env("CONVLAB_JUDGE") else None,
               sandbox_exec=Path(env("CONVLAB_SANDBOX_EXEC")) if env("CONVLAB_SANDBOX_EXEC") else None,
               worker_objects=[Path(o) for o in objs.split(",")] if objs else None,
               images=Path(env("CONVLAB_IMAGES")) if env("CONVLAB_IMAGES") else None,
               expected=Path(env("CONVLAB_EXPECTED")) if env("CONVLAB_EXPECTED") else None)


class EndToEnd(TempDir):
    def setUp(self) -> None:
        super().setUp()
        self.kit = real_kit()
        missing = self.kit.missing_pieces()
        if not self.kit.sandbox_exec.exists():
            missing.append(str(self.kit.sandbox_exec))
        if missing:
            self.skipTest("the kit's grader programs are not built: " + ", ".join(missing))
        self.opts = Options(kit=self.kit)

    def grade_copy(self, folder: str) -> tuple:
        sub_dir = self.tmp / folder
        sub_dir.mkdir()
        for f in PARTS.values():
            shutil.copy(ROOT / folder / f, sub_dir / f)
        out = self.tmp / f"out-{folder}"
        t0 = time.monotonic()
        sub = grade_submission(sub_dir, out, self.opts, seed=1234, log=lambda s: None)
        results = json.loads((out / "results.json").read_text())
        self.assertEqual(gradescope_schema.validate(results), [])
        return sub, results, time.monotonic() - t0

    def test_model_solutions_get_full_marks(self) -> None:
        sub, results, secs = self.grade_copy("solutions")
        bad = [(c.id, c.status.value, c.message) for c in sub.cases if not c.passed]
        self.assertEqual(bad, [])
        self.assertEqual(sub.errors, [])
        self.assertEqual(len(sub.cases), 94 + 20)   # the table's and the rubric's hidden ones
        self.assertEqual(sum(c.points for c in sub.cases), 95.0)
        measured = {p.id: p.verdict.value for p in sub.performance}
        self.assertTrue(all(v in ("within", "over", "inconclusive", "scored")
                            for v in measured.values()), measured)
        speed = next(p for p in sub.performance if p.kind == "speedup")
        self.assertLess(speed.speedup, 1.6, "the model's im_conv_fast is the naive loops")
        self.assertAlmostEqual(results["score"], sub.score, places=2)
        self.assertTrue(sub.sandbox)
        self.assertIn("sandbox_exec", sub.sandbox)

    def test_stubs_get_zero_not_implemented(self) -> None:
        sub, results, secs = self.grade_copy("assignments")
        self.assertEqual(sub.score, 0.0)
        self.assertEqual(sub.errors, [])
        odd = [(c.id, c.status.value, c.message) for c in sub.cases
               if c.status is not Status.NOT_IMPLEMENTED or "not implemented yet" not in c.message]
        self.assertEqual(odd, [])
        self.assertEqual(len(sub.cases), 94 + 20)
        self.assertTrue(all(p.verdict.value == "not_measured" and p.earned == 0
                            for p in sub.performance))
