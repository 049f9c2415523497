"""Writers: the one result model (model.py) in the formats the graders of
the world read. None computes a score; all JSON goes through the json
module; every file is written atomically (a temporary file in the same
folder, fsync, os.replace), so a reader never sees half a file.

* Gradescope results.json -- https://gradescope-autograders.readthedocs.io/en/latest/specs/
  (top-level score, execution_time, output + output_format "md", visibility,
  stdout_visibility, extra_data, tests[] -- one per case and one per
  performance measurement --, leaderboard[]);
* Autolab's last stdout line {"scores": {"a1": ..., "a2": ..., ...}} (a part's
  score includes its performance points);
* the per-student JSON (the whole model: seed, kit version, rubric hash,
  sandbox);
* grades.csv for a batch (one row per student, a column per part, total).

The Markdown of a case or a measurement (case_output_md, perf_output_md) is
the one text of it: Gradescope's per-test output and report.md (report.py)
both use it. Visibility: nothing about a case or a measurement that is not
`visible` (hidden, after_due_date, after_published) goes into the top-level
output or into a visible test -- only their number; the test itself carries
its visibility and Gradescope shows it when that allows.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterable, Optional

from .kit import PARTS
from .model import (CaseResult, PartResult, PartState, PerfResult, PerfVerdict, SubmissionResult, Status,
                    Visibility)

STATUS_WORDS = {
    Status.PASSED: "passed",
    Status.FAILED: "failed",
    Status.NOT_IMPLEMENTED: "not implemented yet",
    Status.CRASHED: "crashed",
    Status.TIMEOUT: "timed out",
    Status.ERROR: "not run: a problem of the grader, not of your code",
    Status.NOT_GRADED: "not graded",
}

VERDICT_WORDS = {
    PerfVerdict.WITHIN: "within the budget",
    PerfVerdict.OVER: "over the budget",
    PerfVerdict.SCORED: "scored",
    PerfVerdict.INCONCLUSIVE: "inconclusive (the timings stayed too noisy to judge; no points lost)",
    PerfVerdict.WRONG: "not timed: the output is wrong",
    PerfVerdict.NOT_MEASURED: "not measured",
}

# The same in a word or two, for tables.
VERDICT_SHORT = {
    PerfVerdict.WITHIN: "within the budget",
    PerfVerdict.OVER: "over the budget",
    PerfVerdict.SCORED: "scored",
    PerfVerdict.INCONCLUSIVE: "inconclusive",
    PerfVerdict.WRONG: "wrong output",
    PerfVerdict.NOT_MEASURED: "not measured",
}

# When the students see what is not visible yet (Gradescope's visibility).
LATER_WORDS = {
    Visibility.HIDDEN: "results hidden",
    Visibility.AFTER_DUE_DATE: "results after the due date",
    Visibility.AFTER_PUBLISHED: "results when the grades are published",
}


def is_visible(x: "CaseResult | PerfResult") -> bool:
    """Whether a student may see this case or measurement now."""
    return x.visibility is Visibility.VISIBLE


def hidden_sentence(items: Iterable["CaseResult | PerfResult"]) -> str:
    """'3 hidden cases: results after the due date' (only a count: nothing
    about which cases, or how they went). "" when every item is visible."""
    hidden = [x for x in items if not is_visible(x)]
    if not hidden:
        return ""
    nc = sum(1 for x in hidden if isinstance(x, CaseResult))
    nm = len(hidden) - nc
    what = " and ".join(w for w in (
        f"{nc} hidden case{'s' if nc != 1 else ''}" if nc else "",
        f"{nm} hidden measurement{'s' if nm != 1 else ''}" if nm else "") if w)
    kinds = sorted({x.visibility for x in hidden}, key=lambda v: list(LATER_WORDS).index(v))
    when = "; ".join(LATER_WORDS[v] for v in kinds)
    return f"{what}: {when}"


def shown_points(sub: SubmissionResult, part: Optional[str] = None, *,
                 everything: bool = False) -> tuple[float, float]:
    """(points, maximum) as a reader sees them, of one part or (part=None) of
    the whole submission. everything=False (the student): the visible cases
    and measurements, plus the TA's adjustments of the part, kept within 0
    and the maximum shown. everything=True (the TA): the part's score of the
    model (SubmissionResult.part_score: adjustments included)."""
    parts = [part] if part is not None else list(dict.fromkeys(
        [p.part for p in sub.parts] + [c.part for c in sub.cases]
        + [x.part for x in sub.performance]))
    got = top = 0.0
    for name in parts:
        cs = [c for c in sub.cases if c.part == name and (everything or is_visible(c))]
        ps = [x for x in sub.performance if x.part == name and (everything or is_visible(x))]
        g = sum(c.points for c in cs) + sum(x.points for x in ps)
        m = sum(c.max_points for c in cs) + sum(x.max_points for x in ps)
        if everything and sub.part(name) is not None:
            g = sub.part_score(name)
        else:
            adj = sum(a.points for a in sub.adjustments if a.part == name)
            if adj:
                g = min(max(g + adj, 0.0), m)
        got, top = got + g, top + m
    return round(got, 4), round(top, 4)


def adjustments_md(sub: SubmissionResult, part: Optional[str] = None) -> list[str]:
    """The TA's adjustments as Markdown list items (the reason, not who)."""
    return [f"- {a.part}: {'+' if a.points > 0 else ''}{_pts(a.points)} points: "
            f"{md_escape(a.reason)}" for a in sub.adjustments if part in (None, a.part)]


