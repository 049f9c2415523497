"""Intake: the four allowed files out of folders, zips and tars, and every
way a submission is refused."""
from __future__ import annotations

import gzip
import io
import os
import stat
import tarfile
import time
import zipfile
from pathlib import Path

from grader import intake
from grader.intake import Limits, SubmissionRejected, take

from .util import TempDir

A1 = "int a1;\n"
A2 = "int a2;\n"
MiB = 1 << 20


def make_zip(path: Path, members: dict[str, bytes], symlinks: dict[str, str] = {}) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        for name, target in symlinks.items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, target)
    return path


def make_tar(path: Path, members: dict[str, bytes], mode: str = "w:gz",
             links: dict[str, tuple[bytes, str]] = {}) -> Path:
    with tarfile.open(path, mode) as t:
        for name, data in members.items():
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = int(time.time())
            t.addfile(ti, io.BytesIO(data))
        for name, (kind, target) in links.items():
            ti = tarfile.TarInfo(name)
            ti.type = kind
            ti.linkname = target
            t.addfile(ti)
    return path


class FolderIntake(TempDir):
    def test_takes_the_four_files_and_nothing_else(self) -> None:
        d = self.submission("alice", {"a1_windows.c": A1, "a2_borders.c": A2,
                                      "Makefile": "all:\n\trm -rf /\n",
                                      "assignment.h": "#define int long\n",
                                      "tests/test_a1.c": "x"})
        got = take(d)
        self.assertEqual(got.kind, "folder")
        self.assertEqual(got.parts["a1"].data, A1.encode())
        self.assertEqual(got.parts["a2"].data, A2.encode())
        self.assertTrue(got.parts["a3"].missing)
        self.assertIn("a3_layers.c is not in the submission", got.parts["a3"].note)
        dest = self.tmp / "private"
        written = got.write_sources(dest)
        self.assertEqual(sorted(p.name for p in dest.iterdir()), ["a1_windows.c", "a2_borders.c"])
        self.assertEqual(set(written), {"a1", "a2"})
        self.assertEqual(stat.S_IMODE(os.stat(dest).st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(os.stat(dest / "a1_windows.c").st_mode), 0o600)
        with self.assertRaises(FileExistsError):   # always a fresh folder
            got.write_sources(dest)

    def test_nested_files_are_found(self) -> None:
        d = self.submission("bob", {"hw/src/a1_windows.c": A1, "hw/a4_fast.c": "int a4;"})
        got = take(d)
        self.assertEqual(got.parts["a1"].origin, "hw/src/a1_windows.c")
        self.assertEqual(got.parts["a4"].data, b"int a4;")

    def test_duplicates_take_the_shallowest_and_say_so(self) -> None:
        d = self.submission("carol", {"a1_windows.c": A1, "old/a1_windows.c": "int old;"})
        got = take(d)
        self.assertEqual(got.parts["a1"].data, A1.encode())
        self.assertIn("ignored the other copies: old/a1_windows.c", got.parts["a1"].note)

    def test_same_depth_identical_copies_are_fine(self) -> None:
        d = self.submission("dan", {"v1/a1_windows.c": A1, "v2/a1_windows.c": A1})
        got = take(d)
        self.assertEqual(got.parts["a1"].data, A1.encode())
        self.assertIn("ignored", got.parts["a1"].note)

    def test_same_depth_different_copies_refuse_the_part(self) -> None:
        d = self.submission("eve", {"v1/a1_windows.c": A1, "v2/a1_windows.c": "int b;",
                                    "a2_borders.c": A2})
        got = take(d)
        self.assertIsNone(got.parts["a1"].data)
        self.assertIn("different copies", got.parts["a1"].problem)
        self.assertIn("v1/a1_windows.c", got.parts["a1"].problem)
        self.assertTrue(got.parts["a2"].accepted)

    def test_symlink_is_refused_never_followed(self) -> None:
        secret = self.write("secret.txt", "the answers")
        d = self.submission("frank", {"a2_borders.c": A2})
        os.symlink(secret, d / "a1_windows.c")
        os.symlink("/etc", d / "etc")                  # a link to a folder: never walked
        got = take(d)
        self.assertIsNone(got.parts["a1"].data)
        self.assertIn("symbolic link", got.parts["a1"].problem)
        self.assertTrue(got.parts["a2"].accepted)

    def test_oversized_source_is_refused(self) -> None:
        d = self.submission("gina", {"a2_borders.c": A2})
        (d / "a1_windows.c").write_bytes(b"/" * (MiB + 1))
        got = take(d)
        self.assertIsNone(got.parts["a1"].data)
        self.assertIn("larger than 1024 KiB", got.parts["a1"].problem)
        self.assertTrue(got.parts["a2"].accepted)

    def test_fifo_is_not_read(self) -> None:
        d = self.submission("hank", {})
        os.mkfifo(d / "a1_windows.c")
        got = take(d)   # must not block
        self.assertIn("not a regular file", got.parts["a1"].problem)

    def test_near_miss_names_are_hinted(self) -> None:
        d = self.submission("ivy", {"A1_Windows.c": A1, "a2_borders (1).c": A2})
        got = take(d)
        self.assertTrue(got.parts["a1"].missing)
        self.assertIn("A1_Windows.c", got.parts["a1"].note)
        self.assertIn("must be named exactly a1_windows.c", got.parts["a1"].note)
        self.assertIn("a2_borders (1).c", got.parts["a2"].note)

    def test_macosx_folders_are_skipped(self) -> None:
        d = self.submission("jo", {"__MACOSX/a1_windows.c": "junk", "x/a2_borders.c": A2})
        got = take(d)
        self.assertTrue(got.parts["a1"].missing)

    def test_folder_with_one_archive_reads_it(self) -> None:
        d = self.submission("kim", {"readme.txt": "hi"})
        make_zip(d / "submission.zip", {"a1_windows.c": A1.encode()})
        got = take(d)
        self.assertEqual(got.parts["a1"].data, A1.encode())
        self.assertIn("read the archive submission.zip", got.notes[0])

    def test_too_deep_is_refused(self) -> None:
        d = self.submission("lee", {"/".join(["d"] * 20) + "/a1_windows.c": A1})
        with self.assertRaisesRegex(SubmissionRejected, "deeper than"):
            take(d)

    def test_a_single_file(self) -> None:
        p = self.write("a1_windows.c", A1)
        got = take(p)
        self.assertEqual(got.parts["a1"].data, A1.encode())

    def test_not_an_archive(self) -> None:
        p = self.write("notes.txt", "hello")
        with self.assertRaisesRegex(SubmissionRejected, "neither a folder"):
            take(p)


class ZipIntake(TempDir):
    def test_zip_ok(self) -> None:
        z = make_zip(self.tmp / "s.zip", {"s/a1_windows.c": A1.encode(), "s/Makefile": b"x",
                                          "s/a3_layers.c": b"int a3;"})
        got = take(z)
        self.assertEqual(got.kind, "zip")
        self.assertEqual(got.parts["a1"].data, A1.encode())
        self.assertEqual(got.parts["a3"].data, b"int a3;")
        self.assertTrue(got.parts["a2"].missing)

    def test_traversal_is_refused(self) -> None:
        z = make_zip(self.tmp / "s.zip", {"a1_windows.c": A1.encode(), "../x.c": b"x"})
        with self.assertRaisesRegex(SubmissionRejected, "climbs out"):
            take(z)

    def test_absolute_path_is_refused(self) -> None:
        make_zip(self.tmp / "s.zip", {"a1_windows.c": A1.encode()})
        # zipfile strips a leading "/" when writing: patch the name in place
        data = (self.tmp / "s.zip").read_bytes().replace(b"a1_windows.c", b"/etc/abcde.c")
        (self.tmp / "abs.zip").write_bytes(data)
        with self.assertRaisesRegex(SubmissionRejected, "absolute path"):
            take(self.tmp / "abs.zip")

    def test_windows_absolute_and_backslash_traversal(self) -> None:
        z = make_zip(self.tmp / "w.zip", {"..\\..\\a1_windows.c": A1.encode()})
        with self.assertRaisesRegex(SubmissionRejected, "climbs out"):
            take(z)
        z = make_zip(self.tmp / "c.zip", {"C:\\x\\a1_windows.c": A1.encode()})
        with self.assertRaisesRegex(SubmissionRejected, "absolute path"):
            take(z)

    def test_symlink_member_is_refused(self) -> None:
        z = make_zip(self.tmp / "s.zip", {"a2_borders.c": A2.encode()},
                     symlinks={"a1_windows.c": "/etc/shadow"})
        got = take(z)
        self.assertIsNone(got.parts["a1"].data)
        self.assertIn("symbolic link", got.parts["a1"].problem)
        self.assertTrue(got.parts["a2"].accepted)

    def test_zip_bomb_is_refused_from_its_headers(self) -> None:
        z = self.tmp / "bomb.zip"
        with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("a1_windows.c", A1)
            with zf.open("zeros.bin", "w") as f:     # 100 MB of zeros, streamed
                block = bytes(MiB)
                for _ in range(100):
                    f.write(block)
        self.assertLess(z.stat().st_size, 1 * MiB)
        t0 = time.monotonic()
        with self.assertRaisesRegex(SubmissionRejected, "archive bomb"):
            take(z)
        self.assertLess(time.monotonic() - t0, 2.0)   # decided on the headers

    def test_ratio_bomb_below_the_total_cap(self) -> None:
        z = make_zip(self.tmp / "r.zip", {"a1_windows.c": A1.encode(), "z": bytes(20 * MiB)})
        with self.assertRaisesRegex(SubmissionRejected, "archive bomb"):
            take(z)

    def test_too_many_members(self) -> None:
        z = make_zip(self.tmp / "many.zip", {f"f{i}.txt": b"" for i in range(2001)})
        with self.assertRaisesRegex(SubmissionRejected, "2001 members"):
            take(z)

    def test_oversized_member_is_refused(self) -> None:
        z = make_zip(self.tmp / "big.zip", {"a1_windows.c": b"/" * (MiB + 10),
                                            "a2_borders.c": A2.encode()})
        got = take(z)
        self.assertIn("larger than", got.parts["a1"].problem)
        self.assertTrue(got.parts["a2"].accepted)

    def test_member_read_with_a_cap_even_if_the_header_lies(self) -> None:
        # a header that understates the size: the read stops at the cap or at
        # the declared size and the CRC check fails; never more than the cap
        make_zip(self.tmp / "lie.zip", {"a1_windows.c": b"x" * (2 * MiB)})
        raw = bytearray((self.tmp / "lie.zip").read_bytes())
        real = (2 * MiB).to_bytes(4, "little")
        raw = raw.replace(real, (1000).to_bytes(4, "little"))
        (self.tmp / "lie2.zip").write_bytes(bytes(raw))
        got = take(self.tmp / "lie2.zip")
        self.assertIsNone(got.parts["a1"].data)
        self.assertTrue(got.parts["a1"].problem)

    def test_corrupt_zip(self) -> None:
        p = self.write("bad.zip", b"PK\x03\x04" + b"\0" * 50)
        with self.assertRaisesRegex(SubmissionRejected, "cannot be read"):
            take(p)

    def test_archive_file_too_large(self) -> None:
        z = make_zip(self.tmp / "s.zip", {"a1_windows.c": A1.encode()})
        with self.assertRaisesRegex(SubmissionRejected, "larger than"):
            take(z, Limits(max_archive_bytes=10))


class TarIntake(TempDir):
    def test_tar_gz_ok(self) -> None:
        t = make_tar(self.tmp / "s.tar.gz", {"s/a1_windows.c": A1.encode(),
                                             "s/a2_borders.c": A2.encode(),
                                             "s/include/assignment.h": b"evil"})
        got = take(t)
        self.assertEqual(got.kind, "tar.gz")
        self.assertEqual(got.parts["a1"].data, A1.encode())
        self.assertEqual(got.parts["a2"].data, A2.encode())

    def test_plain_tar_bz2_xz(self) -> None:
        for mode, kind in (("w", "tar"), ("w:bz2", "tar.bz2"), ("w:xz", "tar.xz")):
            t = make_tar(self.tmp / f"s.{kind}", {"a1_windows.c": A1.encode()}, mode=mode)
            got = take(t)
            self.assertEqual(got.kind, kind)
            self.assertEqual(got.parts["a1"].data, A1.encode())

    def test_traversal_is_refused(self) -> None:
        t = make_tar(self.tmp / "s.tar.gz", {"a1_windows.c": A1.encode(), "../x.c": b"x"})
        with self.assertRaisesRegex(SubmissionRejected, "climbs out"):
            take(t)

    def test_absolute_path_is_refused(self) -> None:
        t = make_tar(self.tmp / "s.tar.gz", {"/etc/x.c": b"x"})
        with self.assertRaisesRegex(SubmissionRejected, "absolute path"):
            take(t)

    def test_symlink_and_hardlink_members_are_refused(self) -> None:
        t = make_tar(self.tmp / "s.tar.gz", {"a3_layers.c": b"int a3;"},
                     links={"a1_windows.c": (tarfile.SYMTYPE, "/etc/shadow"),
                            "a2_borders.c": (tarfile.LNKTYPE, "a3_layers.c")})
        got = take(t)
        self.assertIn("link", got.parts["a1"].problem)
        self.assertIn("link", got.parts["a2"].problem)
        self.assertTrue(got.parts["a3"].accepted)

    def test_gzip_bomb_stops_while_decompressing(self) -> None:
        t = self.tmp / "bomb.tar.gz"
        with gzip.open(t, "wb", compresslevel=9) as g:
            with tarfile.open(fileobj=g, mode="w|") as tf:
                ti = tarfile.TarInfo("zeros.bin")
                ti.size = 100 * MiB
                tf.addfile(ti, io.BytesIO(bytes(100 * MiB)))
                ti = tarfile.TarInfo("a1_windows.c")
                ti.size = len(A1)
                tf.addfile(ti, io.BytesIO(A1.encode()))
        t0 = time.monotonic()
        with self.assertRaisesRegex(SubmissionRejected, "archive bomb"):
            take(t)
        self.assertLess(time.monotonic() - t0, 3.0)

    def test_byte_cap_while_decompressing(self) -> None:
        t = make_tar(self.tmp / "s.tar.gz", {"a.bin": os.urandom(3 * MiB)})
        with self.assertRaisesRegex(SubmissionRejected, "more than 2 MiB"):
            take(t, Limits(max_total_bytes=2 * MiB))

    def test_too_many_members(self) -> None:
        t = make_tar(self.tmp / "many.tar.gz", {f"f{i}": b"" for i in range(2001)})
        with self.assertRaisesRegex(SubmissionRejected, "more than 2000 members"):
            take(t)

    def test_oversized_member_is_refused(self) -> None:
        t = make_tar(self.tmp / "big.tar.gz", {"a1_windows.c": b"/" * (MiB + 1)})
        got = take(t)
        self.assertIn("larger than", got.parts["a1"].problem)

    def test_truncated_archive(self) -> None:
        t = make_tar(self.tmp / "s.tar.gz", {"a1_windows.c": os.urandom(100000)})
        data = t.read_bytes()
        p = self.write("cut.tar.gz", data[: len(data) // 2])
        with self.assertRaisesRegex(SubmissionRejected, "cannot be read"):
            take(p)


class MemberNames(TempDir):
    def test_check_member_name(self) -> None:
        self.assertEqual(intake._check_member_name("./s/a1_windows.c"), ["s", "a1_windows.c"])
        for bad in ("/etc/passwd", "\\x", "C:x", "a/../../x", "..", "a\0b"):
            with self.assertRaises(SubmissionRejected, msg=bad):
                intake._check_member_name(bad)
