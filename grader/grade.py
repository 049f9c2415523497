"""Grading a submission, or a folder of them: the orchestration and the CLI.

    python3 -m grader grade SUBMISSION --out OUTDIR [--autolab] [--seed S] [--kit-root DIR]
    python3 -m grader grade-all SUBMISSIONS_DIR --out OUTDIR [--jobs N] [--force]
    python3 -m grader sandbox            # which sandbox works here

One submission: intake (intake.py) -> per part: build (build.py) in the
sandbox (sandbox.py) -> the kit's judge runs the part's cases on the worker
(judge.py) -> the model (model.py) -> the writers (writers.py). Whatever
happens -- a missing file, a compile error, a crash, a hang, or a failure of
the kit itself -- results.json and the per-student JSON are written: a
kit-side exception gives score 0 and an explanation in the output.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import copy
import datetime as _dt
import os
import queue
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from . import __version__, adjust, intake, judge, perf, writers
from .build import Builder
from .kit import PARTS, Kit, KitError
from .model import (CaseResult, PartResult, PartState, PerfResult,
                    Status, SubmissionResult)
from .rubric import Rubric, load_rubric
from .sandbox import NOBODY_UID, Sandbox, SandboxError, detect

RESULTS_JSON = "results.json"
STUDENT_JSON = "grade.json"
FEEDBACK_DIR = "feedback"
ARCHIVE_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tbz2", ".txz", ".tar", ".zip")


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def student_name(path: Path) -> str:
    """The student's name from a submission's file or folder name."""
    name = Path(path).name
    if Path(path).is_file() or not Path(path).exists():
        low = name.lower()
        for suf in ARCHIVE_SUFFIXES:
            if low.endswith(suf):
                name = name[: -len(suf)]
                break
    name = re.sub(r"[^A-Za-z0-9._@+-]", "_", name).lstrip(".")
    return name or "submission"


@dataclass
class Options:
    kit: Kit = field(default_factory=Kit)
    sandbox: str = "auto"                  # auto | bubblewrap | fallback
    judge_timeout: float = judge.JUDGE_TIMEOUT
    keep_work: bool = False
    work_root: Optional[Path] = None       # where private build folders go (default: TMPDIR)
    limits: intake.Limits = field(default_factory=intake.Limits)
    visibility: Optional[str] = None       # results.json's top-level visibility (default: the rubric's)


# ------------------------------------------------------------- one student
def grade_submission(submission: Path, out: Path, opts: Options, *,
                     student: Optional[str] = None, seed: Optional[int] = None,
                     sandbox: Optional[Sandbox] = None,
                     log: Callable[[str], None] = lambda s: None) -> SubmissionResult:
    """Grades one submission into out/ (results.json, grade.json, feedback/).
    Never raises for anything the submission does; a failure of the kit is
    recorded in the result (score 0, explanation) and the files are still
    written."""
    t0 = time.monotonic()
    out = Path(out).resolve()   # the judge runs in the kit's folder: absolute paths only
    sub = SubmissionResult(student=student or student_name(submission),
                           seed=seed if seed is not None else secrets.randbits(63),
                           started=now(), grader_version=__version__)
    try:
        _grade(Path(submission), out, opts, sub, sandbox, log)
    except Exception as e:  # the kit failed: score 0 and say why
        traceback.print_exc(file=sys.stderr)
        sub.errors.append(f"the grader failed ({type(e).__name__}: {e}); "
                          "the submission could not be graded and scores 0 for now")
        _zero_for_kit_error(sub, opts)
    sub.finished = now()
    out.mkdir(parents=True, exist_ok=True)
    adjust.merge(sub, out)   # a TA's adjustments (out/adjustments.toml), merged last
    write_outputs(sub, out, opts, time.monotonic() - t0)
    return sub


def write_outputs(sub: SubmissionResult, out: Path, opts: Options, seconds: float) -> None:
    """grade.json, results.json and the reports of sub into out/: results.json
    is written whatever else fails."""
    sub.finish()
    try:
        writers.write_student_json(sub, out / STUDENT_JSON)
    except Exception as e:
        traceback.print_exc(file=sys.stderr)
        sub.errors.append(f"the grader could not write {STUDENT_JSON} ({type(e).__name__}: {e})")
    try:
        writers.write_gradescope(sub, out / RESULTS_JSON,
                                 visibility=opts.visibility or _rubric_visibility(opts),
                                 execution_time=seconds)
    except Exception as e:   # never leave without a results.json
        traceback.print_exc(file=sys.stderr)
        writers.write_gradescope_failure(out / RESULTS_JSON, f"{type(e).__name__}: {e}")
    try:   # report.html, report.md, report_ta.html (report.py); never at results.json's cost
        from . import report
        report.write_reports(sub, out)
    except Exception as e:
        traceback.print_exc(file=sys.stderr)
        sub.errors.append(f"the grader could not write the report ({type(e).__name__}: {e})")
        try:
            writers.write_student_json(sub, out / STUDENT_JSON)
        except Exception:
            pass


def _rubric_visibility(opts: Options) -> str:
    try:
        return load_rubric(opts.kit.rubric_file, opts.kit.cases()).visibility.value
    except Exception:
        return "visible"


def graded_cases(kit: Kit) -> tuple[Rubric, list]:
    """The rubric and every case the grader scores: the table's (with the
    rubric's overrides) and the placeholders of the hidden ones."""
    table = kit.cases()
    rub = load_rubric(kit.rubric_file, table)
    return rub, rub.apply(table) + rub.hidden_cases()


