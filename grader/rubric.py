"""The grader's rubric: grader/rubric.toml (read with tomllib).

The case table (tests/cases.toml) says what each case is; the rubric says
how the grader scores: overrides of a case's points and visibility, the
hidden cases drawn from each submission's seed, tolerances, the timing
parameters, the performance budgets and the a4 speed-up curve. The format is
documented at the top of grader/rubric.toml; this module reads it, refuses
anything it does not understand with a message naming the file and the key,
and answers the questions of the grader (the cases of a part with their
points, the hidden cases, the totals).

A missing rubric file means: no override, no hidden case, no performance
points (the case table alone).
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional, Sequence

from .kit import FUNCTIONS, PARTS, Case, KitError
from .model import Visibility

PART_OF_FUNCTION = {fn: part for part, fns in FUNCTIONS.items() for fn in fns}
SHAPE = re.compile(r"^\d+(x\d+){1,3}$")


class RubricError(KitError):
    """grader/rubric.toml is malformed: the message names the file and the key."""


@dataclass(frozen=True)
class HiddenGroup:
    function: str
    part: str
    count: int
    points: float          # each
    visibility: Visibility

    def cases(self) -> list[Case]:
        """The placeholders of this group's cases: their ids are known before
        the judge draws them (aN.fn.hidden_1 ...), so a part that does not
        build still lists them, at 0 points."""
        return [Case(id=f"{self.part}.{self.function}.hidden_{i + 1}", part=self.part,
                     function=self.function, name=f"hidden_{i + 1}", points=self.points,
                     description=f"{self.function}, hidden case {i + 1} (drawn from your seed)",
                     visibility=self.visibility)
                for i in range(self.count)]

    def judge_arg(self) -> str:
        return f"{self.function}:{self.count}:{self.points:g}:{self.visibility.value}"


@dataclass(frozen=True)
class Budget:
    """One [[performance.budget]]: the options of build/budgets' --budget
    lines (tests/budgets.toml has the same keys)."""

    function: str
    part: str
    input: str
    budget: float
    points: float
    options: tuple[tuple[str, str], ...]   # kernel, filters, padding, mode, border, pool, ...

    @property
    def id(self) -> str:
        return f"{self.part}.{self.function}.budget"

    @property
    def label(self) -> str:
        opts = ", ".join(f"{k} {v}" for k, v in self.options)
        return f"{self.function}, {self.input}" + (f", {opts}" if opts else "")

    def judge_arg(self) -> str:
        """The judge's --budget SPEC."""
        return " ".join([f"function={self.function}", f"input={self.input}",
                         f"budget={self.budget:g}", *(f"{k}={v}" for k, v in self.options)])


@dataclass(frozen=True)
class SpeedCurve:
    points: float
    kernel: str
    sizes: tuple[str, ...]
    low: float
    high: float
    implausible: float

    def score(self, speedup: float) -> float:
        """Linear from low (0) to high (all points), capped at both ends."""
        if not math.isfinite(speedup) or speedup <= self.low:
            return 0.0
        if speedup >= self.high:
            return self.points
        return round(self.points * (speedup - self.low) / (self.high - self.low), 2)


