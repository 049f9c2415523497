#!/usr/bin/env python3
"""The reports end to end, and in a real browser.

    python3 tests/browser/check.py --out build/browser [--no-browser] -- GRADER_ARGS...

1. grades each example submission of tests/examples/ (perfect, partly_right,
   compile_error, crashes, too_slow) with `python3 -m grader grade ...
   GRADER_ARGS` into OUT/class/<name>/ (results.json, grade.json, report.html,
   report.md, report_ta.html), then `python3 -m grader report OUT/class` (the
   class summary: summary.html, cases.csv);
2. writes the report of a made-up submission with hidden cases, performance
   measurements and a flag (tests/grader/report_fixtures.py) into OUT/rich/;
3. checks the pages without a browser: the numbers they show are those of
   grade.json (the student's score leaves the hidden cases out; the TA's has
   everything), the student's page names no hidden case, a failing example
   has its pictures embedded, nothing is loaded from anywhere (no external
   src/href, a Content-Security-Policy of default-src 'none');
4. unless --no-browser: renders the pages in Debian's chromium, headless and
   off the network (no proxy that works, every host name unresolvable, a
   throw-away profile), screenshots them into OUT/*.png and checks that a
   screenshot is not blank (pixel spread, share of non-white pixels, number
   of colours), and that the DOM chromium built (--dump-dom) shows the
   expected scores. Without chromium it says "skipped: chromium not
   installed" and checks the rest.

`make check-report` runs it with --no-browser, `make check-browser` with the
browser (make deps BROWSER=1 installs chromium). Exit status 0 when every
check passed.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader import report, summary, writers  # noqa: E402
from tests.grader import report_fixtures  # noqa: E402

EXAMPLES = ROOT / "tests" / "examples"
CHROMIUM_NAMES = ("chromium", "chromium-browser")


class Checks:
    def __init__(self) -> None:
        self.failed = 0
        self.passed = 0

    def check(self, ok: bool, what: str) -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}")
        return ok


# ------------------------------------------------------------ grading
def examples() -> list[Path]:
    return sorted(d for d in EXAMPLES.iterdir() if d.is_dir() and any(d.glob("*.c")))


def grade_examples(out: Path, grader_args: list[str], t: Checks) -> None:
    cls = out / "class"
    if cls.exists():
        shutil.rmtree(cls)
    for d in examples():
        t0 = time.monotonic()
        r = subprocess.run([sys.executable, "-m", "grader", "grade", str(d), "--out",
                            str(cls / d.name), "--seed", "1", *grader_args],
                           cwd=ROOT, capture_output=True, text=True, timeout=900)
        ok = t.check((cls / d.name / "results.json").is_file(),
                     f"{d.name}: no results.json (exit {r.returncode}): {r.stderr[-2000:]}")
        if ok:
            print(f"  {d.name}: graded in {time.monotonic() - t0:.1f} s"
                  + ("" if r.returncode == 0 else f" (exit {r.returncode}: the kit reported a problem)"))
    r = subprocess.run([sys.executable, "-m", "grader", "report", str(cls)], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    t.check(r.returncode == 0, f"grader report {cls}: exit {r.returncode}: {r.stdout}{r.stderr}")


def rich_example(out: Path) -> Path:
    d = out / "rich"
    if d.exists():
        shutil.rmtree(d)
    sub = report_fixtures.rich_submission(d, "rich_example")
    writers.write_student_json(sub, d / "grade.json")
    report.write_reports(sub, d)
    return d


# ------------------------------------------------------------ static checks
class Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []
        self.images = 0

    def handle_starttag(self, tag, attrs):  # noqa: N802
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("src", "href", "action", "poster", "srcset") and v is not None:
                self.refs.append(v)
        if tag == "img":
            self.images += 1


def self_contained(page: str, where: str, t: Checks, local_links: bool = False) -> Refs:
    p = Refs()
    p.feed(page)
    t.check("default-src 'none'" in page, f"{where}: no Content-Security-Policy")
    for bad in ("script", "link", "iframe", "object", "embed"):
        t.check(bad not in p.tags, f"{where}: has a <{bad}>")
    for ref in p.refs:
        ok = ref.startswith(("data:image/png;base64,", "#"))
        if local_links:   # the summary links to the students' reports and the CSVs
            ok = ok or (re.fullmatch(r"[A-Za-z0-9._@%+-]+/report(_ta)?\.html|[a-z]+\.csv", ref)
                        is not None)
        t.check(ok, f"{where}: loads or links {ref[:80]}")
    t.check(re.search(r"https?://|url\(", page) is None, f"{where}: names a URL")
    return p


def expected_numbers(folder: Path) -> dict[str, str]:
    """What the pages must show, from grade.json."""
    sub = writers.read_student_json(folder / "grade.json")
    return {"student": f"{report.View(sub, ta=False).points()[0]:g}",
            "ta": f"{sub.score:g}"}


def static_checks(out: Path, t: Checks) -> None:
    cls = out / "class"
    subs, problems, _ = summary.load_results(cls)
    t.check(not problems, f"unreadable results: {problems}")
    t.check(len(subs) == len(examples()), f"{len(subs)} results for {len(examples())} examples")
    for s in subs:
        d = cls / s.student
        for name in ("report.html", "report.md", "report_ta.html"):
            t.check((d / name).is_file(), f"{s.student}: no {name}")
        if not (d / "report.html").is_file():
            continue
        exp = expected_numbers(d)
        st = (d / "report.html").read_text()
        ta = (d / "report_ta.html").read_text()
        md = (d / "report.md").read_text()
        t.check(f'id="score">{exp["student"]}</span>' in st,
                f"{s.student}: the student's page does not show {exp['student']}")
        t.check(f'id="score">{exp["ta"]}</span>' in ta,
                f"{s.student}: the TA's page does not show {exp['ta']}")
        refs = self_contained(st, f"{s.student}/report.html", t)
        self_contained(ta, f"{s.student}/report_ta.html", t)
        for c in s.cases:
            if not writers.is_visible(c):
                t.check(c.id not in st and c.id not in md,
                        f"{s.student}: the student's report names the hidden case {c.id}")
        pictures = [c for c in s.cases if c.picture and not c.passed and writers.is_visible(c)]
        t.check(refs.images >= len(pictures),
                f"{s.student}: {refs.images} pictures on the page for {len(pictures)} failures")
    pr = next((s for s in subs if s.student == "partly_right"), None)
    if t.check(pr is not None, "no partly_right example"):
        t.check(any(c.picture for c in pr.cases if not c.passed),
                "partly_right has no picture of a failed case")
    page = (cls / "summary.html").read_text() if (cls / "summary.html").is_file() else ""
    t.check(bool(page), "no summary.html")
    if page and subs:
        mean = statistics.mean(s.score for s in subs)
        t.check(f'id="mean">{mean:.1f}</span>' in page, f"the summary does not show the mean {mean:.1f}")
        t.check(f"{len(subs)} submissions" in page, "the summary does not count the submissions")
        self_contained(page, "summary.html", t, local_links=True)
        if summary._matplotlib() is not None:
            t.check(page.count('class="plot"') >= 3, "the summary has fewer than 3 plots")
    rows = (cls / "cases.csv").read_text().splitlines() if (cls / "cases.csv").is_file() else []
    t.check(len(rows) == len(subs) + 1, f"cases.csv has {len(rows)} lines for {len(subs)} students")
    rich = out / "rich"
    st = (rich / "report.html").read_text()
    for secret in [*report_fixtures.HIDDEN_IDS, report_fixtures.SECRET_MESSAGE]:
        t.check(secret not in st, f"rich/report.html shows {secret}")
    self_contained(st, "rich/report.html", t)
    self_contained((rich / "report_ta.html").read_text(), "rich/report_ta.html", t)


# ------------------------------------------------------------ browser
def find_chromium() -> str | None:
    for n in CHROMIUM_NAMES:
        p = shutil.which(n)
        if p:
            return p
    return None


def chromium(binary: str, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    """chromium headless, off the network, with a throw-away profile."""
    with tempfile.TemporaryDirectory(prefix="convlab-chromium-") as home:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
               "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home, "LANG": "C.UTF-8",
               "TZ": "UTC"}
        cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-extensions", "--disable-default-apps",
               "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
               "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
               "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
               f"--user-data-dir={home}/profile", *args]
        return subprocess.run(cmd, capture_output=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL)


def load_png(path: Path):
    """The screenshot as an array of RGB(A) floats in 0..1 (matplotlib's reader)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    return mpimg.imread(str(path))


def not_blank(path: Path, t: Checks) -> None:
    try:
        import numpy as np
        a = load_png(path)
    except Exception as e:
        t.check(False, f"{path}: cannot read it back ({type(e).__name__}: {e})")
        return
    rgb = a[..., :3]
    spread = float(rgb.std())
    non_white = float((rgb.min(axis=-1) < 0.92).mean())
    q = (rgb * 255).astype(np.uint8).reshape(-1, 3)
    colours = len(np.unique(q[:: max(1, len(q) // 200000)], axis=0))
    print(f"    {path.name}: {a.shape[1]}x{a.shape[0]}, spread {spread:.3f}, "
          f"non-white {100 * non_white:.1f}%, {colours} colours")
    t.check(spread > 0.05, f"{path}: blank (pixel spread {spread:.3f})")
    t.check(non_white > 0.05, f"{path}: almost all white ({100 * non_white:.1f}% non-white)")
    t.check(colours > 50, f"{path}: only {colours} colours")


PAGES = [
    # name, page, window height, the numbers the DOM must show
    ("report_partly_right", "class/partly_right/report.html", 3000),
    ("report_ta_partly_right", "class/partly_right/report_ta.html", 3000),
    ("report_compile_error", "class/compile_error/report.html", 1600),
    ("summary", "class/summary.html", 5200),
    ("report_ta_rich", "rich/report_ta.html", 3000),
    ("report_rich", "rich/report.html", 2600),
]


def browser_checks(out: Path, binary: str, t: Checks) -> list[Path]:
    shots = []
    r = chromium(binary, ["--version"], timeout=60)
    print(f"  {r.stdout.decode(errors='replace').strip()}")
    for name, rel, height in PAGES:
        page = out / rel
        if not t.check(page.is_file(), f"no {page}"):
            continue
        url = page.resolve().as_uri()
        png = out / f"{name}.png"
        png.unlink(missing_ok=True)
        r = chromium(binary, [f"--window-size=1200,{height}", f"--screenshot={png}", url])
        if not t.check(png.is_file(), f"{name}: no screenshot (exit {r.returncode}): "
                                       f"{r.stderr.decode(errors='replace')[-1500:]}"):
            continue
        shots.append(png)
        not_blank(png, t)
        r = chromium(binary, ["--dump-dom", url])
        dom = r.stdout.decode("utf-8", errors="replace")
        t.check(r.returncode == 0 and "</html>" in dom, f"{name}: --dump-dom failed")
        if name == "summary":
            subs, _, _ = summary.load_results(out / "class")
            mean = statistics.mean(s.score for s in subs)
            t.check(f'id="mean">{mean:.1f}</span>' in dom,
                    f"summary: the rendered page does not show the mean {mean:.1f}")
            for s in subs:
                t.check(f'href="{s.student}/report_ta.html"' in dom,
                        f"summary: no link to {s.student}/report_ta.html")
        else:
            exp = expected_numbers(page.parent)
            want = exp["ta" if "report_ta" in name else "student"]
            t.check(f'id="score">{want}</span>' in dom,
                    f"{name}: the rendered page does not show the score {want}")
            if name == "report_partly_right":
                t.check(dom.count("<img ") >= 3 and "data:image/png;base64," in dom,
                        f"{name}: the pictures of the failed cases are not in the page")
            if name == "report_rich":
                t.check(report_fixtures.SECRET_MESSAGE not in dom,
                        f"{name}: the student sees a hidden case")
    return shots


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "build" / "browser"))
    ap.add_argument("--no-browser", action="store_true", help="only the checks without chromium")
    ap.add_argument("--no-grade", action="store_true",
                    help="use the pages already in OUT/class (graded before)")
    ap.add_argument("grader_args", nargs="*", help="after --: the grader's kit options")
    args = ap.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    t = Checks()
    t0 = time.monotonic()
    if not args.no_grade:
        print(f"check-report: grading {len(examples())} example submissions into {out / 'class'}")
        grade_examples(out, args.grader_args, t)
    rich_example(out)
    static_checks(out, t)
    shots: list[Path] = []
    if not args.no_browser:
        binary = find_chromium()
        if binary is None:
            print("check-browser: skipped: chromium not installed (make deps BROWSER=1)")
        else:
            print(f"check-browser: rendering the reports with {binary}")
            shots = browser_checks(out, binary, t)
    for p in shots:
        print(f"  screenshot: {p}")
    print(f"check-{'report' if args.no_browser else 'browser'}: {t.passed} passed, "
          f"{t.failed} failed ({time.monotonic() - t0:.0f} s)")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
