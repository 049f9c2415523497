#!/usr/bin/python3
"""Draws the Fashion-MNIST figures of lesson 2 (Conv2D, pooling, upsampling).

usage: /usr/bin/python3 handouts/lesson_figures.py CONVLAB IMAGES OUTDIR [--sample I]

  CONVLAB  the CLI (build/convlab)
  IMAGES   the folder written by `make images` (reads fashion/fashion_16.npy,
           fashion/fashion_16_labels.txt)
  OUTDIR   where fashion_conv2d.png, fashion_pooling.png and
           fashion_upsample.png are written

Every number in the figures is computed by `convlab run ... --impl reference`;
numpy only reads and writes .npy files (and scales the input by 1/255, as
Keras users do) and matplotlib only draws. The filter bank is built from the
CLI's named kernels: correlating a 1x1 image holding 1 with kernel k in FULL
mode gives k flipped in both axes (out(y,x) = k(kh-1-y, kw-1-x)), so the
script flips it back. Called by images/demo.sh (`make demo`).
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402

# The 3x3 named kernels of the Conv2D filter bank, in channel order.
BANK = ["box3", "sharpen", "sobel_x", "sobel_y", "laplace4", "laplace8", "emboss", "shift_right"]


class Convlab:
    """Runs `convlab run OP --impl reference` on .npy files in a scratch folder."""

    def __init__(self, exe: str, scratch: Path):
        self.exe = exe
        self.scratch = scratch

    def path(self, name: str) -> Path:
        return self.scratch / f"{name}.npy"

    def save(self, name: str, array: np.ndarray) -> Path:
        path = self.path(name)
        np.save(path, np.ascontiguousarray(array, dtype=np.float32))
        return path

    def run(self, op: str, inp: Path, out: str, *options: str) -> np.ndarray:
        """Runs one operation; returns the output array."""
        target = self.path(out)
        cmd = [self.exe, "run", op, "--impl", "reference", "-i", str(inp), "-o", str(target)]
        cmd += list(options)
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"lesson_figures: {' '.join(cmd)} failed:\n{done.stderr.strip()}")
        return np.load(target)

    def kernel(self, name: str) -> np.ndarray:
        """The values of a named kernel, asked of the CLI (see the module doc)."""
        one = self.path("one_1x1")
        if not one.exists():
            self.save("one_1x1", np.ones((1, 1)))
        flipped = self.run("conv", one, f"kernel_{name}", "-k", name, "--mode", "full",
                           "--border", "zero")
        return np.squeeze(flipped)[::-1, ::-1]


def shape_str(a: np.ndarray) -> str:
    return "x".join(str(n) for n in a.shape)


def show(ax, image: np.ndarray, title: str, **kwargs) -> None:
    ax.imshow(image, cmap="gray", interpolation="nearest", **kwargs)
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])


def save(fig, path: Path) -> None:
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def figure_conv2d(x, kernels, maps, label, path: Path) -> None:
    """Input, the 8 kernels (top row) and their feature maps (bottom row)."""
    n = len(BANK)
    fig, axes = plt.subplots(2, n + 1, figsize=(1.5 * (n + 1), 3.6))
    show(axes[0, 0], x[0, :, :, 0], f"input {label}\n{shape_str(x)}")
    axes[1, 0].axis("off")
    for o, name in enumerate(BANK):
        k = kernels[:, :, 0, o]
        lim = max(abs(k).max(), 1e-6)
        show(axes[0, o + 1], k, f"{name}\n{shape_str(k)}", vmin=-lim, vmax=lim)
        show(axes[1, o + 1], maps[0, :, :, o], f"map {o}\n{shape_str(maps[0, :, :, o])}")
    fig.suptitle(f"Conv2D, SAME padding: input {shape_str(x)}, weights "
                 f"{shape_str(kernels)} -> output {shape_str(maps)}", fontsize=10)
    save(fig, path)


def figure_pooling(maps, pooled_max, pooled_avg, path: Path) -> None:
    """The feature maps, max-pooled and average-pooled (2x2, stride 2)."""
    rows = [("feature maps", maps), ("max pool 2x2", pooled_max), ("avg pool 2x2", pooled_avg)]
    n = maps.shape[3]
    fig, axes = plt.subplots(len(rows), n, figsize=(1.6 * n, 1.9 * len(rows)))
    for r, (what, a) in enumerate(rows):
        axes[r, 0].set_ylabel(what, fontsize=9)
        for o in range(n):
            name = f"{BANK[o]}\n" if r == 0 else ""
            show(axes[r, o], a[0, :, :, o], f"{name}{shape_str(a[0, :, :, o])}")
    fig.suptitle(f"Pooling: {shape_str(maps)} -> max {shape_str(pooled_max)}, "
                 f"average {shape_str(pooled_avg)}", fontsize=10)
    save(fig, path)


def figure_upsample(rows, path: Path) -> None:
    """Each row: an image, nearest x2, bilinear x2 (all drawn at the same size)."""
    fig, axes = plt.subplots(len(rows), 3, figsize=(7.5, 2.8 * len(rows)))
    for r, (what, a, near, bil) in enumerate(rows):
        for c, (kind, img) in enumerate([(what, a), ("nearest x2", near), ("bilinear x2", bil)]):
            show(axes[r, c], img[0, :, :, 0], f"{kind}\n{shape_str(img)}")
    fig.suptitle("UpSampling2D, factor 2", fontsize=10)
    save(fig, path)


def read_label(images: Path, sample: int) -> str:
    labels = images / "fashion" / "fashion_16_labels.txt"
    for line in labels.read_text().splitlines():
        index, _, name = line.split(" ", 2)
        if int(index) == sample:
            return f"({name})"
    return ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("convlab")
    ap.add_argument("images", type=Path)
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--sample", type=int, default=0, help="which of the 16 test images (0)")
    args = ap.parse_args()

    batch = np.load(args.images / "fashion" / "fashion_16.npy")  # (16,28,28,1), 0..255
    label = read_label(args.images, args.sample)
    args.outdir.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="convlab-figures-") as tmp:
        cl = Convlab(args.convlab, Path(tmp))
        x = batch[args.sample : args.sample + 1] / 255.0  # (1,28,28,1), 0..1
        x_path = cl.save("x", x)

        kernels = np.stack([cl.kernel(name) for name in BANK], axis=-1)[:, :, None, :]
        w_path = cl.save("weights", kernels)  # (3,3,1,8): Keras Conv2D layout
        maps = cl.run("conv2d", x_path, "maps", "-k", str(w_path), "--padding", "same")
        pool = ["--pool", "2", "--padding", "valid"]
        pooled_max = cl.run("maxpool", cl.path("maps"), "max", *pool)
        pooled_avg = cl.run("avgpool", cl.path("maps"), "avg", *pool)

        small = cl.run("maxpool", x_path, "x_small", *pool)
        up = []
        for what, src, a in [(f"input {label}", x_path, x),
                             ("input, max pool 2x2", cl.path("x_small"), small)]:
            near = cl.run("upsample", src, f"{src.stem}_near", "--factor", "2",
                          "--interp", "nearest")
            bil = cl.run("upsample", src, f"{src.stem}_bil", "--factor", "2",
                         "--interp", "bilinear")
            up.append((what, a, near, bil))

    figure_conv2d(x, kernels, maps, label, args.outdir / "fashion_conv2d.png")
    figure_pooling(maps, pooled_max, pooled_avg, args.outdir / "fashion_pooling.png")
    figure_upsample(up, args.outdir / "fashion_upsample.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