def performance_placeholders(rub: Rubric, part: Optional[str] = None) -> list[PerfResult]:
    """One PerfResult per budget and for the a4 speed-up, not measured yet:
    their points count in the maximum whatever happens to the part."""
    out = [PerfResult(id=b.id, part=b.part, function=b.function, kind="budget", label=b.label,
                      max_points=b.points, budget=b.budget,
                      message=f"not measured: only correct code is timed, and {b.function} "
                              f"did not pass all its cases (or its part was not graded)")
           for b in rub.budgets if part in (None, b.part)]
    if rub.a4 is not None and part in (None, "a4"):
        out.append(PerfResult(id="a4.im_conv_fast.speedup", part="a4", function="im_conv_fast",
                              kind="speedup", label=f"im_conv_fast speed-up over the naive model, "
                              f"{rub.a4.kernel} kernel on {', '.join(rub.a4.sizes)}",
                              max_points=rub.a4.points,
                              message="not measured: only correct code is timed, and "
                                      "im_conv_fast did not pass all its cases (or a4 was not graded)"))
    return out


def _zero_for_kit_error(sub: SubmissionResult, opts: Options) -> None:
    try:
        rub, cases = graded_cases(opts.kit)
    except Exception:
        rub, cases = Rubric(), []
    msg = "not run: the grader failed (a problem of the kit, not of your code)"
    sub.cases = [CaseResult(id=c.id, part=c.part, function=c.function, name=c.name,
                            description=c.description, max_points=c.points,
                            status=Status.ERROR, visibility=c.visibility, message=msg)
                 for c in cases]
    pts = rub.totals([c for c in cases if not c.name.startswith("hidden_")]) if cases \
        else {p: 0.0 for p in PARTS}
    sub.performance = performance_placeholders(rub)
    for x in sub.performance:
        x.message = "not measured: the grader failed"
    old = {p.part: p for p in sub.parts}
    sub.parts = []
    for p, f in PARTS.items():
        pr = old.get(p) or PartResult(part=p, file=f, max_points=pts[p])
        pr.state, pr.note = PartState.KIT_ERROR, "not graded: the grader failed"
        sub.parts.append(pr)


