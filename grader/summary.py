"""The class summary: every DIR/<student>/grade.json of a grade-all, read
back into the model, as a page a TA reads and a CSV a spreadsheet reads.

    python3 -m grader report DIR        (make report OUT=DIR)

writes DIR/summary.html and DIR/cases.csv (grade-all writes them too, at
its end):

* summary.html -- the class at a glance: the number of submissions, mean,
  median; plots (matplotlib, Agg backend, PNGs embedded as data: URIs): the
  score histogram, the pass rate of every case, the distribution of the
  performance ratios against their budgets and of the a4 speed-ups, the most
  frequent diagnoses ("31 students: ..."); the submissions to look at
  (timeouts, crashes, refused symbols, intake refusals, grader errors,
  implausible timings), each linked to its report_ta.html; every student's
  scores. Self-contained like the per-student reports (report.py).
* cases.csv -- one row per student: the parts, the total, then one column
  per case and per performance measurement (the points earned).

matplotlib is Debian's python3-matplotlib (/usr/bin/python3); without it the
page has tables instead of plots and says so.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Optional, Sequence
from urllib.parse import quote

from . import report, writers
from .kit import PARTS
from .model import PartState, PerfVerdict, Status, SubmissionResult

SUMMARY_HTML = "summary.html"
CASES_CSV = "cases.csv"
STUDENT_JSON = "grade.json"

PART_COLORS = {"a1": "#0969da", "a2": "#8250df", "a3": "#bf3989", "a4": "#1a7f37"}


def esc(x: object) -> str:
    return html.escape(str(x), quote=True)


def _pts(x: float) -> str:
    return f"{round(x, 4):g}"


# ------------------------------------------------------------------ reading
def load_results(out: Path) -> tuple[list[SubmissionResult], list[str], dict[str, str]]:
    """The results of every out/<folder>/grade.json (sorted by folder), the
    problems met reading them, and student -> folder (for the links)."""
    subs, problems, folders = [], [], {}
    for d in sorted(Path(out).iterdir(), key=lambda p: p.name):
        f = d / STUDENT_JSON
        if not d.is_dir() or d.name.startswith(".") or not f.is_file():
            continue
        try:
            s = writers.read_student_json(f)
        except Exception as e:   # one bad file does not stop the summary
            problems.append(f"{f}: {type(e).__name__}: {e}")
            continue
        subs.append(s)
        folders.setdefault(s.student, d.name)
    return subs, problems, folders


def case_columns(subs: Sequence[SubmissionResult]) -> list[tuple[str, str, float]]:
    """(id, part, max points) of every case and measurement met, in the
    order of the parts, then of first appearance."""
    seen: dict[str, tuple[str, str, float]] = {}
    for s in subs:
        for c in s.cases:
            seen.setdefault(c.id, (c.id, c.part, c.max_points))
        for x in s.performance:
            seen.setdefault(x.id, (x.id, x.part, x.max_points))
    order = {p: i for i, p in enumerate(PARTS)}
    cols = list(seen.values())
    first = {cid: i for i, (cid, _, _) in enumerate(cols)}
    return sorted(cols, key=lambda t: (order.get(t[1], 99), first[t[0]]))


# ------------------------------------------------------------------ cases.csv
def cases_csv(subs: Sequence[SubmissionResult]) -> str:
    """One row per student: parts, total, then points earned per case and
    per measurement ('' when that student has no such case)."""
    cols = case_columns(subs)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", *PARTS, "total", "max_points", *[c[0] for c in cols]])
    for s in sorted(subs, key=lambda s: s.student):
        s.finish()
        got = {c.id: c.points for c in s.cases}
        got.update({x.id: x.points for x in s.performance})
        row: list[Any] = [s.student]
        row += [_pts(s.part(p).score) if s.part(p) else "0" for p in PARTS]
        row += [_pts(s.score), _pts(s.max_points)]
        row += [_pts(got[c[0]]) if c[0] in got else "" for c in cols]
        w.writerow([writers._csv_safe(v) for v in row])
    return buf.getvalue()


# ------------------------------------------------------------------ analysis
def pass_rates(subs: Sequence[SubmissionResult]) -> list[tuple[str, str, int, int]]:
    """(case id, part, students who passed, students graded on it); cases
    of a part that was not graded (missing, refused, ...) count as not
    passed, like their points."""
    n: dict[str, int] = defaultdict(int)
    ok: dict[str, int] = defaultdict(int)
    part: dict[str, str] = {}
    for s in subs:
        for c in s.cases:
            n[c.id] += 1
            ok[c.id] += c.passed
            part[c.id] = c.part
    return [(cid, p, ok[cid], n[cid]) for cid, p, _ in case_columns(subs) if cid in n]


def frequent_diagnoses(subs: Sequence[SubmissionResult]) -> list[dict[str, Any]]:
    """The diagnoses (likely causes) met, with how many students got them,
    most frequent first: {text, tag, students, cases, where}."""
    by: dict[str, dict[str, Any]] = {}
    for s in subs:
        for c in s.cases:
            if c.passed or not c.diagnosis:
                continue
            key = c.tag or c.diagnosis
            d = by.setdefault(key, {"text": c.diagnosis, "tag": c.tag, "students": set(),
                                    "cases": 0, "where": Counter()})
            d["students"].add(s.student)
            d["cases"] += 1
            d["where"][c.function] += 1
    out = [dict(v, students=len(v["students"])) for v in by.values()]
    out.sort(key=lambda d: (-d["students"], -d["cases"], d["text"]))
    return out


def review_reasons(s: SubmissionResult) -> list[tuple[str, str]]:
    """Why a TA should look at this submission: (kind, text) pairs, the most
    serious first ([] when nothing stands out). Kinds: kit, flag, refused,
    timeout, crash."""
    why: list[tuple[str, str]] = []
    for e in s.errors[:3]:
        why.append(("kit", f"grader error: {e}"))
    for p in s.parts:
        if p.state is PartState.KIT_ERROR:
            why.append(("kit", f"{p.part}: kit error"))
    n = s.count(Status.ERROR)
    if n:
        why.append(("kit", f"{n} case{'s' if n > 1 else ''} not run (grader problem)"))
    for x in s.performance:
        if x.flag:
            why.append(("flag", f"{x.id}: {x.flag}"))
    for p in s.parts:
        if p.state is PartState.REJECTED:
            why.append(("refused", f"{p.part}: refused symbols {', '.join(p.rejected_symbols) or '?'}"))
        elif p.state is PartState.INTAKE_REJECTED:
            why.append(("refused", f"{p.part}: refused at intake"))
    for note in s.intake_notes:
        if "refused" in note:
            why.append(("refused", f"intake: {note}"))
    n = s.count(Status.TIMEOUT)
    if n:
        why.append(("timeout", f"{n} timeout{'s' if n > 1 else ''}"))
    n = s.count(Status.CRASHED)
    if n:
        why.append(("crash", f"{n} crash{'es' if n > 1 else ''}"))
    return why


REVIEW_ORDER = {"kit": 0, "flag": 1, "refused": 2, "timeout": 3, "crash": 4}
REVIEW_PILL = {"kit": "kit", "flag": "warn", "refused": "bad", "timeout": "bad", "crash": "bad"}


# ------------------------------------------------------------------ plots
def _matplotlib():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except Exception:
        return None


def _png(plt, fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x" if ax.get_xlabel() else "y", color="#eaeef2", zorder=0)
    ax.set_axisbelow(True)


def plots(subs: Sequence[SubmissionResult]) -> dict[str, str]:
    """name -> PNG data: URI; {} without matplotlib or without students."""
    plt = _matplotlib()
    if plt is None or not subs:
        return {}
    plt.rcParams.update({"font.size": 10, "axes.titlesize": 12, "axes.titleweight": "bold"})
    out: dict[str, str] = {}

    # score histogram
    scores = [s.score for s in subs]
    top = max(s.max_points for s in subs) or 1.0
    fig, ax = plt.subplots(figsize=(10, 3.4))
    step = 5.0 if top > 20 else 1.0
    bins = [i * step for i in range(int(top // step) + 2)]
    ax.hist(scores, bins=bins, color="#0969da", edgecolor="white", zorder=2)
    ax.axvline(statistics.mean(scores), color="#cf222e", lw=1.5, ls="--",
               label=f"mean {statistics.mean(scores):.1f}")
    ax.set_xlim(0, bins[-1])
    ax.set_title(f"Scores ({len(subs)} submissions, out of {top:g})", loc="left")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False)
    _style(ax)
    out["scores"] = _png(plt, fig)

    # pass rate of every case
    rates = pass_rates(subs)
    if rates:
        fig, ax = plt.subplots(figsize=(10, 1.0 + 0.17 * len(rates)))
        ys = list(range(len(rates)))[::-1]
        vals = [100.0 * ok / n if n else 0.0 for _, _, ok, n in rates]
        ax.barh(ys, vals, color=[PART_COLORS.get(p, "#6e7781") for _, p, _, _ in rates],
                height=0.75, zorder=2)
        ax.set_yticks(ys)
        ax.set_yticklabels([cid for cid, _, _, _ in rates], fontsize=7)
        ax.set_xlim(0, 100)
        ax.set_xlabel("students who passed (%)")
        ax.set_ylim(-0.6, len(rates) - 0.4)
        from matplotlib.patches import Patch
        shown = [p for p in PARTS if any(r[1] == p for r in rates)]
        ax.legend(handles=[Patch(color=PART_COLORS[p], label=p) for p in shown],
                  loc="lower left", bbox_to_anchor=(0.0, 1.0), frameon=False, fontsize=8,
                  ncol=len(shown), borderaxespad=0.2)
        for y, v in zip(ys, vals):
            if v < 100:
                ax.text(v + 1, y, f"{v:.0f}%", va="center", fontsize=6.5, color="#57606a")
        _style(ax)
        out["pass_rates"] = _png(plt, fig)

    # performance: one panel per measurement
    perf: dict[str, list] = defaultdict(list)
    for s in subs:
        for x in s.performance:
            perf[x.id].append(x)
    panels = [(pid, xs) for pid, xs in perf.items()
              if any((x.speedup if x.kind == "speedup" else x.ratio) is not None for x in xs)]
    if panels:
        cols = min(3, len(panels))
        rows = (len(panels) + cols - 1) // cols
        fig, axes = plt.subplots(rows, cols, figsize=(10, 2.8 * rows), squeeze=False)
        for ax in axes.flat[len(panels):]:
            ax.set_visible(False)
        for ax, (pid, xs) in zip(axes.flat, panels):
            speed = xs[0].kind == "speedup"
            vals = [x.speedup if speed else x.ratio for x in xs]
            vals = [v for v in vals if v is not None]
            bud = next((x.budget for x in xs if x.budget is not None), None)
            color = "#1a7f37" if speed else "#0969da"
            # one scale from 0 to past the budget (or 1x) and the largest value,
            # so that a tight cluster still shows as a bar
            hi = max(max(vals), bud if bud is not None and not speed else 1.0) * 1.1
            ax.hist(vals, bins=[hi * i / 24 for i in range(25)], color=color,
                    edgecolor="white", zorder=2)
            ax.set_xlim(0, hi)
            if speed:
                ax.axvline(1.0, color="#57606a", lw=1, ls=":", label="1× (naive)")
                ax.legend(frameon=False, fontsize=8)
            if bud is not None and not speed:
                ax.axvline(bud, color="#cf222e", lw=1.5, ls="--", label=f"budget {bud:g}×")
                ax.legend(frameon=False, fontsize=8)
            ax.set_title(pid, loc="left", fontsize=9.5)
            ax.set_xlabel("speed-up over the naive version" if speed
                          else "time / reference")
            ax.yaxis.get_major_locator().set_params(integer=True)
            _style(ax)
        fig.tight_layout()
        out["performance"] = _png(plt, fig)

    # diagnoses
    diag = frequent_diagnoses(subs)[:15]
    if diag:
        fig, ax = plt.subplots(figsize=(10, 0.8 + 0.32 * len(diag)))
        ys = list(range(len(diag)))[::-1]
        ax.barh(ys, [d["students"] for d in diag], color="#bf8700", height=0.7, zorder=2)
        ax.set_yticks(ys)
        ax.set_yticklabels([_short(d["tag"] or d["text"], 60) for d in diag], fontsize=8)
        ax.set_xlabel("students")
        ax.xaxis.get_major_locator().set_params(integer=True)
        _style(ax)
        out["diagnoses"] = _png(plt, fig)
    return out


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


# ------------------------------------------------------------------ html
CSS = report.CSS + """
.stats { display: flex; gap: 12px; flex-wrap: wrap; margin: 0 0 18px; }
.stat { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px;
  min-width: 130px; }
