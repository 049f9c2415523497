"""Randomized cross-check of `convlab run OP --impl reference|solution` against
independent oracles written from SPEC §4 and the oracle libraries' documentation
(numpy, scipy.signal, OpenCV, PyTorch), never from the C code.

Every case is a subTest named by its parameters, so a failure says which case;
every comparison prints the largest error. Data movement is compared exactly,
float sums within a tolerance derived from the size of the sum (common.sum_atol).
Random data come from numpy.random.default_rng(12345), re-seeded in each test.
"""
from __future__ import annotations

import collections
import math
import sys
import unittest

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .common import (BORDERS, IMAGES, IMPLS, NP_MODE, CliTestCase, fmt_opts, maxabs, need,
                     sum_atol)

SEED = 12345
CASES = collections.Counter()  # oracle -> number of cases (each run on every impl)


def tearDownModule() -> None:
    if CASES:
        total = sum(CASES.values())
        parts = ", ".join(f"{k} {v}" for k, v in sorted(CASES.items()))
        print(f"\ncross-check: {total} cases x {len(IMPLS)} impls ({parts})", file=sys.stderr)


def rng() -> np.random.Generator:
    return np.random.default_rng(SEED)


def data(g: np.random.Generator, shape, kind: str = "normal") -> np.ndarray:
    """float32 test data: 'normal' N(0,1); 'pixels' integers 0..255 like an
    8-bit image; 'small' integers -3..3 (many ties, exact sums)."""
    if kind == "normal":
        return g.standard_normal(shape).astype(np.float32)
    if kind == "pixels":
        return g.integers(0, 256, size=shape).astype(np.float32)
    if kind == "small":
        return g.integers(-3, 4, size=shape).astype(np.float32)
    raise ValueError(kind)


# ------------------------------------------------------------------ oracles
# Written from SPEC §4 (sizes, TF 'same' split, border = numpy.pad mode).


