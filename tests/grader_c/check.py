"""check.py -- assertions on the judge's output, for tests/grader_c/run.sh.

    check.py all FILE STATUS [REGEX]        every case has STATUS (message matches REGEX)
    check.py case FILE ID STATUS [REGEX]    case ID has STATUS (message matches REGEX)
    check.py rest FILE STATUS ID...         every case but the IDs has STATUS
    check.py stderr FILE ID MIN_BYTES       case ID: worker_stderr_bytes >= MIN_BYTES and
                                            at most 4 KiB of it kept (as UTF-8 text)
    check.py count FILE N                   FILE has N cases

Every line of FILE must be one JSON object with exactly the judge's keys.
IDs may be given without their "part.function." prefix when unambiguous.
Prints what failed and exits 1; exits 0 silently.
"""

import json
import re
import sys

KEYS = {"id", "function", "points", "status", "message", "diagnosis", "tag", "picture",
        "seconds", "worker_stderr", "worker_stderr_bytes", "visibility", "description"}
STATUSES = {"passed", "failed", "not_implemented", "crashed", "timeout", "error"}


def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                row = json.loads(line)
            except ValueError as e:
                fail(f"{path}:{n}: not JSON ({e}): {line[:200]!r}")
            if set(row) != KEYS:
                fail(f"{path}:{n}: keys {sorted(row)}, expected {sorted(KEYS)}")
            if row["status"] not in STATUSES:
                fail(f"{path}:{n}: unknown status {row['status']!r}")
            rows.append(row)
    return rows


def fail(msg):
    print(f"check.py: {msg}")
    sys.exit(1)


def find(rows, ident):
    hits = [r for r in rows if r["id"] == ident or r["id"].endswith("." + ident)]
    if len(hits) != 1:
        fail(f"case {ident}: {len(hits)} matches in the output")
    return hits[0]


def expect(row, status, regex=None):
    if row["status"] != status:
        fail(f"{row['id']}: status {row['status']}, expected {status}: {row['message'][:300]!r}")
    if regex and not re.search(regex, row["message"]):
        fail(f"{row['id']}: message does not match /{regex}/: {row['message'][:300]!r}")


def main(argv):
    cmd, path, args = argv[1], argv[2], argv[3:]
    rows = load(path)
    if not rows:
        fail(f"{path}: no case")
    if cmd == "all":
        for r in rows:
            expect(r, args[0], args[1] if len(args) > 1 else None)
    elif cmd == "case":
        expect(find(rows, args[0]), args[1], args[2] if len(args) > 2 else None)
    elif cmd == "rest":
        skip = {find(rows, i)["id"] for i in args[1:]}
        for r in rows:
            if r["id"] not in skip:
                expect(r, args[0])
    elif cmd == "stderr":
        r = find(rows, args[0])
        if r["worker_stderr_bytes"] < int(args[1]):
            fail(f"{r['id']}: {r['worker_stderr_bytes']} bytes of standard error counted, "
                 f"expected at least {args[1]}")
        if len(r["worker_stderr"].encode("utf-8")) > 3 * 4096:
            fail(f"{r['id']}: {len(r['worker_stderr'])} characters of standard error kept")
    elif cmd == "count":
        if len(rows) != int(args[0]):
            fail(f"{path}: {len(rows)} cases, expected {args[0]}")
    else:
        fail(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
