#!/bin/sh
# run.sh -- `make bench` and `make bench-smoke` (called by the Makefile).
#
#   sh bench/run.sh BENCH_C OUTDIR PYTHON full|smoke [BASELINE.json]
#
# Runs, one after the other on the same machine: BENCH_C (the reference, the
# model solution and memcpy, interleaved), the OpenCV program (compiled here
# from bench/bench_opencv.cpp with g++ when pkg-config knows opencv4) and
# bench/bench_torch.py (PyTorch, when PYTHON can import torch), then
# bench/report.py: the table of targets, OUTDIR/bench.json, OUTDIR/bench.png.
# Whatever is not installed is reported as such; only a failure of BENCH_C
# or of the report fails the run. smoke: tiny sizes, 2 runs, and a check that
# the JSON and the PNG were written.
set -eu
bench_c=$1 out=$2 py=$3 mode=$4 baseline=${5:-}
mkdir -p "$out"
if [ "$mode" = smoke ]; then args="--smoke --runs 2"; else args="--runs ${BENCH_RUNS:-7}"; fi
rm -f "$out/bench_c.json" "$out/opencv.json" "$out/torch.json" "$out/bench.json" "$out/bench.png"

# shellcheck disable=SC2086
"$bench_c" $args --json "$out/bench_c.json"

if command -v g++ >/dev/null 2>&1 && pkg-config --exists opencv4 2>/dev/null; then
    if [ ! -x "$out/bench_opencv" ] || [ bench/bench_opencv.cpp -nt "$out/bench_opencv" ]; then
        # shellcheck disable=SC2046
        g++ -O2 -std=c++11 -o "$out/bench_opencv" bench/bench_opencv.cpp $(pkg-config --cflags --libs opencv4)
    fi
    # shellcheck disable=SC2086
    "$out/bench_opencv" $args > "$out/opencv.json" || { echo "bench: the OpenCV program failed"; : > "$out/opencv.json"; }
else
    echo "bench: OpenCV not installed (needs g++ and libopencv-dev: make deps OPTIONAL=1)"
fi

if [ -n "$py" ] && "$py" -c 'import torch' >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    "$py" bench/bench_torch.py $args > "$out/torch.json" || { echo "bench: the PyTorch program failed"; : > "$out/torch.json"; }
else
    echo "bench: PyTorch not installed (python3-torch: make deps OPTIONAL=1)"
fi

if [ -z "$py" ]; then
    echo "bench: no Python with numpy for the report (make deps)"; exit 1
fi
if [ -n "$baseline" ]; then
    "$py" bench/report.py --dir "$out" --baseline "$baseline"
else
    "$py" bench/report.py --dir "$out"
fi

if [ "$mode" = smoke ]; then
    "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["cases"] and d["targets"]' "$out/bench.json"
    if "$py" -c 'import matplotlib' >/dev/null 2>&1; then
        test -s "$out/bench.png" || { echo "bench-smoke: no $out/bench.png"; exit 1; }
    fi
    echo "bench-smoke: the programs ran; $out/bench.json and $out/bench.png written"
fi