def _grade(submission: Path, out: Path, opts: Options, sub: SubmissionResult,
           sandbox: Optional[Sandbox], log: Callable[[str], None]) -> None:
    kit = opts.kit
    sub.kit_version = kit.version()
    sub.rubric_hash = kit.rubric_hash()
    rub, cases = graded_cases(kit)
    pts = rub.totals(kit.cases())
    sub.parts = [PartResult(part=p, file=f, max_points=pts[p]) for p, f in PARTS.items()]
    sub.performance = performance_placeholders(rub)
    perf.apply(sub, rub, [], sub.errors)   # the leaderboard's "not measured" value
    box = sandbox or detect(opts.sandbox, kit.sandbox_exec)
    sub.sandbox = box.description

    def not_graded(part: str) -> None:
        sub.cases.extend(CaseResult(id=c.id, part=c.part, function=c.function, name=c.name,
                                    description=c.description, max_points=c.points,
                                    status=Status.NOT_GRADED, visibility=c.visibility)
                         for c in cases if c.part == part)

    # intake
    try:
        taken = intake.take(submission, opts.limits)
    except intake.SubmissionRejected as e:
        sub.intake_notes.append(f"the submission is refused: {e}")
        for p in sub.parts:
            p.state, p.note = PartState.INTAKE_REJECTED, "the submission is refused (see the summary)"
            not_graded(p.part)
        return
    sub.intake_notes.extend(taken.notes)

    feedback = out / FEEDBACK_DIR
    if feedback.exists():
        shutil.rmtree(feedback)   # pictures of an earlier run would outlive their failures
    missing_kit = [str(p) for p in [kit.judge, kit.images, kit.expected] if not p.exists()]
    if missing_kit:
        sub.errors.append("the kit is not built (" + ", ".join(missing_kit)
                          + "): run `make` in the kit")

    work = Path(tempfile.mkdtemp(prefix="convlab-grade-", dir=opts.work_root))
    try:
        os.chmod(work, 0o711)
        if box.uid is not None:
            _check_reachable(work, box.uid)
        sources = taken.write_sources(work / "src")
        builder = Builder(kit, box, work)
        for pr in sub.parts:
            pi = taken.parts[pr.part]
            pr.intake_note = pi.note if pi.accepted else ""
            if pi.missing:
                pr.state = PartState.MISSING
                pr.note = f"{pi.note}: part {pr.part} scores 0"
                not_graded(pr.part)
                continue
            if not pi.accepted:
                pr.state = PartState.INTAKE_REJECTED
                pr.note = f"{pi.origin} {pi.problem}; part {pr.part} is not graded"
                not_graded(pr.part)
                continue
            log(f"{sub.student}: building {pr.file}")
            pb = builder.build(pr.part, sources[pr.part])
            pr.compile_log, pr.link_log = pb.compile_log, pb.link_log
            pr.rejected_symbols = pb.rejected_symbols
            if not pb.ok:
                pr.state, pr.note = pb.state, pb.note
                if pb.state is PartState.KIT_ERROR:
                    sub.errors.append(f"{pr.part}: {pb.note}")
                not_graded(pr.part)
                continue
            if missing_kit:
                pr.state = PartState.KIT_ERROR
                pr.note = "not run: the kit is not completely built (a problem of the grader)"
                not_graded(pr.part)
                continue
            log(f"{sub.student}: judging {pr.part}")
            feedback.mkdir(parents=True, exist_ok=True)
            where = os.path.dirname(pi.origin) if "/" in pi.origin else ""
            run = judge.run_part(kit, pr.part, cases, box.worker_command(pb.worker), sub.seed,
                                 feedback, timeout=opts.judge_timeout, out_root=out,
                                 student_dir=where or "your submission",
                                 extra_args=rub.judge_args(pr.part))
            sub.cases.extend(run.cases)
            sub.errors.extend(run.errors)
            if run.errors and all(c.status is Status.ERROR for c in run.cases):
                pr.state = PartState.KIT_ERROR
                pr.note = "the judge failed on this part (a problem of the kit, not of your code)"
                continue
            perf_args = rub.perf_args(pr.part, perf.passed_functions(run.cases, pr.part))
            if perf_args:
                log(f"{sub.student}: timing {pr.part}")
                pm = judge.run_perf(kit, pr.part, box.worker_command(pb.worker), sub.seed,
                                    perf_args, timeout=opts.judge_timeout,
                                    student_dir=where or "your submission")
                sub.errors.extend(pm.errors)
                perf.apply(sub, rub, pm.lines, sub.errors)
    finally:
        if opts.keep_work:
            print(f"grader: kept the private build folder {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
        if feedback.is_dir() and not any(feedback.iterdir()):
            feedback.rmdir()


def _check_reachable(folder: Path, uid: int) -> None:
    """The sandbox's user must be able to reach the private folder (bwrap
    binds it as that user): every parent searchable by others."""
    for p in [folder, *folder.parents]:
        st = p.stat()
        if not (st.st_mode & 0o001) and st.st_uid != uid:
            raise RuntimeError(f"the work folder {folder} is not reachable by uid {uid} "
                               f"({p} is not searchable by others): use --work-dir")


# ---------------------------------------------------------------- a batch
@dataclass
class BatchEntry:
    student: str
    path: Path


def batch_entries(folder: Path, out: Path) -> list[BatchEntry]:
    """Each entry of the folder is one student (a folder or an archive);
    names that clash get -2, -3, ..."""
    entries: list[BatchEntry] = []
    used: set[str] = set()
    out_res = out.resolve()
    for e in sorted(os.scandir(folder), key=lambda e: e.name):
        if e.name.startswith("."):
            continue
        p = Path(e.path)
        if p.resolve() == out_res:
            continue
        name = student_name(p)
        if name == "grades.csv":          # the gradebook's own name
            name = "grades.csv-student"
        base, k = name, 2
        while name in used:
            name, k = f"{base}-{k}", k + 1
        used.add(name)
        entries.append(BatchEntry(name, p))
    return entries


def _previous(out: Path) -> Optional[SubmissionResult]:
    if (out / RESULTS_JSON).is_file() and (out / STUDENT_JSON).is_file():
        try:
            return writers.read_student_json(out / STUDENT_JSON)
        except Exception:
            return None
    return None


def grade_all(folder: Path, out: Path, opts: Options, *, jobs: int = 1, force: bool = False,
              seed: Optional[int] = None, uid_base: int = 61000,
              log: Callable[[str], None] = print) -> tuple[list[SubmissionResult], int]:
    """Grades every entry of folder into out/<student>/, writes out/grades.csv,
    and prints a summary of the failures. Returns (results, exit code)."""
    out.mkdir(parents=True, exist_ok=True)
    entries = batch_entries(folder, out)
    box = detect(opts.sandbox, opts.kit.sandbox_exec)
    log(f"grade-all: {len(entries)} submission(s) in {folder}; sandbox: {box.description}"
        + (f" (job i runs as uid {uid_base}+i)" if jobs > 1 and box.setpriv else ""))
    # one unprivileged user per parallel job, so that a job's RLIMIT_NPROC
    # counts only its own processes
    uids: "queue.Queue[int]" = queue.Queue()
    for i in range(max(jobs, 1)):
        uids.put(NOBODY_UID if jobs <= 1 else uid_base + i)
    results: dict[str, SubmissionResult] = {}
    lock = threading.Lock()
    changes: list[tuple[str, float, float, list[str]]] = []

    def changed(student: str, old: Optional[SubmissionResult], new: SubmissionResult) -> None:
        why = adjust.reasons(old, new) if old is not None else []
        if why:
            with lock:
                changes.append((student, old.score, new.score, why))

    def one(e: BatchEntry) -> SubmissionResult:
        dest = out / e.student
        prev = _previous(dest)
        if prev is not None and not force:
            old = copy.deepcopy(prev)
            if adjust.merge(prev, dest):   # new adjustments: merged without regrading
                write_outputs(prev, dest, opts, 0.0)
                changed(e.student, old, prev)
                log(f"  {e.student}: already graded; adjustments merged: "
                    f"{old.score:g} -> {prev.score:g}/{prev.max_points:g}")
            else:
                log(f"  {e.student}: already graded ({prev.score:g}/{prev.max_points:g}), skipped")
            return prev
        uid = uids.get()
        try:
            s = seed if seed is not None else (prev.seed if prev is not None else None)
            sub = grade_submission(e.path, dest, opts, student=e.student, seed=s,
                                   sandbox=box.for_uid(uid, uid))
        finally:
            uids.put(uid)
        changed(e.student, prev, sub)
        with lock:
            log(f"  {e.student}: {sub.score:g}/{sub.max_points:g}"
                + (f"  [{'; '.join(writers.problems_of(sub))}]" if writers.problems_of(sub) else ""))
        return sub

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(jobs, 1)) as ex:
        futs = {ex.submit(one, e): e for e in entries}
        for f in concurrent.futures.as_completed(futs):
            e = futs[f]
            try:
                results[e.student] = f.result()
            except Exception as exc:  # grade_submission never raises; belt and braces
                log(f"  {e.student}: the grader failed: {exc}")
    subs = [results[e.student] for e in entries if e.student in results]
    writers.write_grades_csv(subs, out / "grades.csv")
    order = {e.student: i for i, e in enumerate(entries)}
    changes.sort(key=lambda r: order.get(r[0], 0))
    path = adjust.write_changes(out, changes)
    if changes:
        log(f"grade-all: {len(changes)} score(s) changed ({path}):")
        for student, before, after, why in changes:
            log(f"  {student}: {before:g} -> {after:g}: " + "; ".join(why[:6])
                + (f"; ... ({len(why) - 6} more)" if len(why) > 6 else ""))
    try:   # the class summary (summary.py): summary.html, cases.csv
        from . import summary
        summary.write_summary(out, subs)
    except Exception as e:
        traceback.print_exc(file=sys.stderr)
        log(f"grade-all: the class summary failed ({type(e).__name__}: {e})")
    code = print_summary(subs, out, log)
    return subs, code


