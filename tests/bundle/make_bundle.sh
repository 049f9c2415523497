#!/bin/sh
# make_bundle.sh BUILD TARBALL -- assembles the student bundle (`make dist`).
#
# What goes in, and why (README.md, "The student bundle"):
#   assignments/        the stubs and assignment.h
#   harness/*.h         the library's public headers (no library source)
#   harness/drivers/    the case runner, the test-list generator and the
#                       budgets program: sources that hold no answer
#   lib/                the library and the reference, prebuilt and without
#                       debug information: the budgets time the student
#                       against the reference in the same run
#   tests/              the public suite, the case table, the budgets table,
#                       and the expected outputs (and the outputs of known
#                       mistakes) of every public case, computed by the
#                       reference at `make dist` time
#   images/             the test images (photos, Fashion-MNIST samples, synthetic)
#   handouts/           the four handouts (build/handouts/aN.html when pandoc
#                       rendered them, with their figures; else the Markdown)
#   Makefile, README.md the student's (tests/bundle/)
# Never: solutions/, harness/ref_*.c, the library's sources, mkexpected.
set -eu
build=${1:?usage: make_bundle.sh BUILD TARBALL}
tarball=${2:?usage: make_bundle.sh BUILD TARBALL}
stage=$build/dist
root=$stage/convlab-student

rm -rf "$stage"
mkdir -p "$root/assignments" "$root/harness/drivers" "$root/lib" "$root/tests/student" \
         "$root/tests/expected" "$root/images" "$root/handouts"

cp assignments/*.c assignments/*.h "$root/assignments/"
cp harness/convlab.h harness/feedback.h harness/toml.h harness/reference.h "$root/harness/"
cp harness/drivers/impl.h harness/drivers/cases.h harness/drivers/cases.c \
   harness/drivers/verdict.h harness/drivers/verdict.c \
   harness/drivers/casegen.c harness/drivers/budgets*.c harness/drivers/budgets*.h \
   "$root/harness/drivers/"
for lib in libconvlab_core.a libconvlab_ref.a; do
    strip --strip-debug -o "$root/lib/$lib" "$build/$lib"
done
cp tests/student/*.c tests/student/*.h tests/student/run_tests.sh "$root/tests/student/"
cp tests/cases.toml tests/budgets.toml "$root/tests/"
cp "$build"/expected/*.npy "$root/tests/expected/"
cp -R "$build"/images/photos "$build"/images/fashion "$build"/images/synthetic "$root/images/"
# the student handouts a1..a4 (never the instructor's guide): rendered pages
# with their figures inside when `make handouts` made them, else the Markdown
for a in a1 a2 a3 a4; do
    if [ -f "$build/handouts/$a.html" ]; then
        cp "$build/handouts/$a.html" "$root/handouts/"
    elif [ -f "handouts/$a.md" ]; then
        cp "handouts/$a.md" "$root/handouts/"
    fi
done
cp tests/bundle/Makefile tests/bundle/README.md "$root/"

tar -C "$stage" -czf "$tarball.tmp" convlab-student
mv "$tarball.tmp" "$tarball"
echo "dist: $tarball ($(du -k "$tarball" | cut -f1) KiB, $(find "$root" -type f | wc -l) files)"
