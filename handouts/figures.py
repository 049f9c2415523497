#!/usr/bin/python3
"""Draws the figures of the four handouts (`make handouts`).

usage: /usr/bin/python3 handouts/figures.py CONVLAB IMAGES OUTDIR [--rubric FILE] [--photos FILE]

  CONVLAB  the CLI (build/convlab)
  IMAGES   the folder written by `make images` (build/images)
  OUTDIR   where the PNGs go (build/handouts/fig), created if needed
  --rubric grader/rubric.toml: the a4 score curve is drawn from its [a4]
           table (placeholders low 1.0, high 6.0, 15 points when it is missing)
  --photos images/photos.txt: the photo marked `pet` there is the one the
           a1 and a2 figures filter (chelsea, the cat, by default)

Every pixel value and every output size in the figures is computed by
`convlab run OP ... --impl reference` (the kit's reference implementation),
as in lesson_figures.py, whose helpers this script reuses; numpy only builds
small inputs, reads .npy files and crops, and matplotlib only draws. The a4
cost figure is arithmetic (the cost model of the handout), not a measurement.
Prints the files written; exits non-zero when a step fails.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lesson_figures as lf  # noqa: E402  (the Convlab runner and the Fashion-MNIST figures)

WRITTEN: list[Path] = []

# The pet photo (the line marked `pet` in images/photos.txt; chelsea, a cat,
# unless the instructor chose another) and the detail the zoomed panels show:
# the cat's left eye, or the middle of another photo. Set by choose_pet().
PET = {"name": "chelsea", "label": "the cat", "detail": "the eye"}
EYE = (slice(70, 170), slice(120, 250))


def choose_pet(images: Path, photos_txt: Path) -> Path:
    """The gray .npy of the pet photo of photos.txt (chelsea when none is marked)."""
    global EYE
    name, kind = "chelsea", "rgb"
    if photos_txt.is_file():
        for line in photos_txt.read_text().splitlines():
            words = line.split("#", 1)[0].split()
            if len(words) >= 2 and "pet" in words[2:]:
                name, kind = words[0], ("gray" if "gray" in words[2:] else "rgb")
                break
    path = images / "photos" / (f"{name}.npy" if kind == "gray" else f"{name}_gray.npy")
    if name != "chelsea":
        PET.update(name=name, label=f"the photo {name}", detail="a detail")
        if path.is_file():
            h, w = np.load(path).shape[:2]
            ch, cw = max(h // 3, 8), max(w // 3, 8)
            y0, x0 = (h - ch) // 2, (w - cw) // 2
            EYE = (slice(y0, y0 + ch), slice(x0, x0 + cw))
    return path

# Placeholders of the a4 curve while grader/rubric.toml does not exist.
A4_DEFAULTS = {"points": 15.0, "low": 1.0, "high": 6.0}


# ------------------------------------------------------------------ helpers
def save(fig, path: Path) -> None:
    fig.savefig(path, dpi=110, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    WRITTEN.append(path)


def shape_str(a: np.ndarray) -> str:
    return "x".join(str(n) for n in a.shape)


def gray(ax, image: np.ndarray, title: str, vmin=0.0, vmax=255.0, **kw) -> None:
    """An image as the kit saves it: values clamped to vmin..vmax."""
    ax.imshow(image, cmap="gray", vmin=vmin, vmax=vmax, interpolation="nearest", **kw)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def signed(ax, image: np.ndarray, title: str) -> None:
    """A signed result: grey is 0, white positive, black negative."""
    lim = max(float(np.abs(image).max()), 1e-6)
    gray(ax, image, title, vmin=-lim, vmax=lim)


def numbers(ax, a: np.ndarray, title: str = "", fmt: str = "{:g}", cmap="Blues",
            vmin=None, vmax=None, fontsize=9, shade=True) -> None:
    """A small array drawn as a grid of cells holding their values."""
    h, w = a.shape
    if shade:
        ax.imshow(a, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest", alpha=0.45)
    else:
        ax.imshow(np.zeros_like(a), cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
    for y in range(h):
        for x in range(w):
            ax.text(x, y, fmt.format(a[y, x]), ha="center", va="center", fontsize=fontsize)
    ax.set_xticks(np.arange(-0.5, w, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, h, 1), minor=True)
    ax.grid(which="minor", color="0.4", linewidth=0.6)
    ax.tick_params(which="both", length=0)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)


def box(ax, y0, x0, h, w, color, lw=2.5, ls="-") -> None:
    """Outlines cells y0..y0+h-1, x0..x0+w-1 of a grid drawn by numbers()."""
    ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), w, h, fill=False, edgecolor=color,
                           linewidth=lw, linestyle=ls))


def kernel_table(ax, k: np.ndarray, title: str) -> None:
    """A kernel as a grid of its values (1/N when every weight is the same)."""
    if np.allclose(k, k.flat[0]) and not np.isclose(k.flat[0], round(float(k.flat[0]))):
        fmt = "1/%d" % round(1 / float(k.flat[0]))  # no {}: format() leaves it as is
    elif np.allclose(k, np.round(k)):
        fmt = "{:g}"
    else:
        fmt = "{:.3f}"
    lim = max(float(np.abs(k).max()), 1e-6)
    size = {1: 9, 2: 9, 3: 8, 4: 7, 5: 6}.get(k.shape[0], 5)
    numbers(ax, k, title, fmt=fmt, cmap="RdBu_r", vmin=-lim, vmax=lim, fontsize=size)


def conv(cl: lf.Convlab, src: Path, out: str, kernel: str, *opts: str) -> np.ndarray:
    """convlab run conv ... --impl reference; returns a 2-D (H,W) array for gray input."""
    y = cl.run("conv", src, out, "-k", kernel, *opts)
    return y[..., 0] if y.ndim == 3 and y.shape[-1] == 1 else y


# ---------------------------------------------------------------------- a1
def fig_a1_window(cl: lf.Convlab, outdir: Path) -> None:
    """Two positions of a 3x3 window on a 5x6 image and the output cells they make."""
    img = np.array([[3, 1, 4, 1, 5, 9],
                    [2, 6, 5, 3, 5, 8],
                    [9, 7, 9, 3, 2, 3],
                    [8, 4, 6, 2, 6, 4],
                    [3, 3, 8, 3, 2, 7]], dtype=np.float32)
    k = np.array([[0, 1, 0],
                  [1, 2, 1],
                  [0, 1, 0]], dtype=np.float32)
    src = cl.save("a1_small", img)
    kpath = cl.save("a1_plus", k)
    out = conv(cl, src, "a1_small_out", str(kpath))  # im_conv: valid, stride 1

    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4),
                             gridspec_kw={"width_ratios": [6, 3, 4]})
    numbers(axes[0], img, f"image {shape_str(img)}", shade=False)
    numbers(axes[1], k, f"kernel {shape_str(k)}", cmap="Oranges", vmin=0, vmax=4)
    numbers(axes[2], out, f"output {shape_str(out)} (valid)", shade=False)
    for (y, x), color in [((0, 0), "tab:red"), ((1, 2), "tab:blue")]:
        box(axes[0], y, x, 3, 3, color)
        box(axes[2], y, x, 1, 1, color)
    y, x = 1, 2
    terms = " + ".join(f"{img[y + i, x + j]:g}\u00d7{k[i, j]:g}" for i in range(3) for j in range(3)
                       if k[i, j] != 0)
    fig.text(0.5, 0.0, f"red: out(0,0) = {out[0, 0]:g};   blue: out(1,2) = {terms} "
             f"= {out[y, x]:g}", ha="center", va="top", fontsize=9, color="tab:blue")
    fig.suptitle("A 3x3 window slides over the image; each position gives one output pixel",
                 fontsize=10)
    save(fig, outdir / "a1_window.png")


def fig_a1_sizes(cl: lf.Convlab, outdir: Path) -> None:
    """Where the centre of a 3x3 window may go on a 4x4 image in each mode."""
    n, k = 4, 3
    src = cl.save("a1_ramp4", np.arange(1, n * n + 1, dtype=np.float32).reshape(n, n))
    fig, axes = plt.subplots(1, 3, figsize=(11, 4.2))
    for ax, mode in zip(axes, ["valid", "same", "full"]):
        out = conv(cl, src, f"a1_size_{mode}", "box3", "--mode", mode)
        oh, ow = out.shape[:2]
        pad = {"valid": 0, "same": (k - 1) // 2, "full": k - 1}[mode]
        size = n + 2 * pad
        canvas = np.zeros((size, size))
        canvas[pad:pad + n, pad:pad + n] = 1
        ax.imshow(canvas, cmap="Greys", vmin=-0.3, vmax=2.2, interpolation="nearest")
        for y in range(size):
            for x in range(size):
                inside = pad <= y < pad + n and pad <= x < pad + n
                if not inside:
                    ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, fill=False,
                                           edgecolor="0.6", linestyle=":", linewidth=1))
        ax.add_patch(Rectangle((pad - 0.5, pad - 0.5), n, n, fill=False, edgecolor="black",
                               linewidth=2))
        # The centre of the window at every output position (stride 1).
        first = (k - 1) // 2
        ys = [first + y for y in range(oh)]
        xs = [first + x for x in range(ow)]
        for cy in ys:
            for cx in xs:
                ax.plot(cx, cy, "o", color="tab:blue", markersize=7)
        ax.add_patch(Rectangle((-0.5, -0.5), k, k, fill=False, edgecolor="tab:red",
                               linewidth=2.5))
        ax.set_xlim(-0.6, size - 0.4)
        ax.set_ylim(size - 0.4, -0.6)
        ax.set_xticks([])
        ax.set_yticks([])
        padtxt = "no padding" if pad == 0 else f"{pad} cell{'s' if pad > 1 else ''} of padding"
        ax.set_title(f"{mode}: {padtxt}\noutput {oh}x{ow}", fontsize=10)
    fig.suptitle(f"{n}x{n} image (grey), {k}x{k} kernel (red: its first position); "
                 "a blue dot for the centre of every window", fontsize=10)
    save(fig, outdir / "a1_sizes.png")


def fig_a1_cat(cl: lf.Convlab, cat: Path, outdir: Path) -> None:
    """identity, box7, gaussian5 and sharpen on the cat (valid mode), and the eye zoomed."""
    names = ["identity", "box7", "gaussian5", "sharpen"]
    fig, axes = plt.subplots(3, len(names), figsize=(3.1 * len(names), 7.6),
                             gridspec_kw={"height_ratios": [1.0, 1.6, 1.6]})
    for c, name in enumerate(names):
        k = cl.kernel(name)
        y = conv(cl, cat, f"a1_cat_{name}", name)
        kernel_table(axes[0, c], k, f"{name} {shape_str(k)}")
        gray(axes[1, c], y, f"output {shape_str(y)}")
        # The eye: the output pixel (y, x) sits over the input pixel (y + kh//2, x + kw//2).
        oy, ox = k.shape[0] // 2, k.shape[1] // 2
        crop = y[EYE[0].start - oy:EYE[0].stop - oy, EYE[1].start - ox:EYE[1].stop - ox]
        gray(axes[2, c], crop, f"{PET['detail']}, zoomed")
    fig.suptitle(f"Four kernels on {PET['label']} (im_conv: valid mode, stride 1; values clamped "
                 "to 0..255 for display)", fontsize=10)
    save(fig, outdir / "a1_cat_kernels.png")


# ---------------------------------------------------------------------- a2
def fig_a2_flip(cl: lf.Convlab, images: Path, outdir: Path) -> None:
    """Correlation and convolution of an impulse, the letter F, and a symmetric kernel."""
    k = np.arange(1, 10, dtype=np.float32).reshape(3, 3)
    kpath = cl.save("a2_k19", k)
    impulse = np.zeros((5, 5), dtype=np.float32)
    impulse[2, 2] = 1
    ipath = cl.save("a2_impulse", impulse)
    corr = conv(cl, ipath, "a2_imp_corr", str(kpath), "--mode", "same")
    convo = conv(cl, ipath, "a2_imp_conv", str(kpath), "--mode", "same", "--flip")

    letter = images / "synthetic" / "letter_f_framed_16x14.npy"
    f_in = np.load(letter)
    f_corr = conv(cl, letter, "a2_f_corr", "emboss", "--mode", "same", "--border", "replicate")
    f_conv = conv(cl, letter, "a2_f_conv", "emboss", "--mode", "same", "--border", "replicate",
                  "--flip")
    g_corr = conv(cl, letter, "a2_f_gcorr", "gaussian5", "--mode", "same", "--border",
                  "replicate")
    g_conv = conv(cl, letter, "a2_f_gconv", "gaussian5", "--mode", "same", "--border",
                  "replicate", "--flip")

    fig, axes = plt.subplots(2, 4, figsize=(12, 6.4))
    numbers(axes[0, 0], k, "kernel k (not symmetric)", cmap="Oranges")
    numbers(axes[0, 1], impulse, "an impulse", shade=False)
    numbers(axes[0, 2], corr, "correlation (im_conv)\n= k turned 180 degrees", cmap="Oranges",
            vmin=0, vmax=9)
    numbers(axes[0, 3], convo, "convolution (--flip)\n= k itself", cmap="Oranges",
            vmin=0, vmax=9)
    gray(axes[1, 0], f_in, f"letter F {shape_str(f_in)}")
    signed(axes[1, 1], f_corr, "emboss, correlation")
    signed(axes[1, 2], f_conv, "emboss, convolution:\nthe relief is lit from the other side")
    diff = float(np.abs(g_corr - g_conv).max())
    signed(axes[1, 3], g_corr - g_conv,
           f"gaussian5: correlation minus\nconvolution (largest |difference| {diff:g})")
    fig.suptitle("Correlation slides k as it is; convolution slides k flipped. "
                 "Only kernels that are not symmetric can tell them apart.", fontsize=10)
    save(fig, outdir / "a2_flip.png")


def fig_a2_borders(cl: lf.Convlab, images: Path, cat: Path, outdir: Path) -> None:
    """pad_image with each border rule: the letter F and the cat's eye."""
    borders = ["zero", "replicate", "reflect", "reflect101", "wrap"]
    letter = images / "synthetic" / "letter_f_24x20.npy"
    cat_arr = np.load(cat)
    eye = cl.save("a2_eye", cat_arr[EYE[0], EYE[1]])
    fig, axes = plt.subplots(2, len(borders), figsize=(2.8 * len(borders), 6.2))
    for c, border in enumerate(borders):
        for r, (src, pad) in enumerate([(letter, 10), (eye, 40)]):
            y = cl.run("pad", src, f"a2_pad_{r}_{border}", "--pad", str(pad), "--border", border)
            y = y[..., 0] if y.ndim == 3 else y
            gray(axes[r, c], y, f"{border}" if r == 0 else f"{shape_str(y)}")
            h, w = y.shape
            axes[r, c].add_patch(Rectangle((pad - 0.5, pad - 0.5), w - 2 * pad, h - 2 * pad,
                                           fill=False, edgecolor="tab:red", linewidth=1.5))
    eh, ew = cat_arr[EYE[0], EYE[1]].shape[:2]
    fig.suptitle(f"pad_image: 10 pixels around the letter F (24x20), 40 around "
                 f"{PET['detail']} of {PET['label']} ({eh}x{ew}); red: the image itself",
                 fontsize=10)
    save(fig, outdir / "a2_borders.png")