def out_size(n: int, k: int, s: int, mode: str) -> int:
    """SPEC conv_output_size."""
    if mode == "valid":
        return (n - k) // s + 1
    if mode == "same":
        return -(-n // s)
    return (n + k - 2) // s + 1


def pad_amounts(n: int, k: int, s: int, mode: str) -> tuple:
    """(before, after) of one axis: valid 0,0; full k-1,k-1; same TF split."""
    if mode == "valid":
        return 0, 0
    if mode == "full":
        return k - 1, k - 1
    o = -(-n // s)
    total = max((o - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def pair(v) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def corr_valid_np(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Valid cross-correlation of (H,W[,C]) with (kh,kw), float64, by windows."""
    win = sliding_window_view(x.astype(np.float64), k.shape, axis=(0, 1))  # OH,OW,[C],kh,kw
    return np.einsum("...ij,ij->...", win, k.astype(np.float64))


def np_conv(x: np.ndarray, k: np.ndarray, mode: str, border: str, stride) -> np.ndarray:
    """numpy.pad with the border's mode, then valid correlation, then stride."""
    sy, sx = pair(stride)
    (t, b), (l, r) = pad_amounts(x.shape[0], k.shape[0], sy, mode), pad_amounts(x.shape[1], k.shape[1], sx, mode)
    pads = ((t, b), (l, r)) + ((0, 0),) * (x.ndim - 2)
    xp = np.pad(x.astype(np.float64), pads, mode=NP_MODE[border])
    return corr_valid_np(xp, k)[::sy, ::sx]


def np_pool(x4: np.ndarray, pool, stride, padding: str, kind: str) -> np.ndarray:
    """Loops over the output; each window clipped to the real cells (padded
    cells never count: max ignores them, average divides by the real count)."""
    ph, pw = pair(pool)
    sy, sx = pair(stride if stride is not None else pool)
    n, h, w, c = x4.shape
    if padding == "valid":
        oh, ow, t, l = (h - ph) // sy + 1, (w - pw) // sx + 1, 0, 0
    else:
        oh, ow = -(-h // sy), -(-w // sx)
        t, l = pad_amounts(h, ph, sy, "same")[0], pad_amounts(w, pw, sx, "same")[0]
    out = np.empty((n, oh, ow, c), dtype=np.float64)
    xd = x4.astype(np.float64)
    for oy in range(oh):
        y0 = oy * sy - t
        ys = slice(max(y0, 0), min(y0 + ph, h))
        for ox in range(ow):
            x0 = ox * sx - l
            xs = slice(max(x0, 0), min(x0 + pw, w))
            win = xd[:, ys, xs, :]
            out[:, oy, ox, :] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return out


def as4(x: np.ndarray) -> np.ndarray:
    return x if x.ndim == 4 else x[None]


def like_input(y4: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Drops the batch axis again when the input had none."""
    return y4 if x.ndim == 4 else y4[0]


def torch_conv2d(torch, x: np.ndarray, w: np.ndarray, bias, stride, padding: str) -> np.ndarray:
    """F.conv2d after F.pad (TF split), NHWC <-> NCHW, Keras weights (kh,kw,cin,cout)
    permuted to torch's (cout,cin,kh,kw)."""
    F = torch.nn.functional
    x4 = as4(x)
    sy, sx = pair(stride)
    kh, kw = w.shape[:2]
    t, b = pad_amounts(x4.shape[1], kh, sy, padding)
    l, r = pad_amounts(x4.shape[2], kw, sx, padding)
    xt = F.pad(torch.from_numpy(x4.astype(np.float64)).permute(0, 3, 1, 2), (l, r, t, b))
    wt = torch.from_numpy(w.astype(np.float64)).permute(3, 2, 0, 1).contiguous()
    bt = None if bias is None else torch.from_numpy(bias.astype(np.float64))
    y = F.conv2d(xt, wt, bt, stride=(sy, sx))
    return like_input(y.permute(0, 2, 3, 1).numpy(), x)


def torch_conv2d_transpose(torch, x: np.ndarray, w: np.ndarray, stride, padding: str,
                           bias=None) -> np.ndarray:
    """F.conv_transpose2d (the full scatter, (H-1)s+kh), Keras Conv2DTranspose
    weights (kh,kw,cout,cin) permuted to torch's (cin,cout,kh,kw), then the SPEC's
    window: valid (H-1)s+max(kh,s) from 0; same H*s from max(kh-s,0)//2; cells
    past the scatter are 0."""
    F = torch.nn.functional
    x4 = as4(x)
    sy, sx = pair(stride)
    kh, kw = w.shape[:2]
    xt = torch.from_numpy(x4.astype(np.float64)).permute(0, 3, 1, 2)
    wt = torch.from_numpy(w.astype(np.float64)).permute(3, 2, 0, 1).contiguous()
    full = F.conv_transpose2d(xt, wt, stride=(sy, sx)).permute(0, 2, 3, 1).numpy()

    def window(n, k, s):
        if padding == "valid":
            return 0, (n - 1) * s + max(k, s)
        return max(k - s, 0) // 2, n * s

    oy, hh = window(x4.shape[1], kh, sy)
    ox, ww = window(x4.shape[2], kw, sx)
    big = np.zeros((full.shape[0], oy + hh + full.shape[1], ox + ww + full.shape[2], full.shape[3]))
    big[:, :full.shape[1], :full.shape[2], :] = full
    y = big[:, oy:oy + hh, ox:ox + ww, :]
    if bias is not None:
        y = y + bias.astype(np.float64)
    return like_input(y, x)


def to_uint8_np(x: np.ndarray) -> np.ndarray:
    """SPEC §3: round half to even (np.rint), then clamp 0..255."""
    return np.clip(np.rint(x.astype(np.float32)), 0, 255).astype(np.uint8)


# ------------------------------------------------------------------- tests

# The functions `convlab run conv --fn F` can force for a valid, stride-1
# correlation (default: im_conv).
CONV_FNS = ("im_conv", "im_conv_opts", "im_conv_fast")


def fn_opts(fn: str) -> list:
    return ["--fn", fn]


def make_kernel(g: np.random.Generator, spec) -> np.ndarray:
    """('rand', kh, kw) normal; ('rank1', kh, kw) separable outer product;
    ('named', name) the SPEC's values of a named kernel."""
    if spec[0] == "rand":
        return data(g, spec[1:])
    if spec[0] == "rank1":
        return np.outer(data(g, (spec[1],)), data(g, (spec[2],))).astype(np.float32)
    name = spec[1]
    if name == "gaussian5":
        b = np.array([1, 4, 6, 4, 1], dtype=np.float64)
        return (np.outer(b, b) / 256).astype(np.float32)
    if name.startswith("box"):
        n = int(name[3:])
        return np.full((n, n), 1 / (n * n), dtype=np.float32)
    if name == "sharpen":
        k = -np.full((3, 3), 1 / 9)
        k[1, 1] += 2
        return k.astype(np.float32)
    raise ValueError(name)


def kernel_arg(spec, k: np.ndarray):
    """What to pass to -k: the name for a named kernel, else the array."""
    return spec[1] if spec[0] == "named" else k


class CrossCheck(CliTestCase):
    """Runs a case on every impl, inside a subTest named by its parameters."""

    def each_impl(self, oracle: str, **params) -> list:
        """[(impl, subTest context)] for every impl; counts the case."""
        CASES[oracle] += 1
        return [(impl, self.subTest(oracle=oracle, impl=impl, **params)) for impl in IMPLS]


class TestSubimages(CrossCheck):
    # (H, W, C or None for a 2-D input, kh, kw)
    CASES = [(1, 1, None, 1, 1), (1, 5, None, 1, 3), (5, 1, None, 2, 1), (3, 3, None, 3, 3),
             (6, 5, None, 3, 2), (5, 6, 1, 2, 3), (7, 4, 3, 3, 3), (8, 8, 2, 8, 8),
             (9, 13, None, 4, 5), (4, 7, 3, 1, 1), (16, 11, None, 5, 5), (2, 2, 4, 2, 1),
             (6, 5, 3, 6, 5), (1, 9, 2, 1, 9)]

    def test_subimages_vs_sliding_window_view(self):
        g = rng()
        for h, w, c, kh, kw in self.CASES:
            shape = (h, w) if c is None else (h, w, c)
            x = data(g, shape)
            x3 = x if c is not None else x[:, :, None]
            win = sliding_window_view(x3, (kh, kw), axis=(0, 1))  # OH,OW,C,kh,kw
            oh, ow, cc = win.shape[:3]
            exp = win.transpose(0, 1, 3, 4, 2).reshape(oh * ow, kh * kw * cc)
            for impl, case in self.each_impl("sliding_window_view", shape=shape, ksize=(kh, kw)):
                with case:
                    got = self.run_op("subimages", impl, x, opts=["--ksize", f"{kh},{kw}"])
                    self.assert_exact(got, exp, "subimages")


class TestConv(CrossCheck):
    # valid, stride 1: (H, W, C or None, kh, kw, data kind)
    VALID = [(1, 1, None, 1, 1, "normal"), (1, 5, None, 1, 3, "normal"), (5, 1, None, 3, 1, "pixels"),
             (1, 7, None, 1, 7, "normal"), (3, 3, None, 3, 3, "normal"), (6, 5, None, 3, 3, "pixels"),
             (5, 6, None, 2, 3, "normal"), (6, 5, 1, 3, 2, "normal"), (7, 4, 3, 2, 2, "pixels"),
             (8, 8, None, 8, 8, "normal"), (9, 13, None, 5, 5, "normal"), (16, 11, 2, 4, 4, "normal"),
             (31, 17, None, 7, 7, "pixels"), (13, 9, None, 1, 1, "normal"), (4, 7, 3, 4, 7, "small"),
             (12, 12, None, 5, 3, "small"), (2, 9, 1, 2, 1, "normal"), (10, 3, None, 3, 3, "normal"),
             (20, 24, 3, 3, 3, "pixels"), (11, 1, 2, 4, 1, "normal")]

    def test_valid_vs_scipy_correlate2d(self):
        signal = need(self, "scipy.signal")
        g = rng()
        for h, w, c, kh, kw, kind in self.VALID:
            shape = (h, w) if c is None else (h, w, c)
            x, k = data(g, shape, kind), data(g, (kh, kw))
            xs = x.astype(np.float64)
            if c is None:
                exp = signal.correlate2d(xs, k.astype(np.float64), "valid")
            else:
                exp = np.stack([signal.correlate2d(xs[:, :, i], k.astype(np.float64), "valid")
                                for i in range(c)], axis=-1)
            atol = sum_atol(kh * kw, maxabs(x), maxabs(k))
            for fn in CONV_FNS:
                for impl, case in self.each_impl("scipy.correlate2d valid", fn=fn, shape=shape, kernel=(kh, kw),
                                                 data=kind):
                    with case:
                        got = self.run_op("conv", impl, x, k, opts=fn_opts(fn))  # valid is the default mode
                        self.assert_close(got, exp, atol, what=f"conv valid {fn}")
                        if fn == "im_conv_opts":
                            got = self.run_op("conv", impl, x, k, opts=["--mode", "valid", "--border", "wrap"])
                            self.assert_close(got, exp, atol, what="conv valid (a border changes nothing)")

    # valid with stride: the stride-1 result sampled at (y*sy, x*sx)
    STRIDED = [(7, 7, None, 3, 3, 2), (9, 13, None, 4, 5, (2, 3)), (6, 5, 2, 2, 2, 3), (1, 9, None, 1, 2, (1, 4)),
               (10, 10, None, 3, 3, 4), (8, 5, None, 8, 1, (5, 2)), (17, 11, 3, 5, 3, (3, 2)), (5, 5, None, 5, 5, 7)]

    def test_valid_strided_vs_slicing(self):
        signal = need(self, "scipy.signal")
        g = rng()
        for h, w, c, kh, kw, stride in self.STRIDED:
            shape = (h, w) if c is None else (h, w, c)
            x, k = data(g, shape), data(g, (kh, kw))
            sy, sx = pair(stride)
            x3 = x.astype(np.float64).reshape(h, w, -1)
            full = np.stack([signal.correlate2d(x3[:, :, i], k.astype(np.float64), "valid")
                             for i in range(x3.shape[2])], axis=-1)
            exp = full[::sy, ::sx]
            exp = exp[:, :, 0] if c is None else exp
            self.assertEqual(exp.shape[:2], (out_size(h, kh, sy, "valid"), out_size(w, kw, sx, "valid")))
            atol = sum_atol(kh * kw, maxabs(x), maxabs(k))
            for impl, case in self.each_impl("slicing (valid stride)", shape=shape, kernel=(kh, kw), stride=stride):
                with case:
                    got = self.run_op("conv", impl, x, k, opts=["--mode", "valid", "--stride", fmt_opts(stride)])
                    self.assert_close(got, exp, atol, what="conv valid strided")

    # full/same with every border: (shape, kernel, stride); includes pads wider
    # than the image, kernels larger than the image and strides not dividing it.
    PADDED = [((6, 5), (3, 3), 1), ((5, 6), (2, 3), 2), ((7, 4), (4, 2), (2, 3)), ((1, 7), (3, 3), 1),
              ((1, 1), (3, 2), 1), ((3, 3), (5, 5), 3), ((9, 13, 3), (5, 3), (3, 2)), ((2, 2), (7, 7), 2),
              ((8, 1), (1, 4), (3, 1))]

    def test_full_same_vs_numpy_pad(self):
        g = rng()
        for mode in ("full", "same"):
            for border in BORDERS:
                for shape, (kh, kw), stride in self.PADDED:
                    x, k = data(g, shape), data(g, (kh, kw))
                    exp = np_conv(x, k, mode, border, stride)
                    sy, sx = pair(stride)
                    self.assertEqual(exp.shape[:2], (out_size(shape[0], kh, sy, mode), out_size(shape[1], kw, sx, mode)))
                    atol = sum_atol(kh * kw, maxabs(x), maxabs(k))
                    for impl, case in self.each_impl("numpy.pad + valid", mode=mode, border=border, shape=shape,
                                                     kernel=(kh, kw), stride=stride):
                        with case:
                            got = self.run_op("conv", impl, x, k, opts=["--mode", mode, "--border", border,
                                                                         "--stride", fmt_opts(stride)])
                            self.assert_close(got, exp, atol, what=f"conv {mode} {border}")

    # same, stride 1, odd kernels: cv2.filter2D (no BORDER_WRAP there)
    FILTER2D = [((6, 5), (3, 3)), ((1, 7), (3, 3)), ((9, 13), (5, 5)), ((5, 6, 3), (1, 3)),
                ((12, 10), (3, 5)), ((2, 3), (5, 5))]

    def test_same_vs_cv2_filter2D(self):
        cv2 = need(self, "cv2")
        flags = {"zero": cv2.BORDER_CONSTANT, "replicate": cv2.BORDER_REPLICATE,
                 "reflect": cv2.BORDER_REFLECT, "reflect101": cv2.BORDER_REFLECT_101}
        g = rng()
        for border, flag in flags.items():
            for shape, (kh, kw) in self.FILTER2D:
                x, k = data(g, shape, "pixels"), data(g, (kh, kw))
                x3 = x.astype(np.float64).reshape(shape[0], shape[1], -1)
                planes = [cv2.filter2D(np.ascontiguousarray(x3[:, :, i]), cv2.CV_64F, k.astype(np.float64),
                                       anchor=((kw - 1) // 2, (kh - 1) // 2), delta=0, borderType=flag)
                          for i in range(x3.shape[2])]
                exp = np.stack(planes, axis=-1).reshape(x.shape)
                atol = sum_atol(kh * kw, maxabs(x), maxabs(k))
                for impl, case in self.each_impl("cv2.filter2D", border=border, shape=shape, kernel=(kh, kw)):
                    with case:
                        got = self.run_op("conv", impl, x, k, opts=["--mode", "same", "--border", border])
                        self.assert_close(got, exp, atol, what=f"conv same {border}")

    # --flip (true convolution) against scipy.signal.convolve2d:
    # (shape, kernel, mode, scipy boundary / our border)
    FLIP = [((6, 5), (3, 3), "valid", "fill"), ((5, 6), (2, 3), "valid", "fill"), ((1, 5), (1, 2), "valid", "fill"),
            ((4, 4), (4, 4), "valid", "fill"), ((9, 7), (3, 4), "valid", "fill"), ((7, 8), (2, 2), "full", "fill"),
            ((6, 5), (3, 3), "full", "fill"), ((1, 1), (2, 3), "full", "fill"), ((6, 5), (3, 2), "full", "wrap"),
            ((8, 7), (3, 3), "full", "symm"), ((5, 9), (4, 5), "full", "wrap"), ((6, 6), (5, 5), "full", "symm"),
            ((6, 5), (3, 3), "same", "fill"), ((9, 4), (5, 3), "same", "fill"), ((7, 7), (3, 3), "same", "wrap"),
            ((8, 9), (5, 5), "same", "symm")]
    SCIPY_BOUNDARY = {"fill": "zero", "wrap": "wrap", "symm": "reflect"}

    def test_flip_vs_scipy_convolve2d(self):
        # scipy's 'same' centres the full result at (k-1)//2 of the *flipped*
        # kernel, which equals the TF split only for odd kernels: same cases use
        # odd kernels.
        signal = need(self, "scipy.signal")
        g = rng()
        for shape, (kh, kw), mode, boundary in self.FLIP:
            x, k = data(g, shape), data(g, (kh, kw))
            exp = signal.convolve2d(x.astype(np.float64), k.astype(np.float64), mode, boundary=boundary)
            border = self.SCIPY_BOUNDARY[boundary]
            atol = sum_atol(kh * kw, maxabs(x), maxabs(k))
            for impl, case in self.each_impl("scipy.convolve2d (--flip)", shape=shape, kernel=(kh, kw), mode=mode,
                                             border=border):
                with case:
                    got = self.run_op("conv", impl, x, k, opts=["--flip", "--mode", mode, "--border", border])
                    self.assert_close(got, exp, atol, what=f"conv --flip {mode} {border}")


class TestConvLarge(CrossCheck):
    """Sizes where an optimized reference blocks, vectorizes, splits work over
    threads or takes a separable path (rank-1 and named separable kernels)."""

    VALID = [((97, 131), ("rand", 3, 3)), ((300, 257), ("rand", 5, 5)), ((64, 64, 3), ("rank1", 5, 5)),
             ((130, 67), ("rank1", 7, 7)), ((256, 200), ("rand", 11, 11)), ((1, 1000), ("rand", 1, 9)),
             ((1000, 1), ("rand", 9, 1)), ((123, 77), ("named", "gaussian5")), ((80, 95, 2), ("named", "box7")),
             ((65, 129), ("named", "sharpen")), ((33, 257), ("rand", 2, 16)), ((129, 31), ("rank1", 1, 1))]

    def test_large_valid_vs_scipy(self):
        signal = need(self, "scipy.signal")
        g = rng()
        for shape, spec in self.VALID:
            x, k = data(g, shape, "pixels"), make_kernel(g, spec)
            x3 = x.astype(np.float64).reshape(shape[0], shape[1], -1)
            exp = np.stack([signal.correlate2d(x3[:, :, i], k.astype(np.float64), "valid")
                            for i in range(x3.shape[2])], axis=-1).reshape(
                (shape[0] - k.shape[0] + 1, shape[1] - k.shape[1] + 1) + tuple(shape[2:]))
            atol = sum_atol(k.size, maxabs(x), maxabs(k))
            for fn in CONV_FNS:
                for impl, case in self.each_impl("scipy.correlate2d valid (large)", fn=fn, shape=shape, kernel=spec):
                    with case:
                        got = self.run_op("conv", impl, x, kernel_arg(spec, k), opts=fn_opts(fn))
                        self.assert_close(got, exp, atol, what=f"conv valid {fn}")

    # (shape, kernel, mode, border, stride)
    MODES = [((97, 131), ("rand", 3, 3), "same", "reflect101", 1), ((97, 131), ("rand", 3, 3), "same", "zero", 2),
             ((130, 67, 3), ("rank1", 5, 5), "same", "reflect", 1), ((130, 67), ("rank1", 7, 7), "full", "wrap", 1),
             ((123, 77), ("named", "gaussian5"), "same", "replicate", 1),
             ((123, 77), ("named", "gaussian5"), "same", "reflect101", (2, 3)),
             ((256, 200), ("rand", 4, 6), "same", "wrap", 3), ((64, 64), ("rand", 11, 11), "full", "zero", 1),
             ((5, 300), ("rand", 9, 9), "same", "reflect", 1), ((300, 5), ("named", "box7"), "full", "reflect101", 2)]

    def test_large_modes_vs_numpy_pad(self):
        g = rng()
        for shape, spec, mode, border, stride in self.MODES:
            x, k = data(g, shape, "pixels"), make_kernel(g, spec)
            exp = np_conv(x, k, mode, border, stride)
            atol = sum_atol(k.size, maxabs(x), maxabs(k))
            for impl, case in self.each_impl("numpy.pad + valid (large)", shape=shape, kernel=spec, mode=mode,
                                             border=border, stride=stride):
                with case:
                    got = self.run_op("conv", impl, x, kernel_arg(spec, k),
                                      opts=["--mode", mode, "--border", border, "--stride", fmt_opts(stride)])
                    self.assert_close(got, exp, atol, what=f"conv {mode} {border}")


class TestPad(CrossCheck):
    # (shape, (top, bottom, left, right)); includes pads wider than the image
    CASES = [((3, 4), (1, 1, 2, 2)), ((1, 1), (3, 2, 0, 4)), ((2, 3), (5, 6, 7, 4)), ((5, 5, 2), (0, 0, 0, 0)),
             ((4, 3, 3), (2, 0, 1, 3)), ((2, 2, 2, 1), (1, 2, 3, 0)), ((1, 5), (4, 4, 11, 9))]

    def test_pad_vs_numpy_pad(self):
        g = rng()
        for border in BORDERS:
            for shape, (t, b, l, r) in self.CASES:
                x = data(g, shape)
                sp = ((t, b), (l, r))
                pads = ((0, 0),) + sp + ((0, 0),) if len(shape) == 4 else sp + ((0, 0),) * (len(shape) - 2)
                exp = np.pad(x, pads, mode=NP_MODE[border])
                for impl, case in self.each_impl("numpy.pad", border=border, shape=shape, pad=(t, b, l, r)):
                    with case:
                        got = self.run_op("pad", impl, x, opts=["--pad", f"{t},{b},{l},{r}", "--border", border])
                        self.assert_exact(got, exp, f"pad {border}")


class TestConv2d(CrossCheck):
    # (shape of x, kh, kw, cout, stride, padding, bias)
    CASES = [((5, 5, 1), 3, 3, 1, 1, "valid", False), ((6, 5, 2), 3, 3, 4, 1, "same", True),
             ((7, 7, 3), 3, 3, 2, 2, "same", True), ((7, 7, 3), 3, 3, 2, 2, "valid", True),
             ((2, 8, 6, 2), 2, 3, 3, (2, 1), "same", False), ((3, 9, 9, 1), 5, 5, 4, 3, "same", True),
             ((1, 1, 4), 1, 1, 3, 1, "valid", True), ((1, 1, 4), 3, 3, 2, 1, "same", False),
             ((4, 4, 2), 4, 4, 5, 1, "valid", True), ((10, 3, 3), 3, 1, 2, (4, 2), "same", True),
             ((28, 28, 1), 3, 3, 8, 1, "same", True), ((2, 28, 28, 1), 5, 5, 4, 2, "valid", True),
             ((9, 11, 5), 2, 2, 3, 2, "same", False), ((6, 7, 3), 4, 2, 2, (3, 2), "valid", True),
             ((1, 7, 2), 1, 3, 2, 2, "same", True), ((8, 8, 16), 3, 3, 16, 1, "same", True),
             ((5, 5, 2), 5, 5, 1, 5, "same", False), ((12, 5, 3), 2, 4, 6, 3, "same", True),
             ((2, 32, 30, 8), 3, 3, 16, 1, "same", True), ((2, 33, 31, 8), 3, 3, 16, 2, "same", True),
             ((1, 57, 45, 3), 5, 5, 7, (2, 3), "valid", True)]

    def test_conv2d_vs_torch(self):
        torch = need(self, "torch")
        g = rng()
        for shape, kh, kw, cout, stride, padding, with_bias in self.CASES:
            x = data(g, shape)
            cin = shape[-1]
            w = data(g, (kh, kw, cin, cout))
            bias = data(g, (cout,)) if with_bias else None
            exp = torch_conv2d(torch, x, w, bias, stride, padding)
            atol = sum_atol(kh * kw * cin + 1, maxabs(x), maxabs(w)) + sum_atol(1, maxabs(bias))
            opts = ["--padding", padding, "--stride", fmt_opts(stride)]
            for impl, case in self.each_impl("torch.conv2d", shape=shape, weights=w.shape, stride=stride,
                                             padding=padding, bias=with_bias):
                with case:
                    got = self.run_op("conv2d", impl, x, w, bias, opts=opts)
                    self.assert_close(got, exp, atol, what=f"conv2d {padding}")


class TestPool(CrossCheck):
    # (shape, pool, stride or None = pool, padding)
    CASES = [((4, 4, 1), 2, None, "valid"), ((5, 5, 1), 2, None, "valid"), ((5, 5, 1), 2, None, "same"),
             ((3, 3, 2), 2, 2, "same"), ((7, 6, 3), 3, 2, "same"), ((7, 6, 3), 3, 2, "valid"),
             ((2, 9, 7, 2), (2, 3), None, "same"), ((2, 9, 7, 2), (2, 3), (1, 2), "valid"),
             ((1, 1, 1), 1, None, "valid"), ((1, 1, 3), 3, None, "same"), ((1, 8, 1), (1, 3), None, "same"),
             ((6, 6, 1), 2, 3, "same"), ((6, 6, 1), 2, 3, "valid"), ((28, 28, 4), 2, None, "valid"),
             ((10, 10, 1), 4, 3, "same"), ((5, 7, 2), 5, 1, "same"), ((2, 33, 31, 8), 3, 2, "same"),
             ((2, 64, 65, 16), 2, None, "valid"), ((1, 97, 131, 3), (3, 5), (2, 4), "same")]

    def test_pools_vs_numpy_loops(self):
        g = rng()
        for kind in ("max", "avg"):
            for shape, pool, stride, padding in self.CASES:
                x = data(g, shape, "small" if kind == "max" else "normal")
                exp = like_input(np_pool(as4(x), pool, stride, padding, kind), x)
                opts = ["--pool", fmt_opts(pool), "--padding", padding]
                if stride is not None:
                    opts += ["--stride", fmt_opts(stride)]
                ph, pw = pair(pool)
                for impl, case in self.each_impl(f"numpy loops ({kind}pool)", shape=shape, pool=pool,
                                                 stride=stride, padding=padding):
                    with case:
                        got = self.run_op(f"{kind}pool", impl, x, opts=opts)
                        if kind == "max":
                            self.assert_exact(got, exp.astype(np.float32), "maxpool")
                        else:
                            self.assert_close(got, exp, sum_atol(ph * pw, maxabs(x)), what="avgpool")

    VALID_TORCH = [((4, 4, 1), 2, None), ((7, 6, 3), 3, 2), ((2, 9, 7, 2), (2, 3), (1, 2)),
                   ((28, 28, 4), 2, None), ((5, 5, 2), 5, None), ((11, 3, 1), (3, 1), (4, 1)),
                   ((6, 9, 2), (1, 2), (2, 2)), ((3, 8, 8, 3), 3, 3)]

    def test_maxpool_valid_vs_torch(self):
        torch = need(self, "torch")
        g = rng()
        for shape, pool, stride in self.VALID_TORCH:
            x = data(g, shape)
            xt = torch.from_numpy(as4(x)).permute(0, 3, 1, 2)
            y = torch.nn.functional.max_pool2d(xt, pair(pool), stride=pair(stride if stride is not None else pool))
            exp = like_input(y.permute(0, 2, 3, 1).contiguous().numpy(), x)
            opts = ["--pool", fmt_opts(pool), "--padding", "valid"]
            if stride is not None:
                opts += ["--stride", fmt_opts(stride)]
            for impl, case in self.each_impl("torch.max_pool2d", shape=shape, pool=pool, stride=stride):
                with case:
                    got = self.run_op("maxpool", impl, x, opts=opts)
                    self.assert_exact(got, exp, "maxpool valid")


class TestUpsample(CrossCheck):
    # (shape, factor)
    CASES = [((1, 1, 1), 2), ((2, 2, 1), 2), ((3, 4, 2), 3), ((2, 5, 1), (2, 3)), ((1, 6, 3), (3, 1)),
             ((2, 4, 3, 2), 2), ((7, 7, 1), (1, 4)), ((5, 3, 4), 4), ((4, 4, 1), 1), ((17, 23, 5), 3),
             ((2, 33, 31, 3), (2, 3)), ((64, 48, 1), 2)]

    def test_nearest_vs_numpy_repeat(self):
        g = rng()
        for shape, factor in self.CASES:
            x = data(g, shape)
            fy, fx = pair(factor)
            ax = x.ndim - 3
            exp = np.repeat(np.repeat(x, fy, axis=ax), fx, axis=ax + 1)
            for impl, case in self.each_impl("numpy.repeat", shape=shape, factor=factor):
                with case:
                    got = self.run_op("upsample", impl, x, opts=["--factor", fmt_opts(factor), "--interp", "nearest"])
                    self.assert_exact(got, exp, "upsample nearest")

    def test_bilinear_vs_torch_interpolate(self):
        torch = need(self, "torch")
        g = rng()
        for shape, factor in self.CASES:
            x = data(g, shape)
            fy, fx = pair(factor)
            x4 = as4(x)
            xt = torch.from_numpy(x4.astype(np.float64)).permute(0, 3, 1, 2)
            y = torch.nn.functional.interpolate(xt, size=(x4.shape[1] * fy, x4.shape[2] * fx), mode="bilinear",
                                                align_corners=False)
            exp = like_input(y.permute(0, 2, 3, 1).numpy(), x)
            for impl, case in self.each_impl("torch.interpolate bilinear", shape=shape, factor=factor):
                with case:
                    got = self.run_op("upsample", impl, x, opts=["--factor", fmt_opts(factor), "--interp", "bilinear"])
                    self.assert_close(got, exp, sum_atol(4, maxabs(x)), what="upsample bilinear")

    def test_bilinear_vs_cv2_resize(self):
        cv2 = need(self, "cv2")
        g = rng()
        for shape, factor in self.CASES:
            x = data(g, shape, "pixels")
            fy, fx = pair(factor)
            x4 = as4(x).astype(np.float64)
            n, h, w, c = x4.shape
            exp = np.empty((n, h * fy, w * fx, c))
            for b in range(n):
                for i in range(c):
                    exp[b, :, :, i] = cv2.resize(np.ascontiguousarray(x4[b, :, :, i]), (w * fx, h * fy),
                                                 interpolation=cv2.INTER_LINEAR)
            exp = like_input(exp, x)
            for impl, case in self.each_impl("cv2.resize INTER_LINEAR", shape=shape, factor=factor):
                with case:
                    got = self.run_op("upsample", impl, x, opts=["--factor", fmt_opts(factor), "--interp", "bilinear"])
                    self.assert_close(got, exp, sum_atol(4, maxabs(x)), what="upsample bilinear")


class TestConv2dTranspose(CrossCheck):
    # (shape of x, kh, kw, cout, stride, padding)
    # (shape of x, kh, kw, cout, stride, padding, bias)
    CASES = [((3, 3, 1), 3, 3, 1, 1, "valid", False), ((3, 3, 1), 3, 3, 1, 2, "valid", False),
             ((3, 3, 1), 3, 3, 1, 2, "same", True), ((4, 5, 2), 2, 2, 3, 2, "same", False),
             ((4, 5, 2), 2, 2, 3, 2, "valid", True), ((2, 3, 3, 2), 4, 4, 2, 2, "same", True),
             ((2, 3, 3, 2), 4, 3, 2, (2, 3), "valid", False), ((1, 1, 3), 3, 3, 2, 1, "same", True),
             ((1, 1, 3), 1, 1, 2, 3, "valid", True), ((5, 4, 1), 1, 1, 1, 3, "same", True),
             ((5, 4, 2), 2, 3, 1, 3, "same", False), ((6, 6, 3), 5, 5, 4, 2, "same", False),
             ((6, 6, 3), 5, 5, 4, 2, "valid", True), ((7, 7, 8), 3, 3, 4, 2, "same", True),
             ((2, 7, 7, 8), 3, 3, 1, 1, "same", False), ((3, 2, 2), 3, 2, 2, (1, 2), "same", True),
             ((2, 15, 13, 8), 4, 4, 4, 2, "same", True), ((1, 14, 14, 16), 3, 3, 8, 2, "valid", True),
             ((9, 11, 4), 2, 5, 3, (3, 2), "same", True)]

    def test_conv2d_transpose_vs_torch(self):
        torch = need(self, "torch")
        g = rng()
        for shape, kh, kw, cout, stride, padding, with_bias in self.CASES:
            x = data(g, shape)
            cin = shape[-1]
            w = data(g, (kh, kw, cout, cin))
            bias = data(g, (cout,)) if with_bias else None
            exp = torch_conv2d_transpose(torch, x, w, stride, padding, bias)
            sy, sx = pair(stride)
            terms = math.ceil(kh / sy) * math.ceil(kw / sx) * cin
            atol = sum_atol(terms + 1, maxabs(x), maxabs(w)) + sum_atol(1, maxabs(bias))
            opts = ["--padding", padding, "--stride", fmt_opts(stride)]
            for impl, case in self.each_impl("torch.conv_transpose2d", shape=shape, weights=w.shape, stride=stride,
                                             padding=padding, bias=with_bias):
                with case:
                    got = self.run_op("conv2d_transpose", impl, x, w, bias, opts=opts)
                    self.assert_close(got, exp, atol, what=f"conv2d_transpose {padding}")


class TestPointwise(CrossCheck):
    THRESH = [((5, 6), 0.0, 1.0, "normal"), ((7, 7, 3), 127.0, 255.0, "pixels"), ((1, 1), 0.5, 2.0, "normal"),
              ((2, 4, 4, 2), -0.25, 7.5, "normal"), ((9, 3), 0.0, -1.0, "small"), ((16, 16), 1.0, 1.0, "small")]

    def test_threshold_vs_cv2(self):
        cv2 = need(self, "cv2")
        g = rng()
        for shape, t, v, kind in self.THRESH:
            x = data(g, shape, kind)
            x.flat[::5] = t  # values equal to the threshold stay 0 (strict >)
            _, flat = cv2.threshold(np.ascontiguousarray(x.reshape(-1, 1)), t, v, cv2.THRESH_BINARY)
            exp = flat.reshape(shape).astype(np.float32)
            for impl, case in self.each_impl("cv2.threshold BINARY", shape=shape, thresh=t, maxval=v):
                with case:
                    got = self.run_op("threshold", impl, x, opts=["--thresh", repr(t), "--maxval", repr(v)])
                    self.assert_exact(got, exp, "threshold")

    def test_to_uint8_vs_numpy(self):
        g = rng()
        ties = np.array([-1.5, -0.5, -0.49, 0.0, 0.5, 1.5, 2.5, 3.5, 0.49999997, 126.5, 127.5, 253.5,
                         254.5, 255.0, 255.49, 255.5, 256.5, 300.0, -300.0, 1e10, -1e10, np.inf, -np.inf,
                         1.4999999, 2.5000002, 100.25, 100.75], dtype=np.float32)
        cases = [("ties", ties.reshape(3, 9)),
                 ("ties 3-D", ties.reshape(3, 3, 3)),
                 ("pixels", data(g, (8, 9, 3), "pixels") + g.choice([-0.5, 0.5, 0.25, 0.0], size=(8, 9, 3)).astype(np.float32)),
                 ("wide range", (data(g, (2, 5, 5, 1)) * 200 + 100).astype(np.float32)),
                 ("1x1", np.array([[2.5]], dtype=np.float32))]
        for name, x in cases:
            exp = to_uint8_np(x)
            for impl, case in self.each_impl("numpy rint+clip", data=name, shape=x.shape):
                with case:
                    got = self.run_op("to_uint8", impl, x)
                    self.assert_exact(got, exp, "to_uint8")


@unittest.skipUnless(IMAGES and IMAGES.is_dir(), "CONVLAB_IMAGES not set (make images)")
class TestInstalledImages(CrossCheck):
    """The kit's own test images (synthetic, photographs, Fashion-MNIST) through
    the lesson's kernels and layers."""

    SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)

    def arrays(self, min_rank=2, max_rank=2):
        found = []
        for p in sorted(IMAGES.rglob("*.npy")):
            a = np.load(p, allow_pickle=False)
            if a.dtype == np.float32 and min_rank <= a.ndim <= max_rank:
                found.append((p.relative_to(IMAGES).as_posix(), a))
        if not found:
            self.skipTest(f"no rank {min_rank}..{max_rank} float32 .npy under {IMAGES}")
        return found

    def test_images_filters_vs_cv2_filter2D(self):
        cv2 = need(self, "cv2")
        b = np.array([1, 4, 6, 4, 1], dtype=np.float64)
        kernels = [("gaussian5", np.outer(b, b) / 256, "reflect101", cv2.BORDER_REFLECT_101),
                   ("box3", np.full((3, 3), 1 / 9), "replicate", cv2.BORDER_REPLICATE),
                   ("sobel_x (array)", self.SOBEL_X.astype(np.float64), "zero", cv2.BORDER_CONSTANT)]
        for name, x in self.arrays():
            for kname, k, border, flag in kernels:
                exp = cv2.filter2D(x.astype(np.float64), cv2.CV_64F, k, anchor=(k.shape[1] // 2, k.shape[0] // 2),
                                   delta=0, borderType=flag)
                karg = self.SOBEL_X if kname.startswith("sobel") else kname
                atol = sum_atol(k.size, maxabs(x), maxabs(k))
                for impl, case in self.each_impl("cv2.filter2D (kit images)", image=name, kernel=kname, border=border):
                    with case:
                        got = self.run_op("conv", impl, x, karg, opts=["--mode", "same", "--border", border])
                        self.assert_close(got, exp, atol, what=f"{name} {kname}")

    def test_fashion_batch_layers_vs_torch(self):
        torch = need(self, "torch")
        batches = [(n, a / 255) for n, a in self.arrays(4, 4)]
        g = rng()
        for name, x in batches:
            x = x.astype(np.float32)
            w, bias = data(g, (3, 3, x.shape[3], 8)) * 0.3, data(g, (8,))
            exp = torch_conv2d(torch, x, w, bias, 1, "same")
            xt = torch.from_numpy(x).permute(0, 3, 1, 2)
            pooled = torch.nn.functional.max_pool2d(xt, 2).permute(0, 2, 3, 1).contiguous().numpy()
            for impl, case in self.each_impl("torch (kit Fashion-MNIST batch)", image=name):
                with case:
                    got = self.run_op("conv2d", impl, x, w, bias, opts=["--padding", "same"])
                    self.assert_close(got, exp, sum_atol(9 * x.shape[3] + 1, maxabs(x), maxabs(w), 1)
                                      + sum_atol(1, maxabs(bias)), what=f"{name} conv2d")
                    got = self.run_op("maxpool", impl, x, opts=["--pool", "2"])
                    self.assert_exact(got, pooled, f"{name} maxpool")


class TestGoldenSpec(CrossCheck):
    """SPEC §4 worked examples, through the CLI."""

    def test_tf_average_pooling_example(self):
        x = np.arange(1, 10, dtype=np.float32).reshape(3, 3, 1)
        exp = np.array([[3, 4.5], [7.5, 9]], dtype=np.float32)[:, :, None]
        for impl, case in self.each_impl("golden", example="avgpool 3x3 1..9 pool 2 stride 2 same"):
            with case:
                got = self.run_op("avgpool", impl, x, opts=["--pool", "2", "--stride", "2", "--padding", "same"])
                self.assert_close(got, exp, 1e-6, what="TF avg pool example")

    def test_bilinear_example(self):
        x = np.array([[1, 2], [4, 5]], dtype=np.float32)[:, :, None]
        exp = np.array([[1, 1.25, 1.75, 2], [1.75, 2, 2.5, 2.75], [3.25, 3.5, 4, 4.25], [4, 4.25, 4.75, 5]],
                       dtype=np.float32)[:, :, None]
        for impl, case in self.each_impl("golden", example="bilinear [[1,2],[4,5]] x2"):
            with case:
                got = self.run_op("upsample", impl, x, opts=["--factor", "2", "--interp", "bilinear"])
                self.assert_close(got, exp, 1e-6, what="bilinear example")

    def test_border_examples_pad(self):
        # reflect: c b a | a b c | c b a ; reflect101: c b | a b c | b a
        x = np.array([[1, 2, 3]], dtype=np.float32)
        examples = [("reflect", (0, 0, 3, 3), [3, 2, 1, 1, 2, 3, 3, 2, 1]),
                    ("reflect101", (0, 0, 2, 2), [3, 2, 1, 2, 3, 2, 1]),
                    ("replicate", (0, 0, 2, 2), [1, 1, 1, 2, 3, 3, 3]),
                    ("wrap", (0, 0, 2, 2), [2, 3, 1, 2, 3, 1, 2]),
                    ("zero", (0, 0, 2, 2), [0, 0, 1, 2, 3, 0, 0])]
        for border, pad, row in examples:
            exp = np.array([row], dtype=np.float32)
            for impl, case in self.each_impl("golden", example=f"pad [1,2,3] {border} {pad}"):
                with case:
                    got = self.run_op("pad", impl, x, opts=["--pad", fmt_opts(pad), "--border", border])
                    self.assert_exact(got, exp, f"pad {border}")

    def test_border_examples_conv(self):
        # kernel [1,0,0], same (before = 1): out(x) = in(x-1), so out(0) reads in(-1):
        # reflect (mirrored with the edge) gives 1, reflect101 (without) gives 2.
        x = np.array([[1, 2, 3]], dtype=np.float32)
        k = np.array([[1, 0, 0]], dtype=np.float32)
        for border, row in [("reflect", [1, 1, 2]), ("reflect101", [2, 1, 2]), ("wrap", [3, 1, 2]),
                            ("replicate", [1, 1, 2]), ("zero", [0, 1, 2])]:
            exp = np.array([row], dtype=np.float32)
            for impl, case in self.each_impl("golden", example=f"conv [1,2,3] * [1,0,0] same {border}"):
                with case:
                    got = self.run_op("conv", impl, x, k, opts=["--mode", "same", "--border", border])
                    self.assert_close(got, exp, 1e-6, what=f"conv same {border}")


if __name__ == "__main__":
    unittest.main()
