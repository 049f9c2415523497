"""Intake: take the four allowed files out of a submission, and nothing else.

A submission is a folder, a .zip, or a tar archive (.tar, .tar.gz/.tgz,
.tar.bz2, .tar.xz; recognised by their first bytes, not their names). Intake
looks for the files a1_windows.c, a2_borders.c, a3_layers.c and a4_fast.c
wherever they sit, reads them into memory with caps, and the grader writes
them into a fresh private folder. It never extracts an archive to disk, never
follows a link, and never takes anything else (no Makefile, header or test of
the student's).

Decisions (grader/README.md repeats them):

* The whole submission is refused, with a message, when an archive member has
  an absolute path ("/etc/x.c", "C:\\x.c") or climbs out ("../x.c"), when an
  archive has more than `max_members` members, declares more than
  `max_total_bytes` uncompressed, expands more than `max_ratio` times its
  compressed size, or is not an archive we read. The byte cap is checked on
  the headers and again while decompressing (a tar stream is decompressed
  through a reader that stops at the cap; a zip member is read with a cap).
* A part is refused (it scores 0, with a message; the other parts are
  graded) when its file is a symbolic or hard link, a device or a fifo, is
  larger than `max_file_bytes`, is encrypted, or cannot be read.
* Duplicates: when a file is found in several places, the shallowest copy is
  taken and the note says which copies were ignored. Two copies at the same
  shallowest depth are fine when their bytes are identical; when they differ
  the part is refused (we will not guess which one the student meant).
* `__MACOSX/` folders are skipped. A folder whose files hold none of the
  four, but exactly one archive at its top level (what Gradescope does with a
  student's uploaded archive), is read through that archive; archives inside
  archives are never opened.
"""
from __future__ import annotations

import bz2
import errno
import gzip
import io
import lzma
import os
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Optional

from .kit import PARTS

ALLOWED = frozenset(PARTS.values())
MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 1 * MiB          # one source file
    max_archive_bytes: int = 32 * MiB      # the archive file itself
    max_total_bytes: int = 64 * MiB        # everything an archive expands to
    max_members: int = 2000                # archive members, or folder entries x 10
    max_ratio: float = 200.0               # uncompressed / compressed
    ratio_floor_bytes: int = 4 * MiB       # the ratio is checked above this size
    max_depth: int = 16                    # folder nesting
    max_candidates: int = 4                # copies of one name kept at the shallowest depth


class SubmissionRejected(Exception):
    """The whole submission is refused; str(e) says why, for the student."""


@dataclass
class PartIntake:
    """What intake found for one part."""

    part: str
    file: str
    data: Optional[bytes] = None   # the accepted bytes, None when missing or refused
    origin: str = ""               # where it was found, inside the submission
    problem: str = ""              # why the part is refused ("" if accepted or missing)
    note: str = ""                 # duplicates, near misses

    @property
    def accepted(self) -> bool:
        return self.data is not None

    @property
    def missing(self) -> bool:
        return self.data is None and not self.problem


@dataclass
class Intake:
    """The result of intake: one PartIntake per part, notes on the whole."""

    kind: str                                  # "folder", "zip", "tar", "tar.gz", ...
    parts: dict[str, PartIntake] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def write_sources(self, dest: Path) -> dict[str, Path]:
        """Writes the accepted files into dest (created fresh, private) and
        returns {part: path}. Names are ours (the allowed names), never the
        archive's."""
        os.makedirs(dest, mode=0o700, exist_ok=False)
        out: dict[str, Path] = {}
        for part, pi in self.parts.items():
            if pi.data is None:
                continue
            p = Path(dest) / pi.file
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(pi.data)
            out[part] = p
        return out


# --------------------------------------------------------------- choosing
@dataclass
class _Candidate:
    origin: str
    depth: int
    data: Optional[bytes]
    problem: str