def print_summary(subs: Sequence[SubmissionResult], out: Path,
                  log: Callable[[str], None] = print) -> int:
    cats: dict[str, list[str]] = {"crashes": [], "timeouts": [], "compile failures": [],
                                  "rejected symbols": [], "refused at intake": [],
                                  "missing files": [], "grader errors": []}
    for s in subs:
        if s.count(Status.CRASHED):
            cats["crashes"].append(f"{s.student} ({s.count(Status.CRASHED)})")
        if s.count(Status.TIMEOUT):
            cats["timeouts"].append(f"{s.student} ({s.count(Status.TIMEOUT)})")
        for p in s.parts:
            if p.state is PartState.COMPILE_ERROR:
                cats["compile failures"].append(f"{s.student}/{p.part}")
            elif p.state is PartState.REJECTED:
                cats["rejected symbols"].append(f"{s.student}/{p.part} ({', '.join(p.rejected_symbols)})")
            elif p.state is PartState.INTAKE_REJECTED:
                cats["refused at intake"].append(f"{s.student}/{p.part}")
            elif p.state is PartState.MISSING:
                cats["missing files"].append(f"{s.student}/{p.part}")
        if s.errors:
            cats["grader errors"].append(f"{s.student}: {s.errors[0]}")
    total = sum(s.score for s in subs)
    log(f"grade-all: {len(subs)} graded, mean {total / len(subs) if subs else 0:.2f}; "
        f"gradebook {out / 'grades.csv'}")
    for k, v in cats.items():
        if v:
            log(f"  {k}: {len(v)}: " + ", ".join(v[:20]) + (" ..." if len(v) > 20 else ""))
    return 1 if cats["grader errors"] else 0


