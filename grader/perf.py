"""Performance results: from the judge's measurements to points.

The trusted judge (harness/drivers/judge_perf.c) times the student's
functions against the reference (and, for a4, the naive model) and prints
one JSON line per measurement with a verdict. This module is where the
rubric turns those verdicts into points, the a4 leaderboard value, and the
flags a TA should look at:

  budget   within -> its points; over -> 0; inconclusive -> its points (an
           undecidable timing never costs a student); wrong -> 0 (the output
           of a timed call, or of the second input, was wrong).
  speedup  measured -> the [a4] curve of the rubric applied to the geometric
           mean speed-up over the naive model (best-of-K times), rounded to
           0.1x so that timing noise rarely moves the points; noisy (the
           spread stayed wide) -> the same, flagged for review; wrong -> 0. A speed-up more than
           `implausible` times the reference's own is flagged for review
           ("implausibly fast"); it keeps its points until a TA decides.

A measurement is only made when every case of its function passed (only
correct code scores); the others keep the placeholder "not measured".
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from .model import (CaseResult, LeaderboardEntry, PerfVerdict, Status,
                    SubmissionResult)
from .rubric import Rubric

LEADERBOARD_NAME = "a4 speed-up"


def passed_functions(cases: Sequence[CaseResult], part: str) -> list[str]:
    """The functions of the part all of whose cases (visible and hidden) passed."""
    fns: dict[str, bool] = {}
    for c in cases:
        if c.part == part:
            fns[c.function] = fns.get(c.function, True) and c.status is Status.PASSED
    return [f for f, ok in fns.items() if ok]


def _num(d: dict[str, Any], key: str) -> float:
    try:
        v = float(d.get(key) or 0.0)
    except (TypeError, ValueError):
        return 0.0
    return v if math.isfinite(v) else 0.0


def apply(sub: SubmissionResult, rub: Rubric, lines: Sequence[dict[str, Any]],
          errors: list[str]) -> None:
    """Fills sub.performance (the placeholders made from the rubric) from the
    judge's lines, and the leaderboard."""
    by_id = {p.id: p for p in sub.performance}
    for d in lines:
        p = by_id.get(str(d.get("id")))
        if p is None:
            errors.append(f"the judge measured {d.get('id')!r}, which the rubric does not have")
            continue
        verdict = str(d.get("verdict", ""))
        p.message = str(d.get("message", ""))[:2000]
        p.spread = _num(d, "spread")
        p.rounds = int(_num(d, "rounds"))
        p.measurements = [
            {k: (m.get(k) if k == "input" else _num(m, k))
             for k in ("input", "reference_s", "naive_s", "student_s")}
            for m in d.get("measurements", []) if isinstance(m, dict)][:8]
        if verdict == "error":   # the kit's problem: say so, cost nothing
            p.verdict, p.earned = PerfVerdict.NOT_MEASURED, 0.0
            errors.append(f"{p.id}: the measurement failed: {p.message}")
            continue
        if verdict == "wrong":
            p.verdict, p.earned = PerfVerdict.WRONG, 0.0
            continue
        if p.kind == "budget":
            p.ratio = _num(d, "ratio") or None
            if verdict == "inconclusive":
                p.verdict, p.earned = PerfVerdict.INCONCLUSIVE, p.max_points
                p.flag = "timing inconclusive (the machine was busy?): regrade to decide"
            elif verdict == "within":
                p.verdict, p.earned = PerfVerdict.WITHIN, p.max_points
            else:
                p.verdict, p.earned = PerfVerdict.OVER, 0.0
            continue
        # the a4 speed-up
        speedup, ref = _num(d, "speedup"), _num(d, "reference_speedup")
        # scored to 0.1x: a regrade's timing noise rarely moves the points
        p.speedup = round(speedup, 1)
        curve = rub.a4
        p.earned = curve.score(p.speedup) if curve else 0.0
        p.verdict = PerfVerdict.SCORED
        if curve:
            p.message += (f". Score: {p.earned:g} of {p.max_points:g} points on the curve "
                          f"({curve.low:g}x: 0, {curve.high:g}x or more: all)")
        if verdict == "noisy":
            p.flag = "noisy timing (the machine was busy?): scored from the best times; regrade to confirm"
        if curve and ref > 0 and speedup > curve.implausible * ref:
            p.flag = (f"implausibly fast: {speedup:.2f}x the naive model, while the reference "
                      f"reaches {ref:.2f}x: check the code for a trick (cached or precomputed "
                      f"results) before this counts")
    _leaderboard(sub)


def _leaderboard(sub: SubmissionResult) -> None:
    s = next((p for p in sub.performance if p.kind == "speedup"), None)
    value = s.speedup if s is not None and s.speedup is not None and \
        s.verdict in (PerfVerdict.SCORED, PerfVerdict.INCONCLUSIVE) else 0.0
    sub.leaderboard = [LeaderboardEntry(name=LEADERBOARD_NAME, value=round(value, 2),
                                        order="desc")]
