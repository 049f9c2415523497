"""The sandbox every piece of student code runs in.

Two things touch student bytes: the build (gcc, nm and ld reading the
student's file and object) and the worker (the student's code itself, started
by the judge once per part). Both run through a Sandbox:

bubblewrap (when `bwrap` is on PATH and a smoke test passes):
    [setpriv --reuid=U --regid=G --clear-groups]     when the grader is root
    bwrap --unshare-all --unshare-user [--disable-userns]
          --die-with-parent --new-session --cap-drop ALL
          --ro-bind /usr /usr, /lib /lib64 /bin /sbin (symlinks or read-only
          binds, as on the host), /etc/ld.so.cache and /etc/ld.so.conf*
          --proc /proc --dev /dev --size 64MiB --tmpfs /tmp
          --clearenv --setenv PATH /usr/bin:/bin --setenv HOME /tmp ...
          the worker:  --ro-bind WORKER /worker --chdir /tmp
          the build:   --bind BUILD_DIR /build --chdir /build
          --ro-bind sandbox_exec /sandbox_exec
    /sandbox_exec --cpu 20 --as 2048 --nproc 64 --fsize 16 --nofile 64 --no-core -- /worker
    No network (own network namespace), own PID/IPC/UTS/cgroup namespaces,
    a read-only system, and no view of the kit, the tests, the expected data,
    the results or the submission: only the one binary (or the one private
    build folder). Running bwrap through setpriv makes the sandboxed
    processes belong to an unprivileged user outside the namespace too, so
    that RLIMIT_NPROC counts them (the kernel does not apply it to root).

fallback (bubblewrap missing, or it cannot create namespaces here):
    [unshare -n]                                     when it works (root)
    [setpriv --reuid=U --regid=G --clear-groups]     when root
    env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C.UTF-8
    sandbox_exec (or util-linux prlimit until the kit's is built) LIMITS -- WORKER
    Rlimits, no network when unshare works, an unprivileged user when root.
    The student's code can still read what that user can read: say so.

Each SubmissionResult records `Sandbox.description`, which says which one was
in force. grader/README.md has the same text.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional, Sequence

NOBODY_UID = 65534
NOGROUP_GID = 65534
SAFE_PATH = "/usr/bin:/bin"


@dataclass(frozen=True)
class Limits:
    """rlimits (sandbox_exec's options)."""

    cpu_s: int
    as_mb: int
    nproc: int
    fsize_mb: int
    nofile: int
    no_core: bool = True

    def sandbox_exec_args(self) -> list[str]:
        a = ["--cpu", str(self.cpu_s), "--as", str(self.as_mb), "--nproc", str(self.nproc),
             "--fsize", str(self.fsize_mb), "--nofile", str(self.nofile)]
        return a + (["--no-core"] if self.no_core else [])

    def prlimit_args(self) -> list[str]:
        mb = 1 << 20
        a = [f"--cpu={self.cpu_s}", f"--as={self.as_mb * mb}", f"--nproc={self.nproc}",
             f"--fsize={self.fsize_mb * mb}", f"--nofile={self.nofile}"]
        return a + (["--core=0"] if self.no_core else [])

    def words(self) -> str:
        return (f"cpu {self.cpu_s} s, address space {self.as_mb} MiB, {self.nproc} processes, "
                f"files {self.fsize_mb} MiB, {self.nofile} open files"
                + (", no core" if self.no_core else ""))


# SPEC §6 and the brief: the worker's limits. The build's are wider (gcc).
WORKER_LIMITS = Limits(cpu_s=20, as_mb=2048, nproc=64, fsize_mb=16, nofile=64)
BUILD_LIMITS = Limits(cpu_s=60, as_mb=2048, nproc=64, fsize_mb=64, nofile=256)
TMPFS_BYTES = 64 << 20


class SandboxError(Exception):
    pass


@dataclass(frozen=True)
class Sandbox:
    kind: str                              # "bubblewrap" | "fallback"
    bwrap: Optional[str] = None            # path of bwrap (bubblewrap only)
    bwrap_version: str = ""
    bwrap_flags: tuple[str, ...] = ()      # optional flags this bwrap supports
    sandbox_exec: Optional[Path] = None    # the kit's; None: prlimit is used
    prlimit: Optional[str] = None
    setpriv: Optional[str] = None          # set when the grader is root
    uid: Optional[int] = None              # the user the code runs as (root only)
    gid: Optional[int] = None
    unshare: Optional[str] = None          # fallback: `unshare -n` works here

    # ---------------------------------------------------------- describe
    @property
    def description(self) -> str:
        who = f"uid {self.uid}" if self.uid is not None else "the grader's own user"
        if self.uid == NOBODY_UID:
            who += " (nobody)"
        lim = ("rlimits by sandbox_exec" if self.sandbox_exec
               else "rlimits by prlimit (sandbox_exec not built)" if self.prlimit
               else "no rlimits (neither sandbox_exec nor prlimit found)")
        if self.kind == "bubblewrap":
            return (f"bubblewrap {self.bwrap_version}: no network, own PID/IPC/UTS namespaces, "
                    f"read-only /usr, only the worker visible, as {who}; {lim}")
        parts = ["fallback: " + lim]
        parts.append("unshare -n (no network)" if self.unshare else "network NOT isolated")
        parts.append(f"as {who}")
        return " + ".join(parts)

    def for_uid(self, uid: int, gid: int) -> "Sandbox":
        """The same sandbox for another unprivileged user (one per parallel job)."""
        return replace(self, uid=uid, gid=gid) if self.setpriv else self

    # ----------------------------------------------------------- folders
    def prepare_dir(self, path: Path) -> None:
        """Makes a private build folder usable by the sandbox's user: owned by
        it, mode 0700, so that no other unprivileged user sees into it."""
        os.chmod(path, 0o700)
        if self.uid is not None:
            _chown_tree(path, self.uid, self.gid if self.gid is not None else self.uid)

    def reclaim_dir(self, path: Path) -> None:
        """Gives a build folder back to the grader (after the build)."""
        if self.uid is not None:
            _chown_tree(path, os.getuid(), os.getgid())

    # ---------------------------------------------------------- commands
    def worker_command(self, worker: Path, limits: Limits = WORKER_LIMITS) -> list[str]:
        """The command line that starts the student's worker (WORKER_CMD of the judge)."""
        worker = Path(worker).resolve()
        if self.kind == "bubblewrap":
            binds = ["--ro-bind", str(worker), "/worker"]
            return self._bwrap(binds, "/tmp", limits, ["/worker"])
        return self._fallback(limits, [str(worker)])

    def build_command(self, build_dir: Path, argv: Sequence[str],
                      limits: Limits = BUILD_LIMITS) -> tuple[list[str], Optional[Path]]:
        """A command that runs argv (gcc, nm, ...) inside build_dir, in the
        sandbox. Returns (command, cwd for subprocess)."""
        build_dir = Path(build_dir).resolve()
        if self.kind == "bubblewrap":
            return self._bwrap(["--bind", str(build_dir), "/build"], "/build", limits, list(argv)), None
        return self._fallback(limits, list(argv)), build_dir

    def _limits_prefix(self, limits: Limits, inside_bwrap: bool) -> list[str]:
        if self.sandbox_exec:
            exe = "/sandbox_exec" if inside_bwrap else str(self.sandbox_exec)
            return [exe, *limits.sandbox_exec_args(), "--"]
        if self.prlimit:
            return ["/usr/bin/prlimit" if inside_bwrap else self.prlimit, *limits.prlimit_args(), "--"]
        return []

    def _user_prefix(self) -> list[str]:
        if self.setpriv and self.uid is not None:
            return [self.setpriv, f"--reuid={self.uid}", f"--regid={self.gid}",
                    "--clear-groups", "--"]
        return []

    def _bwrap(self, binds: list[str], chdir: str, limits: Limits, argv: list[str]) -> list[str]:
        assert self.bwrap
        cmd = [*self._user_prefix(), self.bwrap, *_bwrap_base(self.bwrap_flags), *binds]
        if self.sandbox_exec:
            cmd += ["--ro-bind", str(Path(self.sandbox_exec).resolve()), "/sandbox_exec"]
        cmd += ["--chdir", chdir, "--", *self._limits_prefix(limits, True), *argv]
        return cmd

    def _fallback(self, limits: Limits, argv: list[str]) -> list[str]:
        cmd: list[str] = []
        if self.unshare:
            cmd += [self.unshare, "-n", "--"]
        cmd += self._user_prefix()
        cmd += ["/usr/bin/env", "-i", f"PATH={SAFE_PATH}", "HOME=/tmp", "LANG=C.UTF-8",
                "TMPDIR=/tmp"]
        return cmd + self._limits_prefix(limits, False) + argv


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    """chown -R that never follows a link."""
    for dirpath, dirnames, filenames in os.walk(path):
        os.chown(dirpath, uid, gid, follow_symlinks=False)
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


def _bwrap_base(flags: Sequence[str]) -> list[str]:
    a = ["--unshare-all", "--unshare-user"]
    if "--disable-userns" in flags:
        a.append("--disable-userns")
    a += ["--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if "--hostname" in flags:
        a += ["--hostname", "sandbox"]
    a += ["--ro-bind", "/usr", "/usr"]
    for d in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(d):
            a += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            a += ["--ro-bind", d, d]
    for f in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d"):
        a += ["--ro-bind-try", f, f]
    a += ["--proc", "/proc", "--dev", "/dev"]
    if "--size" in flags:
        a += ["--size", str(TMPFS_BYTES)]
    a += ["--tmpfs", "/tmp", "--clearenv", "--setenv", "PATH", SAFE_PATH,
          "--setenv", "HOME", "/tmp", "--setenv", "LANG", "C.UTF-8", "--setenv", "TMPDIR", "/tmp"]
    return a


# ----------------------------------------------------------------- detect
def _run_ok(cmd: list[str], timeout: float = 20) -> bool:
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=timeout)
        return r.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.lru_cache(maxsize=None)
def _bwrap_info(bwrap: str) -> tuple[str, tuple[str, ...]]:
    try:
        v = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10)
        h = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "", ()
    version = v.stdout.strip().split()[-1] if v.returncode == 0 and v.stdout.strip() else ""
    flags = tuple(f for f in ("--disable-userns", "--hostname", "--size") if f in h.stdout + h.stderr)
    return version, flags