def fig_a2_stride(cl: lf.Convlab, cat: Path, outdir: Path) -> None:
    """SAME-mode Gaussian blur of the cat with strides 1, 2, 4, 8, drawn at one size."""
    fig, axes = plt.subplots(1, 4, figsize=(13, 2.9))
    for ax, s in zip(axes, [1, 2, 4, 8]):
        y = conv(cl, cat, f"a2_stride_{s}", "gaussian5", "--mode", "same", "--border",
                 "reflect101", "--stride", str(s))
        h, w = np.load(cat).shape[:2]
        gray(ax, y, f"stride {s}: output {shape_str(y)}", extent=(0, w, h, 0))
    fig.suptitle("gaussian5, SAME mode, reflect101 border: stride s keeps every s-th row and "
                 "column of the stride-1 result (all drawn at the same size)", fontsize=10)
    save(fig, outdir / "a2_stride.png")


def fig_a2_edges(cl: lf.Convlab, cat: Path, outdir: Path) -> None:
    """Sobel x and y on the cat, and threshold_binary of each at two thresholds."""
    opts = ["--mode", "same", "--border", "reflect101"]
    fig, axes = plt.subplots(2, 4, figsize=(13, 5.4))
    for r, name in enumerate(["sobel_x", "sobel_y"]):
        y = conv(cl, cat, f"a2_{name}", name, *opts)
        signed(axes[r, 0], y, f"{name}: {y.min():.0f} .. {y.max():.0f}")
        for c, t in enumerate([50, 100, 200]):
            m = cl.run("threshold", cl.path(f"a2_{name}"), f"a2_{name}_t{t}",
                       "--thresh", str(t), "--maxval", "255")
            m = m[..., 0] if m.ndim == 3 else m
            share = 100.0 * float((m > 0).mean())
            gray(axes[r, c + 1], m, f"{name} > {t}: {share:.1f}% white")
    fig.suptitle(f"Edges on {PET['label']}: Sobel responses (grey 0, white positive, black "
                 "negative) and threshold_binary(response, t, 255)", fontsize=10)
    save(fig, outdir / "a2_edges.png")


