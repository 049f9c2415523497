"""bench_torch.py -- the PyTorch column of `make bench` (benchmark only).

Times torch.nn.functional.conv2d on one thread (torch.set_num_threads(1))
for the two Fashion-MNIST layers of bench.c, in PyTorch's own layout (NCHW
input, OIHW weights, bias), valid padding, best of K runs after a warm-up,
and prints JSON on stdout: {"torch": VERSION, "cases": {"conv2d_l1": ms, ...}}.
Prints {"torch": null} when torch cannot be imported.

    python3 bench/bench_torch.py [--smoke] [--runs K]
"""
import argparse
import json
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except Exception as e:  # not installed, or broken
        print(json.dumps({"torch": None, "error": str(e)}))
        return 0
    torch.set_num_threads(1)
    batch = 20 if args.smoke else 1000
    layers = {
        "conv2d_l1": (batch, 1, 28, 23),
        "conv2d_l2": (batch, 23, 26, 32),
    }
    gen = torch.Generator().manual_seed(1234)
    cases = {}
    with torch.no_grad():
        for name, (n, cin, hw, cout) in layers.items():
            x = torch.rand((n, cin, hw, hw), generator=gen)
            w = torch.rand((cout, cin, 3, 3), generator=gen) - 0.5
            b = torch.rand((cout,), generator=gen) - 0.5
            F.conv2d(x, w, b)  # warm-up (oneDNN primitive creation)
            best = float("inf")
            for _ in range(max(1, args.runs)):
                t0 = time.perf_counter()
                F.conv2d(x, w, b)
                best = min(best, time.perf_counter() - t0)
            cases[name] = best * 1e3
            print(f"bench_torch: conv2d {n}x{cin}x{hw}x{hw} -> {cout}: {best * 1e3:.2f} ms",
                  file=sys.stderr)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "mkldnn": bool(torch.backends.mkldnn.is_available()), "cases": cases}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
