"""The sandbox: what student code can see and do inside it (a probe program
run through Sandbox.worker_command), for bubblewrap when it works here and
for the fallback."""
from __future__ import annotations

import os
import shutil
import subprocess
import unittest

from grader import sandbox

from .util import HERE, ROOT, TempDir


class Sandboxes(TempDir):
    def setUp(self) -> None:
        super().setUp()
        if not shutil.which("gcc"):
            self.skipTest("gcc not installed")
        os.chmod(self.tmp, 0o711)
        bindir = self.tmp / "bin"
        bindir.mkdir(mode=0o711)
        os.chmod(bindir, 0o711)
        self.probe = bindir / "probe"
        subprocess.run(["gcc", "-O1", "-o", str(self.probe), str(HERE / "data" / "probe.c")],
                       check=True)
        os.chmod(self.probe, 0o711)
        self.secret = ROOT / "tests" / "cases.toml"

    def run_probe(self, box: sandbox.Sandbox) -> dict[str, str]:
        cmd = box.worker_command(self.probe) + [str(self.secret), "/etc/passwd"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)

    def check_common(self, box: sandbox.Sandbox, got: dict[str, str]) -> None:
        if os.geteuid() == 0:
            self.assertNotEqual(got["uid"], "0", "student code must not run as root")
        self.assertEqual(got["write_usr"], "no")
        self.assertEqual(got["connect"], "no")
        if box.sandbox_exec or box.prlimit:
            self.assertEqual(got["cpu"], "20")
            self.assertEqual(int(got["as"]), 2048 << 20)
            self.assertEqual(got["nproc"], "64")
            self.assertEqual(int(got["fsize"]), 16 << 20)
            self.assertEqual(got["nofile"], "64")
            self.assertEqual(got["core"], "0")
        self.assertLessEqual(int(got["env"]), 5)

    def test_bubblewrap(self) -> None:
        try:
            box = sandbox.detect("bubblewrap")
        except sandbox.SandboxError as e:
            self.skipTest(str(e))
        got = self.run_probe(box)
        self.check_common(box, got)
        self.assertEqual(got[f"read:{self.secret}"], "no", "the kit must be invisible")
        self.assertEqual(got["read:/etc/passwd"], "no")
        self.assertEqual(got["write_tmp"], "yes")
        self.assertLess(int(got["pid"]), 10, "own PID namespace")
        self.assertTrue(box.description.startswith("bubblewrap"))

    def test_fallback(self) -> None:
        box = sandbox.detect("fallback")
        got = self.run_probe(box)
        if box.unshare:
            self.check_common(box, got)
        self.assertTrue(box.description.startswith("fallback: "))
        self.assertIn("unshare -n" if box.unshare else "NOT isolated", box.description)

    def test_timeout_kills_the_whole_group(self) -> None:
        from grader import proc
        box = sandbox.detect()
        cmd, cwd = box.build_command(self.tmp, ["sh", "-c", "sleep 100 & sleep 100"])
        done = proc.run(cmd, cwd=cwd, timeout=1)
        self.assertTrue(done.timed_out)
        self.assertLess(done.seconds, 10)


if __name__ == "__main__":
    unittest.main()