class _Chooser:
    """Keeps, for each allowed name, the copies at the shallowest depth seen."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.best: dict[str, list[_Candidate]] = {}
        self.ignored: dict[str, list[str]] = {}
        self.near: dict[str, list[str]] = {}

    def offer(self, name: str, origin: str, depth: int,
              data: Optional[bytes], problem: str = "") -> None:
        cur = self.best.get(name)
        cand = _Candidate(origin, depth, data, problem)
        if not cur or depth < cur[0].depth:
            if cur:
                self.ignored.setdefault(name, []).extend(c.origin for c in cur)
            self.best[name] = [cand]
        elif depth == cur[0].depth and len(cur) < self.limits.max_candidates:
            cur.append(cand)
        else:
            self.ignored.setdefault(name, []).append(origin)

    def wants(self, name: str, depth: int) -> bool:
        """Whether a copy of name at depth would be kept (so its bytes are worth reading)."""
        cur = self.best.get(name)
        return not cur or depth < cur[0].depth or (
            depth == cur[0].depth and len(cur) < self.limits.max_candidates)

    def near_miss(self, base: str, origin: str) -> None:
        low = base.lower()
        for allowed in ALLOWED:
            stem = allowed[:-2]
            if base != allowed and (low == allowed or (stem in low and low.endswith(".c"))
                                    or low in (stem, stem + ".txt", allowed + ".txt")):
                lst = self.near.setdefault(allowed, [])
                if len(lst) < 3:
                    lst.append(origin)

    def decide(self, kind: str) -> Intake:
        result = Intake(kind=kind)
        for part, name in PARTS.items():
            pi = PartIntake(part=part, file=name)
            cands = self.best.get(name, [])
            ignored = self.ignored.get(name, [])
            if not cands:
                pi.note = f"{name} is not in the submission"
                if self.near.get(name):
                    pi.note += ("; found " + ", ".join(self.near[name])
                                + f": the file must be named exactly {name}")
            else:
                first = cands[0]
                same_depth = cands[1:]
                if any(c.problem for c in cands):
                    bad = next(c for c in cands if c.problem)
                    pi.origin, pi.problem = bad.origin, bad.problem
                elif same_depth and any(c.data != first.data for c in same_depth):
                    pi.origin = first.origin
                    pi.problem = (f"found different copies of {name} at the same depth ("
                                  + ", ".join(c.origin for c in cands)
                                  + "): keep only the one to grade")
                else:
                    pi.origin, pi.data = first.origin, first.data
                    extra = [c.origin for c in same_depth] + ignored
                    if extra:
                        shown = ", ".join(extra[:5]) + (" ..." if len(extra) > 5 else "")
                        pi.note = f"graded {first.origin}; ignored the other copies: {shown}"
            result.parts[part] = pi
        return result


# ---------------------------------------------------------------- helpers
def _check_member_name(name: str) -> list[str]:
    """The components of an archive member's name, or SubmissionRejected for
    an absolute path or a path that climbs out."""
    if "\0" in name:
        raise SubmissionRejected(f"the archive holds a member whose name has a NUL byte ({name!r})")
    if name.startswith(("/", "\\")) or (len(name) >= 2 and name[1] == ":" and name[0].isalpha()):
        raise SubmissionRejected(
            f"the archive holds a member with an absolute path ({name!r}); "
            "make the archive from inside your folder (e.g. zip submission.zip *.c)")
    comps = [c for c in name.replace("\\", "/").split("/") if c not in ("", ".")]
    if ".." in comps:
        raise SubmissionRejected(
            f"the archive holds a member whose path climbs out of it ({name!r}); "
            "such archives are refused")
    return comps


def _skipped(comps: list[str]) -> bool:
    return any(c == "__MACOSX" for c in comps[:-1])


def _bomb(what: str) -> SubmissionRejected:
    return SubmissionRejected(
        f"the archive {what}: it looks like an archive bomb and is refused; "
        "submit only your .c files")


class _CappedReader(io.RawIOBase):
    """Reads from a decompressing stream and raises once more than `cap`
    bytes came out, or once the output is more than `ratio` times the input
    (past `floor` bytes)."""

    def __init__(self, inner: BinaryIO, cap: int, compressed_size: int,
                 ratio: float, floor: int) -> None:
        self.inner, self.cap = inner, cap
        self.compressed_size, self.ratio, self.floor = max(compressed_size, 1), ratio, floor
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        data = self.inner.read(len(b))
        n = len(data)
        b[:n] = data
        self.total += n
        if self.total > self.cap:
            raise _bomb(f"expands to more than {self.cap // MiB} MiB")
        if self.total > self.floor and self.total / self.compressed_size > self.ratio:
            raise _bomb(f"expands more than {self.ratio:g} times its size")
        return n


def _sniff(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(264)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "tar.gz"
    if head.startswith(b"BZh"):
        return "tar.bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "tar.xz"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    return ""


# ----------------------------------------------------------------- folder
def _read_regular(path: str, limits: Limits) -> tuple[Optional[bytes], str]:
    """Reads a file that must be a regular file (no link followed), with the cap."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return None, "is a symbolic link: links are never followed; submit the file itself"
        return None, f"cannot be read ({e.strerror})"
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            return None, "is not a regular file"
        data = f.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        return None, f"is larger than {limits.max_file_bytes // 1024} KiB: refused"
    return data, ""


