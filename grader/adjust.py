"""A TA's manual adjustments, and what changed between two gradings.

ADJUSTMENTS live beside the results, in OUT/<student>/adjustments.toml, a
file the grader reads and never writes:

    [[adjustment]]
    part = "a2"
    points = -2.0            # added to the part's score (negative: taken off)
    reason = "hard-coded the image size"
    by = "TA name"           # optional

They are merged last: after the cases, the hidden cases and the performance
points, each part is kept within 0 and its maximum. A regrade (a rubric
change, a kit fix, grade-all --force) recomputes everything else and merges
the same adjustments again, so no TA's decision is lost; editing the file
and running grade-all again (without --force) merges the new adjustments
into the existing grades without regrading.

CHANGES. grade-all compares each student's new grade with the one it
replaces and says why a score moved: cases whose status changed, points the
rubric changed, performance verdicts, adjustments. The list is printed and
written to OUT/changes.md.
"""
from __future__ import annotations

import math
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Sequence

from .kit import PARTS
from .model import Adjustment, SubmissionResult

ADJUSTMENTS = "adjustments.toml"
CHANGES = "changes.md"


class AdjustmentError(Exception):
    """adjustments.toml is malformed: the message names the file and the entry."""


def load(path: Path) -> list[Adjustment]:
    """The adjustments of path ([] when the file does not exist)."""
    if not path.is_file():
        return []
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise AdjustmentError(f"{path}: {e}") from e
    extra = sorted(set(doc) - {"adjustment"})
    if extra:
        raise AdjustmentError(f"{path}: unknown table or key {extra[0]!r} "
                              "(only [[adjustment]] tables belong here)")
    out = []
    for i, a in enumerate(doc.get("adjustment", [])):
        where = f"{path}: [[adjustment]] #{i + 1}"
        if not isinstance(a, dict):
            raise AdjustmentError(f"{where}: expected a table")
        unknown = sorted(set(a) - {"part", "points", "reason", "by"})
        if unknown:
            raise AdjustmentError(f"{where}: unknown key {unknown[0]!r} "
                                  "(part, points, reason, by)")
        part, points, reason = a.get("part"), a.get("points"), a.get("reason")
        if part not in PARTS:
            raise AdjustmentError(f"{where}: part must be one of {', '.join(PARTS)}, got {part!r}")
        if isinstance(points, bool) or not isinstance(points, (int, float)) \
                or not math.isfinite(points):
            raise AdjustmentError(f"{where}: points must be a number, got {points!r}")
        if not isinstance(reason, str) or not reason.strip():
            raise AdjustmentError(f"{where}: a reason is required (the student reads it)")
        out.append(Adjustment(part=part, points=float(points), reason=reason.strip(),
                              by=str(a.get("by", "")).strip()))
    return out


def merge(sub: SubmissionResult, out: Path) -> bool:
    """Sets sub.adjustments from out/adjustments.toml (a malformed file is
    recorded in sub.errors and merges nothing). Returns True when they differ
    from what sub had."""
    try:
        adj = load(Path(out) / ADJUSTMENTS)
    except AdjustmentError as e:
        sub.errors.append(f"the adjustments were not merged: {e}")
        adj = []
    changed = adj != sub.adjustments
    sub.adjustments = adj
    sub.finish()
    return changed


# ------------------------------------------------------------------ changes
def _fmt(x: float) -> str:
    return f"{x:g}"


def reasons(old: SubmissionResult, new: SubmissionResult) -> list[str]:
    """Why new's score differs from old's (empty when it does not)."""
    if abs(old.score - new.score) < 1e-9 and abs(old.max_points - new.max_points) < 1e-9:
        return []
    why: list[str] = []
    if old.max_points != new.max_points:
        why.append(f"the maximum changed from {_fmt(old.max_points)} to {_fmt(new.max_points)} "
                   "(rubric)")
    before = {c.id: c for c in old.cases}
    for c in new.cases:
        o = before.get(c.id)
        if o is None:
            why.append(f"new case {c.id}: {c.status.value}")
        elif o.status != c.status:
            why.append(f"{c.id}: {o.status.value} -> {c.status.value}")
        elif o.max_points != c.max_points:
            why.append(f"{c.id}: worth {_fmt(o.max_points)} -> {_fmt(c.max_points)} points (rubric)")
    for cid in sorted(set(before) - {c.id for c in new.cases}):
        why.append(f"case {cid} is gone")
    perf_before = {p.id: p for p in old.performance}
    for p in new.performance:
        o = perf_before.get(p.id)
        if o is None or o.verdict != p.verdict or abs(o.earned - p.earned) > 1e-9:
            was = f"{o.verdict.value}, {_fmt(o.earned)} points" if o else "none"
            why.append(f"{p.id}: {was} -> {p.verdict.value}, {_fmt(p.earned)} points")
    if old.adjustments != new.adjustments:
        adj = "; ".join(f"{a.part} {a.points:+g} ({a.reason})" for a in new.adjustments) or "none"
        why.append(f"adjustments now: {adj}")
    if old.seed != new.seed:
        why.append("another seed: other hidden cases")
    return why or ["(scores moved without a change the grader can name)"]


def write_changes(out: Path, rows: Sequence[tuple[str, float, float, list[str]]]) -> Path:
    """OUT/changes.md: one row per student whose score changed (atomic)."""
    lines = ["# Changes of the last grade-all", ""]
    if not rows:
        lines.append("No score changed.")
    else:
        lines += ["| student | before | after | why |", "|---|---:|---:|---|"]
        for student, before, after, why in rows:
            text = "<br>".join(w.replace("|", "\\|") for w in why)
            lines.append(f"| {student} | {_fmt(before)} | {_fmt(after)} | {text} |")
    path = Path(out) / CHANGES
    fd, tmp = tempfile.mkstemp(prefix=".changes-", dir=str(out))
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)
    return path
