"""check_bundle.py -- proves the student bundle built by `make dist`.

usage: python3 tests/check_bundle.py BUNDLE.tar.gz

1. Unpacked in a temporary folder with the stubs, `make test` fails every
   case cleanly: a non-zero exit, every case reported, no crash.
2. With the model solutions copied into assignments/, `make test` passes
   every case.
3. No function body from solutions/ appears anywhere in the bundle (compared
   with comments and white space removed), no file carries a model
   solution's name, and no library in it defines a solution_ symbol.
4. The bundle holds no reference source (harness/ref_*.c).

Prints one line per check and "N passed, N failed"; exits 1 on any failure.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
PARTS = ("a1_windows", "a2_borders", "a3_layers", "a4_fast")


def strip_c(text: str) -> str:
    """C text without comments, string literals kept, all white space removed."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"\s+", "", text)


def function_bodies(text: str) -> list[tuple[str, str]]:
    """(name, body) of every function defined at file scope, bodies stripped."""
    code = strip_c(text)
    bodies, depth, start, name = [], 0, -1, ""
    for i, ch in enumerate(code):
        if ch == "{":
            if depth == 0 and code[:i].endswith(")"):
                head = code[:i]
                m = re.search(r"(\w+)\([^()]*(?:\([^()]*\)[^()]*)*\)$", head)
                name, start = (m.group(1) if m else "?"), i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and start >= 0:
                bodies.append((name, code[start:i + 1]))
                start = -1
    return bodies


def run(cmd: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


class Checker:
    def __init__(self) -> None:
        self.passed = self.failed = 0

    def check(self, ok: bool, what: str, detail: str = "") -> None:
        if ok:
            self.passed += 1
            print(f"ok    {what}")
        else:
            self.failed += 1
            print(f"FAIL  {what}")
            if detail:
                print("      " + detail.strip().replace("\n", "\n      "))


def summary_counts(output: str) -> dict[str, tuple[int, int]]:
    """part -> (passed, total) from the summary table of `make test`."""
    counts = {}
    for m in re.finditer(r"^\s*(a[1-4])\s+(\d+)/(\d+)\s", output, flags=re.M):
        counts[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return counts


def check_stubs(c: Checker, root: Path) -> None:
    t0 = time.monotonic()
    r = run(["make", "test"], root)
    seconds = time.monotonic() - t0
    out = r.stdout + r.stderr
    c.check(r.returncode != 0, "stubs: make test fails", out[-2000:])
    counts = summary_counts(out)
    c.check(set(counts) == {"a1", "a2", "a3", "a4"}, "stubs: every part is in the summary",
            out[-2000:])
    c.check(all(p == 0 and t > 0 for p, t in counts.values()),
            f"stubs: no case passes ({counts})", out[-2000:])
    c.check("Crashing: 0" in out and not re.search(r"Crashing: [1-9]", out),
            "stubs: no test crashes", out[-2000:])
    c.check("not implemented yet" in out, "stubs: the message says 'not implemented yet'")
    print(f"      (make test on the stubs: {seconds:.1f} s from a clean bundle)")


def check_solutions(c: Checker, root: Path) -> None:
    for part in PARTS:
        shutil.copy(KIT / "solutions" / f"{part}.c", root / "assignments" / f"{part}.c")
    t0 = time.monotonic()
    r = run(["make", "test"], root)
    seconds = time.monotonic() - t0
    out = r.stdout + r.stderr
    c.check(r.returncode == 0, "solutions: make test passes", out[-3000:])
    counts = summary_counts(out)
    c.check(len(counts) == 4 and all(p == t and t > 0 for p, t in counts.values()),
            f"solutions: every case passes ({counts})", out[-2000:])
    print(f"      (make test with the solutions: {seconds:.1f} s)")


def check_no_answers(c: Checker, root: Path) -> None:
    bodies = []
    for part in PARTS:
        for name, body in function_bodies((KIT / "solutions" / f"{part}.c").read_text()):
            if len(body) > 40:  # "{return CL_OK;}" and the like say nothing
                bodies.append((f"{part}.c:{name}", body))
    c.check(len(bodies) >= 14, f"found {len(bodies)} model function bodies to look for")
    leaks = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:  # a binary: look for the solution symbol prefix
            if b"solution_" in data:
                leaks.append(f"{path.relative_to(root)} contains the symbol prefix solution_")
            continue
        text = strip_c(data.decode("utf-8", "replace"))
        for where, body in bodies:
            if body in text:
                leaks.append(f"{path.relative_to(root)} holds the body of {where}")
    c.check(not leaks, "no model solution in the bundle", "\n".join(leaks[:10]))
    names = [p for p in root.rglob("*") if "solution" in p.name.lower()]
    c.check(not names, "no file named after the solutions", "\n".join(map(str, names[:10])))
    refs = [p for p in root.rglob("ref_*.c")]
    c.check(not refs, "no reference source in the bundle", "\n".join(map(str, refs[:10])))


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    bundle = Path(sys.argv[1]).resolve()
    c = Checker()
    with tempfile.TemporaryDirectory(prefix="convlab-bundle.") as tmp:
        r = run(["tar", "-xzf", str(bundle)], Path(tmp))  # as a student unpacks it
        c.check(r.returncode == 0, "the bundle unpacks with tar", r.stderr)
        tops = [p for p in Path(tmp).iterdir() if p.is_dir()]
        c.check(len(tops) == 1, f"the bundle unpacks into one folder ({[p.name for p in tops]})")
        if len(tops) != 1:
            return 1
        root = tops[0]
        env_clean = {k: v for k, v in os.environ.items() if not k.startswith("CONVLAB_")}
        os.environ.clear()
        os.environ.update(env_clean)
        check_no_answers(c, root)
        check_stubs(c, root)
        check_solutions(c, root)
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
