"""report.py -- the table, the targets and the plot of `make bench`.

Reads the raw times of one run -- bench_c.json (bench.c: the reference, the
model solution, memcpy), opencv.json (bench_opencv.cpp) and torch.json
(bench_torch.py); a missing or empty file means "not installed" -- prints one
table with every case and one with every target (measured ratio, limit,
met / not met), writes OUT/bench.json and draws OUT/bench.png.

    python3 bench/report.py --dir build/bench [--baseline OLD.json] [--smoke]

With --baseline (make bench BENCH_BASELINE=OLD.json), also prints the change
of every time against that earlier bench.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from dataclasses import dataclass


@dataclass
class Target:
    row: str       # the row of the target table
    case: str      # the case id it reads
    kind: str      # "opencv", "torch", "floor" or "threads"
    limit: float   # the largest (ratio) or smallest (speed-up) acceptable value


TARGETS = [
    *[Target(f"im_conv k={k} vs OpenCV filter2D (1 thread): ref / OpenCV <= 1.0", f"conv_k{k}",
             "opencv", 1.0) for k in (3, 5, 7, 11)],
    Target("im_conv k=3 vs memory floor: ref / floor <= 1.5", "conv_k3", "floor", 1.5),
    Target("conv2d 1000x28x28x1 -> 23 vs PyTorch (1 thread): ref / torch <= 1.0", "conv2d_l1",
           "torch", 1.0),
    Target("conv2d 1000x26x26x23 -> 32 vs PyTorch (1 thread): ref / torch <= 1.0", "conv2d_l2",
           "torch", 1.0),
    Target("max_pool2d 2x2 vs memory floor: ref / floor <= 1.5", "maxpool2", "floor", 1.5),
    Target("avg_pool2d 2x2 vs memory floor: ref / floor <= 1.5", "avgpool2", "floor", 1.5),
    Target("upsample nearest x2 vs memory floor: ref / floor <= 1.5", "up_nearest2", "floor", 1.5),
    Target("upsample bilinear x2 vs memory floor: ref / floor <= 1.5", "up_bilinear2", "floor", 1.5),
    *[Target(f"two threads, {c}: speed-up over one thread >= 1.7", c, "threads", 1.7)
      for c in ("conv_k3", "conv_k5", "conv_k7", "conv_k11", "conv2d_l1", "conv2d_l2",
                "maxpool2", "avgpool2", "up_nearest2", "up_bilinear2")],
]


def load(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read().strip()
        return json.loads(text) if text else None
    except (OSError, ValueError):
        return None


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def fmt_ms(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:.1f}" if v >= 100 else f"{v:.2f}"


def merge(c: dict, cv: dict | None, pt: dict | None) -> list[dict]:
    """One record per case: the C times plus OpenCV, PyTorch and the floor."""
    out = []
    for case in c["cases"]:
        ms = {k: (v if v is not None and v >= 0 else None) for k, v in case["ms"].items()}
        floor = floor_t2 = None
        if ms.get("memcpy_in") is not None and ms.get("memcpy_out") is not None:
            floor = (ms["memcpy_in"] + ms["memcpy_out"]) / 2
        if ms.get("memcpy_in_t2") is not None and ms.get("memcpy_out_t2") is not None:
            floor_t2 = (ms["memcpy_in_t2"] + ms["memcpy_out_t2"]) / 2
        rec = {
            "id": case["id"], "desc": case["desc"], "macs": case["macs"],
            "in_bytes": case["in_bytes"], "out_bytes": case["out_bytes"],
            "model_note": case["model_note"], "outputs_agree": case["outputs_agree"],
            "ms": {**ms, "floor": floor, "floor_t2": floor_t2,
                   "opencv": (cv or {}).get("cases", {}).get(case["id"]),
                   "torch": (pt or {}).get("cases", {}).get(case["id"])},
        }
        out.append(rec)
    return out


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b not in (None, 0) else None


def evaluate(cases: list[dict], cv_ok: bool, pt_ok: bool) -> list[dict]:
    by_id = {c["id"]: c for c in cases}
    rows = []
    for t in TARGETS:
        c = by_id.get(t.case)
        value, state, note = None, "not measured", ""
        if c is not None:
            ms = c["ms"]
            if t.kind == "threads":
                value = ratio(ms["ref"], ms["ref_t2"])
                mem = ratio(ms["floor"], ms["floor_t2"])
                if mem is not None:
                    note = f"the memory floor itself: {mem:.2f}x with two threads"
            elif t.kind == "floor":
                value = ratio(ms["ref"], ms["floor"])
            elif t.kind == "opencv":
                value = ratio(ms["ref"], ms["opencv"])
                note = "" if cv_ok else "OpenCV not installed"
            elif t.kind == "torch":
                value = ratio(ms["ref"], ms["torch"])
                note = "" if pt_ok else "PyTorch not installed"
            if value is not None:
                ok = value >= t.limit if t.kind == "threads" else value <= t.limit
                state = "met" if ok else "not met"
            elif note:
                state = "not installed"
        rows.append({"row": t.row, "case": t.case, "kind": t.kind, "limit": t.limit,
                     "value": value, "state": state, "note": note})
    return rows


def print_tables(meta: dict, cases: list[dict], targets: list[dict],
                 baseline: dict | None) -> None:
    print(f"convlab bench: {meta['cpu']}, {meta['cores']} cores, reference vector level "
          f"{meta['simd']}, best of {meta['runs']} interleaved runs"
          + (" (SMOKE: tiny sizes, numbers mean nothing)" if meta["smoke"] else ""))
    print(f"OpenCV: {meta['opencv'] or 'not installed'}; PyTorch: {meta['torch'] or 'not installed'}; "
          f"load average at the end: {' '.join(str(v) for v in meta['load_average'])} "
          "(other jobs on the 2 cores slow the two-thread figures first)")
    print("ref = reference, 1 thread, output buffer kept between calls; fresh = a new zero-filled "
          "output each call (cl_image_alloc);")
    print("floor = (memcpy of the input bytes + memcpy of the output bytes) / 2, in the same run; "
          "x model = model time / ref time;")
    print("speedup = ref / ref on 2 threads; mem 2thr = floor / the floor with the copies split "
          "over 2 threads")
    head = (f"{'case':<40} {'ref ms':>8} {'GMAC/s':>7} {'GB/s':>6} {'fresh':>8} {'2 thr':>7} "
            f"{'speedup':>7} {'model ms':>9} {'x model':>8} {'OpenCV':>8} {'PyTorch':>8} "
            f"{'floor':>7} {'/floor':>6} {'mem 2thr':>8}")
    print(head)
    print("-" * len(head))
    for c in cases:
        ms = c["ms"]
        ref = ms["ref"]
        gmacs = c["macs"] / (ref * 1e6) if ref and c["macs"] else None
        gbs = (c["in_bytes"] + c["out_bytes"]) / (ref * 1e6) if ref else None
        cvs = "n/a" if not c["id"].startswith("conv_k") else (
            fmt_ms(ms["opencv"]) if meta["opencv"] else "not inst")
        pts = "n/a" if not c["id"].startswith("conv2d") else (
            fmt_ms(ms["torch"]) if meta["torch"] else "not inst")
        sp = ratio(ref, ms["ref_t2"])
        xm = ratio(ms["model"], ref)
        fl = ratio(ref, ms["floor"])
        m2 = ratio(ms["floor"], ms["floor_t2"])
        print(f"{c['desc']:<40} {fmt_ms(ref):>8} {'-' if gmacs is None else f'{gmacs:.1f}':>7} "
              f"{'-' if gbs is None else f'{gbs:.1f}':>6} {fmt_ms(ms['ref_fresh']):>8} "
              f"{fmt_ms(ms['ref_t2']):>7} {'-' if sp is None else f'{sp:.2f}x':>7} "
              f"{fmt_ms(ms['model']):>9} {'-' if xm is None else f'{xm:.1f}x':>8} {cvs:>8} "
              f"{pts:>8} {fmt_ms(ms['floor']):>7} {'-' if fl is None else f'{fl:.2f}':>6} "
              f"{'-' if m2 is None else f'{m2:.2f}x':>8}"
              + ("" if c["outputs_agree"] else "  REFERENCE OUTPUTS DIFFER"))
    notes = [f"  {c['id']}: {c['model_note']}" for c in cases if c["model_note"]]
    if notes:
        print("model column:")
        print("\n".join(notes))
    print()
    print(f"{'target':<78} {'measured':>9} {'limit':>6}  result")
    print("-" * 120)
    for t in targets:
        v = "-" if t["value"] is None else f"{t['value']:.2f}"
        lim = (">= " if t["kind"] == "threads" else "<= ") + f"{t['limit']:g}"
        print(f"{t['row']:<78} {v:>9} {lim:>6}  {t['state']}"
              + (f" ({t['note']})" if t["note"] else ""))
    met = sum(t["state"] == "met" for t in targets)
    print(f"{met} of {len(targets)} targets met")
    if baseline is not None:
        print()
        print(f"change against {baseline['_path']} (new / old time; < 1 is faster)")
        old = {c["id"]: c for c in baseline.get("cases", [])}
        for c in cases:
            o = old.get(c["id"])
            if o is None:
                print(f"  {c['id']:<14} not in the baseline")
                continue
            parts = []
            for k in ("ref", "ref_t2", "model", "opencv", "torch", "floor"):
                r = ratio(c["ms"].get(k), o["ms"].get(k))
                if r is not None:
                    parts.append(f"{k} {r:.2f}")
            differs = "" if o.get("desc") == c["desc"] else f"  (other input: {o.get('desc')})"
            print(f"  {c['id']:<14} " + ", ".join(parts) + differs)


def plot(path: str, cases: list[dict], meta: dict) -> str | None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as e:  # matplotlib missing: the table is still there
        return f"no plot: matplotlib cannot be imported ({e})"
    series = [("ref", "reference, 1 thread", "#1f77b4"),
              ("ref_t2", "reference, 2 threads", "#aec7e8"),
              ("opencv", "OpenCV filter2D, 1 thread", "#2ca02c"),
              ("torch", "PyTorch conv2d, 1 thread", "#d62728"),
              ("floor", "memory floor (memcpy)", "#7f7f7f"),
              ("model", "model solution (naive)", "#ff7f0e")]
    fig, ax = plt.subplots(figsize=(13, 6))
    width = 0.8 / len(series)
    for s, (key, label, color) in enumerate(series):
        xs, ys = [], []
        for i, c in enumerate(cases):
            v = c["ms"].get(key)
            if v is not None and v > 0:
                xs.append(i + (s - len(series) / 2 + 0.5) * width)
                ys.append(v)
        if ys:
            ax.bar(xs, ys, width, label=label, color=color)
    ax.set_yscale("log")
    ax.set_xticks(range(len(cases)))
    ax.set_xticklabels([c["id"] for c in cases], rotation=20)
    ax.set_ylabel("milliseconds (log scale; lower is faster)")
    ax.set_title(f"convlab bench: {meta['cpu']}, reference level {meta['simd']}"
                 + (" (smoke)" if meta["smoke"] else ""))
    ax.grid(axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=8, ncol=3)
    fig.tight_layout()
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    os.replace(tmp, path)
    return None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True, help="folder of the raw JSON files and the outputs")
    ap.add_argument("--baseline", default="", help="an earlier bench.json to compare with")
    args = ap.parse_args()
    c = load(os.path.join(args.dir, "bench_c.json"))
    if c is None:
        print(f"report: no {args.dir}/bench_c.json (did bench_c run?)", file=sys.stderr)
        return 1
    cv = load(os.path.join(args.dir, "opencv.json"))
    pt = load(os.path.join(args.dir, "torch.json"))
    if pt is not None and pt.get("torch") is None:
        pt = None
    cases = merge(c, cv, pt)
    meta = {"cpu": cpu_name(), "cores": os.cpu_count(), "simd": c["simd"], "runs": c["runs"],
            "smoke": c["smoke"], "opencv": (cv or {}).get("opencv"),
            "torch": (pt or {}).get("torch"),
            "load_average": [round(v, 2) for v in os.getloadavg()]}
    targets = evaluate(cases, cv is not None, pt is not None)
    baseline = None
    if args.baseline:
        baseline = load(args.baseline)
        if baseline is None:
            print(f"report: cannot read the baseline {args.baseline}", file=sys.stderr)
            return 1
        baseline["_path"] = args.baseline
    print_tables(meta, cases, targets, baseline)
    result = {"meta": meta, "cases": cases, "targets": targets}
    out = os.path.join(args.dir, "bench.json")
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    os.replace(out + ".tmp", out)
    png = os.path.join(args.dir, "bench.png")
    problem = plot(png, cases, meta)
    print(f"\nwrote {out}" + (f"; {problem}" if problem else f" and {png}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