def redact_hidden(sub: SubmissionResult, text: str) -> str:
    """text with the ids of the cases and measurements students may not see
    yet replaced by 'a hidden case' (the kit's error messages name cases)."""
    for x in [*sub.cases, *sub.performance]:
        if not is_visible(x) and x.id and x.id in text:
            text = text.replace(x.id, "a hidden case")
    return text


# ------------------------------------------------------------ atomic files
def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o644) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)
                              + "\n").encode("utf-8"))


# ---------------------------------------------------------------- markdown
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def md_escape(text: str) -> str:
    """Plain text safe inside Markdown (no emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_code(text: str, lang: str = "") -> str:
    """A fenced code block that no backtick run inside text can close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def _pts(x: float) -> str:
    return f"{round(x, 4):g}"


def fmt_ratio(x: Optional[float]) -> str:
    """3.2 -> '3.2x' (the unit of ratios and speed-ups)."""
    if x is None:
        return "–"
    return f"{x:.3g}×" if x < 1000 else f"{x:,.0f}×"


def perf_sentence(x: PerfResult) -> str:
    """The numbers of one measurement in words, plain text."""
    if x.kind == "speedup":
        if x.speedup is None:
            return VERDICT_WORDS[x.verdict]
        return f"speed-up {fmt_ratio(x.speedup)} over the naive version"
    if x.ratio is None:
        return VERDICT_WORDS[x.verdict]
    s = f"your time is {fmt_ratio(x.ratio)} the reference's"
    if x.budget is not None:
        s += f" (budget {fmt_ratio(x.budget)})"
    return s


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return md_escape(str(v)).replace("\n", " ")


def case_output_md(sub: SubmissionResult, c: CaseResult, *, picture: bool = False) -> str:
    """One case in Markdown: Gradescope's per-test output, and the case's
    paragraph in report.md (picture=True adds the link to its picture,
    relative to the output folder; Gradescope cannot show local files)."""
    lines = []
    if c.description:
        lines.append(f"*{md_escape(c.description)}*")
        lines.append("")
    word = STATUS_WORDS[c.status]
    if c.status is Status.NOT_GRADED:
        p = sub.part(c.part)
        reason = p.note.splitlines()[0] if p and p.note else "the part was not built"
        lines.append(f"**Not graded**: {md_escape(reason)}")
    else:
        lines.append(f"**{md_escape(word[:1].upper() + word[1:])}**"
                     + (f" ({c.seconds:.2f} s)" if c.seconds else ""))
    if c.message and c.status is not Status.PASSED:
        lines += ["", "  \n".join(md_escape(x) for x in c.message.splitlines())]
    if c.diagnosis and c.diagnosis not in c.message:
        lines += ["", f"**Likely cause:** {md_escape(c.diagnosis)}"]
    if c.worker_stderr:
        lines += ["", "Your code printed on stderr:", "", md_code(c.worker_stderr)]
    if picture and c.picture and c.status is not Status.PASSED:
        lines += ["", f"![input | expected | yours | difference]({_md_url(c.picture)})"]
    return "\n".join(lines)


def _md_url(rel: str) -> str:
    from urllib.parse import quote
    return quote(rel, safe="/._-")


