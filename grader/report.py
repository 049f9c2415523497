"""The per-student report: the result model (model.py) as pages a student
and a TA read, written next to results.json.

* report.html -- the student's page: score, one section per part, every
  visible case with its status and points, for a failed case the message,
  the likely cause and the picture (input | expected | yours | difference),
  the performance table with a bar per measurement, the compiler's
  warnings and errors, the kit version, rubric hash and sandbox;
* report.md -- the same in Markdown, built from the texts Gradescope shows
  (writers.case_output_md, writers.perf_output_md: one source);
* report_ta.html -- everything: the hidden cases with their results, the
  flags of the performance measurements ("implausibly fast"), the grader's
  errors unredacted, the secret seed.

Students never see what is not `visible` yet: in their versions a hidden
case (hidden, after_due_date, after_published) is only counted ("3 hidden
cases: results after the due date"), its points are left out of the score
shown, and the grader's messages that name it are redacted. The seed is
only in the TA's version (it draws the hidden inputs).

The pages are self-contained: inline CSS, pictures as data: URIs, bars as
inline SVG, a Content-Security-Policy that forbids every request; they open
from file:// with no network. Standard library only (the grader runs on
Gradescope's image too).
"""
from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Iterable, Optional

from . import writers
from .model import (CaseResult, PartResult, PartState, PerfResult, PerfVerdict, Status,
                    SubmissionResult, Visibility)

REPORT_HTML = "report.html"
REPORT_MD = "report.md"
REPORT_TA_HTML = "report_ta.html"

PART_TITLES = {
    "a1": "sliding windows",
    "a2": "kernels and borders",
    "a3": "layers",
    "a4": "make it fast",
}

# The biggest picture embedded in a page; a larger one is only named.
PICTURE_BYTES = 6 << 20

STATUS_CLASS = {
    Status.PASSED: "ok",
    Status.FAILED: "bad",
    Status.NOT_IMPLEMENTED: "todo",
    Status.CRASHED: "bad",
    Status.TIMEOUT: "bad",
    Status.ERROR: "kit",
    Status.NOT_GRADED: "todo",
}

STATUS_SHORT = {
    Status.PASSED: "passed",
    Status.FAILED: "failed",
    Status.NOT_IMPLEMENTED: "not implemented",
    Status.CRASHED: "crashed",
    Status.TIMEOUT: "timed out",
    Status.ERROR: "grader problem",
    Status.NOT_GRADED: "not graded",
}

VERDICT_CLASS = {
    PerfVerdict.WITHIN: "ok",
    PerfVerdict.SCORED: "ok",
    PerfVerdict.INCONCLUSIVE: "ok",
    PerfVerdict.OVER: "bad",
    PerfVerdict.WRONG: "bad",
    PerfVerdict.NOT_MEASURED: "todo",
}


def esc(x: object) -> str:
    return html.escape(str(x), quote=True)


def _pts(x: float) -> str:
    return f"{round(x, 4):g}"


# ------------------------------------------------------------------ views
class View:
    """What one reader sees of a submission: the student (visible cases and
    measurements only) or the TA (everything)."""

    def __init__(self, sub: SubmissionResult, ta: bool) -> None:
        self.sub = sub.finish()
        self.ta = ta
        self.cases = [c for c in sub.cases if ta or writers.is_visible(c)]
        self.perf = [x for x in sub.performance if ta or writers.is_visible(x)]
        self.hidden_cases = [] if ta else [c for c in sub.cases if not writers.is_visible(c)]
        self.hidden_perf = [] if ta else [x for x in sub.performance if not writers.is_visible(x)]

    def cases_of(self, part: str) -> list[CaseResult]:
        return [c for c in self.cases if c.part == part]

    def perf_of(self, part: str) -> list[PerfResult]:
        return [x for x in self.perf if x.part == part]

    def points(self, part: Optional[str] = None) -> tuple[float, float]:
        """(points, maximum) this reader sees (writers.shown_points)."""
        return writers.shown_points(self.sub, part, everything=self.ta)

    def hidden_sentence(self, part: Optional[str] = None) -> str:
        items = [*self.hidden_cases, *self.hidden_perf]
        if part is not None:
            items = [x for x in items if x.part == part]
        return writers.hidden_sentence(items)

    def text(self, s: str) -> str:
        """A message of the grader, with the hidden cases' ids redacted for
        the student."""
        return s if self.ta else writers.redact_hidden(self.sub, s)


