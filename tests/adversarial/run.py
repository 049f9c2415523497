#!/usr/bin/python3
"""The hostile battery (tests/adversarial/README.md).

Each folder tests/adversarial/<name>/ holds the hostile part file(s) and an
expect.toml; the runner fills in the other parts from solutions/, grades the
submission with `python3 -m grader grade --autolab`, and asserts the outcome.
Around the whole battery it asserts: no process left behind, nothing outside
the sandbox changed (hash canary of the kit, no stray results.json), the
Autolab line printed by student code is not the last line, a local TCP
listener received no connection, and the battery finished within its bound.

  /usr/bin/python3 tests/adversarial/run.py [--build build] [--bound 300] [NAME...]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "adversarial"
PARTS = {"a1": "a1_windows.c", "a2": "a2_borders.c", "a3": "a3_layers.c", "a4": "a4_fast.c"}
LISTEN_PORT = 47613   # hostile/network/ connects here; must receive nothing
FAKE_PATHS = ["/tmp/results.json", "/autograder/results/results.json",
              "/autograder/results.json", str(ROOT / "results.json"),
              "/results.json", "/root/results.json"]


CANARY_DIRS = ["solutions", "assignments", "harness", "tests/adversarial", "tests/student"]
CANARY_FILES = ["tests/cases.toml", "Makefile"]


def canary(build: Path, extra: list[Path]) -> dict[str, str]:
    """sha256 of every file the battery must leave alone: the model answers,
    the stubs, the library, the case table, this battery, the expected data,
    the images, the trusted programs and objects (other sessions may edit the
    rest of tests/ and grader/ while the battery runs, so those are left out)."""
    files: list[Path] = [ROOT / f for f in CANARY_FILES] + extra
    for d in [ROOT / d for d in CANARY_DIRS] + [build / "expected", build / "images"]:
        if d.is_dir():
            files += [p for p in d.rglob("*") if p.is_file()]
    for f in ("grader/judge", "grader/sandbox_exec", "libconvlab_core.a",
              "obj/harness/drivers/worker.o", "obj/harness/drivers/protocol.o"):
        files.append(build / f)
    got: dict[str, str] = {}
    for p in sorted(set(files)):
        if "__pycache__" in p.parts:
            continue
        try:
            st = p.stat()
            got[str(p)] = f"{st.st_mode:o}:" + hashlib.sha256(p.read_bytes()).hexdigest()
        except OSError as e:
            got[str(p)] = f"unreadable: {e.__class__.__name__}"
    return got


def suspicious_processes(markers: list[str]) -> list[str]:
    """Processes whose command line mentions one of the markers (the battery's
    private folder: every worker, bwrap and build of the battery has it, and
    what a worker forks inherits the worker's command line or lives in its
    PID namespace, which dies with bwrap)."""
    found = []
    me = os.getpid()
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) == me:
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(m in cmd for m in markers):
            found.append(f"{d.name}: {cmd[:200]}")
    return found


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection."""

    def __init__(self, port: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.connections: list[str] = []
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop:
            try:
                c, addr = self.sock.accept()
                self.connections.append(str(addr))
                c.close()
            except (socket.timeout, OSError):
                continue

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


def make_submission(src: Path, dst: Path) -> None:
    """The submission: the folder's own part files; a part given as
    PART.prepend.c is that hostile code followed by the model part file (a
    hostile addition to otherwise correct code); every other part is the
    model's."""
    dst.mkdir(parents=True)
    for part, f in PARTS.items():
        prepend = src / (f[:-2] + ".prepend.c")
        if (src / f).is_file():
            shutil.copy(src / f, dst / f)
        elif prepend.is_file():
            model = (ROOT / "solutions" / f).read_text()
            (dst / f).write_text(prepend.read_text() + model)
        else:
            shutil.copy(ROOT / "solutions" / f, dst / f)


def battery_rubric(tmp: Path) -> Path:
    """grader/rubric.toml without its [[performance.budget]] tables: the
    battery is about containment, and timing the model copies of a1-a3 in
    every submission would only slow it down; the a4 speed-up (and with it
    the timing protocol) stays."""
    text = (ROOT / "grader" / "rubric.toml").read_text()
    text = re.sub(r"^\[\[performance\.budget\]\]\n(?:(?!\[)[^\n]*\n)*", "", text, flags=re.M)
    path = tmp / "rubric.toml"
    path.write_text(text)
    return path


def check_performance(exp: dict, g: dict) -> list[str]:
    """[performance] "ID" = [verdicts allowed]: e.g. a cheat that remembers
    its outputs must get "wrong" (and no points) for the a4 speed-up."""
    bad = []
    perf = {p["id"]: p for p in g.get("performance", [])}
    for pid, allowed in exp.get("performance", {}).items():
        p = perf.get(pid)
        if p is None:
            bad.append(f"no performance result {pid}")
        elif p["verdict"] not in allowed:
            bad.append(f"{pid}: verdict {p['verdict']}, expected one of {allowed}: {p['message'][:200]}")
        elif p["verdict"] in ("wrong", "not_measured") and p["earned"] != 0:
            bad.append(f"{pid}: {p['verdict']} but earned {p['earned']} points")
    return bad


def check_one(name: str, exp: dict, out: Path, stdout: str, rc: int) -> list[str]:
    """The problems of one submission against its expect.toml ([] = as expected)."""
    bad: list[str] = []
    gj = out / "grade.json"
    rj = out / "results.json"
    if not gj.is_file() or not rj.is_file():
        return [f"no grade.json/results.json in {out} (exit {rc})"]
    g = json.loads(gj.read_text())
    json.loads(rj.read_text())
    if rc != 0:
        bad.append(f"grader exited {rc} (a kit problem): {g.get('errors')}")
    if g.get("errors"):
        bad.append(f"grader errors: {g['errors']}")
    bad += check_performance(exp, g)
    parts = {p["part"]: p for p in g["parts"]}
    cases: dict[str, list[dict]] = {}
    for c in g["cases"]:
        cases.setdefault(c["part"], []).append(c)
        if c["status"] == "error":
            bad.append(f"case {c['id']}: status error (the kit's fault): {c.get('message')}")
    # The Autolab line: the last line of stdout, the grader's own.
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    real = {"scores": {p: parts[p]["score"] for p in PARTS}}
    try:
        last = json.loads(lines[-1]) if lines else None
    except ValueError:
        last = None
    if not isinstance(last, dict) or last.get("scores") != real["scores"]:
        bad.append(f"the last stdout line is not the real Autolab line {real}: "
                   f"{lines[-1][:200] if lines else '(none)'}")
    listed = exp.get("parts", {})
    for part in PARTS:
        p, cs = parts[part], cases.get(part, [])
        e = listed.get(part)
        if e is None:  # a correct copy of solutions/: every case (hidden too) passes
            failed = [c["id"] for c in cs if c["status"] != "passed"]
            if failed or p["state"] != "graded" or not cs:
                bad.append(f"{part} (a model copy): state {p['state']}, not passed: "
                           f"{failed[:5]}: {p['note'][:200]}")
            continue
        if "state" in e and p["state"] != e["state"]:
            bad.append(f"{part}: state {p['state']}, expected {e['state']} ({p['note'][:200]})")
        if "max_score" in e and p["score"] > e["max_score"]:
            bad.append(f"{part}: score {p['score']} > {e['max_score']}")
        if "min_score" in e and p["score"] < e["min_score"]:
            bad.append(f"{part}: score {p['score']} < {e['min_score']}")
        if "rejected_any" in e and not set(e["rejected_any"]) & set(p["rejected_symbols"]):
            bad.append(f"{part}: none of {e['rejected_any']} among the rejected symbols "
                       f"{p['rejected_symbols']}")
        if "rejected_symbols" in e:
            miss = set(e["rejected_symbols"]) - set(p["rejected_symbols"])
            if miss:
                bad.append(f"{part}: {sorted(miss)} not among the rejected symbols "
                           f"{p['rejected_symbols']}")
        if "statuses" in e:
            allowed = set(e["statuses"])
            fns = set(e.get("functions", [])) or {c["function"] for c in cs}
            for c in cs:
                if c["function"] in fns and c["status"] not in allowed:
                    bad.append(f"{c['id']}: {c['status']}, expected one of {sorted(allowed)}")
        if "all_statuses_in" in e:  # at least one case of the part has each of these
            have = {c["status"] for c in cs}
            for s in e["all_statuses_in"]:
                if s not in have:
                    bad.append(f"{part}: no case with status {s} (have {sorted(have)})")
        if "message" in e:
            text = "\n".join([p["note"], p["compile_log"], p["link_log"]] +
                             [f"{c['message']} {c['diagnosis']}" for c in cs])
            if not re.search(e["message"], text):
                bad.append(f"{part}: no message matching /{e['message']}/ in: {text[:300]!r}")
        if "stderr" in e:
            text = "\n".join(c.get("worker_stderr", "") for c in cs)
            if not re.search(e["stderr"], text):
                bad.append(f"{part}: no worker stderr matching /{e['stderr']}/: {text[:300]!r}")
        if "max_stderr" in e:
            big = max((len(c.get("worker_stderr", "")) for c in cs), default=0)
            if big > e["max_stderr"]:
                bad.append(f"{part}: worker_stderr of {big} characters kept (> {e['max_stderr']})")
    total_max = exp.get("max_total")
    if total_max is not None and g["score"] > total_max:
        bad.append(f"total {g['score']} > {total_max}")
    for f in ("grade.json", "results.json"):
        sz = (out / f).stat().st_size
        if sz > exp.get("max_output_bytes", 2_000_000):
            bad.append(f"{f} is {sz} bytes")
    return bad


def summary(out: Path) -> str:
    try:
        g = json.loads((out / "grade.json").read_text())
    except (OSError, ValueError):
        return "no grade.json"
    bits = []
    for p in g["parts"]:
        sts: dict[str, int] = {}
        for c in g["cases"]:
            if c["part"] == p["part"]:
                sts[c["status"]] = sts.get(c["status"], 0) + 1
        st = ",".join(f"{k}:{v}" for k, v in sorted(sts.items()))
        bits.append(f"{p['part']}={p['score']:g} {p['state']}({st})")
    return f"total {g['score']:g}; " + " ".join(bits)


def first_message(out: Path, parts: list[str]) -> str:
    try:
        g = json.loads((out / "grade.json").read_text())
    except (OSError, ValueError):
        return ""
    for p in g["parts"]:
        if p["part"] in parts:
            if p["note"]:
                return p["note"].splitlines()[0][:160]
            for c in g["cases"]:
                if c["part"] == p["part"] and c["status"] != "passed":
                    return (c["message"] or c["status"]).splitlines()[0][:160]
    return ""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--bound", type=float, default=240.0, help="seconds for the whole battery")
    ap.add_argument("--per-submission", type=float, default=240.0)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    build = Path(a.build).resolve()
    names = a.names or sorted(d.name for d in HERE.iterdir()
                              if d.is_dir() and (d / "expect.toml").is_file())
    wobj = ",".join(str(build / x) for x in ("obj/harness/drivers/worker.o",
                                             "obj/harness/drivers/protocol.o",
                                             "libconvlab_core.a"))
    gargs = ["--build-dir", str(build), "--judge", str(build / "grader/judge"),
             "--sandbox-exec", str(build / "grader/sandbox_exec"), "--worker-objects", wobj,
             "--images", str(build / "images"), "--expected", str(build / "expected")]
    tmp = Path(tempfile.mkdtemp(prefix="convlab-adv-"))
    os.chmod(tmp, 0o755)
    markers = [str(tmp)]
    work = tmp / "work"
    work.mkdir()
    os.chmod(work, 0o755)
    gargs += ["--work-dir", str(work), "--rubric", str(battery_rubric(tmp))]
    before_procs = set(suspicious_processes(markers))
    fake_before = {p: os.path.exists(p) for p in FAKE_PATHS}
    outside = tmp / "outside-canary"   # a file outside the sandbox, writable by anyone
    outside.write_text("canary\n")
    os.chmod(outside, 0o666)
    canary0 = canary(build, [outside])
    listener = Listener(LISTEN_PORT)
    t0 = time.monotonic()
    passed = failed = gaps = 0
    for name in names:
        src = HERE / name
        exp = tomllib.loads((src / "expect.toml").read_text())
        sub = tmp / "sub" / name
        out = tmp / "out" / name
        make_submission(src, sub)
        t1 = time.monotonic()
        try:
            r = subprocess.run(["/usr/bin/python3", "-m", "grader", "grade", str(sub),
                                "--out", str(out), "--autolab", "--seed", "1"] + gargs,
                               cwd=ROOT, capture_output=True, timeout=a.per_submission)
            stdout, rc = r.stdout.decode(errors="replace"), r.returncode
        except subprocess.TimeoutExpired:
            stdout, rc = "", -1
        dt = time.monotonic() - t1
        bad = check_one(name, exp, out, stdout, rc) if rc != -1 else \
            [f"the grader took more than {a.per_submission} s"]
        for _ in range(20):  # give a killed sandbox a moment to go
            stray = suspicious_processes(markers)
            if not stray:
                break
            time.sleep(0.1)
        if stray:
            bad.append("processes left behind: " + "; ".join(stray)[:400])
        hostile = list(exp.get("parts", {}))
        msg = first_message(out, hostile)
        if not bad:
            passed += 1
            tag = "KNOWN GAP" if exp.get("known_gap") else "ok"
            if exp.get("known_gap"):
                gaps += 1
            print(f"{tag:9} {name:22} {dt:5.1f}s  {summary(out)}  | {msg}")
        else:
            failed += 1
            print(f"FAIL      {name:22} {dt:5.1f}s  {summary(out)}")
            for b in bad:
                print(f"            - {b}")
        if exp.get("known_gap"):
            print(f"            known gap: {exp.get('gap', '').strip()}")
        sys.stdout.flush()
    elapsed = time.monotonic() - t0
    listener.close()
    around: list[str] = []
    time.sleep(0.5)
    left = sorted(set(suspicious_processes(markers)) - before_procs)
    if left:
        around.append("processes left behind:\n    " + "\n    ".join(left))
    for p, existed in fake_before.items():
        if os.path.exists(p) and not existed:
            around.append(f"a results.json appeared outside the OUT folders: {p}")
    canary1 = canary(build, [outside])
    changed = sorted(k for k in set(canary0) | set(canary1) if canary0.get(k) != canary1.get(k))
    if changed:
        around.append("files outside the sandbox changed: " + ", ".join(changed[:20]))
    if listener.connections:
        around.append(f"the local listener on 127.0.0.1:{LISTEN_PORT} received "
                      f"{len(listener.connections)} connection(s)")
    if elapsed > a.bound:
        around.append(f"the battery took {elapsed:.0f} s (bound {a.bound:.0f} s)")
    for x in around:
        print(f"FAIL      battery: {x}")
    print(f"battery: {len(names)} submissions in {elapsed:.1f} s (bound {a.bound:.0f} s); "
          f"no process left behind, kit unchanged, no stray results.json, no connection"
          if not around else f"battery: {len(names)} submissions in {elapsed:.1f} s")
    failed += len(around)
    print(f"{passed} passed, {failed} failed" + (f" ({gaps} known gaps tolerated)" if gaps else ""))
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"kept {tmp}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
