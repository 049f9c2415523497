"""Building one part: compile the student's part file alone, check the
symbols it uses, link the worker.

Every step runs in the sandbox (sandbox.py), inside a private build folder
that holds only the student's file and copies of the kit's headers (never a
.c file of the kit, never anything of the submission but the one file):

1. preprocess: `gcc -E` lists what the file includes (its line markers);
   anything outside the build folder and the system's include folders (e.g.
   an absolute path to the kit's solutions or expected data) refuses the
   part before a line of the compiler's output is shown. Inline assembly in
   the student's own lines (asm, __asm__: a solution never needs it, and it
   is the way to .incbin a file or issue a raw system call) refuses it too.
2. compile with the kit's flags (CFLAGS below, the Makefile's), 30 s wall
   timeout; the output, trimmed to 40 lines / 4 KiB, is shown to the student.
   A compile error costs only its part.
3. symbols: `nm -u` (what the object calls) against the rules below, `nm`
   (what it defines) for copies of the kit's reference, and `objdump -d` for
   raw system-call instructions. The message names the symbol and the part:
   "a2_borders.c uses fopen: a solution never needs it; the part is not graded".
4. link the worker: the object + the kit's worker objects (Kit.worker_objects)
   + the libraries; the binary is copied into a folder of the grader's, mode
   0711, where the sandbox's user can run it but not change it.

Symbol rules (grader/README.md repeats them):
* Banned in every part: running programs (system, popen, fork, exec*,
  posix_spawn*, clone), the network (socket, connect, getaddrinfo, ...),
  loading code (dlopen, dlsym), signals and processes (kill, signal,
  sigaction, ptrace), raw syscall(), memory mappings (mmap, mprotect, ...;
  malloc is fine), resource limits, the working folder, and every file
  access (open, fopen, creat, unlink, rename, mkdir, stat, opendir, ...): a
  solution never needs files.
* Threads (pthread_create, thrd_create): allowed in a4_fast.c only (make it
  fast); a1-a3 never need them.
* The library: a part may call only the functions assignment.h offers
  (cl_image_alloc, cl_fail, cl_image_check, ...; from a2 on also
  cl_output_size, cl_pad_amounts and cl_transpose_output_size). Anything else
  starting with cl_ is refused: the reference (cl_ref_*), the library's own
  answers (cl_to_uint8, cl_float_to_u8, cl_border_index), its I/O and
  internals. A copy of the reference compiled into the file (a defined
  cl_ref_* symbol) is refused too.
* A part never calls another part's functions (each links on its own).
"""
from __future__ import annotations

import os
import re
import subprocess
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from . import proc
from .kit import FUNCTIONS, PARTS, Kit
from .model import PartState
from .sandbox import Sandbox

# The kit's CFLAGS (Makefile, SAN=0), with its -I folders relative to the
# build folder, which holds copies of the kit's headers at the same places.
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-O2", "-g", "-D_POSIX_C_SOURCE=200809L",
          "-Iharness", "-Iassignments", "-Iharness/drivers"]
COMPILE_TIMEOUT = 30.0
LINK_TIMEOUT = 60.0
TOOL_TIMEOUT = 30.0
LOG_LINES, LOG_BYTES = 40, 4096