def detect(prefer: str = "auto", sandbox_exec: Optional[Path] = None,
           uid: Optional[int] = None, gid: Optional[int] = None) -> Sandbox:
    """The best sandbox that works here. prefer: auto | bubblewrap | fallback.
    Raises SandboxError when bubblewrap is demanded and does not work."""
    root = os.geteuid() == 0
    setpriv = shutil.which("setpriv") if root else None
    if root and not setpriv:
        raise SandboxError("the grader runs as root but setpriv (util-linux) is missing: "
                           "it would run student code as root")
    if root:
        uid = NOBODY_UID if uid is None else uid
        gid = NOGROUP_GID if gid is None else gid
    else:
        uid = gid = None
    se = Path(sandbox_exec) if sandbox_exec and os.access(sandbox_exec, os.X_OK) else None
    common = dict(sandbox_exec=se, prlimit=shutil.which("prlimit"), setpriv=setpriv, uid=uid, gid=gid)
    if prefer in ("auto", "bubblewrap"):
        bw = shutil.which("bwrap")
        if bw:
            version, flags = _bwrap_info(bw)
            box = Sandbox(kind="bubblewrap", bwrap=bw, bwrap_version=version, bwrap_flags=flags,
                          **common)  # type: ignore[arg-type]
            if _smoke_test(box):
                return box
        if prefer == "bubblewrap":
            raise SandboxError("bubblewrap was asked for but " + (
                "`bwrap` is not on PATH (apt-get install bubblewrap)" if not bw else
                "it cannot create its namespaces here (user namespaces disabled?)"))
    unshare = shutil.which("unshare")
    if unshare and not _run_ok([unshare, "-n", "--", "true"]):
        unshare = None
    return Sandbox(kind="fallback", unshare=unshare, **common)  # type: ignore[arg-type]


def _smoke_test(box: Sandbox) -> bool:
    """bwrap --unshare-all --ro-bind / / true, then the real worker command
    on /usr/bin/true: both must work as the sandbox's user."""
    assert box.bwrap
    if not _run_ok([*box._user_prefix(), box.bwrap, "--unshare-all", "--ro-bind", "/", "/", "true"]):
        return False
    true = shutil.which("true") or "/usr/bin/true"
    return _run_ok(box.worker_command(Path(true)))
