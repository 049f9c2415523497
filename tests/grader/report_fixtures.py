"""Result models with a bit of everything, for the tests of the reports, the
class summary and the writers, and for the browser check (tests/browser/):
visible and hidden cases (after_due_date, after_published), a failed image
case with its picture, a compile error, crashes and timeouts, performance
budgets and the a4 speed-up (partial points, a flag), a leaderboard, a
grader error that names a hidden case. Standard library only: the pictures
are PNGs written by png_bytes().
"""
from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

from grader.model import (CaseResult, LeaderboardEntry, PartResult, PartState, PerfResult,
                          PerfVerdict, Status, SubmissionResult, Visibility)

# Texts only the TA may see: the tests look for them in the student's pages.
SECRET_MESSAGE = "hidden input 7x9: you have 3, it should be 4"
SECRET_DIAGNOSIS = "the stride is applied twice on the hidden input"
HIDDEN_IDS = ["a1.im_conv.hidden_1", "a1.im_conv.hidden_2", "a3.conv2d.hidden_1"]
SEED = 8675309123


def png_bytes(w: int, h: int, pixel) -> bytes:
    """An 8-bit RGB PNG of w x h whose pixel (x, y) is pixel(x, y) -> (r, g, b)."""
    raw = b"".join(b"\0" + bytes(v for x in range(w) for v in pixel(x, y)) for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def picture(out: Path, rel: str) -> str:
    """A 4-panel picture (input | expected | yours | difference) at out/rel."""
    p = Path(out) / rel
    p.parent.mkdir(parents=True, exist_ok=True)

    def px(x: int, y: int) -> tuple[int, int, int]:
        panel, u = divmod(x, 40)
        if u >= 36:
            return (255, 255, 255)
        g = (u * 7 + y * 5) % 256
        if panel == 3:
            return (255, 60, 0) if (u // 6 + y // 6) % 2 else (0, 0, 0)
        if panel == 2:
            g = 255 - g
        return (g, g, g)

    p.write_bytes(png_bytes(160, 36, px))
    return rel


def rich_submission(out: Path, student: str = "alice") -> SubmissionResult:
    """Writes the pictures under out/feedback/ and returns the model."""
    pic = picture(out, "feedback/a1.im_conv.letter_f.png")
    hpic = picture(out, "feedback/a1.im_conv.hidden_1.png")
    s = SubmissionResult(
        student=student, seed=SEED, kit_version="0.2.0",
        rubric_hash="sha256:" + "cd" * 32,
        sandbox="bubblewrap 0.8.0: no network, own PID/IPC/UTS namespaces, as uid 65534 (nobody)",
        started="2026-11-21T09:00:00+00:00", finished="2026-11-21T09:01:10+00:00",
        grader_version="0.1.0",
        intake_notes=["a3_layers.c was taken from hw/a3_layers.c"],
        errors=[f"{HIDDEN_IDS[2]}: the judge did not report this case"],
        leaderboard=[LeaderboardEntry("a4 speed-up", 5.25, "desc"),
                     LeaderboardEntry("a1 ratio", 1.8, "asc")])
    s.parts = [
        PartResult("a1", "a1_windows.c", 25.0,
                   compile_log="a1_windows.c:12:9: warning: unused variable 'k' [-Wunused-variable]"),
        PartResult("a2", "a2_borders.c", 25.0, state=PartState.COMPILE_ERROR,
                   note="a2_borders.c does not compile (gcc exit status 1)",
                   compile_log="a2_borders.c:40:5: error: expected ';' before '}' token\n"
                               "   40 |     return 0 <script>alert(1)</script>\n"),
        PartResult("a3", "a3_layers.c", 30.0),
        PartResult("a4", "a4_fast.c", 20.0),
    ]
    D, P = Visibility.AFTER_DUE_DATE, Visibility.AFTER_PUBLISHED
    s.cases = [
        CaseResult("a1.conv_output_size.valid_table", "a1", "conv_output_size", "valid_table",
                   "conv_output_size, valid mode", 1.5, Status.PASSED, seconds=0.001),
        CaseResult("a1.im_conv.letter_f", "a1", "im_conv", "letter_f",
                   "im_conv: emboss on the 6x5 letter F", 1.0, Status.FAILED,
                   message="im_conv: at row 0, column 1: you have 12.5, it should be 14.\n"
                           "3 of 12 values are wrong; the largest error is 4 (tolerance 1e-05).\n"
                           "Likely cause: the kernel is flipped (that is convolution; im_conv "
                           "correlates).\nSee the picture: /tmp/x/feedback/a1.im_conv.letter_f.png",
                   diagnosis="the kernel is flipped (that is convolution; im_conv correlates).",
                   tag="kernel-flipped", picture=pic, seconds=0.002,
                   worker_stderr="debug: k=3 <b>bold</b>\n"),
        CaseResult("a1.im_conv.cat_gaussian", "a1", "im_conv", "cat_gaussian",
                   "im_conv: Gaussian blur of the cat", 1.5, Status.CRASHED,
                   message="your code crashed (SIGSEGV, a bad memory access)"),
        CaseResult(HIDDEN_IDS[0], "a1", "im_conv", "hidden_1", "im_conv: a hidden input", 2.0,
                   Status.FAILED, visibility=D, message=SECRET_MESSAGE,
                   diagnosis=SECRET_DIAGNOSIS, tag="stride-twice", picture=hpic),
        CaseResult(HIDDEN_IDS[1], "a1", "im_conv", "hidden_2", "im_conv: a hidden input", 2.0,
                   Status.PASSED, visibility=D),
        CaseResult("a2.flip_kernel.emboss", "a2", "flip_kernel", "emboss", "flip_kernel: emboss",
                   0.5, Status.NOT_GRADED),
        CaseResult("a3.conv2d.fashion", "a3", "conv2d", "fashion", "conv2d on Fashion-MNIST",
                   2.0, Status.PASSED, seconds=0.05),
        CaseResult("a3.avg_pool2d.tf_example", "a3", "avg_pool2d", "tf_example",
                   "avg_pool2d: TensorFlow's example", 1.0, Status.TIMEOUT,
                   message="your code did not finish within 2 s (the reference takes 0.001 s)"),
        CaseResult(HIDDEN_IDS[2], "a3", "conv2d", "hidden_1", "conv2d: a hidden input", 1.0,
                   Status.ERROR, visibility=P, message="not run: the judge did not report it"),
        CaseResult("a4.im_conv_fast.cat", "a4", "im_conv_fast", "cat", "im_conv_fast: the cat",
                   5.0, Status.PASSED, seconds=0.01),
    ]
    s.performance = [
        PerfResult("a1.im_conv.budget", "a1", "im_conv", "budget", "im_conv, 1024x1024, kernel 3x3",
                   0.0, 0.0, PerfVerdict.WITHIN, ratio=1.8, budget=4.0, spread=0.04, rounds=1,
                   measurements=[{"input": "1024x1024", "yours_s": 0.0212, "reference_s": 0.0118}],
                   message="within the budget"),
        PerfResult("a3.conv2d.budget", "a3", "conv2d", "budget", "conv2d, 28x28x32, 3x3x32x64",
                   0.0, 0.0, PerfVerdict.OVER, ratio=9.6, budget=6.0, spread=0.08, rounds=3,
                   message="9.6 times the reference's time; the budget is 6"),
        PerfResult("a3.avg_pool2d.budget", "a3", "avg_pool2d", "budget", "avg_pool2d, 512x512",
                   0.0, 0.0, PerfVerdict.NOT_MEASURED,
                   message="not measured: its correctness cases failed", visibility=D),
        PerfResult("a4.im_conv_fast.speedup", "a4", "im_conv_fast", "speedup",
                   "im_conv_fast over sizes 256..2048, kernels 3..7", 15.0, 9.5,
                   PerfVerdict.SCORED, speedup=5.25, spread=0.05, rounds=1,
                   measurements=[{"size": "256x256", "naive_s": 0.01, "yours_s": 0.002},
                                 {"size": "2048x2048", "naive_s": 0.64, "yours_s": 0.11}],
                   message="speed-up 5.25x: 9.5 of 15 points (full points from 8x)",
                   flag="implausibly fast on 256x256: check for a cached answer"),
    ]
    return s.finish()


def write_class(out: Path, n: int = 30, seed: int = 1) -> list[SubmissionResult]:
    """A class of n students with varied results under out/<student>/
    (grade.json and pictures), as grade-all leaves them."""
    from grader import writers
    rng = random.Random(seed)
    subs = []
    for i in range(n):
        name = f"student{i:02d}"
        d = Path(out) / name
        s = rich_submission(d, name)
        for c in s.cases:
            if c.visibility is not Visibility.VISIBLE and c.status is Status.ERROR:
                c.status = Status.PASSED if rng.random() < 0.8 else Status.FAILED
            elif c.status in (Status.PASSED, Status.FAILED, Status.CRASHED, Status.TIMEOUT):
                r = rng.random()
                c.status = (Status.PASSED if r < 0.75 else Status.FAILED if r < 0.95
                            else Status.CRASHED if r < 0.98 else Status.TIMEOUT)
                if c.status is Status.PASSED:
                    c.message = c.diagnosis = c.tag = c.picture = ""
        if i == 7:
            s.parts[2].state, s.parts[2].note = PartState.REJECTED, "a3_layers.c uses fopen"
            s.parts[2].rejected_symbols = ["fopen"]
            for c in s.cases_of("a3"):
                c.status = Status.NOT_GRADED
        if rng.random() < 0.6:
            s.parts[1].state, s.parts[1].note, s.parts[1].compile_log = PartState.GRADED, "", ""
            for c in s.cases_of("a2"):
                c.status = Status.PASSED
        for x in s.performance:
            if x.kind == "speedup":
                x.speedup = round(rng.lognormvariate(1.2, 0.6), 2)
                x.earned = round(min(15.0, 15.0 * x.speedup / 8.0), 2)
                x.flag = "implausibly fast" if x.speedup > 9 else ""
            elif x.ratio is not None:
                x.ratio = round(rng.lognormvariate(0.8, 0.5), 2)
                x.verdict = PerfVerdict.WITHIN if x.ratio <= (x.budget or 0) else PerfVerdict.OVER
        if i != 3:
            s.errors = []
        s.finish()
        writers.write_student_json(s, d / "grade.json")
        subs.append(s)
    return subs
