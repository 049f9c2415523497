"""Building parts: compile errors cost one part, banned symbols are caught
(also through a function pointer), includes outside the kit's headers and
inline assembly are refused, the worker links."""
from __future__ import annotations

import os
import re
import stat
import unittest

from grader import build, sandbox
from grader.build import Builder, check_symbols
from grader.model import PartState

from .util import ROOT, TempDir, fake_kit, need_toolchain, solution, stub

HEAD = '#include "assignment.h"\n'


class SymbolRules(unittest.TestCase):
    """check_symbols on its own (no compiler)."""

    def msgs(self, part: str, und: set[str], dfn: set[str] = set()) -> list[str]:
        file = {"a1": "a1_windows.c", "a2": "a2_borders.c", "a3": "a3_layers.c",
                "a4": "a4_fast.c"}[part]
        return [p.message for p in check_symbols(part, file, und, dfn)]

    def test_the_message_names_the_symbol_and_the_part(self) -> None:
        self.assertEqual(self.msgs("a2", {"fopen", "malloc", "memcpy", "sqrtf"}),
                         ["a2_borders.c uses fopen: a solution never needs it; "
                          "the part is not graded"])

    def test_every_banned_family(self) -> None:
        for s in ("system", "popen", "fork", "vfork", "clone", "execve", "execvp", "execl",
                  "execle", "fexecve", "posix_spawn", "posix_spawnp", "socket", "connect",
                  "bind", "listen", "accept", "getaddrinfo", "gethostbyname", "dlopen", "dlsym",
                  "ptrace", "kill", "signal", "sigaction", "syscall", "open", "fopen", "openat",
                  "creat", "unlink", "remove", "rename", "mkdir", "mmap", "mprotect",
                  "setrlimit", "chdir", "__libc_system"):
            self.assertTrue(self.msgs("a3", {s}), s)

    def test_threads_only_in_a4(self) -> None:
        self.assertEqual(self.msgs("a4", {"pthread_create", "pthread_join"}), [])
        m = self.msgs("a3", {"pthread_create"})
        self.assertEqual(len(m), 1)
        self.assertIn("threads are for part a4 only", m[0])

    def test_library_rules(self) -> None:
        self.assertTrue(self.msgs("a1", {"cl_output_size"}))
        self.assertEqual(self.msgs("a2", {"cl_output_size", "cl_pad_amounts", "cl_image_alloc",
                                          "cl_fail", "cl_image_check"}), [])
        self.assertIn("reference", self.msgs("a1", {"cl_ref_im_conv"})[0])
        self.assertIn("reference", self.msgs("a1", set(), {"cl_ref_im_conv"})[0])
        for s in ("cl_to_uint8", "cl_float_to_u8", "cl_border_index", "cl_image_load",
                  "cl_npy_read", "cl_compare", "cl_block_alloc_"):
            self.assertTrue(self.msgs("a2", {s}), s)

    def test_other_parts_functions(self) -> None:
        m = self.msgs("a2", {"im_conv"})
        self.assertIn("calls im_conv of part a1", m[0])
        self.assertEqual(self.msgs("a1", {"im_conv"}), [])  # its own (never undefined anyway)


class CflagsMatchTheMakefile(unittest.TestCase):
    def test_cflags(self) -> None:
        mk = (ROOT / "Makefile").read_text()
        m = re.search(r"^CFLAGS := (.*?)(?<!\\)\n", mk, re.S | re.M)
        assert m
        words = m.group(1).replace("\\\n", " ").split()
        words = [w for w in words if not w.startswith("$(")]
        expected = [w if w != "$(OPT)" else "-O2" for w in build.CFLAGS if w != "-O2"]
        self.assertEqual([w for w in words], [w for w in expected])


