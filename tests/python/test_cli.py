"""The convlab CLI as a user meets it: listing kernels, `info`, PNG in and out,
`show`, and every bad input of SPEC §4 failing cleanly (non-zero exit, exactly
one stderr line "convlab: ..." that names the problem, no output file)."""
from __future__ import annotations

import re
import unittest

import numpy as np

from .common import (FASHION_T10K, IMAGES, CliTestCase, cmdline, npy_bytes, png_bytes, png_read,
                     png_size, run_cli)

KERNEL_NAMES = ["identity", "shift_right", "shift_down", "dx", "dy", "gaussian5", "sharpen",
                "laplace4", "laplace8", "sobel_x", "sobel_y", "emboss"]


class TestKernels(CliTestCase):
    def test_kernels_lists_every_name(self):
        r = run_cli(["kernels"])
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in KERNEL_NAMES:
            self.assertRegex(r.stdout, rf"(?<![\w]){re.escape(name)}(?![\w])", f"`convlab kernels` lacks {name}")
        self.assertRegex(r.stdout, r"(?<![\w])box(N|\d+)", "`convlab kernels` lacks boxN")

    def kernel(self, name: str) -> np.ndarray:
        """The kernel's values, read back as the full-mode correlation of a 1x1
        impulse (which is the kernel flipped in both axes)."""
        out = self.run_op("conv", "reference", np.ones((1, 1), np.float32), name, opts=["--mode", "full"])
        return out[::-1, ::-1]

    def test_named_kernel_values(self):
        g = np.array([1, 4, 6, 4, 1], dtype=np.float64)
        box3 = np.full((3, 3), 1 / 9)
        ident3 = np.zeros((3, 3))
        ident3[1, 1] = 1
        expected = {"gaussian5": np.outer(g, g) / 256, "box3": box3, "box5": np.full((5, 5), 1 / 25),
                    "box1": np.ones((1, 1)), "sharpen": 2 * ident3 - box3}
        for name, exp in expected.items():
            with self.subTest(kernel=name):
                self.assert_close(self.kernel(name), exp, 1e-6, what=f"kernel {name}")
        for name, exp in {"sobel_x": [[1, 0, 1], [2, 0, 2], [1, 0, 1]],
                          "laplace4": [[0, 1, 0], [1, 4, 1], [0, 1, 0]],
                          "laplace8": [[1, 1, 1], [1, 8, 1], [1, 1, 1]]}.items():
            with self.subTest(kernel=name, up_to="signs"):
                self.assert_close(np.abs(self.kernel(name)), np.array(exp, np.float64), 1e-6, what=name)
        with self.subTest(kernel="sobel_y", up_to="signs"):
            self.assert_close(np.abs(self.kernel("sobel_y")), np.abs(self.kernel("sobel_x")).T, 1e-6, what="sobel_y")
        with self.subTest(kernel="identity"):
            k = self.kernel("identity")
            self.assertTrue(k.shape[0] % 2 == 1 and k.shape[1] % 2 == 1, f"identity {k.shape} not odd")
            exp = np.zeros(k.shape)
            exp[k.shape[0] // 2, k.shape[1] // 2] = 1
            self.assert_close(k, exp, 0, what="identity")
        for name in KERNEL_NAMES:
            with self.subTest(kernel=name, check="sums"):
                k = self.kernel(name)
                s = float(k.astype(np.float64).sum())
                if name in ("dx", "dy", "sobel_x", "sobel_y", "laplace4", "laplace8"):
                    self.assertAlmostEqual(s, 0.0, 5, f"{name} should sum to 0 (a derivative)")
                elif name != "emboss":
                    self.assertAlmostEqual(s, 1.0, 5, f"{name} should sum to 1 (keeps brightness)")

    def test_shift_kernels_move_the_picture(self):
        # What the names promise a student: shift_right moves the picture one
        # pixel right, shift_down one pixel down (same mode, zero border).
        x = np.arange(1, 31, dtype=np.float32).reshape(5, 6)
        right = self.run_op("conv", "reference", x, "shift_right", opts=["--mode", "same"])
        down = self.run_op("conv", "reference", x, "shift_down", opts=["--mode", "same"])
        exp_r = np.zeros_like(x)
        exp_r[:, 1:] = x[:, :-1]
        exp_d = np.zeros_like(x)
        exp_d[1:, :] = x[:-1, :]
        self.assert_exact(right, exp_r, "shift_right")
        self.assert_exact(down, exp_d, "shift_down")


class TestInfo(CliTestCase):
    def info(self, path) -> str:
        r = run_cli(["info", path])
        self.assertEqual(r.returncode, 0, f"{cmdline(['info', path])}: {r.stderr.strip()}")
        self.assertTrue(r.stdout.strip(), "info printed nothing")
        return r.stdout

    def test_info_npy(self):
        p = self.wd.npy(np.zeros((3, 4, 2), np.float32))
        out = self.info(p)
        self.assertRegex(out, r"(?<!\d)3\D+4\D+2(?!\d)", "info should print the shape 3,4,2")
        self.assertRegex(out.lower(), r"float32|f4|float", "info should print the dtype")

    def test_info_png(self):
        p = self.wd.raw(png_bytes(np.zeros((37, 23), np.uint8)), "img", ".png")
        out = self.info(p)
        self.assertRegex(out, r"(?<!\d)37(?!\d)", "info should print the height 37")
        self.assertRegex(out, r"(?<!\d)23(?!\d)", "info should print the width 23")

    @unittest.skipUnless(FASHION_T10K.exists(), f"{FASHION_T10K} absent (dataset-fashion-mnist)")
    def test_info_fashion_mnist_idx(self):
        out = self.info(FASHION_T10K)
        self.assertRegex(out, r"(?<!\d)10000\D+28\D+28(?!\d)", "info should print 10000 x 28 x 28")


class TestPng(CliTestCase):
    def setUp(self):
        super().setUp()
        g = np.random.default_rng(12345)
        self.gray = g.integers(0, 256, size=(13, 17), dtype=np.uint8)
        self.rgb = g.integers(0, 256, size=(9, 11, 3), dtype=np.uint8)

    def test_png_loads_as_floats_0_255(self):
        p = self.wd.raw(png_bytes(self.gray), "gray", ".png")
        out = self.wd.name("out")
        r = run_cli(["run", "conv", "--impl", "reference", "-i", p, "-k", "identity", "--mode", "same", "-o", out])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_exact(np.load(out), self.gray.astype(np.float32), "gray PNG -> .npy")

    def test_png_round_trip(self):
        for name, img in (("gray", self.gray), ("rgb", self.rgb)):
            for impl in ("reference", "solution"):
                with self.subTest(png=name, impl=impl):
                    p = self.wd.raw(png_bytes(img), name, ".png")
                    out = self.wd.name("out", ".png")
                    args = ["run", "conv", "--impl", impl, "-i", p, "-k", "identity", "--mode", "same", "-o", out]
                    r = run_cli(args)
                    self.assertEqual(r.returncode, 0, f"{cmdline(args)}: {r.stderr.strip()}")
                    self.assert_exact(png_read(out), img, f"{name} PNG identity round trip")

    def test_png_threshold(self):
        p = self.wd.raw(png_bytes(self.gray), "gray", ".png")
        out = self.wd.name("out", ".png")
        args = ["run", "threshold", "--impl", "reference", "-i", p, "--thresh", "127", "--maxval", "255", "-o", out]
        r = run_cli(args)
        self.assertEqual(r.returncode, 0, f"{cmdline(args)}: {r.stderr.strip()}")
        self.assert_exact(png_read(out), np.where(self.gray > 127, 255, 0).astype(np.uint8), "threshold PNG")

    def show(self, inp, kernels, extra=()):
        out = self.wd.name("show", ".png")
        args = ["show", inp, *[a for k in kernels for a in ("-k", k)], "-o", out, *extra]
        r = run_cli(args)
        self.assertEqual(r.returncode, 0, f"{cmdline(args)}: {r.stderr.strip()}")
        return out

    def test_show_writes_input_beside_output(self):
        img = np.random.default_rng(12345).integers(0, 256, size=(40, 64), dtype=np.uint8)
        p = self.wd.raw(png_bytes(img), "photo", ".png")
        for extra in ((), ("--normalize",)):
            with self.subTest(kernel="sobel_x", options=extra):
                out = self.show(p, ["sobel_x"], extra)
                w, h, depth, _ = png_size(out)
                self.assertEqual(depth, 8)
                ratio = w / img.shape[1]
                self.assertTrue(2 <= ratio <= 2.5, f"show: width {w} should be about 2 x {img.shape[1]}")
                self.assertGreaterEqual(h, img.shape[0])
                self.assertLessEqual(h, img.shape[0] * 1.5 + 32)

    def test_show_draws_further_inputs_top_aligned(self):
        g = np.random.default_rng(7)
        a = self.wd.raw(png_bytes(g.integers(0, 256, size=(40, 64), dtype=np.uint8)), "a", ".png")
        b = self.wd.raw(png_bytes(g.integers(0, 256, size=(30, 20), dtype=np.uint8)), "b", ".png")
        out = self.wd.path / "two.png"
        r = run_cli(["show", a, b, "-k", "box3", "-o", out])
        self.assertEqual(r.returncode, 0, r.stderr)
        w, h, _, _ = png_size(out)
        # three panels (a, b, a*box3) side by side with a narrow gap between
        # them; the picture is as tall as the tallest panel
        self.assertEqual(h, 40)
        self.assertTrue(64 + 20 + 64 < w <= 64 + 20 + 64 + 2 * 16, f"width {w}")

    @unittest.skipUnless(IMAGES and IMAGES.is_dir(), "CONVLAB_IMAGES not set")
    def test_show_on_installed_image(self):
        imgs = sorted(IMAGES.rglob("*.png"))
        if not imgs:
            self.skipTest(f"no PNG in {IMAGES}")
        w0, _, _, _ = png_size(imgs[0])
        out = self.show(imgs[0], ["gaussian5"])
        w, _, _, _ = png_size(out)
        self.assertTrue(2 <= w / w0 <= 2.5, f"show {imgs[0].name}: width {w} should be about 2 x {w0}")


class TestErrors(CliTestCase):
    """SPEC §4 bad input: non-zero exit, one 'convlab: ' line naming the problem,
    no output file (and no leftover temporary)."""

    def setUp(self):
        super().setUp()
        g = np.random.default_rng(12345)
        self.img = self.wd.npy(g.standard_normal((6, 5)).astype(np.float32), "img")
        self.img3 = self.wd.npy(g.standard_normal((6, 5, 3)).astype(np.float32), "img3")
        self.k3 = self.wd.npy(np.ones((3, 3), np.float32), "k3")
        self.out = self.wd.path / "out.npy"

    def fails(self, op, inp, opts, names, out=None):
        out = out or self.out
        args = ["run", op, "--impl", "reference", "-i", inp, *opts, "-o", out]
        for impl in ("reference", "solution"):
            args[3] = impl
            with self.subTest(impl=impl, args=" ".join(map(str, opts))):
                self.run_fail(args, out, names)

    def test_kernel_larger_than_valid_image(self):
        small = self.wd.npy(np.ones((3, 3), np.float32), "small")
        k5 = self.wd.npy(np.ones((5, 5), np.float32), "k5")
        self.fails("conv", small, ["-k", k5, "--mode", "valid"], ["kernel", "larger"])
        self.fails("maxpool", self.wd.npy(np.ones((3, 3, 1), np.float32)), ["--pool", "4", "--padding", "valid"],
                   ["pool", "larger", "window"])

    def test_zero_or_negative_sizes(self):
        self.fails("conv", self.img, ["-k", self.k3, "--stride", "0"], ["stride"])
        self.fails("conv", self.img, ["-k", self.k3, "--stride", "1,0"], ["stride"])
        self.fails("maxpool", self.img3, ["--pool", "-2"], ["pool"])
        self.fails("subimages", self.img, ["--ksize", "0,3"], ["ksize", "kernel", "size"])
        self.fails("upsample", self.img3, ["--factor", "0"], ["factor"])
        self.fails("pad", self.img, ["--pad", "1,-1,0,0"], ["pad"])
        for shape in [(0, 4), (4, 0, 3)]:
            empty = self.wd.raw(npy_bytes("<f4", shape), "empty")
            self.fails("conv", empty, ["-k", self.k3], ["empty", "zero", "size"])

    def test_unknown_names(self):
        self.fails("conv", self.img, ["-k", self.k3, "--mode", "middle"], ["middle", "mode"])
        self.fails("conv", self.img, ["-k", self.k3, "--border", "mirror"], ["mirror", "border"])
        self.fails("upsample", self.img3, ["--factor", "2", "--interp", "cubic"], ["cubic", "interp"])
        self.fails("conv", self.img, ["-k", "nosuchkernel"], ["nosuchkernel"])

    def test_unknown_op(self):
        self.run_fail(["run", "blur", "--impl", "reference", "-i", self.img, "-o", self.out], self.out, ["blur"])

    def test_unknown_option(self):
        self.fails("conv", self.img, ["-k", self.k3, "--frobnicate", "3"], ["frobnicate"])

    def test_option_not_applying_to_op(self):
        self.fails("threshold", self.img, ["--thresh", "0", "--maxval", "1", "--stride", "2"], ["stride"])
        self.fails("maxpool", self.img3, ["--pool", "2", "--flip"], ["flip"])
        self.fails("pad", self.img, ["--pad", "1,1,1,1", "--mode", "same"], ["mode"])

    def test_mismatched_channels_conv2d(self):
        w = self.wd.npy(np.ones((3, 3, 2, 4), np.float32), "w")
        self.fails("conv2d", self.img3, ["-k", w], ["channel"])
        wt = self.wd.npy(np.ones((3, 3, 4, 2), np.float32), "wt")
        self.fails("conv2d_transpose", self.img3, ["-k", wt], ["channel"])
        b = self.wd.npy(np.ones((5,), np.float32), "b")
        w3 = self.wd.npy(np.ones((3, 3, 3, 4), np.float32), "w3")
        self.fails("conv2d", self.img3, ["-k", w3, "--bias", b], ["bias"])

    def test_missing_input_file(self):
        missing = self.wd.path / "x_missing.npy"
        self.fails("conv", missing, ["-k", self.k3], ["x_missing.npy"])

    def bad_npy(self, data: bytes, names, as_kernel=False):
        p = self.wd.raw(data, "bad")
        if as_kernel:
            self.fails("conv", self.img, ["-k", p], names)
        else:
            self.fails("conv", p, ["-k", self.k3], names)

    def test_corrupt_npy_bad_magic(self):
        good = npy_bytes("<f4", (4, 4), payload=bytes(64))
        self.bad_npy(b"\x93NUMPX" + good[6:], ["magic", "not a .npy", "not an npy", "npy"])

    def test_truncated_npy(self):
        self.bad_npy(npy_bytes("<f4", (4, 4), payload=bytes(54)), ["truncated", "short", "expected", "bytes"])
        self.bad_npy(npy_bytes("<f4", (4, 4))[:20], ["truncated", "short", "header"])

    def test_unsupported_npy_kinds(self):
        self.bad_npy(npy_bytes("<f8", (4, 4), payload=bytes(128)), ["f8", "float64", "dtype"])
        self.bad_npy(npy_bytes(">f4", (4, 4), payload=bytes(64)), [">f4", "endian", "dtype"])
        self.bad_npy(npy_bytes("<f4", (4, 3), fortran=True, payload=bytes(48)), ["fortran"])
        self.bad_npy(npy_bytes("<f4", (1, 2, 2, 2, 1), payload=bytes(32)),
                     ["5-d", "5 dim", "dimension", "ndim", "rank", "5d", "axes"])
        self.bad_npy(npy_bytes("<f8", (3, 3), payload=bytes(72)), ["f8", "float64", "dtype"], as_kernel=True)

    def test_absurd_dimensions(self):
        for shape in [(100000, 100000, 100), (100000, 100000), (2 ** 62, 8), (1 << 20,) * 4]:
            with self.subTest(shape=shape):
                self.bad_npy(npy_bytes("<f4", shape, payload=bytes(64)),
                             ["large", "big", "too", "absurd", "dimension", "exceed", "limit"])

    def test_fortran_npy_written_by_numpy(self):
        p = self.wd.name("fortran")
        np.save(p, np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4)))
        self.fails("conv", p, ["-k", self.k3], ["fortran"])

    def test_corrupt_png(self):
        good = png_bytes(np.zeros((8, 8), np.uint8))
        self.fails("conv", self.wd.raw(good[:8] + b"garbage" * 10, "bad", ".png"), ["-k", self.k3],
                   ["png", "image", "corrupt", "decode", "load", "read"])
        self.fails("conv", self.wd.raw(good[:40], "cut", ".png"), ["-k", self.k3],
                   ["png", "image", "corrupt", "decode", "load", "read"])

    def test_output_in_missing_directory(self):
        out = self.wd.path / "no_such_dir" / "out.npy"
        self.fails("conv", self.img, ["-k", self.k3], ["no_such_dir", "directory", "cannot", "write"], out=out)
        self.assertFalse(out.parent.exists())

    def test_missing_required_options(self):
        self.fails("conv", self.img, [], ["-k", "kernel"])
        self.fails("maxpool", self.img3, [], ["pool"])