# ------------------------------------------------------------------ pictures
def picture_data_uri(out: Path, rel: str) -> Optional[str]:
    """The picture at out/rel as a data: URI, or None when it is missing,
    outside out/, not a PNG or too large."""
    if not rel:
        return None
    try:
        root = Path(out).resolve()
        p = (root / rel).resolve()
        p.relative_to(root)
        if not p.is_file() or p.stat().st_size > PICTURE_BYTES:
            return None
        data = p.read_bytes()
    except (OSError, ValueError):
        return None
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


# ------------------------------------------------------------------ bars
def perf_bar_svg(x: PerfResult, width: int = 220, height: int = 26) -> str:
    """A small inline SVG: the ratio against the budget (a mark at the
    budget; green within, red over), or the speed-up against 1x."""
    if x.kind == "speedup":
        value, mark, good = x.speedup, 1.0, x.speedup is not None and x.speedup >= 1.0
        mark_label = "1×"
    else:
        value, mark = x.ratio, x.budget
        good = value is not None and (mark is None or value <= mark)
        mark_label = f"budget {writers.fmt_ratio(mark)}" if mark is not None else ""
    if value is None:
        return ('<svg class="bar" width="%d" height="%d" role="img" aria-label="not measured">'
                '<rect x="0" y="7" width="%d" height="12" rx="3" fill="#eef0f3"/>'
                '<text x="6" y="17" font-size="10" fill="#6b7280">not measured</text></svg>'
                % (width, height, width))
    top = max(value, mark or 0.0) * 1.25 or 1.0
    w = max(2.0, min(1.0, value / top) * width)
    color = "#1f883d" if good else "#cf222e"
    if x.verdict is PerfVerdict.INCONCLUSIVE:
        color = "#9a6700"
    parts = [f'<svg class="bar" width="{width}" height="{height}" role="img" '
             f'aria-label="{esc(writers.perf_sentence(x))}">',
             f'<rect x="0" y="7" width="{width}" height="12" rx="3" fill="#eef0f3"/>',
             f'<rect x="0" y="7" width="{w:.1f}" height="12" rx="3" fill="{color}"/>']
    if mark is not None:
        mx = min(1.0, mark / top) * width
        parts.append(f'<line x1="{mx:.1f}" y1="2" x2="{mx:.1f}" y2="24" stroke="#24292f" '
                     f'stroke-width="2"><title>{esc(mark_label)}</title></line>')
    parts.append("</svg>")
    return "".join(parts)