.stat b { display: block; font-size: 12.5px; color: var(--soft); font-weight: 500; }
.stat span { font-size: 24px; font-weight: 700; }
img.plot { max-width: 100%; display: block; margin: 6px 0; }
#review td .pill { white-space: normal; margin: 1px 0; display: inline-block; }
td.big { font-size: 20px; font-weight: 700; text-align: right; width: 4em; }
"""


def summary_html(subs: Sequence[SubmissionResult], *, problems: Sequence[str] = (),
                 folders: Optional[dict[str, str]] = None,
                 pictures: Optional[dict[str, str]] = None) -> str:
    """The page; folders maps a student to the folder of their reports
    (default: the student's name, as grade-all names them)."""
    pics = plots(subs) if pictures is None else pictures
    folders = folders or {}
    scores = [s.score for s in subs]
    top = max((s.max_points for s in subs), default=0.0)
    h = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
         '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
         'img-src data:; style-src \'unsafe-inline\'">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f"<title>convlab: class summary ({len(subs)} submissions)</title>",
         f"<style>{CSS}</style></head><body>",
         '<header class="top"><div class="in"><div class="who"><h1>Class summary '
         '<span class="tag ta">TA</span></h1>',
         f'<div class="meta">convlab · {len(subs)} submission{"s" if len(subs) != 1 else ""}'
         + (f" · kit {esc(', '.join(sorted({s.kit_version for s in subs if s.kit_version})))}"
            if subs else "")
         + "</div></div>"]
    if subs:
        h.append(f'<div class="score"><span class="big" id="mean">{statistics.mean(scores):.1f}</span>'
                 f'<span class="of"> / {_pts(top)} mean</span></div>')
    h.append("</div></header><main>")

    if not subs:
        h.append('<section class="card"><h2>No graded submissions</h2>'
                 '<p>No <code>*/grade.json</code> was found: run <code>make grade-all</code> '
                 'first.</p></section>')
    else:
        stats = [("submissions", str(len(subs))), ("mean", f"{statistics.mean(scores):.1f}"),
                 ("median", _pts(statistics.median(scores))), ("highest", _pts(max(scores))),
                 ("lowest", _pts(min(scores))),
                 ("full marks", str(sum(1 for s in subs if s.score >= s.max_points - 1e-9)))]
        for p in PARTS:
            ps = [s.part(p).score for s in subs if s.part(p)]
            if ps:
                stats.append((f"{p} mean", f"{statistics.mean(ps):.1f}"))
        h.append('<div class="stats">' + "".join(
            f'<div class="stat"><b>{esc(k)}</b><span>{esc(v)}</span></div>' for k, v in stats)
            + "</div>")

    if problems:
        h.append('<section class="card"><h2>Unreadable results</h2><ul>'
                 + "".join(f"<li>{esc(p)}</li>" for p in problems) + "</ul></section>")

    # to look at
    review = [(s, review_reasons(s)) for s in subs]
    review = sorted(((s, r) for s, r in review if r),
                    key=lambda t: (min(REVIEW_ORDER[k] for k, _ in t[1]), t[0].student))
    if subs:
        h.append(f'<section class="card" id="review"><h2>Submissions to look at '
                 f'<span class="pts">{len(review)} of {len(subs)}</span></h2>')
        if review:
            h.append('<table><tr><th>student</th><th>why</th><th class="num">score</th></tr>')
            for s, r in review:
                link = quote(folders.get(s.student, s.student))
                pills = " ".join(f'<span class="pill {REVIEW_PILL[k]}">{esc(t)}</span>'
                                 for k, t in r)
                h.append(f'<tr class="bad"><td><a href="{link}/report_ta.html">{esc(s.student)}</a></td>'
                         f'<td>{pills}</td>'
                         f'<td class="num">{_pts(s.score)} / {_pts(s.max_points)}</td></tr>')
            h.append("</table>")
        else:
            h.append('<p class="muted">Nothing stands out: no crash, timeout, refused symbol, '
                     'intake refusal, grader error or implausible timing.</p>')
        h.append("</section>")

    if "scores" in pics:
        h.append(f'<section class="card"><img class="plot" src="{pics["scores"]}" '
                 f'alt="score histogram"></section>')

    diag = frequent_diagnoses(subs)
    if diag:
        h.append('<section class="card" id="diagnoses"><h2>Most frequent likely causes</h2>')
        if "diagnoses" in pics:
            h.append(f'<img class="plot" src="{pics["diagnoses"]}" alt="diagnoses">')
        h.append('<table><tr><th class="num">students</th><th>likely cause</th><th>in</th></tr>')
        for d in diag[:30]:
            where = ", ".join(f"{f} ({n})" for f, n in d["where"].most_common(4))
            h.append(f'<tr><td class="big">{d["students"]}</td><td>{esc(d["text"])}'
                     + (f' <span class="pill todo">{esc(d["tag"])}</span>' if d["tag"] else "")
                     + f'</td><td class="desc">{esc(where)}</td></tr>')
        h.append("</table></section>")

    if "performance" in pics:
        h.append('<section class="card" id="performance"><h2>Performance</h2>'
                 f'<img class="plot" src="{pics["performance"]}" alt="performance ratios">')
        h.append(_perf_table(subs) + "</section>")
    elif any(s.performance for s in subs):
        h.append('<section class="card" id="performance"><h2>Performance</h2>'
                 + _perf_table(subs) + "</section>")

    rates = pass_rates(subs)
    if rates:
        h.append('<section class="card" id="cases"><h2>Pass rate of every case</h2>')
        if "pass_rates" in pics:
            h.append(f'<img class="plot" src="{pics["pass_rates"]}" alt="pass rate per case">')
            h.append("<details><summary>as a table</summary>")
        h.append('<table><tr><th>case</th><th class="num">passed</th><th class="num">rate</th></tr>')
        for cid, _, ok, n in rates:
            h.append(f'<tr class="{"ok" if ok == n else "bad"}"><td>{esc(cid)}</td>'
                     f'<td class="num">{ok} / {n}</td>'
                     f'<td class="num">{100.0 * ok / n if n else 0:.0f}%</td></tr>')
        h.append("</table>" + ("</details>" if "pass_rates" in pics else "") + "</section>")

    if subs and not pics:
        h.append('<p class="muted">Plots need Debian\'s python3-matplotlib '
                 '(run the grader with /usr/bin/python3).</p>')

    if subs:
        h.append('<section class="card" id="students"><h2>Every submission</h2>'
                 f'<p class="muted">Per case: <a href="{CASES_CSV}">{CASES_CSV}</a> · per part: '
                 '<a href="grades.csv">grades.csv</a></p><table><tr><th>student</th>'
                 + "".join(f'<th class="num">{p}</th>' for p in PARTS)
                 + '<th class="num">total</th><th>problems</th><th>reports</th></tr>')
        for s in sorted(subs, key=lambda s: s.student):
            link = quote(folders.get(s.student, s.student))
            cells = "".join(f'<td class="num">{_pts(s.part(p).score) if s.part(p) else "–"}</td>'
                            for p in PARTS)
            h.append(f'<tr class="{"ok" if s.score >= s.max_points - 1e-9 else ""}">'
                     f'<td>{esc(s.student)}</td>{cells}'
                     f'<td class="num"><b>{_pts(s.score)}</b> / {_pts(s.max_points)}</td>'
                     f'<td class="desc">{esc("; ".join(writers.problems_of(s)))}</td>'
                     f'<td><a href="{link}/report_ta.html">TA</a> · '
                     f'<a href="{link}/report.html">student</a></td></tr>')
        h.append("</table></section>")
    h.append("</main></body></html>")
    return "\n".join(h) + "\n"