# --------------------------------------------------------------------- CLI
def _kit_from(args: argparse.Namespace) -> Kit:
    """Paths given on the command line are relative to the current folder."""
    def path(v: Optional[str]) -> Optional[Path]:
        return Path(v).resolve() if v else None

    return Kit(root=path(args.kit_root) or Kit().root,
               build=path(args.build_dir),
               judge=path(args.judge),
               sandbox_exec=path(args.sandbox_exec),
               worker_objects=[Path(p).resolve() for p in args.worker_objects.split(",") if p]
               if args.worker_objects else None,
               cases_file=path(args.cases),
               rubric_file=path(getattr(args, "rubric", None)),
               images=path(args.images),
               expected=path(args.expected))


def _options(args: argparse.Namespace) -> Options:
    return Options(kit=_kit_from(args), sandbox=args.sandbox, judge_timeout=args.judge_timeout,
                   keep_work=args.keep_work,
                   work_root=Path(args.work_dir) if args.work_dir else None,
                   visibility=getattr(args, "visibility", "visible"))


def _common(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("the kit")
    g.add_argument("--kit-root", help="the kit's folder (default: the one holding grader/)")
    g.add_argument("--build-dir", help="the kit's build folder (default KIT/build)")
    g.add_argument("--judge", help="the judge program (default BUILD/grader/judge)")
    g.add_argument("--sandbox-exec", help="the rlimit wrapper (default BUILD/grader/sandbox_exec)")
    g.add_argument("--worker-objects", help="comma-separated objects a part file is linked with "
                   "(default BUILD/obj/harness/drivers/{worker,protocol}.o,BUILD/libconvlab_core.a)")
    g.add_argument("--cases", help="the case table (default KIT/tests/cases.toml)")
    g.add_argument("--rubric", help="the rubric (default KIT/grader/rubric.toml)")
    g.add_argument("--images", help="the test images (default BUILD/images)")
    g.add_argument("--expected", help="the expected outputs (default BUILD/expected)")
    g = p.add_argument_group("running")
    g.add_argument("--sandbox", choices=("auto", "bubblewrap", "fallback"), default="auto",
                   help="bubblewrap when it works here (auto), or demand one")
    g.add_argument("--judge-timeout", type=float, default=judge.JUDGE_TIMEOUT,
                   help="seconds for the judge of one part (default %(default)g)")
    g.add_argument("--work-dir", help="where private build folders are made (default TMPDIR)")
    g.add_argument("--keep-work", action="store_true", help="keep the private build folders")


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m grader",
                                 description="convlab's grader (grader/README.md)")
    sp = ap.add_subparsers(dest="cmd", required=True)
    g1 = sp.add_parser("grade", help="grade one submission (a folder, a .zip or a tar archive)")
    g1.add_argument("submission")
    g1.add_argument("--out", required=True, help="where results.json and grade.json go")
    g1.add_argument("--autolab", action="store_true",
                    help='print the summary, then Autolab\'s {"scores": ...} as the last line')
    g1.add_argument("--seed", type=int, help="the secret seed of the hidden cases "
                    "(default: a fresh random 63-bit one, recorded)")
    g1.add_argument("--student", help="the student's name (default: from the submission's name)")
    g1.add_argument("--visibility", default=None,
                    choices=("visible", "hidden", "after_due_date", "after_published"),
                    help="results.json's top-level visibility (default: the rubric's [grading])")
    _common(g1)
    g2 = sp.add_parser("grade-all", help="grade every entry of a folder (one per student)")
    g2.add_argument("submissions")
    g2.add_argument("--out", required=True)
    g2.add_argument("--jobs", type=int, default=1)
    g2.add_argument("--force", action="store_true", help="re-grade students already graded "
                    "(with the seed recorded for them)")
    g2.add_argument("--seed", type=int, help="one seed for everybody (default: one each)")
    g2.add_argument("--uid-base", type=int, default=61000,
                    help="with --jobs N > 1 as root, job i runs student code as uid BASE+i")
    _common(g2)
    g3 = sp.add_parser("sandbox", help="say which sandbox works here")
    _common(g3)
    g4 = sp.add_parser("rubric", help="check grader/rubric.toml and print the points per part")
    _common(g4)
    g5 = sp.add_parser("report", help="write the reports again from grade.json: of one "
                       "student (DIR/grade.json) or of a grade-all folder (every student's "
                       "and the class summary: summary.html, cases.csv)")
    g5.add_argument("dir", help="a folder holding grade.json, or a grade-all folder")
    args = ap.parse_args(argv)

    if args.cmd == "report":
        from .summary import report_command
        return report_command(Path(args.dir))

    if args.cmd == "rubric":
        kit = _kit_from(args)
        try:
            from .rubric import describe
            print(describe(load_rubric(kit.rubric_file, kit.cases()), kit.cases()))
        except KitError as e:
            print(f"grader: {e}", file=sys.stderr)
            return 1
        return 0

    if args.cmd == "sandbox":
        kit = _kit_from(args)
        try:
            box = detect(args.sandbox, kit.sandbox_exec)
        except SandboxError as e:
            print(f"grader: {e}", file=sys.stderr)
            return 1
        print(box.description)
        print("worker command:", " ".join(box.worker_command(Path("/path/to/worker"))))
        return 0

    opts = _options(args)
    if args.cmd == "grade":
        out = Path(args.out)
        try:
            box = detect(opts.sandbox, opts.kit.sandbox_exec)
        except SandboxError as e:
            print(f"grader: {e}", file=sys.stderr)
            box = None
            if opts.sandbox == "bubblewrap":
                return 2
        log = (lambda s: print(s, file=sys.stderr))
        student = args.student or student_name(Path(args.submission))
        seed = args.seed
        prev = _previous(out)
        if seed is None and prev is not None and prev.student == student:
            seed = prev.seed   # re-grading into the same folder keeps the recorded seed
        sub = grade_submission(Path(args.submission), out, opts, student=student,
                               seed=seed, sandbox=box, log=log)
        if args.autolab:
            print(writers.summary_md(sub))
            print(writers.autolab_line(sub))
        else:
            print(f"{sub.student}: {sub.score:g}/{sub.max_points:g} -> {out / RESULTS_JSON}")
            for pr in writers.problems_of(sub):
                print(f"  {pr}")
        return 1 if sub.errors else 0

    if args.jobs < 1:
        ap.error("--jobs must be >= 1")
    try:
        _, code = grade_all(Path(args.submissions), Path(args.out), opts, jobs=args.jobs,
                            force=args.force, seed=args.seed, uid_base=args.uid_base)
    except SandboxError as e:
        print(f"grader: {e}", file=sys.stderr)
        return 2
    return code
