"""convlab's grader: a small, typed package (grader/README.md).

model.py    the one result model (CaseResult, PartResult, SubmissionResult)
writers.py  Gradescope results.json, Autolab's scores line, per-student JSON, grades.csv
intake.py   the four allowed files out of a folder, a .zip or a tar archive
build.py    compile a part alone, check its symbols, link its worker
sandbox.py  bubblewrap, or the documented fallback
judge.py    the kit's judge on one part, its verdicts read into the model
kit.py      the trusted kit: paths, case table, version, rubric hash
grade.py    the orchestration and the CLI (python3 -m grader ...)
"""
__version__ = "0.1.0"