def _perf_table(subs: Sequence[SubmissionResult]) -> str:
    perf: dict[str, list] = defaultdict(list)
    for s in subs:
        for x in s.performance:
            perf[x.id].append(x)
    rows = ['<table><tr><th>measurement</th><th class="num">measured</th>'
            '<th class="num">median</th><th class="num">within / scored</th>'
            '<th class="num">over</th><th class="num">inconclusive</th>'
            '<th class="num">mean points</th><th class="num">flagged</th></tr>']
    for pid, xs in perf.items():
        vals = [x.speedup if x.kind == "speedup" else x.ratio for x in xs]
        vals = [v for v in vals if v is not None]
        med = writers.fmt_ratio(statistics.median(vals)) if vals else "–"

        def n(*verdicts: PerfVerdict) -> int:
            return sum(1 for x in xs if x.verdict in verdicts)

        rows.append(f'<tr><td><code>{esc(pid)}</code></td><td class="num">{len(vals)} / {len(xs)}</td>'
                    f'<td class="num">{esc(med)}</td>'
                    f'<td class="num">{n(PerfVerdict.WITHIN, PerfVerdict.SCORED)}</td>'
                    f'<td class="num">{n(PerfVerdict.OVER)}</td>'
                    f'<td class="num">{n(PerfVerdict.INCONCLUSIVE)}</td>'
                    f'<td class="num">{statistics.mean(x.earned for x in xs):.2f} / '
                    f'{_pts(max(x.max_points for x in xs))}</td>'
                    f'<td class="num">{sum(1 for x in xs if x.flag)}</td></tr>')
    return "".join(rows) + "</table>"