def _walk_folder(root: Path, limits: Limits, chooser: _Chooser) -> list[Path]:
    """Offers every allowed name under root to chooser; returns the archives
    found at the top level."""
    archives: list[Path] = []
    entries = 0
    stack: list[tuple[str, list[str]]] = [(str(root), [])]
    while stack:
        d, rel = stack.pop()
        try:
            with os.scandir(d) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError as e:
            raise SubmissionRejected(f"cannot read the folder {'/'.join(rel) or '.'}: {e.strerror}")
        for e in items:
            entries += 1
            if entries > limits.max_members * 10:
                raise SubmissionRejected(
                    f"the submission holds more than {limits.max_members * 10} files and folders; "
                    "submit only your .c files")
            comps = rel + [e.name]
            origin = "/".join(comps)
            depth = len(rel)
            if e.is_symlink():
                if e.name in ALLOWED:
                    chooser.offer(e.name, origin, depth, None,
                                  "is a symbolic link: links are never followed; submit the file itself")
                continue
            if e.is_dir(follow_symlinks=False):
                if e.name == "__MACOSX" or e.name == ".git":
                    continue
                if depth + 1 > limits.max_depth:
                    raise SubmissionRejected(
                        f"the submission nests folders deeper than {limits.max_depth} levels")
                stack.append((e.path, comps))
                continue
            if e.name in ALLOWED:
                if chooser.wants(e.name, depth):
                    data, problem = _read_regular(e.path, limits)
                    chooser.offer(e.name, origin, depth, data, problem)
                else:
                    chooser.offer(e.name, origin, depth, None, "")
            else:
                chooser.near_miss(e.name, origin)
                if depth == 0 and e.is_file(follow_symlinks=False):
                    try:
                        if _sniff(Path(e.path)):
                            archives.append(Path(e.path))
                    except OSError:
                        pass
    return archives


# -------------------------------------------------------------------- zip
def _from_zip(path: Path, limits: Limits, chooser: _Chooser) -> None:
    size = os.path.getsize(path)
    if size > limits.max_archive_bytes:
        raise SubmissionRejected(f"the archive is larger than {limits.max_archive_bytes // MiB} MiB")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as e:
        raise SubmissionRejected(f"the .zip cannot be read ({e})")
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise SubmissionRejected(
                f"the archive has {len(infos)} members (more than {limits.max_members}); "
                "submit only your .c files")
        total = 0
        listed = []
        for info in infos:                       # every header first
            comps = _check_member_name(info.filename)
            total += info.file_size
            if total > limits.max_total_bytes:
                raise _bomb(f"declares more than {limits.max_total_bytes // MiB} MiB uncompressed")
            if (info.file_size > limits.ratio_floor_bytes
                    and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
                raise _bomb(f"member {info.filename!r} expands {info.file_size // max(info.compress_size, 1)} times")
            listed.append((info, comps))
        if total > limits.ratio_floor_bytes and total > limits.max_ratio * max(size, 1):
            raise _bomb(f"expands more than {limits.max_ratio:g} times its size")
        read_total = 0
        for info, comps in listed:
            if not comps or info.is_dir() or _skipped(comps):
                continue
            base, depth, origin = comps[-1], len(comps) - 1, "/".join(comps)
            if base not in ALLOWED:
                chooser.near_miss(base, origin)
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                chooser.offer(base, origin, depth, None,
                              "is a symbolic link in the archive: submit the file itself")
                continue
            if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                chooser.offer(base, origin, depth, None, "is not a regular file in the archive")
                continue
            if info.flag_bits & 0x1:
                chooser.offer(base, origin, depth, None, "is encrypted in the archive")
                continue
            if info.file_size > limits.max_file_bytes:
                chooser.offer(base, origin, depth, None,
                              f"is larger than {limits.max_file_bytes // 1024} KiB: refused")
                continue
            if not chooser.wants(base, depth):
                chooser.offer(base, origin, depth, None, "")
                continue
            try:
                with zf.open(info) as f:
                    data = f.read(limits.max_file_bytes + 1)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError,
                    EOFError, OSError, ValueError) as e:
                chooser.offer(base, origin, depth, None, f"cannot be read from the archive ({e})")
                continue
            read_total += len(data)
            if read_total > limits.max_total_bytes:
                raise _bomb(f"expands to more than {limits.max_total_bytes // MiB} MiB")
            if len(data) > limits.max_file_bytes:
                chooser.offer(base, origin, depth, None,
                              f"is larger than {limits.max_file_bytes // 1024} KiB: refused")
                continue
            chooser.offer(base, origin, depth, data, "")


