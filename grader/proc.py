"""Running a command with a wall timeout that kills its whole process group,
and trimming what it printed."""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence


@dataclass
class Completed:
    returncode: Optional[int]   # None when the wall timeout struck
    output: str                 # stdout and stderr together, trimmed
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def _kill_group(p: subprocess.Popen) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run(cmd: Sequence[str], *, cwd: Optional[Path] = None, timeout: float = 30,
        max_lines: int = 40, max_bytes: int = 4096) -> Completed:
    """Runs cmd in a new session (so that the timeout kills everything it
    started), stdout and stderr into a temporary file (never an unbounded
    pipe), and returns the first max_lines / max_bytes of what it printed."""
    import time

    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(list(cmd), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT, start_new_session=True)
        try:
            rc: Optional[int] = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(p)
            p.wait()
            rc = None
        else:
            _kill_group(p)  # anything it left behind in its session
        out.seek(0)
        head = out.read(max_bytes + 1)
        out.seek(0, os.SEEK_END)
        total = out.tell()
    return Completed(rc, trim(head.decode("utf-8", "replace"), max_lines, max_bytes, total),
                     time.monotonic() - t0)


def trim(text: str, max_lines: int = 40, max_bytes: int = 4096, total: Optional[int] = None) -> str:
    """The first max_lines lines and max_bytes bytes of text, with a note of
    what was cut."""
    total = len(text.encode()) if total is None else total
    cut = False
    lines = text.splitlines()
    if len(lines) > max_lines:
        lines, cut = lines[:max_lines], True
    out = "\n".join(lines)
    if len(out.encode()) > max_bytes:
        out, cut = out.encode()[:max_bytes].decode("utf-8", "ignore"), True
    if cut or total > len(text.encode()):
        out = out.rstrip("\n") + f"\n[... cut: {total} bytes in all]"
    return out