# ------------------------------------------------------------------ html
CSS = """
:root { --ok:#1f883d; --ok-bg:#dafbe1; --bad:#cf222e; --bad-bg:#ffebe9; --todo:#6e7781;
  --todo-bg:#eaeef2; --kit:#8250df; --kit-bg:#fbefff; --warn:#9a6700; --warn-bg:#fff8c5;
  --line:#d0d7de; --ink:#1f2328; --soft:#59636e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  color: var(--ink); background: #f6f8fa; }
main { max-width: 1080px; margin: 0 auto; padding: 0 20px 40px; }
header.top { background: #24292f; color: #fff; padding: 22px 0 18px; margin-bottom: 18px; }
header.top .in { max-width: 1080px; margin: 0 auto; padding: 0 20px; display: flex;
  align-items: center; gap: 24px; flex-wrap: wrap; }
header.top h1 { margin: 0; font-size: 26px; font-weight: 600; }
header.top .who { flex: 1 1 300px; }
header.top .meta { color: #c9d1d9; font-size: 13px; }
.tag { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  font-weight: 600; vertical-align: middle; }
.tag.ta { background: #ffd8b5; color: #5c2a00; }
.tag.student { background: #ddf4ff; color: #0a3069; }
.score { text-align: right; }
.score .big { font-size: 44px; font-weight: 700; line-height: 1; }
.score .of { font-size: 20px; color: #c9d1d9; }
.meter { width: 240px; height: 10px; border-radius: 5px; background: #57606a; overflow: hidden;
  margin-top: 8px; margin-left: auto; }
.meter span { display: block; height: 100%; background: #2da44e; }
.score .hid { font-size: 12.5px; color: #c9d1d9; margin-top: 6px; }
nav.chips { display: flex; gap: 10px; flex-wrap: wrap; margin: 0 0 18px; }
nav.chips a { text-decoration: none; color: inherit; background: #fff; border: 1px solid var(--line);
  border-left: 6px solid var(--todo); border-radius: 6px; padding: 8px 14px; min-width: 150px; }
nav.chips a.ok { border-left-color: var(--ok); }
nav.chips a.bad { border-left-color: var(--bad); }
nav.chips a.part { border-left-color: var(--warn); }
nav.chips b { display: block; font-size: 13px; color: var(--soft); font-weight: 500; }
nav.chips span { font-size: 18px; font-weight: 700; }
section.card { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 16px 20px; margin: 0 0 18px; }
section.card > h2 { margin: 0 0 10px; font-size: 19px; display: flex; align-items: baseline;
  gap: 10px; flex-wrap: wrap; }
section.card > h2 .pts { margin-left: auto; font-size: 17px; }
h2 code, td code { font-size: 13px; background: #eff2f5; padding: 1px 5px; border-radius: 4px; }
.pill { display: inline-block; border-radius: 10px; padding: 0 9px; font-size: 12px; font-weight: 600;
  white-space: nowrap; }
.pill.ok { background: var(--ok-bg); color: var(--ok); }
.pill.bad { background: var(--bad-bg); color: var(--bad); }
.pill.todo { background: var(--todo-bg); color: var(--todo); }
.pill.kit { background: var(--kit-bg); color: var(--kit); }
.pill.warn { background: var(--warn-bg); color: var(--warn); }
.pill.vis { background: #ddf4ff; color: #0a3069; font-weight: 500; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th { text-align: left; font-weight: 600; color: var(--soft); font-size: 12.5px;
  border-bottom: 1px solid var(--line); padding: 4px 8px; }
td { border-bottom: 1px solid #eaeef2; padding: 4px 8px; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.bad td:first-child { box-shadow: inset 3px 0 var(--bad); }
tr.ok td:first-child { box-shadow: inset 3px 0 var(--ok); }
tr.part td:first-child { box-shadow: inset 3px 0 var(--warn); }
tr.has-more td { border-bottom: none; }
tr.more td { padding-top: 0; }
.desc, td .desc { color: var(--soft); font-size: 12.5px; }
a { color: #0969da; }
.note { padding: 8px 12px; border-radius: 6px; margin: 8px 0; }
.note.bad { background: var(--bad-bg); border: 1px solid #ffcecb; }
.note.warn { background: var(--warn-bg); border: 1px solid #eed888; }
.note.info { background: #ddf4ff; border: 1px solid #b6e3ff; }
.note.kit { background: var(--kit-bg); border: 1px solid #ecd8ff; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px;
  overflow-x: auto; font: 12.5px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; margin: 6px 0;
  white-space: pre-wrap; word-break: break-word; }
.fail { border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 6px;
  padding: 10px 14px; margin: 12px 0; }
.fail.todo { border-left-color: var(--todo); }
.fail h3 { margin: 0 0 4px; font-size: 15px; display: flex; gap: 8px; align-items: baseline;
  flex-wrap: wrap; }
.fail h3 .pts { margin-left: auto; font-weight: 500; color: var(--soft); }
.fail .desc { color: var(--soft); margin: 0 0 6px; font-size: 13.5px; }
.msg { white-space: pre-wrap; font: 13px/1.5 ui-monospace, "DejaVu Sans Mono", monospace;
  margin: 6px 0; }
.cause { background: var(--warn-bg); border-radius: 6px; padding: 6px 10px; margin: 8px 0;
  font-size: 14px; }
figure { margin: 10px 0 4px; }
figure img { max-width: 100%; border: 1px solid var(--line); border-radius: 4px;
  image-rendering: pixelated; background: #fff; }
figcaption { font-size: 12px; color: var(--soft); }
details summary { cursor: pointer; color: var(--soft); font-size: 13.5px; margin: 6px 0; }
.muted { color: var(--soft); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 13px;
  margin: 0; }
dl.facts dt { color: var(--soft); }
dl.facts dd { margin: 0; word-break: break-all; }
svg.bar { vertical-align: middle; max-width: 100%; }
table.perf { table-layout: fixed; }
"""