# ------------------------------------------------------------------ files
def write_summary(out: Path, subs: Optional[Sequence[SubmissionResult]] = None, *,
                  problems: Sequence[str] = (),
                  folders: Optional[dict[str, str]] = None) -> list[Path]:
    """Writes out/summary.html and out/cases.csv from subs (default: every
    out/*/grade.json) and returns their paths."""
    out = Path(out)
    problems = list(problems)
    if subs is None:
        subs, more, folders = load_results(out)
        problems += more
    html_path, csv_path = out / SUMMARY_HTML, out / CASES_CSV
    writers.atomic_write_bytes(csv_path, cases_csv(subs).encode("utf-8"))
    writers.atomic_write_bytes(html_path, summary_html(subs, problems=problems, folders=folders)
                               .encode("utf-8"))
    return [html_path, csv_path]


def write_all_reports(out: Path) -> tuple[list[Path], list[str]]:
    """The per-student reports of every out/<folder>/grade.json (again), then
    the summary: what `python3 -m grader report DIR` does for a batch.
    Returns the files written and the problems met."""
    out = Path(out)
    subs, problems, folders = load_results(out)
    paths: list[Path] = []
    for s in subs:
        d = out / folders[s.student]
        try:
            paths += report.write_reports(s, d)
        except Exception as e:
            problems.append(f"{d}: the report failed ({type(e).__name__}: {e})")
    paths += write_summary(out, subs, problems=problems, folders=folders)
    return paths, problems