def perf_output_md(sub: SubmissionResult, x: PerfResult) -> str:
    """One performance measurement in Markdown (Gradescope's per-test output
    and report.md): what was timed, the verdict, the numbers, the points."""
    lines = []
    if x.label:
        lines += [f"*{md_escape(x.label)}*", ""]
    word = VERDICT_WORDS[x.verdict]
    head = f"**{md_escape(word[:1].upper() + word[1:])}**"
    if x.verdict not in (PerfVerdict.NOT_MEASURED, PerfVerdict.WRONG):
        head += f": {md_escape(perf_sentence(x))}"
    head += f"; {_pts(x.earned)} / {_pts(x.max_points)} points."
    lines.append(head)
    if x.message:
        lines += ["", "  \n".join(md_escape(m) for m in x.message.splitlines())]
    if x.measurements:
        keys: list[str] = []
        for m in x.measurements:
            keys += [k for k in m if k not in keys]
        lines += ["", "| " + " | ".join(md_escape(k) for k in keys) + " |",
                  "|" + "---|" * len(keys)]
        for m in x.measurements:
            lines.append("| " + " | ".join(_cell(m.get(k, "")) for k in keys) + " |")
    extra = []
    if x.rounds > 1:
        extra.append(f"measured {x.rounds} times (the timings were noisy)")
    if x.spread is not None:
        extra.append(f"spread {x.spread * 100:.0f}%")
    if extra:
        lines += ["", "*" + ", ".join(extra) + "*"]
    return "\n".join(lines)


PART_STATE_NOTES = {
    PartState.GRADED: "",
    PartState.MISSING: "missing",
    PartState.INTAKE_REJECTED: "refused (see below)",
    PartState.COMPILE_ERROR: "does not compile (see below)",
    PartState.REJECTED: "refused (see below)",
    PartState.LINK_ERROR: "does not link (see below)",
    PartState.KIT_ERROR: "not run: grader problem (see below)",
}


def part_note(p: PartResult, cases: list[CaseResult]) -> str:
    """A few words on a part for the table of parts ("" when all is well)."""
    note = PART_STATE_NOTES[p.state]
    if p.state is PartState.GRADED:
        bad = [c for c in cases if c.status in (Status.CRASHED, Status.TIMEOUT)]
        ni = sum(1 for c in cases if c.status is Status.NOT_IMPLEMENTED)
        if ni == len(cases) and cases:
            note = "not implemented yet"
        elif bad:
            note = f"{len(bad)} crashed or timed out"
    return note


def part_details_md(sub: SubmissionResult, p: PartResult) -> str:
    """Why a part was not graded, and what the compiler said: the note,
    intake's note, the compile log (warnings too), the link log. "" when
    there is nothing to say."""
    if p.state is PartState.GRADED and not p.compile_log and not p.intake_note:
        return ""
    if p.state is PartState.INTAKE_REJECTED and sub.intake_notes and not p.intake_note \
            and p.note.startswith("the submission is refused"):
        return ""   # said once, under "Submission"
    sect = []
    if p.note:
        sect.append(md_escape(p.note))
    if p.intake_note:
        sect.append(md_escape(p.intake_note))
    if p.compile_log:
        title = "Compiler output" if p.state is not PartState.GRADED else "Compiler warnings"
        sect += [f"{title}:", md_code(p.compile_log)]
    if p.link_log and p.state is PartState.LINK_ERROR:
        sect += ["Linker output:", md_code(p.link_log)]
    return "\n\n".join(sect)


def perf_table_md(sub: SubmissionResult, perf: list[PerfResult]) -> list[str]:
    """The table of performance measurements (the caller picks which)."""
    if not perf:
        return []
    out = ["| part | measured | result | points |", "|---|---|---|---|"]
    for x in perf:
        word = VERDICT_SHORT[x.verdict]
        res = word if x.verdict in (PerfVerdict.NOT_MEASURED, PerfVerdict.WRONG) \
            else f"{perf_sentence(x)}: {word}"
        out.append(f"| {x.part} | {md_escape(x.label or x.function)} | {md_escape(res)} | "
                   f"{_pts(x.earned)} / {_pts(x.max_points)} |")
    return out


def footer_md(sub: SubmissionResult) -> str:
    return (f"*convlab {md_escape(sub.kit_version)}, rubric "
            f"{md_escape(sub.rubric_hash[:19])}*")


