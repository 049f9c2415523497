"""The kit as the grader sees it: where its files are, the case table, the
version, and the hash of the rubric.

The grader never reads anything of a submission from here: every path below
belongs to the trusted kit (its root is --kit-root, by default the folder that
holds this package).
"""
from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from .model import Visibility

# The four parts and the one file each comes from (SPEC §5).
PARTS: dict[str, str] = {
    "a1": "a1_windows.c",
    "a2": "a2_borders.c",
    "a3": "a3_layers.c",
    "a4": "a4_fast.c",
}
PART_OF_FILE: dict[str, str] = {f: p for p, f in PARTS.items()}

# The functions students write, by part (assignments/assignment.h).
FUNCTIONS: dict[str, tuple[str, ...]] = {
    "a1": ("conv_output_size", "get_subimages", "im_conv"),
    "a2": ("flip_kernel", "pad_image", "im_conv_opts", "threshold_binary", "to_uint8"),
    "a3": ("conv2d", "max_pool2d", "avg_pool2d", "upsample", "conv2d_transpose"),
    "a4": ("im_conv_fast",),
}

DEFAULT_ROOT = Path(__file__).resolve().parent.parent


class KitError(Exception):
    """The kit itself is incomplete or broken (not the student's doing)."""


@dataclass(frozen=True)
class Case:
    """One [[case]] of tests/cases.toml, as far as grading is concerned."""

    id: str
    part: str
    function: str
    name: str
    points: float
    description: str
    visibility: Visibility


@dataclass
class Kit:
    """The paths of the trusted side. Everything is overridable from the CLI,
    so that switching between a fake and the real judge is only a path."""

    root: Path = DEFAULT_ROOT
    build: Optional[Path] = None          # default root/build
    judge: Optional[Path] = None          # default build/grader/judge
    sandbox_exec: Optional[Path] = None   # default build/grader/sandbox_exec
    worker_objects: Optional[list[Path]] = None  # what a part file is linked with
    worker_libs: Sequence[str] = ("-lm", "-lpthread")  # the Makefile's worker rule: -lm
    cases_file: Optional[Path] = None     # default tests/cases.toml
    rubric_file: Optional[Path] = None    # default grader/rubric.toml (optional)
    images: Optional[Path] = None         # default build/images
    expected: Optional[Path] = None       # default build/expected

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        b = Path(self.build) if self.build else self.root / "build"
        self.build = b if b.is_absolute() else self.root / b
        self.judge = self._abs(self.judge, self.build / "grader" / "judge")
        self.sandbox_exec = self._abs(self.sandbox_exec, self.build / "grader" / "sandbox_exec")
        self.cases_file = self._abs(self.cases_file, self.root / "tests" / "cases.toml")
        self.rubric_file = self._abs(self.rubric_file, self.root / "grader" / "rubric.toml")
        self.images = self._abs(self.images, self.build / "images")
        self.expected = self._abs(self.expected, self.build / "expected")
        if self.worker_objects is None:   # the Makefile's WORKER_OBJ + the core library
            drivers = self.build / "obj" / "harness" / "drivers"
            self.worker_objects = [drivers / "worker.o", drivers / "protocol.o",
                                   self.build / "libconvlab_core.a"]
        else:
            self.worker_objects = [self._abs(Path(p), Path(p)) for p in self.worker_objects]

    def _abs(self, p: Optional[Path], default: Path) -> Path:
        p = Path(p) if p else default
        return p if p.is_absolute() else (self.root / p)

    # ----------------------------------------------------------- headers
    def headers(self) -> list[tuple[str, Path]]:
        """The kit's headers a part file compiles against, as (relative path,
        source): harness/*.h, assignments/*.h, harness/drivers/*.h. Only
        headers: no .c file of the kit is ever reachable from a student's
        #include."""
        out = []
        for sub in ("harness", "assignments", "harness/drivers"):
            d = self.root / sub
            for h in sorted(d.glob("*.h")):
                out.append((f"{sub}/{h.name}", h))
        if not any(rel == "assignments/assignment.h" for rel, _ in out):
            raise KitError(f"the kit has no assignments/assignment.h under {self.root}")
        return out

    # ------------------------------------------------------------ version
    def version(self) -> str:
        """CL_VERSION of harness/convlab.h."""
        try:
            text = (self.root / "harness" / "convlab.h").read_text(errors="replace")
        except OSError as e:
            raise KitError(f"cannot read harness/convlab.h: {e}") from e
        m = re.search(r'#\s*define\s+CL_VERSION\s+"([^"]*)"', text)
        if not m:
            raise KitError("harness/convlab.h does not define CL_VERSION")
        return m.group(1)

    def rubric_files(self) -> list[Path]:
        files = [self.cases_file]
        if self.rubric_file.is_file():
            files.append(self.rubric_file)
        return files

    def rubric_hash(self) -> str:
        """sha256 of the bytes of the case table (and grader/rubric.toml when
        it exists), so a grade says exactly which rubric produced it."""
        h = hashlib.sha256()
        for f in self.rubric_files():
            h.update(f.name.encode() + b"\0")
            h.update(f.read_bytes())
            h.update(b"\0")
        return "sha256:" + h.hexdigest()

    # -------------------------------------------------------------- cases
    def cases(self) -> list[Case]:
        return load_cases(self.cases_file)

    def missing_pieces(self) -> list[str]:
        """What the kit's build has not produced yet (judge, worker objects,
        images, expected outputs)."""
        need = [self.judge, *self.worker_objects, self.images, self.expected]
        return [str(p) for p in need if not os.path.exists(p)]


def load_cases(path: Path) -> list[Case]:
    """The [[case]] tables of tests/cases.toml (tomllib)."""
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise KitError(f"cannot read the case table {path}: {e}") from e
    out: list[Case] = []
    seen: set[str] = set()
    for i, c in enumerate(doc.get("case", [])):
        try:
            cid = str(c["id"])
            part, function, name = cid.split(".", 2)
            if part not in PARTS:
                raise ValueError(f"unknown part {part!r}")
            if c["function"] != function:
                raise ValueError(f"function {c['function']!r} does not match the id")
            case = Case(id=cid, part=part, function=function, name=name,
                        points=float(c["points"]), description=str(c.get("description", "")),
                        visibility=Visibility(c.get("visibility", "visible")))
        except (KeyError, ValueError) as e:
            raise KitError(f"{path}: case #{i + 1} ({c.get('id', '?')}): {e}") from e
        if cid in seen:
            raise KitError(f"{path}: case {cid} appears twice")
        seen.add(cid)
        out.append(case)
    if not out:
        raise KitError(f"{path} holds no [[case]]")
    return out


def part_points(cases: Sequence[Case]) -> dict[str, float]:
    pts = {p: 0.0 for p in PARTS}
    for c in cases:
        pts[c.part] += c.points
    return {p: round(v, 4) for p, v in pts.items()}
