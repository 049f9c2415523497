#!/usr/bin/python3
"""fake_judge.py -- a stand-in for the kit's judge (build/judge) with the
same command line and the same output, for the grader's tests:

    fake_judge.py --cases CASES --images DIR --expected DIR --part aN
                  [--feedback DIR] [--student-dir NAME] [--seed S]
                  [--hidden FN:COUNT:POINTS[:VIS]]... [--tol ...] [--timeout-floor S]
                  [--timeout-factor F] -- WORKER_CMD...
    fake_judge.py ... --perf-only [--budget SPEC]... [--speedup SPEC] -- WORKER_CMD...

It starts WORKER_CMD (the sandbox's command line around a worker linked from
tests/grader/fake_worker.c) once per part, again after a crash or a timeout,
sends each case's function name, and prints one JSON line per case:
{"id","function","points","status","message","diagnosis","tag","picture",
 "seconds","worker_stderr"}, the table's cases of the part and then COUNT
cases "aN.FN.hidden_K" of every --hidden group of the part (as the real
judge draws them). "ret -1" (CL_E_NOT_IMPLEMENTED) is
not_implemented, any other answer passed, a death by signal crashed, no
answer within FAKE_JUDGE_TIMEOUT seconds (default 5) timeout.

With --perf-only it prints one measurement line per --budget (verdict
"within", ratio 1.5) and --speedup (verdict "measured", speed-up 2.0), after
one call of the function on the worker.

FAKE_JUDGE_MODE=exit3 makes it exit 3 after the first case (a broken kit);
FAKE_JUDGE_MODE=garbage prints a line that is not JSON first.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time
import tomllib


FILES = {"a1": "a1_windows.c", "a2": "a2_borders.c", "a3": "a3_layers.c", "a4": "a4_fast.c"}


def main() -> int:
    argv = sys.argv[1:]
    if "--" not in argv:
        print("fake_judge: usage: ... -- WORKER_CMD...", file=sys.stderr)
        return 2
    i = argv.index("--")
    ap = argparse.ArgumentParser()
    perf_only = "--perf-only" in argv[:i]
    for opt in ("--cases", "--images", "--part"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--expected", required=not perf_only)   # the measurements need none
    ap.add_argument("--feedback")
    ap.add_argument("--student-dir", default="assignments")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--hidden", action="append", default=[])
    ap.add_argument("--tol", action="append", default=[])
    ap.add_argument("--timeout-floor", type=float)
    ap.add_argument("--timeout-factor", type=float)
    ap.add_argument("--perf-only", action="store_true")
    ap.add_argument("--budget", action="append", default=[])
    ap.add_argument("--speedup", action="append", default=[])
    ap.add_argument("--repeats", type=int)
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--spread", type=float)
    args = ap.parse_args(argv[:i])
    worker = argv[i + 1:]
    if args.perf_only:
        return measure(args, argv[i + 1:])
    with open(args.cases, "rb") as f:
        cases = [c for c in tomllib.load(f)["case"] if c["id"].startswith(args.part + ".")]
    for h in args.hidden:
        fn, count, points = h.split(":")[:3]
        if not any(c["function"] == fn for c in cases):
            continue   # a function of another part
        cases += [{"id": f"{args.part}.{fn}.hidden_{k + 1}", "function": fn,
                   "points": float(points)} for k in range(int(count))]
    timeout = float(os.environ.get("FAKE_JUDGE_TIMEOUT", "5"))
    mode = os.environ.get("FAKE_JUDGE_MODE", "")
    if mode == "garbage":
        print("this is not JSON", flush=True)
    w = Worker(worker)
    try:
        for c in cases:
            t0 = time.monotonic()
            status, message = w.call(c["function"], timeout)
            if status == "not_implemented":
                message = f"{c['function']}: not implemented yet ({args.student_dir}/{FILES[args.part]})"
            print(json.dumps({
                "id": c["id"], "function": c["function"], "points": c["points"],
                "status": status, "message": message, "diagnosis": "", "tag": "",
                "picture": "", "seconds": round(time.monotonic() - t0, 4),
                "worker_stderr": "",
            }), flush=True)
            if mode == "exit3":
                return 3
    finally:
        w.stop()
    return 0


def measure(args, worker_argv) -> int:
    w = Worker(worker_argv)
    try:
        for spec in args.budget + args.speedup:
            fields = dict(f.split("=", 1) for f in spec.split() if "=" in f)
            fn = fields.get("function", "im_conv_fast")
            status, _ = w.call(fn, 5.0)
            speed = spec in args.speedup
            ok = status == "passed"
            print(json.dumps({
                "id": f"{args.part}.{fn}.{'speedup' if speed else 'budget'}", "kind":
                "speedup" if speed else "budget", "function": fn, "label": fn,
                "verdict": ("measured" if speed else "within") if ok else "wrong",
                "message": f"{fn}: fake measurement", "ratio": 1.5 if ok else 0,
                "budget": float(fields.get("budget", 0)), "speedup": 2.0 if ok and speed else 0,
                "reference_speedup": 8.0, "spread": 0.01, "rounds": 1,
                "measurements": [], "worker_stderr": ""}), flush=True)
    finally:
        w.stop()
    return 0


class Worker:
    """One worker process for the part, restarted after a crash or a timeout
    (as the real judge does)."""

    def __init__(self, argv):
        self.argv, self.p = argv, None

    def start(self):
        self.p = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        os.set_blocking(self.p.stdout.fileno(), False)

    def stop(self):
        if self.p is not None:
            try:
                os.killpg(self.p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.p.wait()
            self.p = None

    def call(self, function, timeout):
        if self.p is None:
            self.start()
        try:
            self.p.stdin.write(function.encode() + b"\n")
            self.p.stdin.flush()
        except BrokenPipeError:
            pass
        deadline = time.monotonic() + timeout
        buf = b""
        while b"\n" not in buf:
            if time.monotonic() > deadline:
                self.stop()
                return "timeout", f"no answer within {timeout:g} s"
            try:
                chunk = os.read(self.p.stdout.fileno(), 4096)
            except BlockingIOError:
                chunk = None
            if chunk:
                buf += chunk
                continue
            if chunk == b"" or self.p.poll() is not None:   # end of file: it died
                rc = self.p.wait()
                self.stop()
                # bwrap reports its child's death by signal N as exit status 128+N
                sig = -rc if rc < 0 else (rc - 128 if rc > 128 else 0)
                name = (signal.Signals(sig).name if sig in signal.Signals._value2member_map_
                        else f"exit {rc}")
                return "crashed", f"your code crashed ({name})"
            time.sleep(0.002)
        answer = buf.decode("utf-8", "replace").strip()
        if answer == "ret -1":
            return "not_implemented", "not implemented yet"
        if answer.startswith("ret "):
            return "passed", ""
        return "error", f"the worker answered {answer[:100]!r}"


if __name__ == "__main__":
    sys.exit(main())