# -------------------------------------------------------------------- tar
def _from_tar(path: Path, kind: str, limits: Limits, chooser: _Chooser) -> None:
    size = os.path.getsize(path)
    if size > limits.max_archive_bytes:
        raise SubmissionRejected(f"the archive is larger than {limits.max_archive_bytes // MiB} MiB")
    raw = open(path, "rb")
    try:
        inner: BinaryIO
        if kind == "tar.gz":
            inner = gzip.GzipFile(fileobj=raw)  # type: ignore[assignment]
        elif kind == "tar.bz2":
            inner = bz2.BZ2File(raw)  # type: ignore[assignment]
        elif kind == "tar.xz":
            inner = lzma.LZMAFile(raw)  # type: ignore[assignment]
        else:
            inner = raw
        capped = io.BufferedReader(_CappedReader(inner, limits.max_total_bytes, size,
                                                 limits.max_ratio, limits.ratio_floor_bytes))
        members = 0
        declared = 0
        try:
            with tarfile.open(fileobj=capped, mode="r|") as tf:
                for m in tf:
                    members += 1
                    if members > limits.max_members:
                        raise SubmissionRejected(
                            f"the archive has more than {limits.max_members} members; "
                            "submit only your .c files")
                    comps = _check_member_name(m.name)
                    declared += max(m.size, 0)
                    if declared > limits.max_total_bytes:
                        raise _bomb(f"declares more than {limits.max_total_bytes // MiB} MiB uncompressed")
                    if not comps or m.isdir() or _skipped(comps):
                        continue
                    base, depth, origin = comps[-1], len(comps) - 1, "/".join(comps)
                    if base not in ALLOWED:
                        chooser.near_miss(base, origin)
                        continue
                    if m.issym() or m.islnk():
                        chooser.offer(base, origin, depth, None,
                                      "is a link in the archive: submit the file itself")
                    elif not m.isreg():
                        chooser.offer(base, origin, depth, None, "is not a regular file in the archive")
                    elif m.size > limits.max_file_bytes:
                        chooser.offer(base, origin, depth, None,
                                      f"is larger than {limits.max_file_bytes // 1024} KiB: refused")
                    elif not chooser.wants(base, depth):
                        chooser.offer(base, origin, depth, None, "")
                    else:
                        f = tf.extractfile(m)
                        data = f.read(limits.max_file_bytes + 1) if f else b""
                        if len(data) > limits.max_file_bytes:
                            chooser.offer(base, origin, depth, None,
                                          f"is larger than {limits.max_file_bytes // 1024} KiB: refused")
                        else:
                            chooser.offer(base, origin, depth, data, "")
        except SubmissionRejected:
            raise
        except (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError, ValueError) as e:
            raise SubmissionRejected(f"the archive cannot be read ({e})")
    finally:
        raw.close()


# ------------------------------------------------------------------- main
def take(submission: Path, limits: Limits = Limits()) -> Intake:
    """Intake of one submission (a folder or an archive). Raises
    SubmissionRejected when the whole submission is refused."""
    submission = Path(submission)
    chooser = _Chooser(limits)
    notes: list[str] = []
    if submission.is_dir():
        kind = "folder"
        archives = _walk_folder(submission, limits, chooser)
        if not chooser.best and archives:
            if len(archives) == 1:
                akind = _sniff(archives[0])
                notes.append(f"the folder holds no .c file of the assignment; "
                             f"read the archive {archives[0].name}")
                chooser = _Chooser(limits)
                _from_archive(archives[0], akind, limits, chooser)
                kind = f"folder with {akind}"
            else:
                notes.append("the folder holds several archives ("
                             + ", ".join(a.name for a in archives[:5])
                             + "), none of them opened: submit the .c files themselves")
    elif submission.is_file():
        kind = _sniff(submission)
        if not kind:
            if submission.name in ALLOWED:
                kind = "file"
                data, problem = _read_regular(str(submission), limits)
                chooser.offer(submission.name, submission.name, 0, data, problem)
            else:
                raise SubmissionRejected(
                    f"{submission.name} is neither a folder, a .zip nor a tar archive")
        else:
            _from_archive(submission, kind, limits, chooser)
    else:
        raise SubmissionRejected(f"{submission} does not exist or is not a file or a folder")
    result = chooser.decide(kind)
    result.notes = notes + result.notes
    return result


def _from_archive(path: Path, kind: str, limits: Limits, chooser: _Chooser) -> None:
    if kind == "zip":
        _from_zip(path, limits, chooser)
    else:
        _from_tar(path, kind, limits, chooser)