# ------------------------------------------------------------ symbol rules
_FILES = """open open64 openat openat64 __open __open64 __open_2 __open64_2 __openat_2
__openat64_2 creat creat64 fopen fopen64 freopen freopen64 fdopen tmpfile tmpfile64
mkstemp mkstemp64 mkostemp mkostemps mkstemps mkdtemp tmpnam tempnam unlink unlinkat remove
rename renameat renameat2 mkdir mkdirat rmdir link linkat symlink symlinkat truncate
truncate64 ftruncate chmod fchmod fchmodat chown fchown lchown fchownat opendir fdopendir
readdir readdir64 scandir nftw ftw stat stat64 lstat lstat64 fstatat fstatat64 statx
__xstat __lxstat __fxstatat access faccessat euidaccess readlink readlinkat realpath
mknod mkfifo mount umount chroot""".split()
_PROGRAMS = """system __libc_system popen pclose fork vfork __fork __libc_fork clone clone3
execve execv execvp execvpe execl execlp execle fexecve posix_spawn posix_spawnp
daemon""".split()
_NETWORK = """socket socketpair connect bind listen accept accept4 getaddrinfo
gethostbyname gethostbyname_r gethostbyaddr sendto recvfrom sendmsg recvmsg""".split()
_CODE = "dlopen dlmopen dlsym dlvsym __libc_dlopen_mode __libc_dlsym".split()
_PROCESS = """ptrace kill tgkill tkill killpg signal sigaction sysv_signal bsd_signal
__sysv_signal sigset prctl setrlimit setrlimit64 prlimit prlimit64 chdir fchdir
setuid setgid seteuid setegid setreuid setregid setresuid setresgid
syscall""".split()
_MEMORY = "mmap mmap64 mprotect munmap mremap madvise brk sbrk pkey_mprotect".split()
THREADS = frozenset("pthread_create thrd_create".split())

BANNED: dict[str, str] = {}
for _names, _why in ((_FILES, "file access"), (_PROGRAMS, "running programs"),
                     (_NETWORK, "the network"), (_CODE, "loading code"),
                     (_PROCESS, "processes and signals"), (_MEMORY, "memory mappings")):
    for _n in _names:
        BANNED[_n] = _why

# The library functions a part may call (assignment.h); a1 writes the size
# formula itself, so cl_output_size & co. are for a2 on.
LIB_ALLOWED = frozenset("""cl_fail cl_last_error cl_status_str cl_mode_name cl_border_name
cl_interp_name cl_mode_parse cl_border_parse cl_interp_parse cl_image_alloc cl_image_free
cl_image_copy cl_image_count cl_image_check cl_image_guards_ok cl_weights_alloc
cl_weights_free cl_weights_check cl_shape_str cl_kernel_named cl_kernel_count cl_kernel_name
cl_kernel_description""".split())
LIB_FROM_A2 = frozenset("cl_output_size cl_pad_amounts cl_transpose_output_size".split())

_SYSCALL_INSN = re.compile(r"\t(syscall|sysenter|int\s+\$0x80)\b")


@dataclass
class SymbolProblem:
    symbol: str
    message: str


def check_symbols(part: str, file: str, undefined: set[str], defined: set[str],
                  raw_syscalls: int = 0, kit_defined: frozenset[str] = frozenset(),
                  data_in_code: tuple[str, ...] = ()) -> list[SymbolProblem]:
    """The rules above, applied to one object's symbols. kit_defined: the
    global symbols of the kit's worker objects and core library (a part that
    defines one would replace the kit's own code inside the worker: its
    guard-band and input checks); data_in_code: data objects the part placed
    in an executable section (machine code hidden as data)."""
    problems: list[SymbolProblem] = []
    other_parts = {f: p for p, fs in FUNCTIONS.items() if p != part for f in fs}
    for s in sorted(undefined):
        if s in THREADS:
            if part != "a4":
                problems.append(SymbolProblem(s, f"{file} uses {s}: threads are for part a4 "
                                                 "only; the part is not graded"))
        elif s in BANNED:
            problems.append(SymbolProblem(s, f"{file} uses {s}: a solution never needs it; "
                                             "the part is not graded"))
        elif s.startswith("__libc_"):
            problems.append(SymbolProblem(s, f"{file} uses {s}: a solution never needs it; "
                                             "the part is not graded"))
        elif s.startswith("cl_ref_") or s.startswith("ref_"):
            problems.append(SymbolProblem(s, f"{file} uses {s}, the kit's reference "
                                             "implementation; the part is not graded"))
        elif s in LIB_FROM_A2 and part == "a1":
            problems.append(SymbolProblem(s, f"{file} uses {s}: part a1 asks you to write "
                                             "the size formula yourself (conv_output_size); "
                                             "the part is not graded"))
        elif s.startswith("cl_") and s not in LIB_ALLOWED and s not in LIB_FROM_A2:
            problems.append(SymbolProblem(s, f"{file} uses {s}: a part may call only the "
                                             "library functions assignment.h offers; "
                                             "the part is not graded"))
        elif s in other_parts:
            problems.append(SymbolProblem(s, f"{file} calls {s} of part {other_parts[s]}: each "
                                             "part must compile and link on its own; "
                                             "the part is not graded"))
    for s in sorted(defined):
        if s.startswith("cl_ref_"):
            problems.append(SymbolProblem(s, f"{file} defines {s}, a copy of the kit's "
                                             "reference; the part is not graded"))
        elif s in kit_defined or s.startswith("cl_"):
            problems.append(SymbolProblem(s, f"{file} defines {s}, a function of the kit's "
                                             "library: a part may not replace the library; "
                                             "the part is not graded"))
    for s in data_in_code:
        problems.append(SymbolProblem(s, f"{file} puts the data {s} in an executable "
                                         "section: a solution never needs to; the part is "
                                         "not graded"))
    if raw_syscalls:
        problems.append(SymbolProblem("syscall", f"{file} contains a raw system call "
                                                 "instruction: a solution never needs one; "
                                                 "the part is not graded"))
    return problems


