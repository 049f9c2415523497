#!/bin/sh
# check_stubs.sh CONVLAB -- the kit's check that the student stubs fail well.
#
# Runs every operation of `convlab run` (and `convlab show`) with
# --impl student against the untouched stubs in assignments/, which all
# return CL_E_NOT_IMPLEMENTED, and checks for each:
#   - the exit status is 1,
#   - stderr is exactly one line, naming the function, "is not implemented
#     yet" and the student's file (assignments/aN_*.c),
#   - no output file (nor a temporary one) was written.
# Each command is first run with --impl reference, which must succeed: the
# inputs are good, so the failures are the stubs' doing.
# The inputs are tiny .npy files written with printf (npy version 1.0, a
# 128-byte header, '<f4' values 1.0), so the script needs only a POSIX sh.
# Prints one line per check and "N passed, M failed"; exits 1 if any failed.
set -u

CONVLAB=${1:?usage: check_stubs.sh CONVLAB}
case $CONVLAB in /*) ;; *) CONVLAB=$(pwd)/$CONVLAB ;; esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/convlab-stubs.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok    $1"; }
fail() { failed=$((failed + 1)); echo "FAIL  $1: $2"; }

# npy_f32 FILE SHAPE COUNT: a float32 .npy of that shape ("3, 3, 1, 2"),
# every value 1.0 (little-endian 00 00 80 3f).
npy_f32() {
    dict="{'descr': '<f4', 'fortran_order': False, 'shape': ($2), }"
    # 10 bytes of magic, version and length + 118 bytes of header = 128.
    printf '\223NUMPY\001\000\166\000' > "$1"
    printf '%-117s\n' "$dict" >> "$1"
    i=0
    while [ "$i" -lt "$3" ]; do
        printf '\000\000\200\077'
        i=$((i + 1))
    done >> "$1"
}

npy_f32 "$TMP/img.npy" "6, 7" 42            # one gray image
npy_f32 "$TMP/img2.npy" "6, 7, 2" 84        # two channels (conv2d_transpose cin)
npy_f32 "$TMP/w.npy" "3, 3, 1, 2" 18        # conv2d (kh, kw, cin=1, cout=2);
                                            # conv2d_transpose (kh, kw, cout=1, cin=2)

# The inputs must be readable, or every check below would pass for the
# wrong reason.
for f in img.npy img2.npy w.npy; do
    if "$CONVLAB" info "$TMP/$f" > "$TMP/info.out" 2>&1; then
        pass "input $f reads as $(sed 's/^[^:]*: //' "$TMP/info.out")"
    else
        fail "input $f" "$(cat "$TMP/info.out")"
    fi
done

# check NAME FUNCTION FILE -- ARGS...: runs convlab ARGS (output in $TMP/out)
# and expects FUNCTION of assignments/FILE to be reported not implemented.
check() {
    name=$1 fn=$2 file=$3
    shift 4
    rm -rf "$TMP/out"
    mkdir "$TMP/out"
    "$CONVLAB" "$@" > "$TMP/stdout" 2> "$TMP/stderr"
    status=$?
    lines=$(wc -l < "$TMP/stderr" | tr -d ' ')
    if [ "$status" -ne 1 ]; then
        fail "$name" "exit status $status, expected 1 ($(head -n 1 "$TMP/stderr"))"
    elif [ "$lines" -ne 1 ]; then
        fail "$name" "$lines lines on stderr, expected 1: $(tr '\n' '|' < "$TMP/stderr")"
    elif ! grep -q "^convlab: .*: $fn is not implemented yet (assignments/$file)\$" \
        "$TMP/stderr"; then
        fail "$name" "expected '$fn is not implemented yet (assignments/$file)', got: $(cat "$TMP/stderr")"
    elif [ -n "$(ls -A "$TMP/out")" ]; then
        fail "$name" "wrote $(ls -A "$TMP/out" | tr '\n' ' ')despite the error"
    else
        pass "$name: $fn reported not implemented, no output"
    fi
}

# check_ref NAME FUNCTION FILE -- ARGS...: the same command with the
# reference succeeds and writes its output, so the inputs are good and the
# failures below are the stubs' doing.
check_ref() {
    name=$1
    shift 4
    rm -rf "$TMP/out"
    mkdir "$TMP/out"
    "$CONVLAB" "$@" > "$TMP/stdout" 2> "$TMP/stderr"
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "reference $name" "exit status $status: $(cat "$TMP/stderr")"
    elif [ -s "$TMP/stderr" ] || [ -z "$(ls -A "$TMP/out")" ]; then
        fail "reference $name" "no output, or a message: $(cat "$TMP/stderr")"
    else
        pass "reference $name writes $(ls -A "$TMP/out")"
    fi
}

I=$TMP/img.npy
O=$TMP/out

# Every case, run through $CHECK with the implementation $S.
cases() {
    $CHECK "subimages" get_subimages a1_windows.c -- \
        run subimages $S -i "$I" --ksize 3 -o "$O/o.npy"
    $CHECK "conv" im_conv a1_windows.c -- run conv $S -i "$I" -k box3 -o "$O/o.npy"
    $CHECK "conv to png" im_conv a1_windows.c -- run conv $S -i "$I" -k sobel_x -o "$O/o.png"
    $CHECK "conv --mode same" im_conv_opts a2_borders.c -- \
        run conv $S -i "$I" -k box3 --mode same --border reflect -o "$O/o.npy"
    $CHECK "conv --stride 2" im_conv_opts a2_borders.c -- \
        run conv $S -i "$I" -k box3 --stride 2 -o "$O/o.npy"
    $CHECK "conv --flip" flip_kernel a2_borders.c -- \
        run conv $S -i "$I" -k emboss --flip -o "$O/o.npy"
    $CHECK "conv --fn im_conv_fast" im_conv_fast a4_fast.c -- \
        run conv $S -i "$I" -k box3 --fn im_conv_fast -o "$O/o.npy"
    $CHECK "pad" pad_image a2_borders.c -- \
        run pad $S -i "$I" --pad 1,2,3,4 --border wrap -o "$O/o.npy"
    $CHECK "threshold" threshold_binary a2_borders.c -- \
        run threshold $S -i "$I" --thresh 0.5 -o "$O/o.npy"
    $CHECK "to_uint8" to_uint8 a2_borders.c -- run to_uint8 $S -i "$I" -o "$O/o.npy"
    $CHECK "to_uint8 to png" to_uint8 a2_borders.c -- run to_uint8 $S -i "$I" -o "$O/o.png"
    $CHECK "conv2d" conv2d a3_layers.c -- run conv2d $S -i "$I" -k "$TMP/w.npy" -o "$O/o.npy"
    $CHECK "maxpool" max_pool2d a3_layers.c -- run maxpool $S -i "$I" --pool 2 -o "$O/o.npy"
    $CHECK "avgpool" avg_pool2d a3_layers.c -- \
        run avgpool $S -i "$I" --pool 2 --padding same -o "$O/o.npy"
    $CHECK "upsample" upsample a3_layers.c -- run upsample $S -i "$I" --factor 2 -o "$O/o.npy"
    $CHECK "upsample bilinear" upsample a3_layers.c -- \
        run upsample $S -i "$I" --factor 2,3 --interp bilinear -o "$O/o.npy"
    $CHECK "conv2d_transpose" conv2d_transpose a3_layers.c -- \
        run conv2d_transpose $S -i "$TMP/img2.npy" -k "$TMP/w.npy" --stride 2 -o "$O/o.npy"
    $CHECK "show" im_conv_opts a2_borders.c -- show "$I" -k sobel_x $S -o "$O/o.png"
}

CHECK=check_ref S="--impl reference" cases
CHECK=check S="--impl student" cases

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