def fig_a2_emboss(cl: lf.Convlab, cat: Path, outdir: Path) -> None:
    """Emboss on the cat, correlation and convolution, through to_uint8."""
    opts = ["--mode", "same", "--border", "reflect101"]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.3))
    gray(axes[0], np.load(cat), PET["label"])
    for ax, (what, extra) in zip(axes[1:], [("correlation (im_conv_opts)", []),
                                            ("convolution (--flip)", ["--flip"])]):
        y = conv(cl, cat, f"a2_emboss{len(extra)}", "emboss", *opts, *extra)
        u8 = cl.run("to_uint8", cl.path(f"a2_emboss{len(extra)}"), f"a2_emboss_u8_{len(extra)}")
        u8 = u8[..., 0] if u8.ndim == 3 else u8
        clipped = 100.0 * float(((y < 0) | (y > 255)).mean())
        gray(ax, u8, f"emboss, {what}\nto_uint8: {clipped:.1f}% of the pixels clamped")
    fig.suptitle("emboss [[-2 -1 0] [-1 1 1] [0 1 2]]: its weights add up to 1, so the photo "
                 "stays and its edges turn into a relief", fontsize=10)
    save(fig, outdir / "a2_emboss.png")


# ---------------------------------------------------------------------- a3
def fig_a3_transpose(cl: lf.Convlab, images: Path, outdir: Path) -> None:
    """conv2d_transpose: the scatter on numbers, and x2 upsampling of a Fashion-MNIST image."""
    small = np.array([[1, 2], [3, 4]], dtype=np.float32)
    spath = cl.save("a3_t_in", small[None, :, :, None])
    ones = cl.save("a3_t_ones3", np.ones((3, 3, 1, 1), dtype=np.float32))
    full = cl.run("conv2d_transpose", spath, "a3_t_valid", "-k", str(ones), "--stride", "2",
                  "--padding", "valid")[0, :, :, 0]
    same = cl.run("conv2d_transpose", spath, "a3_t_same", "-k", str(ones), "--stride", "2",
                  "--padding", "same")[0, :, :, 0]

    batch = np.load(images / "fashion" / "fashion_16.npy")
    x = batch[0:1] / 255.0
    xpath = cl.save("a3_t_x", x)
    pooled = cl.run("maxpool", xpath, "a3_t_pooled", "--pool", "2")
    ppath = cl.path("a3_t_pooled")
    tri = np.array([1, 3, 3, 1], dtype=np.float32) / 4.0
    kernels = [
        ("2x2 ones, stride 2\n= nearest x2", np.ones((2, 2), np.float32)),
        ("4x4 [1 3 3 1]/4 outer, stride 2\n~ bilinear x2", np.outer(tri, tri)),
        ("3x3 ones, stride 2:\noverlaps make a grid", np.ones((3, 3), np.float32)),
    ]
    fig, axes = plt.subplots(2, 4, figsize=(12.5, 6.6))
    numbers(axes[0, 0], small, "input 2x2", shade=False)
    numbers(axes[0, 1], np.ones((3, 3)), "kernel 3x3 of ones", cmap="Oranges", vmin=0, vmax=2)
    numbers(axes[0, 2], full, f"stride 2, VALID: {shape_str(full)}\n(the whole canvas)",
            cmap="Oranges", vmin=0, vmax=10, fontsize=8)
    box(axes[0, 2], 0, 0, 3, 3, "tab:red", lw=2)
    box(axes[0, 2], 2, 2, 3, 3, "tab:blue", lw=2, ls="--")
    numbers(axes[0, 3], same, f"stride 2, SAME: {shape_str(same)}\n(canvas from row/col 0)",
            cmap="Oranges", vmin=0, vmax=10, fontsize=8)
    gray(axes[1, 0], pooled[0, :, :, 0], f"max-pooled input {shape_str(pooled[0, :, :, 0])}",
         vmin=0, vmax=1)
    for c, (title, k) in enumerate(kernels):
        w = cl.save(f"a3_t_w{c}", k[:, :, None, None])
        y = cl.run("conv2d_transpose", ppath, f"a3_t_y{c}", "-k", str(w), "--stride", "2",
                   "--padding", "same")[0, :, :, 0]
        gray(axes[1, c + 1], y, f"{title}\noutput {shape_str(y)}", vmin=0, vmax=float(y.max()))
    fig.suptitle("Conv2DTranspose: every input pixel stamps the kernel, scaled by its value, "
                 "onto the output (red: the stamp of 1, blue: of 4)", fontsize=10)
    save(fig, outdir / "a3_transpose.png")


