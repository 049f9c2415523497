"""Running the kit's judge on one part and reading its verdicts.

The judge (build/judge, harness/drivers/judge.c) is the trusted program: it
computes the expected values with the reference, starts the worker with the
command line we give it (the sandbox's), runs every case of the part on it
with a wall timeout per case, and prints one JSON object per line per case:

    {"id", "function", "points", "status", "message", "diagnosis", "tag",
     "picture", "seconds", "worker_stderr"}

status is passed | failed | not_implemented | crashed | timeout | error. It
exits 0 when it graded. The grader trusts these lines for the status and the
messages, but takes the points and the visibility of a known case from the
case table (the judge's `points` is used only for cases the table does not
have: the hidden cases made from the seed), and reports every case of the
table that the judge did not mention as an error of the kit.
"""
from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from . import proc
from .kit import Case, Kit
from .model import CaseResult, Status, Visibility

JUDGE_TIMEOUT = 900.0              # one part, all its cases (each has its own timeout in the judge)
MESSAGE_BYTES = 4096
STDERR_BYTES = 2048
STDERR_LINES = 30


@dataclass
class JudgeRun:
    cases: list[CaseResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)   # kit-side problems


def _text(v: Any, limit: int = MESSAGE_BYTES) -> str:
    if v is None:
        return ""
    s = v if isinstance(v, str) else json.dumps(v)
    return proc.trim(s, 200, limit)