@dataclass
class Rubric:
    path: Optional[Path] = None
    visibility: Visibility = Visibility.VISIBLE
    timeout_floor: float = 2.0
    timeout_factor: float = 50.0
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    hidden: list[HiddenGroup] = field(default_factory=list)
    tolerance: dict[str, tuple[float, float]] = field(default_factory=dict)
    repeats: int = 7
    spread: float = 0.15
    rounds: int = 3
    budgets: list[Budget] = field(default_factory=list)
    a4: Optional[SpeedCurve] = None

    # ------------------------------------------------------------ questions
    def apply(self, cases: Sequence[Case]) -> list[Case]:
        """The case table with this rubric's overrides of points and visibility."""
        out = []
        for c in cases:
            o = self.overrides.get(c.id)
            out.append(replace(c, **o) if o else c)
        return out

    def hidden_cases(self, part: Optional[str] = None) -> list[Case]:
        return [c for g in self.hidden if part in (None, g.part) for c in g.cases()]

    def hidden_groups(self, part: str) -> list[HiddenGroup]:
        return [g for g in self.hidden if g.part == part and g.count > 0]

    def budgets_of(self, part: str) -> list[Budget]:
        return [b for b in self.budgets if b.part == part]

    def performance_points(self, part: str) -> float:
        pts = sum(b.points for b in self.budgets_of(part))
        if part == "a4" and self.a4 is not None:
            pts += self.a4.points
        return pts

    def totals(self, cases: Sequence[Case]) -> dict[str, float]:
        """The points of each part: its cases (overridden), its hidden cases
        and its performance points."""
        tot = {p: 0.0 for p in PARTS}
        for c in self.apply(cases):
            tot[c.part] += c.points
        for c in self.hidden_cases():
            tot[c.part] += c.points
        for p in PARTS:
            tot[p] += self.performance_points(p)
        return {p: round(v, 4) for p, v in tot.items()}

    def perf_args(self, part: str, functions: Sequence[str]) -> list[str]:
        """The judge's --perf-only options for the measurements of one part
        whose function is among `functions` (those whose cases all passed)."""
        args = ["--repeats", str(self.repeats), "--rounds", str(self.rounds),
                "--spread", f"{self.spread:g}",
                "--timeout-floor", f"{self.timeout_floor:g}",
                "--timeout-factor", f"{self.timeout_factor:g}"]
        items = [["--budget", b.judge_arg()] for b in self.budgets_of(part)
                 if b.function in functions]
        if part == "a4" and self.a4 is not None and "im_conv_fast" in functions:
            items.append(["--speedup", f"kernel={self.a4.kernel} sizes={','.join(self.a4.sizes)}"])
        return args + [a for it in items for a in it] if items else []

    def judge_args(self, part: str) -> list[str]:
        """The judge's --hidden, --tol and timeout options for one part."""
        args = ["--timeout-floor", f"{self.timeout_floor:g}",
                "--timeout-factor", f"{self.timeout_factor:g}"]
        for g in self.hidden_groups(part):
            args += ["--hidden", g.judge_arg()]
        for fn, (atol, rtol) in sorted(self.tolerance.items()):
            if PART_OF_FUNCTION[fn] == part:
                args += ["--tol", f"{fn}:{atol:g}:{rtol:g}"]
        return args


# ------------------------------------------------------------------ reading
def _err(path: Path, where: str, msg: str) -> RubricError:
    return RubricError(f"{path}: {where}: {msg}")