# ---------------------------------------------------------------------- a4
def read_a4_rubric(path) -> tuple[dict, str]:
    """The [a4] table of grader/rubric.toml, or the placeholders."""
    values = dict(A4_DEFAULTS)
    if path is None or not Path(path).is_file():
        return values, "placeholder values: grader/rubric.toml not found"
    import tomllib

    with open(path, "rb") as f:
        rubric = tomllib.load(f)
    a4 = rubric.get("a4", {})
    curve = a4.get("curve", {})
    values["points"] = float(a4.get("points", values["points"]))
    values["low"] = float(curve.get("low", values["low"]))
    values["high"] = float(curve.get("high", values["high"]))
    return values, f"from {Path(path).parent.name}/{Path(path).name}"


def fig_a4_cost(outdir: Path) -> None:
    """The cost model: work and traffic per output pixel, and a roofline."""
    ks = np.arange(1, 16)
    fig, axes = plt.subplots(1, 2, figsize=(12.5, 4.4))
    ax = axes[0]
    ax.plot(ks, ks * ks, "o-", label="multiply-adds: k*k")
    ax.plot(ks, 2 * ks * ks, ":", color="tab:red",
            label="loads of the naive loop: 2*k*k (a pixel and a weight per multiply-add)")
    ax.plot(ks, 2 * ks, "s--", label="multiply-adds of a separable kernel: k + k")
    ax.axhline(2, color="k", linewidth=1, linestyle="-.",
               label="memory floor: 1 float read + 1 written per pixel")
    ax.set_xlabel("kernel size k (a k x k kernel)")
    ax.set_ylabel("count per output pixel (log scale)")
    ax.set_yscale("log")
    ax.set_title("Work and traffic per output pixel", fontsize=10)
    ax.legend(fontsize=7.5, loc="upper left")
    ax.set_ylim(0.8, 2000)
    ax.grid(alpha=0.3)

    # Arithmetic intensity = flops / bytes that cross the memory bus. An
    # illustrative core (not a measurement): bw GB/s from memory, peak GFLOP/s.
    ax = axes[1]
    bw, peak = 10.0, 50.0
    intensity = np.logspace(-1.5, 2, 200)
    ax.loglog(intensity, np.minimum(peak, bw * intensity), "k-", linewidth=2,
              label=f"roof of an example core: {bw:g} GB/s, {peak:g} GFLOP/s")
    ax.axvline(peak / bw, color="0.5", linestyle=":", linewidth=1)
    no_reuse = 2.0 / 8.0  # 2 flops per multiply-add, 2 floats (8 bytes) loaded for it
    ax.plot(no_reuse, bw * no_reuse, "X", color="tab:red", markersize=10,
            label="every load from memory (no reuse): 0.25 flop/byte")
    for k, marker, dy in [(3, "o", -14), (5, "s", 8), (9, "^", -14)]:
        i_mem = 2 * k * k / 8.0
        ax.plot(i_mem, min(peak, bw * i_mem), marker, color="tab:green", markersize=8,
                label=f"{k}x{k}, image read once: {i_mem:g} flop/byte")
    ax.set_xlabel("arithmetic intensity (flops per byte of memory traffic)")
    ax.set_ylabel("attainable GFLOP/s")
    ax.set_title("A roofline: memory-bound left of the dotted line, compute-bound right of it",
                 fontsize=10)
    ax.legend(fontsize=7.5, loc="lower right")
    ax.set_ylim(0.2, 120)
    ax.grid(alpha=0.3, which="both")
    fig.suptitle("The cost model of im_conv (2 flops per multiply-add, 4 bytes per float)",
                 fontsize=10)
    save(fig, outdir / "a4_cost.png")