class Building(TempDir):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.box = sandbox.detect()

    def setUp(self) -> None:
        super().setUp()
        need_toolchain(self)
        self.kit = fake_kit()
        self.work = self.tmp / "work"
        self.work.mkdir()
        os.chmod(self.tmp, 0o711)
        os.chmod(self.work, 0o711)
        self.builder = Builder(self.kit, self.box, self.work)

    def build(self, part: str, text: str) -> build.PartBuild:
        file = {"a1": "a1_windows.c", "a2": "a2_borders.c", "a3": "a3_layers.c",
                "a4": "a4_fast.c"}[part]
        src = self.write(f"src-{part}/{file}", text)
        return self.builder.build(part, src)

    def test_compile_error_costs_only_its_part(self) -> None:
        a1 = self.build("a1", solution("a1_windows.c"))
        a2 = self.build("a2", stub("a2_borders.c").replace("return CL_E_NOT_IMPLEMENTED;",
                                                            "return CL_E_NOT_IMPLEMENTED", 1))
        a3 = self.build("a3", stub("a3_layers.c"))
        self.assertTrue(a1.ok, a1.note + a1.compile_log + a1.link_log)
        self.assertTrue(a3.ok, a3.note + a3.compile_log + a3.link_log)
        self.assertFalse(a2.ok)
        self.assertIs(a2.state, PartState.COMPILE_ERROR)
        self.assertIn("a2_borders.c does not compile", a2.note)
        self.assertIn("error", a2.compile_log)
        self.assertLessEqual(len(a2.compile_log.encode()), build.LOG_BYTES + 100)
        w = a1.worker
        assert w is not None
        self.assertEqual(stat.S_IMODE(w.stat().st_mode), 0o711)
        self.assertEqual(w.stat().st_uid, os.getuid())

    def test_long_compile_log_is_trimmed(self) -> None:
        bad = HEAD + "".join(f"int f{i}(void) {{ return undefined_{i}; }}\n" for i in range(200))
        b = self.build("a1", bad)
        self.assertIs(b.state, PartState.COMPILE_ERROR)
        self.assertLessEqual(len(b.compile_log.splitlines()), build.LOG_LINES + 1)
        self.assertIn("[... cut:", b.compile_log)

    def test_fopen_is_rejected(self) -> None:
        src = stub("a2_borders.c") + '\n#include <stdio.h>\nvoid peek(void) { fopen("/etc/passwd", "r"); }\n'
        b = self.build("a2", src)
        self.assertIs(b.state, PartState.REJECTED)
        self.assertEqual(b.note, "a2_borders.c uses fopen: a solution never needs it; "
                                 "the part is not graded")
        self.assertEqual(b.rejected_symbols, ["fopen"])
        self.assertIsNone(b.worker)

    def test_system_through_a_function_pointer_is_rejected(self) -> None:
        src = (stub("a3_layers.c") + "\n#include <stdlib.h>\n"
               "int (*volatile f)(const char *) = system;\n")
        b = self.build("a3", src)
        self.assertIs(b.state, PartState.REJECTED)
        self.assertIn("a3_layers.c uses system", b.note)

    def test_threads(self) -> None:
        t = ("\n#include <pthread.h>\nstatic void *run(void *a) { return a; }\n"
             "int spawn(void) { pthread_t t; return pthread_create(&t, 0, run, 0); }\n")
        self.assertIs(self.build("a2", stub("a2_borders.c") + t).state, PartState.REJECTED)
        a4 = self.build("a4", stub("a4_fast.c") + t)
        self.assertTrue(a4.ok, a4.note + a4.compile_log + a4.link_log)

    def test_library_answers_are_rejected(self) -> None:
        b = self.build("a1", stub("a1_windows.c") + "\nint g(void) { return cl_output_size(5, 3, 1, CL_MODE_VALID); }\n")
        self.assertIs(b.state, PartState.REJECTED)
        self.assertIn("part a1 asks you to write the size formula yourself", b.note)
        b = self.build("a2", stub("a2_borders.c") + "\nint g(void) { return cl_output_size(5, 3, 1, CL_MODE_VALID); }\n")
        self.assertTrue(b.ok, b.note)
        b = self.build("a2", stub("a2_borders.c") + "\nint g(const cl_image *i, uint8_t *o) { return cl_to_uint8(i, o); }\n")
        self.assertIn("uses cl_to_uint8", b.note)

    def test_reference_is_rejected(self) -> None:
        src = (stub("a1_windows.c") + '\nint cl_ref_im_conv(const cl_image *, const cl_image *, cl_image *);\n'
               "int h(const cl_image *a, const cl_image *b, cl_image *c) { return cl_ref_im_conv(a, b, c); }\n")
        b = self.build("a1", src)
        self.assertIs(b.state, PartState.REJECTED)
        self.assertIn("cl_ref_im_conv", b.note)

    def test_absolute_include_is_rejected_before_any_output(self) -> None:
        secret = ROOT / "solutions" / "a1_windows.c"
        b = self.build("a1", f'#include "{secret}"\n')
        self.assertIs(b.state, PartState.REJECTED)
        self.assertIn(f"includes {secret}", b.note)
        self.assertEqual(b.compile_log, "")

    def test_relative_include_climbing_out_is_rejected(self) -> None:
        b = self.build("a1", '#include "../../../../../../etc/hostname"\n' + stub("a1_windows.c"))
        self.assertIn(b.state, (PartState.REJECTED, PartState.COMPILE_ERROR))
        self.assertNotIn("hostname:", b.compile_log.replace("etc/hostname: No such", ""))

    def test_kit_sources_are_not_reachable(self) -> None:
        # the build folder holds the kit's headers only: no reference source
        b = self.build("a1", '#include "ref_windows.c"\n' + stub("a1_windows.c"))
        self.assertIs(b.state, PartState.COMPILE_ERROR)
        self.assertIn("ref_windows.c", b.compile_log)

    def test_inline_assembly_is_rejected(self) -> None:
        src = stub("a1_windows.c") + '\n#define ASM __as##m__\n'
        src += '#define GO(x) x\nvoid z(void) { GO(__asm__)(".incbin \\"/etc/hostname\\""); }\n'
        b = self.build("a1", src)
        self.assertIs(b.state, PartState.REJECTED)
        self.assertIn("inline assembly", b.note)
        ok = self.build("a1", stub("a1_windows.c") + '\nconst char *s = "asm is a keyword";\n')
        self.assertTrue(ok.ok, ok.note)

    def test_calling_another_part_is_rejected(self) -> None:
        src = stub("a2_borders.c") + "\nint k(const cl_image *a, const cl_image *b, cl_image *c) { return im_conv(a, b, c); }\n"
        b = self.build("a2", src)
        self.assertIs(b.state, PartState.REJECTED)
        self.assertIn("calls im_conv of part a1", b.note)

    def test_link_error(self) -> None:
        b = self.build("a1", stub("a1_windows.c") + "\nint cl_image_count;\n")
        self.assertFalse(b.ok)
        self.assertIn(b.state, (PartState.LINK_ERROR, PartState.COMPILE_ERROR))

    def test_missing_worker_objects_is_a_kit_error(self) -> None:
        self.kit.worker_objects = [self.tmp / "nope.o"]
        b = self.build("a1", stub("a1_windows.c"))
        self.assertIs(b.state, PartState.KIT_ERROR)
        self.assertIn("not your doing", b.note)


if __name__ == "__main__":
    unittest.main()
