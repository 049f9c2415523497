#!/usr/bin/python3
"""Builds the handouts: figures, then one self-contained HTML page per handout.

usage: /usr/bin/python3 handouts/build.py --convlab build/convlab --images build/images
                                          --out build/handouts [--check-only]

  1. draws the figures into OUT/fig/ (handouts/figures.py: every number comes
     from `convlab run ... --impl reference`);
  2. checks the handouts against the kit (see check() below): a stale
     signature, point count or rubric number is an error, not a typo;
  3. fills in the numbers of the rubric: a span `[1.0]{.rubric key="a4.curve.low"}`
     in a handout shows the value of that key in grader/rubric.toml (the text
     written in the handout stays when the rubric or the key does not exist,
     with a warning);
  4. renders a1.md .. a4.md and instructor.md with pandoc (--standalone
     --self-contained, handouts/handout.css) into OUT/NAME.html: every figure
     and the style are inside the page, which opens without the build folder.

--check-only runs step 2 alone (`make check-handouts`). Exits 1 with a
message naming the problem; pandoc missing is reported with the command that
installs it.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PAGES = ["a1", "a2", "a3", "a4", "instructor"]
TITLES = {"a1": "a1 sliding windows", "a2": "a2 kernels and borders", "a3": "a3 layers",
          "a4": "a4 make it fast", "instructor": "convlab: the instructor's guide"}
RUBRIC_SPAN = re.compile(r'\[([^\]]*)\]\{\.rubric key="([^"]+)"\}')
FIGURE = re.compile(r"!\[[^\]]*\]\((fig/[^)\s]+)\)")


def fail(msg: str) -> "None":
    sys.exit(f"make handouts: {msg}")


# ------------------------------------------------------------------ checks
def declarations(header: Path) -> dict[str, str]:
    """The student functions of assignment.h: name -> declaration, one line."""
    text = re.sub(r"/\*.*?\*/", " ", header.read_text(), flags=re.S)
    out = {}
    for m in re.finditer(r"\bint\s+(\w+)\s*\(([^;{]*)\)\s*;", text):
        out[m.group(1)] = " ".join(f"int {m.group(1)}({m.group(2)});".split())
    return out


def case_points(cases: Path) -> dict[str, float]:
    with open(cases, "rb") as f:
        table = tomllib.load(f)
    points: dict[str, float] = {}
    for case in table.get("case", []):
        points[case["function"]] = points.get(case["function"], 0.0) + float(case["points"])
    return points


def computed_keys(rubric: dict) -> dict:
    """Keys the handouts use that the rubric holds only as a sum:
    hidden.points.aN and hidden.count.aN (over the [[hidden.group]] of the
    functions of part aN)."""
    if not rubric:
        return {}
    with open(ROOT / "tests" / "cases.toml", "rb") as f:
        table = tomllib.load(f)
    part_of = {c["function"]: c["id"].split(".")[0] for c in table.get("case", [])}
    out: dict = {}
    for part in sorted(set(part_of.values())):
        groups = [g for g in rubric.get("hidden", {}).get("group", [])
                  if part_of.get(g.get("function")) == part]
        out[f"hidden.points.{part}"] = float(sum(g.get("count", 0) * g.get("points", 0)
                                                 for g in groups))
        out[f"hidden.count.{part}"] = int(sum(g.get("count", 0) for g in groups))
    when = {"visible": "right away", "hidden": "never (only in the total)",
            "after_due_date": "after the due date",
            "after_published": "once the grades are published"}
    vis = rubric.get("hidden", {}).get("visibility", "after_due_date")
    out["hidden.when"] = when.get(vis, vis)
    return out


def rubric_value(rubric: dict, key: str):
    if key in rubric.get("_computed", {}):
        return rubric["_computed"][key]
    node = rubric
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def check(pages: dict[str, str], rubric: dict) -> list[str]:
    """Every C declaration quoted in a handout is the one of assignment.h;
    every row `| `function` | N |` of a points table matches the case table;
    every rubric key exists (when the rubric does); every figure is drawn by
    figures.py."""
    problems = []
    decls = declarations(ROOT / "assignments" / "assignment.h")
    points = case_points(ROOT / "tests" / "cases.toml")
    figures_src = (HERE / "figures.py").read_text() + (HERE / "lesson_figures.py").read_text()
    for name, text in pages.items():
        for block in re.findall(r"```c\n(.*?)```", text, flags=re.S):
            flat = re.sub(r"/\*.*?\*/", " ", block, flags=re.S)
            flat = re.sub(r"//[^\n]*", " ", flat)
            for m in re.finditer(r"\bint\s+(\w+)\s*\(([^;{]*)\)\s*;", flat):
                fn = m.group(1)
                quoted = " ".join(f"int {fn}({m.group(2)});".split())
                if fn not in decls:
                    problems.append(f"{name}.md quotes {fn}, which assignment.h does not declare")
                elif quoted != decls[fn]:
                    problems.append(f"{name}.md: the declaration of {fn} differs from "
                                    f"assignment.h:\n    handout: {quoted}\n"
                                    f"    header:  {decls[fn]}")
        for m in re.finditer(r"^\|\s*`(\w+)`\s*\|\s*([0-9.]+)\s*\|", text, flags=re.M):
            fn, pts = m.group(1), float(m.group(2))
            if fn in points and abs(points[fn] - pts) > 1e-9:
                problems.append(f"{name}.md gives {fn} {pts:g} points; tests/cases.toml "
                                f"gives {points[fn]:g}")
        for fig in FIGURE.findall(text):
            if Path(fig).name not in figures_src:
                problems.append(f"{name}.md shows {fig}, which no figure script draws")
        if rubric:
            for _, key in RUBRIC_SPAN.findall(text):
                if rubric_value(rubric, key) is None:
                    problems.append(f"{name}.md uses the rubric key {key}, which "
                                    "grader/rubric.toml does not define")
    return problems


def fmt(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    if isinstance(value, list):
        return ", ".join(fmt(v) for v in value)
    return str(value)


def fill_rubric(name: str, text: str, rubric: dict, warnings: set) -> str:
    def repl(m):
        written, key = m.group(1), m.group(2)
        value = rubric_value(rubric, key) if rubric else None
        if value is None:
            warnings.add(f"{key} (kept the handout's {written})")
            return m.group(0)
        return f'[{fmt(value)}]{{.rubric key="{key}"}}'

    return RUBRIC_SPAN.sub(repl, text)


# ------------------------------------------------------------------- build
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--convlab", default="build/convlab")
    ap.add_argument("--images", type=Path, default=Path("build/images"))
    ap.add_argument("--out", type=Path, default=Path("build/handouts"))
    ap.add_argument("--rubric", type=Path, default=ROOT / "grader" / "rubric.toml")
    ap.add_argument("--check-only", action="store_true")
    args = ap.parse_args()

    pages = {}
    for name in PAGES:
        path = HERE / f"{name}.md"
        if not path.is_file():
            fail(f"{path} is missing")
        pages[name] = path.read_text()
    rubric = {}
    if args.rubric.is_file():
        with open(args.rubric, "rb") as f:
            rubric = tomllib.load(f)
        rubric["_computed"] = computed_keys(rubric)

    problems = check(pages, rubric)
    if problems:
        fail("the handouts disagree with the kit:\n  " + "\n  ".join(problems))
    if args.check_only:
        print(f"check-handouts: {len(pages)} handouts agree with assignment.h, "
              f"tests/cases.toml{' and grader/rubric.toml' if rubric else ''}")
        return 0

    pandoc = shutil.which("pandoc")
    if not pandoc:
        fail("pandoc is missing: install it with `make deps OPTIONAL=1` "
             "or `apt-get install pandoc` (the figures need nothing more)")

    fig = args.out / "fig"
    done = subprocess.run([sys.executable, str(HERE / "figures.py"), args.convlab,
                           str(args.images), str(fig), "--rubric", str(args.rubric)])
    if done.returncode != 0:
        fail("handouts/figures.py failed (see above)")

    src = args.out / "src"
    src.mkdir(parents=True, exist_ok=True)
    warnings: set = set()
    for name, text in pages.items():
        filled = src / f"{name}.md"
        filled.write_text(fill_rubric(name, text, rubric, warnings))
        html = args.out / f"{name}.html"
        tmp = args.out / f".{name}.html.tmp"
        cmd = [pandoc, str(filled), "--from", "markdown", "--to", "html5", "--standalone",
               "--self-contained", "--toc", "--toc-depth=2", "--css", str(HERE / "handout.css"),
               "--resource-path", f"{args.out}:{HERE}", "--metadata",
               f"pagetitle={TITLES[name]}", "-o", str(tmp)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0 or not tmp.is_file():
            fail(f"pandoc failed on {name}.md:\n{done.stderr.strip()}")
        if done.stderr.strip():
            print(f"handouts: pandoc on {name}.md: {done.stderr.strip()}", file=sys.stderr)
        tmp.replace(html)
        print(f"  {html}")
    if warnings:
        where = args.rubric if args.rubric.is_file() else f"{args.rubric} (not found)"
        print(f"handouts: numbers not in {where}, the handouts' own values are shown: "
              + "; ".join(sorted(warnings)), file=sys.stderr)
    print(f"handouts: {len(pages)} pages in {args.out}, figures in {fig}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