def summary_md(sub: SubmissionResult, *, footer: bool = True) -> str:
    """The top-level output: a table of the parts (visible cases and
    measurements only), the visible performance measurements, then why a
    part was not graded (missing file, compile log, refused symbols). Of
    what is not visible only the number is told."""
    sub.finish()
    out = []
    visible = [c for c in sub.cases if is_visible(c)]
    vperf = [x for x in sub.performance if is_visible(x)]
    hidden = hidden_sentence([*sub.cases, *sub.performance])
    vs, vm = shown_points(sub)
    out.append(f"## convlab: {_pts(vs)} / {_pts(vm)} points"
               + (" on the visible cases" if hidden else ""))
    out.append("")
    out.append("| part | file | points | cases passed | note |")
    out.append("|---|---|---|---|---|")
    for p in sub.parts:
        pc = [c for c in visible if c.part == p.part]
        pg, pm = shown_points(sub, p.part)
        note = part_note(p, pc)
        if any(a.part == p.part for a in sub.adjustments):
            note = "; ".join(x for x in (note, "adjusted (see below)") if x)
        out.append(f"| {p.part} | `{p.file}` | {_pts(pg)} / {_pts(pm)} | "
                   f"{sum(1 for c in pc if c.passed)}/{len(pc)} | {note} |")
    if hidden:
        out += ["", f"{hidden}."]
    if sub.adjustments:
        out += ["", "### Adjustments by your instructor", "", *adjustments_md(sub)]
    if vperf:
        out += ["", "### Performance", "", *perf_table_md(sub, vperf)]
    for p in sub.parts:
        body = part_details_md(sub, p)
        if body:
            out += ["", f"### {p.part}: `{p.file}`", "", body]
    if sub.intake_notes:
        out += ["", "### Submission", ""] + [f"- {md_escape(n)}" for n in sub.intake_notes]
    if sub.errors:
        out += ["", "### Grader problems (not your doing; your instructor can see them)", ""]
        out += [f"- {md_escape(redact_hidden(sub, e))}" for e in sub.errors[:20]]
    if footer:
        out += ["", footer_md(sub)]
    return "\n".join(out)


# -------------------------------------------------------------- gradescope
def gradescope_results(sub: SubmissionResult, *, visibility: str = "visible",
                       stdout_visibility: str = "hidden",
                       execution_time: Optional[float] = None) -> dict[str, Any]:
    """Gradescope's results.json as a dict (its documented schema)."""
    sub.finish()
    tests = []
    part_no = {p: i + 1 for i, p in enumerate(PARTS)}
    count: dict[str, int] = {}
    for c in sub.cases:
        count[c.part] = count.get(c.part, 0) + 1
        tags = [c.part, c.function, c.status.value] + ([c.tag] if c.tag else [])
        tests.append({
            "name": c.id,
            "number": f"{part_no.get(c.part, 9)}.{count[c.part]}",
            "score": c.points,
            "max_score": c.max_points,
            "status": "passed" if c.passed else "failed",
            "output": case_output_md(sub, c),
            "output_format": "md",
            "visibility": c.visibility.value,
            "tags": tags,
        })
    for x in sub.performance:
        count[x.part] = count.get(x.part, 0) + 1
        tests.append({
            "name": x.id,
            "number": f"{part_no.get(x.part, 9)}.{count[x.part]}",
            "score": x.earned,
            "max_score": x.max_points,
            "status": "passed" if perf_passed(x) else "failed",
            "output": perf_output_md(sub, x),
            "output_format": "md",
            "visibility": x.visibility.value,
            "tags": [x.part, x.function, "performance", x.kind, x.verdict.value],
        })
    res: dict[str, Any] = {
        "score": sub.score,
        "output": summary_md(sub),
        "output_format": "md",
        "visibility": visibility,
        "stdout_visibility": stdout_visibility,
        "extra_data": {"student": sub.student, "kit_version": sub.kit_version,
                       "rubric_hash": sub.rubric_hash, "sandbox": sub.sandbox,
                       "errors": sub.errors[:20]},
        "tests": tests,
        "leaderboard": leaderboard(sub),
    }
    if execution_time is not None:
        res["execution_time"] = int(round(execution_time))
    return res


def perf_passed(x: PerfResult) -> bool:
    """A measurement 'passes' when it earned all its points and met its bar
    (a budget of 0 points that is over, wrong or not measured still fails:
    the student should see it in red)."""
    return (x.earned >= x.max_points - 1e-9
            and x.verdict in (PerfVerdict.WITHIN, PerfVerdict.SCORED, PerfVerdict.INCONCLUSIVE))


def leaderboard(sub: SubmissionResult) -> list[dict[str, Any]]:
    """Gradescope's leaderboard: [{name, value, order?}] from sub.leaderboard;
    a value that is not a finite number or a text becomes "not measured yet"."""
    out = []
    for e in sub.leaderboard:
        v = e.value
        if isinstance(v, bool) or not isinstance(v, (int, float, str)) \
                or (isinstance(v, float) and not math.isfinite(v)):
            v = "not measured yet"
        d: dict[str, Any] = {"name": str(e.name) or "leaderboard", "value": v}
        if e.order in ("asc", "desc"):
            d["order"] = e.order
        out.append(d)
    return out


