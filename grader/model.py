"""The one result model of the grader.

Everything the grader learns about a submission lands in a SubmissionResult:
its parts (one PartResult per assignment file: built or not, and why), its
cases (one CaseResult per case of tests/cases.toml, plus the hidden cases the
judge adds), the secret seed, the kit version, the hash of the case table and
the sandbox that was in force. The writers (writers.py) turn this model into
Gradescope's results.json, Autolab's scores line, the per-student JSON and the
CSV gradebook; none of them computes a score of its own.

Scores are derived, never stored twice: a case is worth its max_points when it
passed and 0 otherwise; a part's score is the sum of its cases; the
submission's score the sum of its parts.

to_dict()/from_dict() give the per-student JSON and read it back (grade-all
rebuilds the gradebook from the JSON files of earlier runs).
"""
from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any, Optional


class Status(str, enum.Enum):
    """What happened to one case."""

    PASSED = "passed"
    FAILED = "failed"                    # the output is wrong
    NOT_IMPLEMENTED = "not_implemented"  # the stub's CL_E_NOT_IMPLEMENTED
    CRASHED = "crashed"                  # the worker died (signal, abort, rlimit)
    TIMEOUT = "timeout"                  # the per-case wall or CPU limit
    ERROR = "error"                      # the kit failed (not the student's doing)
    NOT_GRADED = "not_graded"            # the part was missing, did not build or was rejected


class Visibility(str, enum.Enum):
    """Gradescope's visibility settings of a test (and of the whole result)."""

    VISIBLE = "visible"
    HIDDEN = "hidden"
    AFTER_DUE_DATE = "after_due_date"
    AFTER_PUBLISHED = "after_published"


class PartState(str, enum.Enum):
    """How far a part got before its cases ran."""

    GRADED = "graded"                # built and judged
    MISSING = "missing"              # the file is not in the submission
    INTAKE_REJECTED = "intake_rejected"  # the file was found but refused (symlink, too big, ...)
    COMPILE_ERROR = "compile_error"
    REJECTED = "rejected"            # uses a symbol a solution never needs
    LINK_ERROR = "link_error"
    KIT_ERROR = "kit_error"          # the grader or the judge failed


@dataclass
class CaseResult:
    """One case of one part, as the trusted side judged it."""

    id: str                 # "a1.im_conv.cat_gaussian"
    part: str               # "a1"
    function: str           # "im_conv"
    name: str               # "cat_gaussian"
    description: str        # the rubric line of tests/cases.toml
    max_points: float
    status: Status
    visibility: Visibility = Visibility.VISIBLE
    message: str = ""       # "at row 3, column 7 (channel 0): you have 12.5, it should be 14"
    diagnosis: str = ""     # the likely cause, when the evidence matches a known mistake
    tag: str = ""           # the mistake's tag (harness/feedback.h), "" if none
    picture: str = ""       # input | expected | yours | difference, relative to the output folder
    seconds: float = 0.0
    worker_stderr: str = "" # what the student's code printed on stderr (trimmed)

    @property
    def points(self) -> float:
        """The points earned: all of them when the case passed, none otherwise."""
        return self.max_points if self.status is Status.PASSED else 0.0

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED


@dataclass
class PartResult:
    """One part (one student file): found, built, judged, or why not."""

    part: str               # "a1"
    file: str               # "a1_windows.c"
    max_points: float       # the points of the part's cases in the case table
    state: PartState = PartState.GRADED
    note: str = ""          # why the part scores 0 (missing file, compile error, ...), or "" if graded
    intake_note: str = ""   # what intake noticed (duplicates, where the file was found)
    compile_log: str = ""   # gcc's output, trimmed (shown to the student)
    link_log: str = ""
    rejected_symbols: list[str] = field(default_factory=list)
    score: float = 0.0      # filled by SubmissionResult.finish() from the cases

    @property
    def graded(self) -> bool:
        return self.state is PartState.GRADED


class PerfVerdict(str, enum.Enum):
    """The verdict of one timed measurement (SPEC §7)."""

    WITHIN = "within"              # budget: the ratio is within the budget
    OVER = "over"                  # budget: the ratio is over the budget
    SCORED = "scored"              # a4 speed-up: points from the rubric's curve
    INCONCLUSIVE = "inconclusive"  # the spread stayed too wide: no verdict, full points
    WRONG = "wrong"                # the output was wrong (first or second input): no points
    NOT_MEASURED = "not_measured"  # the part did not build, or its correctness cases failed


@dataclass
class PerfResult:
    """One performance measurement of the trusted side: a budget (a ratio
    student/reference on one input) or the a4 speed-up (geometric mean over
    several sizes of naive model time / student time, on the rubric's curve).
    Unlike a case, it can earn part of its points."""

    id: str                 # "a1.im_conv.budget", "a4.im_conv_fast.speedup"
    part: str
    function: str
    kind: str               # "budget" | "speedup"
    label: str              # what was measured: "im_conv, 1024x1024, kernel 3x3"
    max_points: float
    earned: float = 0.0
    verdict: PerfVerdict = PerfVerdict.NOT_MEASURED
    ratio: Optional[float] = None     # budget: best student time / best reference time
    budget: Optional[float] = None    # budget: the largest acceptable ratio
    speedup: Optional[float] = None   # speedup: geometric mean of naive / student
    spread: Optional[float] = None    # the largest relative spread of the timed samples
    rounds: int = 0                   # measurement rounds used (1 + re-measurements)
    measurements: list[dict[str, Any]] = field(default_factory=list)  # per input: times in s
    message: str = ""                 # the sentence the student reads
    flag: str = ""                    # for the TA's review ("implausibly fast ..."), "" if none
    visibility: Visibility = Visibility.VISIBLE

    @property
    def points(self) -> float:
        return self.earned