def _status_pill(c: CaseResult) -> str:
    return f'<span class="pill {STATUS_CLASS[c.status]}">{esc(STATUS_SHORT[c.status])}</span>'


def _vis_pill(v: Visibility) -> str:
    if v is Visibility.VISIBLE:
        return ""
    return f' <span class="pill vis" title="Gradescope visibility">{esc(v.value)}</span>'


def _meter_class(got: float, top: float) -> str:
    if top <= 0:
        return "ok" if got >= 0 else "todo"
    if got >= top - 1e-9:
        return "ok"
    return "bad" if got <= 0 else "part"


def _anchor(case_id: str) -> str:
    return "case-" + "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in case_id)


def _part_state_html(v: View, p: PartResult) -> str:
    out = []
    if p.state is not PartState.GRADED:
        cls = "kit" if p.state is PartState.KIT_ERROR else "bad"
        out.append(f'<div class="note {cls}">{esc(v.text(p.note or p.state.value))}</div>')
    if p.intake_note:
        out.append(f'<div class="note info">{esc(p.intake_note)}</div>')
    if p.rejected_symbols:
        out.append('<div class="muted">Refused symbols: '
                   + ", ".join(f"<code>{esc(s)}</code>" for s in p.rejected_symbols) + "</div>")
    if p.compile_log:
        title = "Compiler output" if p.state is not PartState.GRADED else "Compiler warnings"
        out.append(f'<details open><summary>{title}</summary><pre>{esc(p.compile_log)}</pre></details>')
    if p.link_log and p.state is PartState.LINK_ERROR:
        out.append(f'<details open><summary>Linker output</summary><pre>{esc(p.link_log)}</pre></details>')
    return "\n".join(out)


def _case_detail_html(v: View, out: Path, c: CaseResult) -> str:
    cls = "fail todo" if c.status in (Status.NOT_IMPLEMENTED, Status.NOT_GRADED) else "fail"
    h = [f'<div class="{cls}" id="{_anchor(c.id)}">',
         f'<h3>{_status_pill(c)} <span>{esc(c.id)}</span>{_vis_pill(c.visibility) if v.ta else ""}'
         f'<span class="pts">{_pts(c.points)} / {_pts(c.max_points)}</span></h3>']
    if c.description:
        h.append(f'<p class="desc">{esc(c.description)}</p>')
    if c.status is Status.NOT_GRADED:
        p = v.sub.part(c.part)
        reason = p.note.splitlines()[0] if p and p.note else "the part was not built"
        h.append(f'<div class="msg">Not graded: {esc(v.text(reason))}</div>')
    elif c.message:
        # the judge's message says "Likely cause: ..." and "See the picture: PATH";
        # here the cause gets its own box and the picture is on the page
        lines, causes = [], []
        for line in v.text(c.message).splitlines():
            if line.startswith("Likely cause:"):
                causes.append(line[len("Likely cause:"):].strip())
            elif not (line.startswith("See the picture") and c.picture):
                lines.append(line)
        if lines:
            h.append(f'<div class="msg">{esc(chr(10).join(lines))}</div>')
        for cause in causes:
            h.append(f'<div class="cause"><b>Likely cause:</b> {esc(cause)}</div>')
    if c.diagnosis and c.diagnosis not in c.message:
        h.append(f'<div class="cause"><b>Likely cause:</b> {esc(c.diagnosis)}</div>')
    if c.picture:
        uri = picture_data_uri(out, c.picture)
        if uri:
            h.append(f'<figure><img src="{uri}" alt="input, expected, yours, difference of '
                     f'{esc(c.id)}"><figcaption>input | expected | yours | difference '
                     f'(<code>{esc(c.picture)}</code>)</figcaption></figure>')
        else:
            h.append(f'<div class="muted">picture not available: <code>{esc(c.picture)}</code></div>')
    if c.worker_stderr:
        h.append(f'<details><summary>Your code printed on stderr</summary>'
                 f'<pre>{esc(c.worker_stderr)}</pre></details>')
    h.append("</div>")
    return "\n".join(h)