# ------------------------------------------------------------------- build
@dataclass
class PartBuild:
    part: str
    file: str
    state: PartState = PartState.GRADED
    note: str = ""                      # why not built ("" when built)
    compile_log: str = ""
    link_log: str = ""
    rejected_symbols: list[str] = field(default_factory=list)
    worker: Optional[Path] = None

    @property
    def ok(self) -> bool:
        return self.worker is not None


_LINEMARKER = re.compile(r'^#\s*(\d+)\s+"((?:[^"\\]|\\.)*)"')
_LITERALS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_MISSING_INCLUDE = re.compile(r"fatal error: (.+?): No such file or directory")
_ASM = re.compile(r"\b(asm|__asm|__asm__)\b")


def scan_preprocessed(path: Path, file: str) -> tuple[set[str], list[int]]:
    """From `gcc -E` output: every file it included (its line markers), and
    the lines of the student's own file that hold an asm keyword (string
    literals aside)."""
    included: set[str] = set()
    asm_lines: list[int] = []
    current, line = "", 0
    try:
        f = open(path, "r", errors="replace")
    except OSError:
        return included, asm_lines
    with f:
        for text in f:
            m = _LINEMARKER.match(text)
            if m:
                line = int(m.group(1))
                current = m.group(2).encode().decode("unicode_escape", "replace")
                # "<built-in>", "<command-line>", and "/cwd//" (the working
                # directory marker that -g adds) are not files
                if not current.startswith("<") and not current.endswith("//"):
                    included.add(current)
                continue
            if current == file and _ASM.search(_LITERALS.sub('""', text)):
                asm_lines.append(line)
            line += 1
    return included, asm_lines


SYSTEM_INCLUDE_ROOTS = ("/usr/include/", "/usr/lib/gcc/", "/usr/local/include/",
                        "/usr/lib/x86_64-linux-gnu/", "/usr/lib/aarch64-linux-gnu/")


def _foreign_includes(deps: list[str], build_dir: Path, sandboxed_root: str) -> list[str]:
    """The included files that are neither in the build folder nor the
    system's headers."""
    bad = []
    for d in deps:
        if d.startswith("/"):
            p = os.path.normpath(d)
            if p.startswith(sandboxed_root.rstrip("/") + "/") or p.startswith(str(build_dir) + "/"):
                continue
            if p.startswith(SYSTEM_INCLUDE_ROOTS) and ".." not in d.split("/"):
                continue
            bad.append(d)
        else:
            p = os.path.normpath(d)
            if p.startswith("..") or "/../" in f"/{d}/":
                bad.append(d)
    return bad


_SECTION_ROW = re.compile(r"^\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(\S*)")
_SYMBOL_ROW = re.compile(r"^\s*\d+:\s+\S+\s+\d+\s+(\w+)\s+\w+\s+\w+\s+(\d+)\s+(\S+)")