def write_gradescope(sub: SubmissionResult, path: Path, **kw: Any) -> None:
    atomic_write_json(path, gradescope_results(sub, **kw))


def write_gradescope_failure(path: Path, why: str) -> None:
    """The last resort: a valid results.json with score 0 and the reason."""
    atomic_write_json(path, {
        "score": 0.0,
        "output": "## convlab: the grader failed\n\nThe grader could not write its results "
                  f"({md_escape(why)}). This is a problem of the kit, not of your code: "
                  "tell your instructor.",
        "output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [],
        "leaderboard": [],
    })


# ----------------------------------------------------------------- autolab
AUTOLAB_SCOREBOARD = ["a4 speed-up", "total"]   # the columns of the scoreboard value


def autolab_scores(sub: SubmissionResult) -> dict[str, Any]:
    """Autolab's scores per part and its scoreboard value: [the a4 speed-up
    (the leaderboard's number, 0 when not measured), the total]."""
    sub.finish()
    speed = next((e.value for e in sub.leaderboard if e.name == "a4 speed-up"), 0)
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not math.isfinite(speed):
        speed = 0
    return {"scores": {p: (sub.part(p).score if sub.part(p) else 0.0) for p in PARTS},
            "scoreboard": [speed, sub.score]}


def autolab_line(sub: SubmissionResult) -> str:
    """The line Autolab reads: the last line of the autograder's stdout."""
    return json.dumps(autolab_scores(sub), separators=(", ", ": "))


# ------------------------------------------------------------- per student
def write_student_json(sub: SubmissionResult, path: Path) -> None:
    atomic_write_json(path, sub.to_dict())


def read_student_json(path: Path) -> SubmissionResult:
    with open(path, "rb") as f:
        return SubmissionResult.from_dict(json.load(f))


# --------------------------------------------------------------------- csv
# A part's column includes its performance points; "performance" is their sum
# over the parts (already in the total).
CSV_COLUMNS = ["student", *PARTS, "total", "max_points", "performance", "adjustments",
               "problems", "seed", "kit_version", "rubric_hash", "sandbox", "finished"]


def problems_of(sub: SubmissionResult) -> list[str]:
    """Short words for the gradebook and the batch summary."""
    out = []
    for p in sub.parts:
        if p.state is PartState.MISSING:
            out.append(f"{p.part} missing")
        elif p.state is PartState.INTAKE_REJECTED:
            out.append(f"{p.part} refused at intake")
        elif p.state is PartState.COMPILE_ERROR:
            out.append(f"{p.part} compile error")
        elif p.state is PartState.REJECTED:
            out.append(f"{p.part} rejected ({', '.join(p.rejected_symbols)})")
        elif p.state is PartState.LINK_ERROR:
            out.append(f"{p.part} link error")
        elif p.state is PartState.KIT_ERROR:
            out.append(f"{p.part} kit error")
    for st in (Status.CRASHED, Status.TIMEOUT, Status.ERROR):
        n = sub.count(st)
        if n:
            out.append(f"{n} {st.value}")
    if sub.errors:
        out.append(f"{len(sub.errors)} grader error(s)")
    flags: dict[str, list[str]] = {}
    for x in sub.performance:
        if x.flag and x.part not in flags.setdefault(x.flag, []):
            flags[x.flag].append(x.part)
    out += [f"{', '.join(parts)} flagged: {flag}" for flag, parts in flags.items()]
    return out


def _csv_safe(v: Any) -> Any:
    """Cells that a spreadsheet would run as a formula get a quote prefix
    (a plain number such as -4, an adjustment, stays a number)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") \
            and re.fullmatch(r"-?\d+(\.\d+)?", v) is None:
        return "'" + v
    return v


def grades_csv(subs: Iterable[SubmissionResult]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for s in sorted(subs, key=lambda s: s.student):
        s.finish()
        row = [s.student]
        for p in PARTS:
            pr = s.part(p)
            row.append(_pts(pr.score) if pr else "0")
        row += [_pts(s.score), _pts(s.max_points), _pts(sum(x.points for x in s.performance)),
                _pts(sum(a.points for a in s.adjustments)), "; ".join(problems_of(s)), str(s.seed),
                s.kit_version, s.rubric_hash, s.sandbox, s.finished]
        w.writerow([_csv_safe(v) for v in row])
    return buf.getvalue()


def write_grades_csv(subs: Iterable[SubmissionResult], path: Path) -> None:
    atomic_write_bytes(path, grades_csv(subs).encode("utf-8"))