def _perf_rows_html(v: View, perf: Iterable[PerfResult]) -> str:
    """Two rows per measurement: the numbers, then what it means."""
    rows = []
    for x in perf:
        cls = VERDICT_CLASS[x.verdict]
        if x.verdict is PerfVerdict.INCONCLUSIVE:
            cls = "warn"
        speed = x.kind == "speedup"
        num = writers.fmt_ratio(x.speedup if speed else x.ratio)
        bud = "" if speed else writers.fmt_ratio(x.budget)
        extra = []
        if x.message:
            extra.append(esc(v.text(x.message)))
        if v.ta and x.flag:
            extra.append(f'<span class="pill warn">flag</span> {esc(x.flag)}')
        if v.ta and (x.rounds or x.spread is not None):
            bits = []
            if x.rounds:
                bits.append(f"{x.rounds} round{'s' if x.rounds != 1 else ''}")
            if x.spread is not None:
                bits.append(f"spread {x.spread * 100:.0f}%")
            extra.append(esc(", ".join(bits)))
        row = "ok" if writers.perf_passed(x) else "part" if x.earned > 0 else "bad"
        rows.append(
            f'<tr class="{row}{" has-more" if extra else ""}">'
            f'<td><code>{esc(x.function)}</code> {esc("speed-up" if speed else "budget")}'
            f'{_vis_pill(x.visibility) if v.ta else ""}'
            f'<div class="desc">{esc(x.label)}</div></td>'
            f'<td class="num">{esc(num)}</td><td class="num">{esc(bud)}</td>'
            f'<td>{perf_bar_svg(x)}</td>'
            f'<td><span class="pill {cls}">{esc(writers.VERDICT_SHORT[x.verdict])}</span></td>'
            f'<td class="num">{_pts(x.earned)} / {_pts(x.max_points)}</td></tr>')
        if extra:
            rows.append(f'<tr class="{row} more"><td colspan="6"><div class="desc">'
                        + "<br>".join(extra) + "</div></td></tr>")
    return "\n".join(rows)