def fig_a4_curve(rubric, outdir: Path) -> None:
    """Points of the a4 speed score against the measured speed-up."""
    v, source = read_a4_rubric(rubric)
    lo, hi, pts = v["low"], v["high"], v["points"]
    s = np.linspace(0, hi * 1.6, 400)
    score = np.clip((s - lo) / max(hi - lo, 1e-9), 0, 1) * pts
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    ax.plot(s, score, linewidth=2.5)
    ax.axvline(lo, color="0.5", linestyle=":")
    ax.axvline(hi, color="0.5", linestyle=":")
    ax.annotate(f"low = {lo:g}: 0 points", (lo, 0), textcoords="offset points",
                xytext=(5, 12), fontsize=8)
    ax.annotate(f"high = {hi:g}: {pts:g} points", (hi, pts), textcoords="offset points",
                xytext=(5, -16), fontsize=8)
    mid = (lo + hi) / 2
    ax.plot([mid], [pts / 2], "o", color="tab:red")
    ax.annotate(f"speed-up {mid:g}: {pts / 2:g} points", (mid, pts / 2),
                textcoords="offset points", xytext=(8, -4), fontsize=8, color="tab:red")
    ax.set_xlabel("speed-up over the naive model im_conv (geometric mean over the sizes)")
    ax.set_ylabel("points")
    ax.set_ylim(-0.5, pts * 1.12)
    ax.set_xlim(0, s[-1])
    ax.grid(alpha=0.3)
    ax.set_title(f"The a4 speed score ({source})", fontsize=9)
    save(fig, outdir / "a4_curve.png")


