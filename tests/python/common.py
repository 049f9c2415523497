"""Shared helpers of the Python cross-check: run the CLI, move arrays in and
out through .npy files in temporary folders, compare with printed errors.

Environment:
    CONVLAB         path of the CLI (default build/convlab, relative to the
                    repository root)
    CONVLAB_IMAGES  the build/images folder (optional; tests that need it skip)

numpy is required. scipy, cv2 (OpenCV) and torch are optional oracles: a test
that needs one calls `need(self, "scipy.signal")` and skips, naming the
package, when it cannot be imported.
"""
from __future__ import annotations

import importlib
import itertools
import os
import shlex
import struct
import subprocess
import tempfile
import unittest
import zlib
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def _binary() -> Path:
    p = Path(os.environ.get("CONVLAB", "build/convlab"))
    return p if p.is_absolute() else (ROOT / p)


CONVLAB = _binary()
IMAGES = Path(os.environ["CONVLAB_IMAGES"]) if os.environ.get("CONVLAB_IMAGES") else None
FASHION_T10K = Path("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")

# The implementations every cross-check runs (the student's stubs are checked
# separately in test_cli.py).
IMPLS = ("reference", "solution")

# Border names of the CLI and the numpy.pad mode each one is defined as (SPEC §4).
NP_MODE = {
    "zero": "constant",
    "replicate": "edge",
    "reflect": "symmetric",
    "reflect101": "reflect",
    "wrap": "wrap",
}
BORDERS = tuple(NP_MODE)

# ----------------------------------------------------------- optional oracles

_modules: dict = {}


def optional(name: str):
    """The module, or None when it cannot be imported (cached)."""
    if name not in _modules:
        try:
            _modules[name] = importlib.import_module(name)
        except Exception:  # ImportError, or a broken install raising anything
            _modules[name] = None
    return _modules[name]


def need(tc: unittest.TestCase, name: str):
    """The module, or skip the test naming the missing package."""
    mod = optional(name)
    if mod is None:
        pkg = {"scipy.signal": "scipy (python3-scipy)", "cv2": "cv2 (python3-opencv)",
               "torch": "torch (python3-torch)"}.get(name, name)
        tc.skipTest(f"oracle package {pkg} is not importable")
    return mod


# ------------------------------------------------------------------ the CLI