def data_in_executable_sections(readelf: str) -> tuple[str, ...]:
    """From `readelf -SsW`: the data objects (type OBJECT) that sit in an
    executable section: machine code stored as data to hide raw system calls
    from the disassembly check."""
    executable: set[int] = set()
    for line in readelf.splitlines():
        m = _SECTION_ROW.match(line)
        if m and "X" in m.group(3):
            executable.add(int(m.group(1)))
    found = []
    for line in readelf.splitlines():
        m = _SYMBOL_ROW.match(line)
        if m and m.group(1) == "OBJECT" and int(m.group(2)) in executable:
            found.append(m.group(3))
    return tuple(found)


class Builder:
    """Builds the workers of one submission in its private folder."""

    def __init__(self, kit: Kit, sandbox: Sandbox, workdir: Path) -> None:
        self.kit, self.sandbox, self.workdir = kit, sandbox, Path(workdir)
        self.bindir = self.workdir / "bin"
        self.bindir.mkdir(mode=0o711, exist_ok=True)
        os.chmod(self.bindir, 0o711)

    def _run(self, build_dir: Path, argv: list[str], timeout: float,
             max_lines: int = LOG_LINES, max_bytes: int = LOG_BYTES) -> proc.Completed:
        cmd, cwd = self.sandbox.build_command(build_dir, argv)
        return proc.run(cmd, cwd=cwd, timeout=timeout, max_lines=max_lines, max_bytes=max_bytes)

    def build(self, part: str, source: Path) -> PartBuild:
        file = PARTS[part]
        pb = PartBuild(part=part, file=file)
        d = self.workdir / f"build-{part}"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(mode=0o700)
        for rel, src in self.kit.headers():
            (d / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, d / rel)
        shutil.copyfile(source, d / file)
        self.sandbox.prepare_dir(d)
        try:
            self._build_in(d, pb)
        finally:
            self.sandbox.reclaim_dir(d)
        if pb.state is PartState.GRADED:
            built = d / "worker"
            if built.is_symlink() or not built.is_file():
                pb.state, pb.note = PartState.LINK_ERROR, "the worker was not linked"
                return pb
            dest = self.bindir / f"worker-{part}"
            shutil.copyfile(built, dest)
            os.chmod(dest, 0o711)
            pb.worker = dest
        return pb

    def _kit_symbols(self) -> frozenset[str]:
        """The global symbols the kit's worker objects and libraries define
        (read once; nm runs outside the sandbox on the kit's own files)."""
        if getattr(self, "_kit_defined", None) is None:
            names: set[str] = set()
            for o in self.kit.worker_objects or []:
                try:
                    r = subprocess.run(["nm", "--defined-only", "-g", str(o)],
                                       capture_output=True, text=True, timeout=TOOL_TIMEOUT)
                except (OSError, subprocess.TimeoutExpired):
                    continue
                for ln in r.stdout.splitlines():
                    parts = ln.split()
                    if len(parts) >= 3:
                        names.add(parts[-1].split("@")[0])
            self._kit_defined = frozenset(names)
        return self._kit_defined

    def _build_in(self, d: Path, pb: PartBuild) -> None:
        file, part = pb.file, pb.part
        sandboxed_root = "/build" if self.sandbox.kind == "bubblewrap" else str(d.resolve())
        # 1. preprocess: what it includes, and whether it has inline assembly
        #    (nothing of this is shown to the student if it reaches outside)
        pre = file[:-2] + ".i"
        e = self._run(d, ["gcc", *CFLAGS, "-E", file, "-o", pre], TOOL_TIMEOUT)
        if e.timed_out:
            pb.state, pb.note = PartState.COMPILE_ERROR, (
                f"{file} does not compile: the preprocessor took more than "
                f"{TOOL_TIMEOUT:g} s (an #include of a device or a huge file?)")
            return
        included, asm_lines = scan_preprocessed(d / pre, file)
        # an include the sandbox hides shows only as "fatal error: PATH: No such file"
        included |= set(_MISSING_INCLUDE.findall(e.output))
        bad = _foreign_includes(sorted(included), d.resolve(), sandboxed_root)
        if bad:
            pb.state, pb.note = PartState.REJECTED, (
                f"{file} includes {bad[0]}: a part may include only assignment.h and "
                "standard C headers; the part is not graded")
            pb.rejected_symbols = [f"#include {b}" for b in bad]
            return
        if asm_lines:
            pb.state, pb.note = PartState.REJECTED, (
                f"{file} uses inline assembly (line {asm_lines[0]}): a solution never needs "
                "it; the part is not graded")
            pb.rejected_symbols = ["asm"]
            return
        # 2. compile
        obj = file[:-2] + ".o"
        c = self._run(d, ["gcc", *CFLAGS, "-c", file, "-o", obj], COMPILE_TIMEOUT)
        pb.compile_log = c.output
        if c.timed_out:
            pb.state, pb.note = PartState.COMPILE_ERROR, (
                f"{file} does not compile: gcc took more than {COMPILE_TIMEOUT:g} s")
            return
        if not c.ok or not (d / obj).is_file():
            pb.state, pb.note = PartState.COMPILE_ERROR, (
                f"{file} does not compile (gcc exit status {c.returncode}); "
                "the other parts are graded")
            return
        # 3. symbols
        und = self._run(d, ["nm", "-u", obj], TOOL_TIMEOUT, max_lines=100000, max_bytes=1 << 20)
        dfn = self._run(d, ["nm", "--defined-only", obj], TOOL_TIMEOUT,
                        max_lines=100000, max_bytes=1 << 20)
        dis = self._run(d, ["objdump", "-d", "--no-show-raw-insn", obj], TOOL_TIMEOUT,
                        max_lines=10 ** 7, max_bytes=64 << 20)
        if not (und.ok and dfn.ok):
            pb.state, pb.note = PartState.KIT_ERROR, (
                f"the grader could not list the symbols of {file} (nm failed): "
                + (und.output or dfn.output)[:300])
            return
        undefined = {ln.split()[-1].split("@")[0] for ln in und.output.splitlines()
                     if ln.strip() and not ln.startswith("[")}
        defined = {ln.split()[-1].split("@")[0] for ln in dfn.output.splitlines()
                   if len(ln.split()) >= 3 and not ln.startswith("[")
                   and ln.split()[-2].isupper()}  # global symbols only
        syscalls = len(_SYSCALL_INSN.findall(dis.output)) if dis.ok else 0
        elf = self._run(d, ["readelf", "-SsW", obj], TOOL_TIMEOUT,
                        max_lines=100000, max_bytes=4 << 20)
        problems = check_symbols(part, file, undefined, defined, syscalls,
                                 self._kit_symbols(), data_in_executable_sections(elf.output))
        if problems:
            pb.state = PartState.REJECTED
            pb.rejected_symbols = [p.symbol for p in problems]
            pb.note = "\n".join(p.message for p in problems)
            return
        # 4. link the worker
        missing = [str(o) for o in self.kit.worker_objects if not Path(o).is_file()]
        if missing:
            pb.state, pb.note = PartState.KIT_ERROR, (
                "the kit's worker objects are not built (" + ", ".join(missing)
                + "): run `make` in the kit; this is not your doing")
            return
        kitdir = d / "kit"
        kitdir.mkdir()
        objs = []
        for o in self.kit.worker_objects:
            shutil.copyfile(o, kitdir / Path(o).name)
            objs.append(f"kit/{Path(o).name}")
        self.sandbox.prepare_dir(d)
        ln = self._run(d, ["gcc", "-o", "worker", obj, *objs, *self.kit.worker_libs], LINK_TIMEOUT)
        pb.link_log = ln.output
        if not ln.ok or not (d / "worker").is_file():
            pb.state, pb.note = PartState.LINK_ERROR, (
                f"{file} compiles but the worker does not link"
                + (" (timed out)" if ln.timed_out else "")
                + ": is a function missing, renamed, or defined twice? See the linker's output.")
            return