class TestStudentStubs(CliTestCase):
    """`--impl student` on the kit's stubs says "not implemented yet"; a part the
    kit's assignments/ already implements is skipped."""

    def cases(self):
        g = np.random.default_rng(12345)
        img = self.wd.npy(g.standard_normal((6, 5)).astype(np.float32), "img")
        img3 = self.wd.npy(g.standard_normal((6, 5, 2)).astype(np.float32), "img3")
        k = self.wd.npy(np.ones((3, 3), np.float32), "k")
        w = self.wd.npy(np.ones((3, 3, 2, 3), np.float32), "w")
        wt = self.wd.npy(np.ones((3, 3, 3, 2), np.float32), "wt")
        return [("subimages", img, ["--ksize", "2,2"]), ("conv", img, ["-k", k]),
                ("conv", img, ["-k", k, "--mode", "same", "--border", "reflect"]),
                ("conv", img, ["-k", k, "--flip"]), ("pad", img, ["--pad", "1,1,1,1"]),
                ("threshold", img, ["--thresh", "0", "--maxval", "1"]), ("to_uint8", img, []),
                ("conv2d", img3, ["-k", w]), ("maxpool", img3, ["--pool", "2"]), ("avgpool", img3, ["--pool", "2"]),
                ("upsample", img3, ["--factor", "2"]), ("upsample", img3, ["--factor", "2", "--interp", "bilinear"]),
                ("conv2d_transpose", img3, ["-k", wt, "--stride", "2"])]

    def test_stubs_report_not_implemented(self):
        for op, inp, opts in self.cases():
            with self.subTest(op=op, opts=" ".join(map(str, opts))):
                out = self.wd.name("out")
                args = ["run", op, "--impl", "student", "-i", inp, *opts, "-o", out]
                r = run_cli(args)
                if r.returncode == 0:
                    self.skipTest(f"{op}: the kit's assignments/ implement it")
                line = self.run_fail(args, out)
                self.assertIn("not implemented", line.lower(), f"{cmdline(args)}: {line!r}")


if __name__ == "__main__":
    unittest.main()
