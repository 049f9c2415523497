#!/usr/bin/env bash
# setup.sh -- Gradescope runs this once, as root, when it builds the
# autograder's image: the zip made by `make autograder` is unpacked into
# $ROOT/source (ROOT = /autograder), then this script runs from there.
#
# 1. Installs the Debian packages of .ci/deps.sh's REQUIRED list with apt-get,
#    each one only when the image's archive has it (SKIP_APT=1 skips this step:
#    the self-test, on a machine that already has them). ASSUMPTION: the kit
#    targets Debian 12; Gradescope's images are Ubuntu. Pick the Ubuntu 24.04
#    base image: its universe carries the same package names (libstb-dev,
#    libcriterion-dev, dataset-fashion-mnist, python3-skimage, bubblewrap)
#    and Python 3.12. The grader needs Python >= 3.11 (tomllib): on an older
#    image (22.04 has 3.10) this script installs python3.11 from the archive.
# 2. Builds, inside $ROOT/source, what the grader needs: the judge,
#    sandbox_exec, the worker objects, the core library, the test images and
#    the expected outputs. The model solutions are not in the zip and are not
#    needed (the judge uses the reference).
# 3. Writes $ROOT/source/build/autograder.python: the Python run_autograder uses.
# 4. Makes the kit unreadable to the sandbox's user (see "hide the kit").
#
# Environment: AUTOGRADER_ROOT (default /autograder), SKIP_APT=1, JOBS (make -j),
# HIDE_KIT=0 (keep the kit world-readable).
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SRC="$ROOT/source"
cd "$SRC"

# ------------------------------------------------------------------ packages
# Keep in step with .ci/deps.sh (REQUIRED); the list is read from it when present.
PKGS="gcc make pkg-config binutils libcriterion-dev libstb-dev zlib1g-dev
dataset-fashion-mnist python3 python3-numpy python3-matplotlib python3-skimage bubblewrap"
if [ -f .ci/deps.sh ]; then
    from_deps=$(sed -n '/^REQUIRED="/,/"/p' .ci/deps.sh | tr -d '"' | sed 's/^REQUIRED=//' | tr '\n' ' ')
    [ -n "${from_deps// /}" ] && PKGS="$from_deps"
fi
# Also needed here: util-linux's setpriv/unshare (the sandbox) and zip/unzip are
# in every base image; python3.11 only when python3 is older (see below).

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; }

if [ "${SKIP_APT:-0}" != 1 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    avail=""
    for p in $PKGS; do
        # install only what the archive offers (a candidate version exists)
        cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
        if [ -n "$cand" ] && [ "$cand" != "(none)" ]; then avail="$avail $p"
        else echo "setup.sh: package $p is not in this image's archive: skipped" >&2; fi
    done
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $avail
    if ! python_ok python3; then
        echo "setup.sh: python3 is older than 3.11: installing python3.11" >&2
        apt-get install -y -q --no-install-recommends python3.11 || true
    fi
fi

PY=""
for p in /usr/bin/python3 python3 python3.13 python3.12 python3.11; do
    if command -v "$p" >/dev/null 2>&1 && python_ok "$p"; then PY=$(command -v "$p"); break; fi
done
if [ -z "$PY" ]; then
    echo "setup.sh: no Python >= 3.11 found: the grader cannot run" >&2
    exit 1
fi

# --------------------------------------------------------------------- build
# Only the grader's pieces (the Makefile's GRADER_KIT): `make all` would link
# the model solutions, which the zip leaves out.
B=build
mkdir -p "$B"
make -j"${JOBS:-2}" --no-print-directory \
    "$B/grader/judge" "$B/grader/sandbox_exec" \
    "$B/obj/harness/drivers/worker.o" "$B/obj/harness/drivers/protocol.o" \
    "$B/libconvlab_core.a" "$B/images/.stamp" "$B/expected/.stamp"
echo "$PY" > "$B/autograder.python"

# ------------------------------------------------------------ hide the kit
# Student code runs as an unprivileged user (nobody) in the sandbox. Under
# bubblewrap it sees nothing of the kit; in the fallback (Docker often forbids
# the namespaces bubblewrap needs) it could read world-readable files: the
# reference's source, the expected outputs. So nothing under source/ stays
# readable by others; folders stay traversable and sandbox_exec executable,
# which is all the sandbox's user needs. HIDE_KIT=0 skips this.
if [ "${HIDE_KIT:-1}" = 1 ]; then
    chmod -R o-rwx "$SRC"
    find "$SRC" -type d -exec chmod o+x {} +
    chmod o+x "$SRC/$B/grader/sandbox_exec"
fi

# The sandbox check: which one works here (bubblewrap, or the fallback).
"$PY" -m grader sandbox || echo "setup.sh: warning: '$PY -m grader sandbox' failed" >&2
echo "setup.sh: the kit is built in $SRC/$B; the grader runs with $PY"