def report_command(out: Path, log=print) -> int:
    """`python3 -m grader report DIR`: DIR/grade.json -> that student's
    reports; DIR/*/grade.json (a grade-all folder) -> every student's
    reports and the class summary. 0, 1 when something could not be read
    or written, 2 when DIR holds no result."""
    out = Path(out)
    if (out / STUDENT_JSON).is_file():
        try:
            sub = writers.read_student_json(out / STUDENT_JSON)
            paths = report.write_reports(sub, out)
        except Exception as e:
            log(f"grader report: {out / STUDENT_JSON}: {type(e).__name__}: {e}")
            return 1
        for p in paths:
            log(str(p))
        return 0
    if not out.is_dir() or not any((d / STUDENT_JSON).is_file() for d in out.iterdir()
                                   if d.is_dir()):
        log(f"grader report: no grade.json in {out} or in its folders "
            "(grade first: make grade-all SUBMISSIONS=... OUT=...)")
        return 2
    paths, problems = write_all_reports(out)
    for p in problems:
        log(f"grader report: {p}")
    n = sum(1 for p in paths if p.name == report.REPORT_TA_HTML)
    log(f"grader report: {n} student report(s); class summary {out / SUMMARY_HTML}; "
        f"per case {out / CASES_CSV}")
    return 1 if problems else 0