def judge_command(kit: Kit, part: str, worker_cmd: Sequence[str], seed: Optional[int],
                  feedback: Optional[Path], student_dir: str = "your submission",
                  extra_args: Sequence[str] = ()) -> list[str]:
    cmd = [str(kit.judge), "--cases", str(kit.cases_file), "--images", str(kit.images),
           "--expected", str(kit.expected), "--part", part, "--student-dir", student_dir,
           *extra_args]
    if feedback is not None:
        cmd += ["--feedback", str(feedback)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    return cmd + ["--", *worker_cmd]


def _run_judge(kit: Kit, cmd: Sequence[str], part: str, timeout: float,
               errors: list[str]) -> list[bytes]:
    """Runs the judge; returns its standard output's lines. What goes wrong
    on the kit's side is appended to errors."""
    # stdout through a pipe (the judge is trusted and caps what it relays),
    # stderr into a file (its summary and the seed it recorded)
    with tempfile.TemporaryFile() as err:
        try:
            p = subprocess.Popen(cmd, cwd=kit.root, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=err, start_new_session=True)
        except OSError as e:
            errors.append(f"the judge could not start ({cmd[0]}: {e.strerror})")
            p = None
        lines: list[bytes] = []
        timed_out = False
        if p is not None:
            try:
                out, _ = p.communicate(timeout=timeout)
                lines = out.splitlines()
            except subprocess.TimeoutExpired:
                timed_out = True
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                out, _ = p.communicate()
                lines = out.splitlines()
            try:
                os.killpg(p.pid, signal.SIGKILL)   # nothing of its session survives it
            except (ProcessLookupError, PermissionError):
                pass
            err.seek(0)
            stderr = err.read(4096).decode("utf-8", "replace").strip()
            if timed_out:
                errors.append(f"the judge of part {part} ran longer than {timeout:g} s and was stopped")
            elif p.returncode != 0:
                errors.append(f"the judge of part {part} exited with status {p.returncode}"
                                  + (f": {proc.trim(stderr, 10, 1000)}" if stderr else ""))
    return lines


def run_part(kit: Kit, part: str, cases: Sequence[Case], worker_cmd: Sequence[str],
             seed: Optional[int], feedback: Optional[Path], timeout: float = JUDGE_TIMEOUT,
             out_root: Optional[Path] = None, student_dir: str = "your submission",
             extra_args: Sequence[str] = ()) -> JudgeRun:
    """Runs the judge on one part; returns a CaseResult for every case of the
    table of that part (plus any hidden case the judge adds)."""
    res = JudgeRun()
    table = {c.id: c for c in cases if c.part == part}
    cmd = judge_command(kit, part, worker_cmd, seed, feedback, student_dir, extra_args)
    lines = _run_judge(kit, cmd, part, timeout, res.errors)
    seen: set[str] = set()
    for raw in lines:
        raw = raw.strip()
        if not raw:
            continue
        try:
            d = json.loads(raw)
            if not isinstance(d, dict) or "id" not in d or "status" not in d:
                raise ValueError("not a case verdict")
            if str(d["id"]) in seen:
                raise ValueError(f"case {d['id']} appears twice")
            res.cases.append(_case(d, part, table, feedback, out_root))
            seen.add(str(d["id"]))
        except (ValueError, TypeError, KeyError) as e:
            res.errors.append(f"the judge of part {part} printed a line the grader cannot read "
                              f"({e}): {raw[:200].decode('utf-8', 'replace')}")
    for cid, c in table.items():
        if cid not in seen:
            res.cases.append(CaseResult(
                id=c.id, part=c.part, function=c.function, name=c.name,
                description=c.description, max_points=c.points, status=Status.ERROR,
                visibility=c.visibility,
                message="the grader did not run this case (a problem of the kit, not of your code; "
                        "tell your instructor)"))
    unseen = len(set(table) - seen)
    if unseen:
        res.errors.append(f"the judge of part {part} gave no verdict for {unseen} case(s)")
    order = {cid: i for i, cid in enumerate(table)}
    res.cases.sort(key=lambda c: order.get(c.id, len(order)))
    return res


def _number(v: Any) -> float:
    """A finite, non-negative float (0 otherwise)."""
    try:
        x = float(v or 0.0)
    except (TypeError, ValueError):
        return 0.0
    return x if math.isfinite(x) and x >= 0 else 0.0


def _case(d: dict[str, Any], part: str, table: dict[str, Case], feedback: Optional[Path],
          out_root: Optional[Path]) -> CaseResult:
    cid = str(d["id"])
    try:
        status = Status(str(d["status"]))
    except ValueError:
        raise ValueError(f"unknown status {d['status']!r}")
    if status is Status.NOT_GRADED:
        raise ValueError("the judge cannot say not_graded")
    known = table.get(cid)
    if known is None and not cid.startswith(part + "."):
        raise ValueError(f"case {cid} is not of part {part}")
    picture = _text(d.get("picture"), 1000)
    if picture and out_root is not None:
        try:
            picture = os.path.relpath(Path(picture).resolve(), out_root.resolve())
        except ValueError:
            pass
    seconds = _number(d.get("seconds"))
    if known is not None:
        # a hidden case's placeholder learns what was drawn from the judge
        desc = (_text(d.get("description"), 500) or known.description
                if known.name.startswith("hidden_") else known.description)
        return CaseResult(id=cid, part=part, function=known.function, name=known.name,
                          description=desc, max_points=known.points,
                          status=status, visibility=known.visibility,
                          message=_text(d.get("message")), diagnosis=_text(d.get("diagnosis")),
                          tag=_text(d.get("tag"), 200), picture=picture, seconds=seconds,
                          worker_stderr=proc.trim(_text(d.get("worker_stderr"), STDERR_BYTES),
                                                  STDERR_LINES, STDERR_BYTES))
    # a case the table does not list: a hidden case made from the seed
    _, function, name = (cid.split(".", 2) + ["", ""])[:3]
    points = _number(d.get("points"))
    return CaseResult(id=cid, part=part, function=str(d.get("function") or function), name=name,
                      description=_text(d.get("description"), 500), max_points=points,
                      status=status, visibility=Visibility(d.get("visibility", "hidden")),
                      message=_text(d.get("message")), diagnosis=_text(d.get("diagnosis")),
                      tag=_text(d.get("tag"), 200), picture=picture, seconds=seconds,
                      worker_stderr=proc.trim(_text(d.get("worker_stderr"), STDERR_BYTES),
                                              STDERR_LINES, STDERR_BYTES))


# ------------------------------------------------------------ measurements
@dataclass
class PerfRun:
    lines: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def run_perf(kit: Kit, part: str, worker_cmd: Sequence[str], seed: int,
             perf_args: Sequence[str], timeout: float = JUDGE_TIMEOUT,
             student_dir: str = "your submission") -> PerfRun:
    """Runs the judge's measurements (--perf-only) of one part: one dict per
    measurement line (judge_perf.c)."""
    res = PerfRun()
    cmd = [str(kit.judge), "--cases", str(kit.cases_file), "--images", str(kit.images),
           "--part", part, "--student-dir", student_dir, "--seed", str(seed), "--perf-only",
           *perf_args, "--", *worker_cmd]
    for raw in _run_judge(kit, cmd, part, timeout, res.errors):
        raw = raw.strip()
        if not raw:
            continue
        try:
            d = json.loads(raw)
            if not isinstance(d, dict) or "id" not in d or "verdict" not in d:
                raise ValueError("not a measurement")
            res.lines.append(d)
        except ValueError as e:
            res.errors.append(f"the judge's measurement of part {part} printed a line the grader "
                              f"cannot read ({e}): {raw[:200].decode('utf-8', 'replace')}")
    return res