# -------------------------------------------------------------------- main
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("convlab")
    ap.add_argument("images", type=Path)
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--rubric", type=Path, default=None)
    ap.add_argument("--photos", type=Path, default=Path(__file__).resolve().parent.parent
                    / "images" / "photos.txt", help="the photo list (its `pet` photo is used)")
    args = ap.parse_args()

    cat = choose_pet(args.images, args.photos)
    for need in [cat, args.images / "fashion" / "fashion_16.npy",
                 args.images / "synthetic" / "letter_f_24x20.npy"]:
        if not need.is_file():
            sys.exit(f"figures: {need} is missing: run make images")
    args.outdir.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="convlab-handouts-") as tmp:
        cl = lf.Convlab(args.convlab, Path(tmp))
        fig_a1_window(cl, args.outdir)
        fig_a1_sizes(cl, args.outdir)
        fig_a1_cat(cl, cat, args.outdir)
        fig_a2_flip(cl, args.images, args.outdir)
        fig_a2_borders(cl, args.images, cat, args.outdir)
        fig_a2_stride(cl, cat, args.outdir)
        fig_a2_edges(cl, cat, args.outdir)
        fig_a2_emboss(cl, cat, args.outdir)
        fig_a3_transpose(cl, args.images, args.outdir)
    fig_a4_cost(args.outdir)
    fig_a4_curve(args.rubric, args.outdir)

    # The Fashion-MNIST figures of a3 (Conv2D, pooling, upsampling).
    done = lf.subprocess.run([sys.executable, str(Path(lf.__file__)), args.convlab,
                              str(args.images), str(args.outdir)])
    if done.returncode != 0:
        sys.exit("figures: handouts/lesson_figures.py failed")
    for name in ["fashion_conv2d.png", "fashion_pooling.png", "fashion_upsample.png"]:
        WRITTEN.append(args.outdir / name)

    for path in WRITTEN:
        if not path.is_file() or path.stat().st_size == 0:
            sys.exit(f"figures: {path} was not written")
    print(f"figures: {len(WRITTEN)} figures in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