def run_cli(args: Sequence[str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs `convlab ARGS...`, capturing text output. Never raises on exit codes."""
    return subprocess.run([str(CONVLAB), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=str(ROOT))


def cmdline(args: Sequence[str]) -> str:
    return "convlab " + " ".join(shlex.quote(str(a)) for a in args)


def fmt_opts(value) -> str:
    """3 -> "3", (2, 3) -> "2,3"."""
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    return str(value)


class Workdir:
    """A temporary folder for one test: numbered .npy inputs and outputs."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="convlab-py-")
        self.path = Path(self._tmp.name)
        self._counter = itertools.count()

    def close(self) -> None:
        self._tmp.cleanup()

    def __enter__(self) -> "Workdir":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def name(self, stem: str, ext: str = ".npy") -> Path:
        return self.path / f"{stem}{next(self._counter)}{ext}"

    def npy(self, arr: np.ndarray, stem: str = "in") -> Path:
        p = self.name(stem)
        np.save(p, np.ascontiguousarray(arr), allow_pickle=False)
        return p

    def raw(self, data: bytes, stem: str = "raw", ext: str = ".npy") -> Path:
        p = self.name(stem, ext)
        p.write_bytes(data)
        return p


class CliTestCase(unittest.TestCase):
    """Base class: checks the binary exists, gives each test a Workdir."""

    maxDiff = None

    @classmethod
    def setUpClass(cls) -> None:
        if not (CONVLAB.is_file() and os.access(CONVLAB, os.X_OK)):
            raise AssertionError(f"the CLI {CONVLAB} does not exist; build it with `make` "
                                 f"or set CONVLAB")

    def setUp(self) -> None:
        self.wd = Workdir()
        self.addCleanup(self.wd.close)

    # -- running operations -------------------------------------------------

    def run_op(self, op: str, impl: str, x: np.ndarray, kernel=None, bias=None,
               opts: Iterable = (), out_ext: str = ".npy") -> np.ndarray:
        """Runs `convlab run OP --impl IMPL -i x.npy -o out.npy [-k ...] OPTS` and
        returns the output array. kernel: an array (written to a .npy) or a
        kernel name. Fails the test with the command line and stderr when the
        CLI fails, and checks the input files were not modified."""
        inp = self.wd.npy(np.asarray(x, dtype=np.float32), "in")
        args = ["run", op, "--impl", impl, "-i", inp]
        watched = [inp]
        if kernel is not None:
            if isinstance(kernel, str):
                args += ["-k", kernel]
            else:
                kp = self.wd.npy(np.asarray(kernel, dtype=np.float32), "k")
                args += ["-k", kp]
                watched.append(kp)
        if bias is not None:
            bp = self.wd.npy(np.asarray(bias, dtype=np.float32), "bias")
            args += ["--bias", bp]
            watched.append(bp)
        args += [str(o) for o in opts]
        out = self.wd.name("out", out_ext)
        args += ["-o", out]
        before = [p.read_bytes() for p in watched]
        r = run_cli(args)
        if r.returncode != 0:
            self.fail(f"{cmdline(args)}\n  exited {r.returncode}; stderr: {r.stderr.strip()}")
        self.assertTrue(out.exists(), f"{cmdline(args)} exited 0 but wrote no {out.name}")
        for p, b in zip(watched, before):
            self.assertEqual(p.read_bytes(), b, f"{cmdline(args)} modified its input {p.name}")
        if out_ext == ".npy":
            return np.load(out, allow_pickle=False)
        return out  # type: ignore[return-value]

    def run_fail(self, args: Sequence[str], out: Optional[Path] = None,
                 names: Sequence[str] = ()) -> str:
        """Runs a command that must fail: non-zero exit (not a signal), exactly one
        stderr line starting "convlab: ", which mentions one of `names`
        (case-insensitive) when given, and no output file (nor a leftover
        temporary) written. Returns the stderr line."""
        listing = set(os.listdir(self.wd.path))
        r = run_cli(args, timeout=30)
        cl = cmdline(args)
        self.assertGreater(r.returncode, 0, f"{cl}\n  should fail; exited {r.returncode}, "
                           f"stderr: {r.stderr.strip()!r}")
        self.assertLess(r.returncode, 128, f"{cl}\n  died of a signal-like code {r.returncode}")
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"{cl}\n  wants exactly one stderr line, got: {r.stderr!r}")
        line = lines[0]
        self.assertTrue(line.startswith("convlab: "), f"{cl}\n  stderr should start 'convlab: ': {line!r}")
        if names:
            low = line.lower()
            self.assertTrue(any(n.lower() in low for n in names),
                            f"{cl}\n  message should name the problem (one of {list(names)}): {line!r}")
        if out is not None:
            self.assertFalse(Path(out).exists(), f"{cl}\n  failed but left its output {out}")
        extra = set(os.listdir(self.wd.path)) - listing
        self.assertFalse(extra, f"{cl}\n  failed but left files behind: {sorted(extra)}")
        return line

    # -- comparisons ----------------------------------------------------------

    def assert_exact(self, got: np.ndarray, exp: np.ndarray, what: str = "") -> None:
        exp = np.asarray(exp)
        self.assertEqual(got.shape, exp.shape, f"{what}: shape {got.shape}, expected {exp.shape}")
        self.assertEqual(got.dtype, exp.dtype, f"{what}: dtype {got.dtype}, expected {exp.dtype}")
        if np.array_equal(got, exp, equal_nan=got.dtype.kind == "f"):
            return
        if got.dtype.kind == "f":
            same = (got == exp) | (np.isnan(got) & np.isnan(exp))
        else:
            same = got == exp
        bad = np.argwhere(~same)
        first = tuple(int(i) for i in bad[0])
        err = np.abs(got.astype(np.float64) - exp.astype(np.float64))
        at = np.unravel_index(int(np.nanargmax(err)), err.shape) if err.size else ()
        self.fail(f"{what}: {len(bad)} of {got.size} values differ (exact comparison); first at "
                  f"{first}: got {got[first]!r}, expected {exp[first]!r}; largest error "
                  f"{np.nanmax(err):.6g} at {tuple(int(i) for i in at)}")

    def assert_close(self, got: np.ndarray, exp: np.ndarray, atol: float, rtol: float = 0.0,
                     what: str = "") -> None:
        exp = np.asarray(exp, dtype=np.float64)
        self.assertEqual(got.shape, exp.shape, f"{what}: shape {got.shape}, expected {exp.shape}")
        self.assertEqual(got.dtype, np.float32, f"{what}: dtype {got.dtype}, expected float32")
        g = got.astype(np.float64)
        err = np.abs(g - exp)
        bad = ~(err <= atol + rtol * np.abs(exp))  # NaN in got counts as bad
        if not bad.any():
            return
        idx = np.argwhere(bad)
        first = tuple(int(i) for i in idx[0])
        err_nn = np.where(np.isnan(err), np.inf, err)
        at = np.unravel_index(int(np.argmax(err_nn)), err.shape)
        at = tuple(int(i) for i in at)
        self.fail(f"{what}: {len(idx)} of {got.size} values outside atol={atol:.3g} rtol={rtol:.3g}; "
                  f"largest error {err_nn[at]:.6g} at {at} (got {g[at]!r}, expected {exp[at]!r}); "
                  f"first at {first} (got {g[first]!r}, expected {exp[first]!r})")


def sum_atol(nterms: int, *maxabs: float) -> float:
    """Tolerance of a float32 sum of `nterms` products: 1e-5 * n * Π max|factor|
    (generous for rounding, far below the size of one misplaced term)."""
    scale = 1.0
    for m in maxabs:
        scale *= max(float(m), 1e-30)
    return 1e-5 * max(nterms, 1) * scale + 1e-7


def maxabs(a) -> float:
    """max|a| (0 for None or empty)."""
    if a is None:
        return 0.0
    a = np.asarray(a)
    return float(np.max(np.abs(a))) if a.size else 0.0


# ------------------------------------------------------------ file crafting


def npy_bytes(descr: str, shape: tuple, fortran: bool = False, payload: bytes = b"",
              magic: bytes = b"\x93NUMPY", version: bytes = b"\x01\x00") -> bytes:
    """A .npy file with a hand-made header (for malformed and absurd cases)."""
    hdr = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, "True" if fortran else "False", repr(tuple(shape)))
    total = len(magic) + len(version) + 2 + len(hdr) + 1
    hdr += " " * ((64 - total % 64) % 64) + "\n"
    return magic + version + struct.pack("<H", len(hdr)) + hdr.encode("latin1") + payload