@dataclass
class Adjustment:
    """A TA's manual change of a part's score (OUT/<student>/adjustments.toml),
    merged after everything the grader computed, so that a regrade keeps it."""

    part: str               # "a2"
    points: float           # added to the part's score (negative: taken off)
    reason: str             # shown to the student
    by: str = ""            # who decided


@dataclass
class LeaderboardEntry:
    """A Gradescope leaderboard column: a number, or a text while not measured."""

    name: str
    value: Any              # float, or a str such as "not measured yet"
    order: Optional[str] = None  # "asc" | "desc" (Gradescope's default: desc)


@dataclass
class SubmissionResult:
    """Everything about the grading of one submission."""

    student: str
    parts: list[PartResult] = field(default_factory=list)
    cases: list[CaseResult] = field(default_factory=list)
    seed: int = 0
    kit_version: str = ""
    rubric_hash: str = ""   # "sha256:..." of the case table (and rubric) bytes
    sandbox: str = ""       # "bubblewrap (...)" or the fallback's description
    started: str = ""       # ISO 8601, UTC
    finished: str = ""
    errors: list[str] = field(default_factory=list)       # kit-side problems
    intake_notes: list[str] = field(default_factory=list) # what intake said about the submission
    leaderboard: list[LeaderboardEntry] = field(default_factory=list)
    performance: list[PerfResult] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    grader_version: str = ""

    # ----------------------------------------------------------- derived
    @property
    def score(self) -> float:
        """The parts' scores: cases, performance and adjustments (each part
        kept within 0..its maximum)."""
        if self.parts:
            return round(sum(self.part_score(p.part) for p in self.parts), 4)
        return round(sum(c.points for c in self.cases)
                     + sum(p.points for p in self.performance), 4)

    def computed_score(self, part: str) -> float:
        """What the grader computed for a part, before any adjustment."""
        return round(sum(c.points for c in self.cases_of(part))
                     + sum(x.points for x in self.performance_of(part)), 4)

    def part_score(self, part: str) -> float:
        s = self.computed_score(part) + sum(a.points for a in self.adjustments if a.part == part)
        pr = self.part(part)
        top = pr.max_points if pr is not None else s
        return round(min(max(s, 0.0), top), 4)

    @property
    def max_points(self) -> float:
        return round(sum(c.max_points for c in self.cases)
                     + sum(p.max_points for p in self.performance), 4)

    def part(self, name: str) -> Optional[PartResult]:
        for p in self.parts:
            if p.part == name:
                return p
        return None

    def cases_of(self, part: str) -> list[CaseResult]:
        return [c for c in self.cases if c.part == part]

    def performance_of(self, part: str) -> list[PerfResult]:
        return [p for p in self.performance if p.part == part]

    def finish(self) -> "SubmissionResult":
        """Fills each part's score from its cases and its performance results
        (call after they are in)."""
        for p in self.parts:
            p.score = self.part_score(p.part)
        return self

    def count(self, status: Status) -> int:
        return sum(1 for c in self.cases if c.status is status)

    # ------------------------------------------------------ (de)serialise
    def to_dict(self) -> dict[str, Any]:
        """The per-student JSON: the whole model plus the derived scores."""
        self.finish()
        d = _plain(dataclasses.asdict(self))
        d["score"] = self.score
        d["max_points"] = self.max_points
        for cd, c in zip(d["cases"], self.cases):
            cd["points"] = c.points
        for pd, p in zip(d["performance"], self.performance):
            pd["points"] = p.points
        return {"format": "convlab-grade/1", **d}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SubmissionResult":
        def pick(klass, src: dict[str, Any]) -> dict[str, Any]:
            names = {f.name for f in dataclasses.fields(klass)}
            return {k: v for k, v in src.items() if k in names}

        parts = []
        for p in d.get("parts", []):
            kw = pick(PartResult, p)
            kw["state"] = PartState(kw.get("state", "graded"))
            parts.append(PartResult(**kw))
        cases = []
        for c in d.get("cases", []):
            kw = pick(CaseResult, c)
            kw["status"] = Status(kw["status"])
            kw["visibility"] = Visibility(kw.get("visibility", "visible"))
            cases.append(CaseResult(**kw))
        board = [LeaderboardEntry(**pick(LeaderboardEntry, e)) for e in d.get("leaderboard", [])]
        perf = []
        for x in d.get("performance", []):
            kw = pick(PerfResult, x)
            kw["verdict"] = PerfVerdict(kw.get("verdict", "not_measured"))
            kw["visibility"] = Visibility(kw.get("visibility", "visible"))
            perf.append(PerfResult(**kw))
        adj = [Adjustment(**pick(Adjustment, a)) for a in d.get("adjustments", [])]
        kw = pick(cls, d)
        kw.update(parts=parts, cases=cases, leaderboard=board, performance=perf, adjustments=adj)
        return cls(**kw).finish()


def _plain(x: Any) -> Any:
    """Enums to their values, recursively (dataclasses.asdict keeps them)."""
    if isinstance(x, enum.Enum):
        return x.value
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return x