def report_html(sub: SubmissionResult, out: Path, *, ta: bool = False) -> str:
    """The report page (ta=False: the student's; ta=True: everything)."""
    v = View(sub, ta)
    got, top = v.points()
    pct = 100.0 * got / top if top else 0.0
    who = "TA version" if ta else "student version"
    hid = v.hidden_sentence()
    h = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
         '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
         'img-src data:; style-src \'unsafe-inline\'">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f"<title>convlab: {esc(sub.student)}: {_pts(got)} / {_pts(top)}"
         f"{' (TA)' if ta else ''}</title>", f"<style>{CSS}</style></head><body>",
         '<header class="top"><div class="in"><div class="who">',
         f'<h1>{esc(sub.student)} <span class="tag {"ta" if ta else "student"}">{who}</span></h1>',
         f'<div class="meta">convlab report · kit {esc(sub.kit_version or "?")} · graded '
         f'{esc(sub.finished or sub.started or "?")}</div></div>',
         f'<div class="score"><span class="big" id="score">{_pts(got)}</span>'
         f'<span class="of"> / {_pts(top)} points</span>',
         f'<div class="meter"><span style="width:{pct:.1f}%"></span></div>']
    if hid:
        h.append(f'<div class="hid">{esc(hid)} (not in this score)</div>')
    h.append("</div></div></header><main>")

    # one chip per part
    h.append('<nav class="chips">')
    for p in sub.parts:
        pg, pm = v.points(p.part)
        cls = "todo" if p.state is not PartState.GRADED else _meter_class(pg, pm)
        h.append(f'<a class="{cls}" href="#part-{esc(p.part)}"><b>{esc(p.part)} '
                 f'{esc(PART_TITLES.get(p.part, ""))}</b><span>{_pts(pg)}</span> / {_pts(pm)}</a>')
    h.append("</nav>")

    # what needs attention first
    alerts = []
    if sub.intake_notes:
        alerts.append('<div class="note info"><b>Submission:</b><ul>'
                      + "".join(f"<li>{esc(n)}</li>" for n in sub.intake_notes) + "</ul></div>")
    if sub.errors:
        head = ("Grader problems" if ta else
                "Grader problems (not your doing; your instructor can see them)")
        alerts.append(f'<div class="note kit"><b>{head}:</b><ul>'
                      + "".join(f"<li>{esc(v.text(e) if ta else _first_line(v.text(e)))}</li>"
                                for e in sub.errors[:20]) + "</ul></div>")
    if ta:
        flags = [x for x in sub.performance if x.flag]
        if flags:
            alerts.append('<div class="note warn"><b>To review:</b><ul>'
                          + "".join(f"<li>{esc(x.id)}: {esc(x.flag)}</li>" for x in flags)
                          + "</ul></div>")
    if alerts:
        h.append('<section class="card" id="attention"><h2>Attention</h2>' + "".join(alerts)
                 + "</section>")

    # the parts
    legend_shown = False
    for p in sub.parts:
        pg, pm = v.points(p.part)
        cases = v.cases_of(p.part)
        h.append(f'<section class="card part" id="part-{esc(p.part)}">')
        h.append(f'<h2>{esc(p.part)} {esc(PART_TITLES.get(p.part, ""))} <code>{esc(p.file)}</code>'
                 f'<span class="pts">{_pts(pg)} / {_pts(pm)}</span></h2>')
        h.append(_part_state_html(v, p))
        for a in sub.adjustments:
            if a.part == p.part:
                sign = "+" if a.points > 0 else ""
                who = esc(a.by) if ta and a.by else ("a TA" if ta else "your instructor")
                h.append(f'<div class="note warn"><b>Adjusted by {who}: {sign}{_pts(a.points)} '
                         f'points</b>: {esc(a.reason)}</div>')
        if cases:
            passed = sum(1 for c in cases if c.passed)
            failing = [c for c in cases if not c.passed]
            hs = v.hidden_sentence(p.part)
            h.append(f'<div class="muted">{passed} of {len(cases)} cases passed'
                     + (f" · {esc(hs)}" if hs else "") + "</div>")
            # one card per failure, first; a part that was not graded needs no card per case
            if failing and p.state is PartState.GRADED:
                h.append("".join(_case_detail_html(v, out, c) for c in failing))
            h.append(f'<details{" open" if p.state is not PartState.GRADED and len(cases) <= 12 else ""}>'
                     f'<summary>All {len(cases)} cases of {esc(p.part)}</summary>')
            h.append('<table class="cases"><tr><th>case</th><th>status</th>'
                     '<th class="num">points</th><th class="num">time</th></tr>')
            for c in cases:
                name = esc(c.function + " · " + c.name) if c.name else esc(c.id)
                link = (f'<a href="#{_anchor(c.id)}">{name}</a>'
                        if not c.passed and p.state is PartState.GRADED else name)
                h.append(f'<tr class="{"ok" if c.passed else "bad"}"><td>{link}'
                         f'{_vis_pill(c.visibility) if ta else ""}'
                         f'<div class="desc">{esc(c.description)}</div></td>'
                         f'<td>{_status_pill(c)}</td>'
                         f'<td class="num">{_pts(c.points)} / {_pts(c.max_points)}</td>'
                         f'<td class="num">{f"{c.seconds:.3f} s" if c.seconds else ""}</td></tr>')
            h.append("</table></details>")
        elif v.hidden_sentence(p.part):
            h.append(f'<div class="muted">{esc(v.hidden_sentence(p.part))}</div>')
        perf = v.perf_of(p.part)
        if perf:
            h.append('<h3 style="font-size:15px;margin:14px 0 2px">Performance</h3>')
            if not legend_shown:
                h.append('<div class="desc" style="margin-bottom:4px">A budget compares your '
                         'time with the reference\'s on the same input, in the same run (best '
                         'of several, interleaved); the black mark is the budget. A speed-up '
                         'is the naive version\'s time over yours; the mark is 1×.</div>')
                legend_shown = True
            h.append(_perf_table_open() + _perf_rows_html(v, perf) + "</table>")
        h.append("</section>")

    # facts
    facts = [("kit version", sub.kit_version), ("rubric", sub.rubric_hash),
             ("sandbox", sub.sandbox), ("started", sub.started), ("finished", sub.finished),
             ("grader", sub.grader_version)]
    if ta:
        facts.insert(0, ("seed", str(sub.seed)))
    h.append('<section class="card" id="facts"><h2>About this grading</h2><dl class="facts">'
             + "".join(f"<dt>{esc(k)}</dt><dd>{esc(val)}</dd>" for k, val in facts if val)
             + "</dl></section>")
    h.append("</main></body></html>")
    return "\n".join(h) + "\n"


