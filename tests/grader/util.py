"""Shared helpers of the grader's tests (tests/grader/).

Run from the repository root:  /usr/bin/python3 -m unittest discover -s tests/grader -t .
(`make check-grader-py`). Only the standard library is used.

The tests that build and run student code need gcc and the kit's core
library (build/libconvlab_core.a; the Makefile target builds it first). Until
the kit's judge and worker exist they use tests/grader/fake_judge.py and a
worker linked from tests/grader/fake_worker.c: switching to the real ones is
only a matter of paths (Kit.judge, Kit.worker_objects).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from grader.build import CFLAGS
from grader.kit import Kit

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BUILD = Path(os.environ.get("CONVLAB_BUILD", ROOT / "build"))
CORE_LIB = BUILD / "libconvlab_core.a"
FAKE_JUDGE = HERE / "fake_judge.py"
PLAIN_RUBRIC = HERE / "data" / "plain_rubric.toml"   # the case table alone: 85 points

_fake_dir: Path | None = None


def need_toolchain(test: unittest.TestCase) -> None:
    if not shutil.which("gcc") or not shutil.which("nm"):
        test.skipTest("gcc/nm not installed")
    if not CORE_LIB.is_file():
        test.skipTest(f"{CORE_LIB} is not built (make libs)")


def fake_worker_object() -> Path:
    """tests/grader/fake_worker.c compiled once per test run."""
    global _fake_dir
    if _fake_dir is None:
        _fake_dir = Path(tempfile.mkdtemp(prefix="convlab-fake-"))
        import atexit
        atexit.register(shutil.rmtree, _fake_dir, True)
        subprocess.run(["gcc", *CFLAGS, "-c", str(HERE / "fake_worker.c"),
                        "-o", str(_fake_dir / "fake_worker.o")], cwd=ROOT, check=True)
        (_fake_dir / "images").mkdir()
        (_fake_dir / "expected").mkdir()
    return _fake_dir / "fake_worker.o"


def fake_kit() -> Kit:
    """The kit with the fake judge and the fake worker."""
    obj = fake_worker_object()
    return Kit(root=ROOT, build=BUILD, judge=FAKE_JUDGE, worker_objects=[obj, CORE_LIB],
               images=obj.parent / "images", expected=obj.parent / "expected",
               rubric_file=PLAIN_RUBRIC)


class TempDir(unittest.TestCase):
    """A fresh temporary folder per test: self.tmp."""

    def setUp(self) -> None:
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp(prefix="convlab-grader-test-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, rel: str, text: str | bytes) -> Path:
        p = self.tmp / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            p.write_text(text)
        else:
            p.write_bytes(text)
        return p

    def submission(self, name: str, files: dict[str, str]) -> Path:
        d = self.tmp / name
        for rel, text in files.items():
            p = d / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        d.mkdir(parents=True, exist_ok=True)
        return d


def solution(file: str) -> str:
    return (ROOT / "solutions" / file).read_text()


def stub(file: str) -> str:
    return (ROOT / "assignments" / file).read_text()