def png_bytes(img: np.ndarray) -> bytes:
    """An 8-bit PNG (gray for 2-D, RGB for (H,W,3)), no external library."""
    a = np.asarray(img, dtype=np.uint8)
    color = 0 if a.ndim == 2 else {3: 2, 4: 6}[a.shape[2]]
    h, w = a.shape[:2]
    rows = a.reshape(h, -1)
    raw = b"".join(b"\x00" + rows[y].tobytes() for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def png_size(path: Path) -> tuple:
    """(width, height, bit depth, color type) from a PNG's IHDR."""
    data = Path(path).read_bytes()[:33]
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG")
    w, h, depth, color = struct.unpack(">IIBB", data[16:26])
    return w, h, depth, color


def png_read(path: Path) -> np.ndarray:
    """Decodes a non-interlaced 8-bit PNG (gray, gray+alpha, RGB, RGBA) to uint8
    (H,W) or (H,W,C); enough for the PNGs the CLI writes."""
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if tag == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat += body
        elif tag == b"IEND":
            break
    w, h, depth, color, _, _, interlace = hdr
    if depth != 8 or interlace or color == 3:
        raise ValueError(f"{path}: unsupported PNG (depth {depth}, color {color}, interlace {interlace})")
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[color]
    raw = zlib.decompress(idat)
    stride = w * ch
    out = np.zeros((h, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1).astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        for i in range(stride):
            a = cur[i - ch] if i >= ch else 0
            b = prev[i]
            c = prev[i - ch] if i >= ch else 0
            if f == 0:
                pred = 0
            elif f == 1:
                pred = a
            elif f == 2:
                pred = b
            elif f == 3:
                pred = (a + b) // 2
            else:  # Paeth
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if (pa <= pb and pa <= pc) else (b if pb <= pc else c)
            cur[i] = (line[i] + pred) & 0xFF
        out[y] = cur
        prev = cur
    return out.reshape(h, w) if ch == 1 else out.reshape(h, w, ch)