def _first_line(s: str, limit: int = 240) -> str:
    line = s.strip().splitlines()[0] if s.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _perf_table_open() -> str:
    return ('<table class="perf"><colgroup><col style="width:34%"><col style="width:8%">'
            '<col style="width:8%"><col style="width:25%"><col style="width:15%">'
            '<col style="width:10%"></colgroup><tr><th>measurement</th><th class="num">value</th>'
            '<th class="num">budget</th><th></th><th>verdict</th>'
            '<th class="num">points</th></tr>')


# ------------------------------------------------------------------ markdown
def report_md(sub: SubmissionResult) -> str:
    """The student's report in Markdown: the top-level output of
    results.json, then every visible case and measurement with the text
    Gradescope shows for it, pictures linked relative to the folder."""
    v = View(sub, ta=False)
    out = [f"# convlab report: {writers.md_escape(sub.student)}", "",
           writers.summary_md(sub, footer=False)]
    for p in sub.parts:
        cases = v.cases_of(p.part)
        perf = v.perf_of(p.part)
        pg, pm = v.points(p.part)
        out += ["", f"## {p.part} {PART_TITLES.get(p.part, '')}: `{p.file}`: "
                    f"{_pts(pg)} / {_pts(pm)} points", ""]
        adj = writers.adjustments_md(sub, p.part)
        if adj:
            out += ["Adjusted by your instructor:", "", *adj, ""]
        if cases:
            out.append(f"{sum(1 for c in cases if c.passed)} of {len(cases)} cases passed"
                       + (f"; {v.hidden_sentence(p.part)}" if v.hidden_sentence(p.part) else "")
                       + ".")
            out.append("")
            for c in cases:
                mark = "✅" if c.passed else "❌"
                out.append(f"- {mark} `{c.id}`: {_pts(c.points)} / {_pts(c.max_points)}"
                           f" ({writers.STATUS_WORDS[c.status].split(':')[0]})")
            if p.state is PartState.GRADED:
                for c in cases:
                    if not c.passed:
                        out += ["", f"### `{c.id}`", "",
                                writers.case_output_md(sub, c, picture=True)]
        elif v.hidden_sentence(p.part):
            out.append(v.hidden_sentence(p.part) + ".")
        for x in perf:
            out += ["", f"### Performance: `{x.id}`", "", writers.perf_output_md(sub, x)]
    out += ["", "---", "",
            f"kit {writers.md_escape(sub.kit_version)} · rubric "
            f"`{sub.rubric_hash}` · sandbox: {writers.md_escape(sub.sandbox)} · "
            f"graded {writers.md_escape(sub.finished)}", ""]
    return "\n".join(out)


# ------------------------------------------------------------------ files
def write_reports(sub: SubmissionResult, out: Path) -> list[Path]:
    """Writes report.html, report.md and report_ta.html into out/ (atomically)
    and returns their paths."""
    out = Path(out)
    paths = [out / REPORT_HTML, out / REPORT_MD, out / REPORT_TA_HTML]
    writers.atomic_write_bytes(paths[0], report_html(sub, out, ta=False).encode("utf-8"))
    writers.atomic_write_bytes(paths[1], report_md(sub).encode("utf-8"))
    writers.atomic_write_bytes(paths[2], report_html(sub, out, ta=True).encode("utf-8"))
    return paths
