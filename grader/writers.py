"""Writers: the one result model (model.py) in the formats the graders of
the world read. None computes a score; all JSON goes through the json
module; every file is written atomically (a temporary file in the same
folder, fsync, os.replace), so a reader never sees half a file.

* Gradescope results.json -- https://gradescope-autograders.readthedocs.io/en/latest/specs/
  (top-level score, execution_time, output + output_format "md", visibility,
  stdout_visibility, extra_data, tests[], leaderboard[]);
* Autolab's last stdout line {"scores": {"a1": ..., "a2": ..., ...}};
* the per-student JSON (the whole model: seed, kit version, rubric hash,
  sandbox);
* grades.csv for a batch (one row per student, a column per part, total).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterable, Optional

from .kit import PARTS
from .model import CaseResult, PartState, SubmissionResult, Status, Visibility

STATUS_WORDS = {
    Status.PASSED: "passed",
    Status.FAILED: "failed",
    Status.NOT_IMPLEMENTED: "not implemented yet",
    Status.CRASHED: "crashed",
    Status.TIMEOUT: "timed out",
    Status.ERROR: "not run: a problem of the grader, not of your code",
    Status.NOT_GRADED: "not graded",
}


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
    return f"{x:g}"


def case_output_md(sub: SubmissionResult, c: CaseResult) -> str:
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
    return "\n".join(lines)


def summary_md(sub: SubmissionResult) -> str:
    """The top-level output: a table of the parts (visible cases only), then
    why a part was not graded (missing file, compile log, refused symbols)."""
    sub.finish()
    out = []
    visible = [c for c in sub.cases if c.visibility is Visibility.VISIBLE]
    hidden = len(sub.cases) - len(visible)
    vs = sum(c.points for c in visible)
    vm = sum(c.max_points for c in visible)
    out.append(f"## convlab: {_pts(round(vs, 4))} / {_pts(round(vm, 4))} points"
               + (" on the visible cases" if hidden else ""))
    out.append("")
    out.append("| part | file | points | cases passed | note |")
    out.append("|---|---|---|---|---|")
    for p in sub.parts:
        pc = [c for c in visible if c.part == p.part]
        note = {
            PartState.GRADED: "",
            PartState.MISSING: "missing",
            PartState.INTAKE_REJECTED: "refused (see below)",
            PartState.COMPILE_ERROR: "does not compile (see below)",
            PartState.REJECTED: "refused (see below)",
            PartState.LINK_ERROR: "does not link (see below)",
            PartState.KIT_ERROR: "not run: grader problem (see below)",
        }[p.state]
        if p.state is PartState.GRADED:
            bad = [c for c in pc if c.status in (Status.CRASHED, Status.TIMEOUT)]
            ni = sum(1 for c in pc if c.status is Status.NOT_IMPLEMENTED)
            if ni == len(pc) and pc:
                note = "not implemented yet"
            elif bad:
                note = f"{len(bad)} crashed or timed out"
        out.append(f"| {p.part} | `{p.file}` | "
                   f"{_pts(round(sum(c.points for c in pc), 4))} / "
                   f"{_pts(round(sum(c.max_points for c in pc), 4))} | "
                   f"{sum(1 for c in pc if c.passed)}/{len(pc)} | {note} |")
    if hidden:
        out += ["", f"{hidden} further case(s) are graded but not shown yet."]
    for p in sub.parts:
        if p.state is PartState.GRADED and not p.compile_log and not p.intake_note:
            continue
        if p.state is PartState.INTAKE_REJECTED and sub.intake_notes and not p.intake_note \
                and p.note.startswith("the submission is refused"):
            continue   # said once, under "Submission"
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
        if sect:
            out += ["", f"### {p.part}: `{p.file}`", "", "\n\n".join(sect)]
    if sub.intake_notes:
        out += ["", "### Submission", ""] + [f"- {md_escape(n)}" for n in sub.intake_notes]
    if sub.errors:
        out += ["", "### Grader problems (not your doing; your instructor can see them)", ""]
        out += [f"- {md_escape(e)}" for e in sub.errors[:20]]
    out += ["", f"*convlab {md_escape(sub.kit_version)}, rubric "
                f"{md_escape(sub.rubric_hash[:19])}*"]
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
        "leaderboard": [
            {k: v for k, v in (("name", e.name), ("value", e.value), ("order", e.order))
             if v is not None}
            for e in sub.leaderboard
        ],
    }
    if execution_time is not None:
        res["execution_time"] = int(round(execution_time))
    return res


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
def autolab_scores(sub: SubmissionResult) -> dict[str, Any]:
    sub.finish()
    return {"scores": {p: (sub.part(p).score if sub.part(p) else 0.0) for p in PARTS}}


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
CSV_COLUMNS = ["student", *PARTS, "total", "max_points", "problems", "seed", "kit_version",
               "rubric_hash", "sandbox", "finished"]


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
    return out


def _csv_safe(v: Any) -> Any:
    """Cells that a spreadsheet would run as a formula get a quote prefix."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
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
        row += [_pts(s.score), _pts(s.max_points), "; ".join(problems_of(s)), str(s.seed),
                s.kit_version, s.rubric_hash, s.sandbox, s.finished]
        w.writerow([_csv_safe(v) for v in row])
    return buf.getvalue()


def write_grades_csv(subs: Iterable[SubmissionResult], path: Path) -> None:
    atomic_write_bytes(path, grades_csv(subs).encode("utf-8"))