def _keys(path: Path, where: str, table: Any, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise _err(path, where, "expected a table")
    extra = sorted(set(table) - allowed)
    if extra:
        raise _err(path, where, f"unknown key {extra[0]!r} (known: {', '.join(sorted(allowed))})")
    return table


def _number(path: Path, where: str, v: Any, *, positive: bool = False,
            non_negative: bool = True) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _err(path, where, f"expected a number, got {v!r}")
    if positive and not v > 0:
        raise _err(path, where, f"must be > 0, got {v!r}")
    if non_negative and v < 0:
        raise _err(path, where, f"must be >= 0, got {v!r}")
    return float(v)


def _visibility(path: Path, where: str, v: Any) -> Visibility:
    try:
        return Visibility(v)
    except ValueError:
        raise _err(path, where, f"visibility must be one of "
                   f"{', '.join(x.value for x in Visibility)}, got {v!r}") from None


def _function(path: Path, where: str, v: Any) -> str:
    if v not in PART_OF_FUNCTION:
        raise _err(path, where, f"unknown function {v!r}")
    return str(v)


BUDGET_OPTIONS = {"kernel", "filters", "padding", "mode", "border", "stride", "pool", "factor",
                  "interp"}


def _local_budgets(path: Path) -> dict[str, dict[str, Any]]:
    """The [[budget]] tables of tests/budgets.toml (the student's `make
    budgets`), by function: a rubric budget naming only its function takes
    its input, options and ratio from there (one source of truth)."""
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RubricError(f"cannot read the budgets {path}: {e}") from e
    return {str(b.get("function")): b for b in doc.get("budget", []) if isinstance(b, dict)}


def load_rubric(path: Optional[Path], cases: Sequence[Case],
                budgets_file: Optional[Path] = None) -> Rubric:
    """Reads and checks grader/rubric.toml against the case table; budgets
    that name only their function come from budgets_file (default
    tests/budgets.toml next to the case table's folder)."""
    if path is None or not Path(path).is_file():
        return Rubric()
    path = Path(path)
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RubricError(f"cannot read the rubric {path}: {e}") from e
    _keys(path, "top level", doc, {"grading", "case", "hidden", "tolerance", "performance", "a4"})
    r = Rubric(path=path)
    ids = {c.id for c in cases}

    g = _keys(path, "[grading]", doc.get("grading", {}),
              {"visibility", "timeout_floor", "timeout_factor"})
    r.visibility = _visibility(path, "[grading] visibility", g.get("visibility", "visible"))
    r.timeout_floor = _number(path, "[grading] timeout_floor", g.get("timeout_floor", 2.0),
                              positive=True)
    r.timeout_factor = _number(path, "[grading] timeout_factor", g.get("timeout_factor", 50.0))

    overrides = doc.get("case", {})
    if not isinstance(overrides, dict):
        raise _err(path, "[case]", "expected tables [case.\"ID\"]")
    for cid, o in overrides.items():
        where = f'[case."{cid}"]'
        if cid not in ids:
            raise _err(path, where, "no such case in the case table")
        _keys(path, where, o, {"points", "visibility"})
        ov: dict[str, Any] = {}
        if "points" in o:
            ov["points"] = _number(path, where + " points", o["points"])
        if "visibility" in o:
            ov["visibility"] = _visibility(path, where + " visibility", o["visibility"])
        r.overrides[cid] = ov

    h = _keys(path, "[hidden]", doc.get("hidden", {}), {"visibility", "group"})
    default_vis = _visibility(path, "[hidden] visibility", h.get("visibility", "after_due_date"))
    seen: set[str] = set()
    for i, grp in enumerate(h.get("group", [])):
        where = f"[[hidden.group]] #{i + 1}"
        _keys(path, where, grp, {"function", "count", "points", "visibility"})
        fn = _function(path, where + " function", grp.get("function"))
        if fn in seen:
            raise _err(path, where, f"a second group for {fn}")
        seen.add(fn)
        count = grp.get("count", 0)
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 100:
            raise _err(path, where + " count", f"expected an integer 0..100, got {count!r}")
        r.hidden.append(HiddenGroup(
            function=fn, part=PART_OF_FUNCTION[fn], count=count,
            points=_number(path, where + " points", grp.get("points", 0), positive=True),
            visibility=_visibility(path, where + " visibility",
                                   grp.get("visibility", default_vis.value))))

    for fn, t in _keys(path, "[tolerance]", doc.get("tolerance", {}),
                       set(PART_OF_FUNCTION)).items():
        where = f"[tolerance.{fn}]"
        _keys(path, where, t, {"atol", "rtol"})
        r.tolerance[fn] = (_number(path, where + " atol", t.get("atol", 0.0)),
                           _number(path, where + " rtol", t.get("rtol", 0.0)))

    perf = _keys(path, "[performance]", doc.get("performance", {}),
                 {"repeats", "spread", "rounds", "budget"})
    rep = perf.get("repeats", r.repeats)
    if isinstance(rep, bool) or not isinstance(rep, int) or not 3 <= rep <= 99:
        raise _err(path, "[performance] repeats", f"expected an integer 3..99, got {rep!r}")
    r.repeats = rep
    r.spread = _number(path, "[performance] spread", perf.get("spread", r.spread), positive=True)
    rounds = perf.get("rounds", r.rounds)
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= 10:
        raise _err(path, "[performance] rounds", f"expected an integer 1..10, got {rounds!r}")
    r.rounds = rounds
    budget_opts = BUDGET_OPTIONS
    local: Optional[dict[str, dict[str, Any]]] = None
    for i, b in enumerate(perf.get("budget", [])):
        where = f"[[performance.budget]] #{i + 1}"
        _keys(path, where, b, {"function", "input", "budget", "points"} | budget_opts)
        fn = _function(path, where + " function", b.get("function"))
        if "input" not in b:   # the input, options (and ratio, unless given) of tests/budgets.toml
            if local is None:
                local = _local_budgets(budgets_file or path.parent.parent / "tests" / "budgets.toml")
            if fn not in local:
                raise _err(path, where, f"no input here, and no [[budget]] for {fn} in "
                           f"tests/budgets.toml to take it from")
            b = {**{k: v for k, v in local[fn].items() if k in budget_opts | {"input", "budget"}},
                 **b}
        if fn in ("conv_output_size", "im_conv_fast"):
            raise _err(path, where, f"{fn} has no budget here (a4 is scored by [a4])")
        inp = str(b.get("input", ""))
        if not SHAPE.match(inp):
            raise _err(path, where + " input", f"expected HxW, HxWxC or NxHxWxC, got {inp!r}")
        r.budgets.append(Budget(
            function=fn, part=PART_OF_FUNCTION[fn], input=inp,
            budget=_number(path, where + " budget", b.get("budget"), positive=True),
            points=_number(path, where + " points", b.get("points", 0)),
            options=tuple((k, str(b[k])) for k in sorted(budget_opts) if k in b)))

    if "a4" in doc:
        a = _keys(path, "[a4]", doc["a4"], {"points", "kernel", "sizes", "curve", "implausible"})
        curve = _keys(path, "[a4] curve", a.get("curve", {}), {"low", "high"})
        low = _number(path, "[a4] curve.low", curve.get("low", 1.0))
        high = _number(path, "[a4] curve.high", curve.get("high", 6.0), positive=True)
        if not high > low:
            raise _err(path, "[a4] curve", f"high ({high:g}) must be above low ({low:g})")
        sizes = a.get("sizes", [])
        if not sizes or not all(isinstance(s, str) and re.match(r"^\d+x\d+$", s) for s in sizes):
            raise _err(path, "[a4] sizes", f"expected a list of \"HxW\", got {sizes!r}")
        kernel = str(a.get("kernel", "5x5"))
        if not re.match(r"^\d+x\d+$", kernel):
            raise _err(path, "[a4] kernel", f"expected \"KHxKW\", got {kernel!r}")
        r.a4 = SpeedCurve(points=_number(path, "[a4] points", a.get("points", 15)),
                          kernel=kernel, sizes=tuple(sizes), low=low, high=high,
                          implausible=_number(path, "[a4] implausible",
                                              a.get("implausible", 1.5), positive=True))
    return r


def describe(r: Rubric, cases: Sequence[Case]) -> str:
    """`python3 -m grader rubric`: what the rubric gives each part."""
    cases = r.apply(cases)
    tot = r.totals(cases)
    lines = [f"rubric: {r.path or '(none: the case table alone)'}"]
    for p in PARTS:
        visible = [c for c in cases if c.part == p]
        hid = r.hidden_cases(p)
        lines.append(f"  {p}: {tot[p]:g} points = {sum(c.points for c in visible):g} in "
                     f"{len(visible)} cases of the table + {sum(c.points for c in hid):g} in "
                     f"{len(hid)} hidden cases + {r.performance_points(p):g} for speed")
    lines.append(f"  total: {sum(tot.values()):g} points")
    lines.append(f"  timing: best of K={r.repeats} interleaved pairs, spread <= {r.spread:g}, "
                 f"up to {r.rounds} rounds, else inconclusive")
    if r.a4:
        lines.append(f"  a4: {r.a4.points:g} points for a speed-up of {r.a4.low:g}x..{r.a4.high:g}x "
                     f"over the naive model ({r.a4.kernel} kernel on {', '.join(r.a4.sizes)})")
    return "\n".join(lines)
