"""Builds the Gradescope autograder zip (`make autograder`).

    python3 grader/gradescope/make_zip.py OUT.zip [--root KIT]

At the zip's root: setup.sh and run_autograder (from grader/gradescope/), and
the kit's source that setup.sh builds on the image: the files git knows
(tracked, or new and not ignored) under the folders listed in INCLUDE. Never
the model solutions (solutions/), the mutants, the slow variants of the
budgets or anything generated (build/). Entries are sorted, dated 1980-01-01
and keep their executable bit, so two builds of the same tree are identical.
"""
from __future__ import annotations

import argparse
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

# What setup.sh needs to build the grader's side (judge, sandbox_exec, worker
# objects, core library, images, expected outputs) and what the grader reads.
INCLUDE = (
    "Makefile", "README.md", "SPEC.md", ".ci/deps.sh",
    "harness/", "assignments/", "images/", "grader/",
    "tests/cases.toml", "tests/budgets.toml", "tests/student/",
)
# Never shipped, even under an included folder.
EXCLUDE = ("solutions/", "build/", "tests/mutants/", "tests/budgets/slow/")
ROOT_FILES = {"setup.sh": "grader/gradescope/setup.sh",
              "run_autograder": "grader/gradescope/run_autograder"}
EPOCH = (1980, 1, 1, 0, 0, 0)


def wanted(rel: str) -> bool:
    if any(rel == e.rstrip("/") or rel.startswith(e) for e in EXCLUDE):
        return False
    if "__pycache__" in rel.split("/") or rel.endswith(".pyc"):
        return False
    return any(rel == i or (i.endswith("/") and rel.startswith(i)) for i in INCLUDE)


def makefile_includes(root: Path) -> set[str]:
    """The files the Makefile includes (`include tests/fuzz/fuzz.mk`): make
    stops when one is missing, so they go in whatever folder they live in."""
    out: set[str] = set()
    try:
        text = (root / "Makefile").read_text(errors="replace")
    except OSError:
        return out
    for m in re.finditer(r"^-?include\s+(.+)$", text, re.M):
        out.update(w for w in m.group(1).split() if "$" not in w)
    return out


def kit_files(root: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
                          "--exclude-standard"], check=True, capture_output=True).stdout
    names = {n for n in out.decode().split("\0") if n}
    extra = makefile_includes(root)
    return [n for n in sorted(names | extra)
            if (wanted(n) or n in extra) and (root / n).is_file() and not (root / n).is_symlink()]


def add(z: zipfile.ZipFile, src: Path, arcname: str) -> None:
    mode = src.stat().st_mode
    info = zipfile.ZipInfo(arcname, EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = ((0o755 if mode & stat.S_IXUSR else 0o644) | stat.S_IFREG) << 16
    z.writestr(info, src.read_bytes())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--root", default=str(Path(__file__).resolve().parents[2]))
    a = ap.parse_args(argv)
    root = Path(a.root).resolve()
    files = kit_files(root)
    if not any(f == "Makefile" for f in files):
        print(f"make_zip: {root} does not look like the kit (no Makefile known to git)", file=sys.stderr)
        return 1
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as z:
        for arc, rel in ROOT_FILES.items():
            add(z, root / rel, arc)
        for rel in files:
            add(z, root / rel, rel)
    os.replace(tmp, out)
    print(f"make_zip: {out}: {len(files) + len(ROOT_FILES)} files, {out.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
