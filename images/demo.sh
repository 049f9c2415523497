#!/bin/sh
# images/demo.sh -- draws the lessons' pictures (called by `make demo`).
#
# usage: sh images/demo.sh CONVLAB IMAGES OUTDIR PYTHON
#   CONVLAB  the CLI (build/convlab)
#   IMAGES   the folder written by `make images` (build/images)
#   OUTDIR   where the pictures go (build/demo), created if needed
#   PYTHON   a Python that imports numpy and matplotlib, or "" to skip the
#            Fashion-MNIST figures
#
# Lesson 1 (by hand, on the gray cat): side-by-side PNGs from `convlab show`,
# the input panel first, then one panel per kernel (correlation, SAME mode,
# reflect101 border). Lesson 2 (layers, on Fashion-MNIST): figures drawn by
# handouts/lesson_figures.py, which computes through `convlab run` only.
# Prints the files written; exits non-zero as soon as a step fails.
set -eu

if [ $# -ne 4 ]; then
    echo "usage: sh images/demo.sh CONVLAB IMAGES OUTDIR PYTHON" >&2
    exit 2
fi
CONVLAB=$1
IMAGES=$2
OUT=$3
PYTHON=$4
HERE=$(dirname "$0")
CAT=$IMAGES/photos/chelsea_gray.png
WRITTEN=""

fail() {
    echo "demo: $*" >&2
    exit 1
}

# run FILE CMD...: runs CMD, which must write FILE; records FILE.
run() {
    target=$1
    shift
    "$@" || fail "failed: $*"
    [ -s "$target" ] || fail "$* did not write $target"
    WRITTEN="$WRITTEN $target"
}

[ -x "$CONVLAB" ] || fail "$CONVLAB is missing: run make"
[ -f "$CAT" ] || fail "$CAT is missing: run make images (needs python3-skimage)"
mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/convlab-demo.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ------------------------------------------------- lesson 1: by hand
run "$OUT/cat_blur.png" "$CONVLAB" show "$CAT" -k box7 -k gaussian5 -o "$OUT/cat_blur.png"
run "$OUT/cat_sharpen.png" "$CONVLAB" show "$CAT" -k sharpen -o "$OUT/cat_sharpen.png"
run "$OUT/cat_edges.png" "$CONVLAB" show "$CAT" -k sobel_x -k sobel_y -k laplace8 \
    --normalize -o "$OUT/cat_edges.png"
run "$OUT/cat_emboss.png" "$CONVLAB" show "$CAT" -k emboss --normalize -o "$OUT/cat_emboss.png"

# Thresholding an edge map: vertical edges (dark to bright, left to right).
run "$TMP/sobel_x.npy" "$CONVLAB" run conv --impl reference -i "$CAT" -k sobel_x \
    --mode same --border reflect101 -o "$TMP/sobel_x.npy"
run "$TMP/threshold.png" "$CONVLAB" run threshold --impl reference \
    -i "$TMP/sobel_x.npy" --thresh 100 --maxval 255 -o "$TMP/threshold.png"
run "$OUT/cat_edges_threshold.png" "$CONVLAB" show "$CAT" "$TMP/threshold.png" \
    -o "$OUT/cat_edges_threshold.png"

# What a kernel does to a tiny asymmetric image: the framed letter F,
# enlarged 12 times (identity, shifts, horizontal and vertical derivatives).
F=$IMAGES/synthetic/letter_f_framed_16x14.png
[ -f "$F" ] || fail "$F is missing: run make images"
run "$OUT/letter_f_kernels.png" "$CONVLAB" show "$F" -k identity -k shift_right \
    -k shift_down -k dx -k dy --normalize --scale 12 -o "$OUT/letter_f_kernels.png"

# -------------------------------------------- lesson 2: Fashion-MNIST
if [ -z "$PYTHON" ] || ! "$PYTHON" -c 'import numpy, matplotlib' >/dev/null 2>&1; then
    echo "demo: skipping the Fashion-MNIST figures: they need a Python with" \
        "python3-numpy and python3-matplotlib (apt-get install python3-numpy python3-matplotlib)"
else
    "$PYTHON" "$HERE/../handouts/lesson_figures.py" "$CONVLAB" "$IMAGES" "$OUT" \
        || fail "handouts/lesson_figures.py failed"
    for f in fashion_conv2d.png fashion_pooling.png fashion_upsample.png; do
        [ -s "$OUT/$f" ] || fail "handouts/lesson_figures.py did not write $OUT/$f"
        WRITTEN="$WRITTEN $OUT/$f"
    done
fi

echo "demo: wrote"
for f in $WRITTEN; do
    case $f in "$TMP"/*) continue ;; esac
    echo "  $f"
done
