#!/bin/sh
# deps.sh -- installs the Debian packages convlab needs (SPEC §8), and only
# those that are missing, so a second run is instant.
#
#   sh .ci/deps.sh            the packages the kit needs to build, test and grade
#   OPTIONAL=1 sh .ci/deps.sh also the oracles of the cross-check and the
#                             benchmarks (scipy, OpenCV, PyTorch)
#   BROWSER=1 sh .ci/deps.sh  also chromium, for the browser checks of the reports
#
# Not root: prints the exact apt-get command and stops with status 1.
set -eu

REQUIRED="gcc make pkg-config binutils libcriterion-dev libstb-dev zlib1g-dev
dataset-fashion-mnist python3 python3-numpy python3-matplotlib python3-skimage bubblewrap
zip clang libclang-rt-14-dev"
OPTIONAL_PKGS="python3-scipy python3-opencv libopencv-dev g++ python3-torch pandoc"
BROWSER_PKGS="chromium"

wanted="$REQUIRED"
[ "${OPTIONAL:-0}" = 1 ] && wanted="$wanted $OPTIONAL_PKGS"
[ "${BROWSER:-0}" = 1 ] && wanted="$wanted $BROWSER_PKGS"

missing=""
for p in $wanted; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
    echo "deps: all $(echo $wanted | wc -w) packages present"
    exit 0
fi

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing Debian packages:$missing"
    echo "deps: run as root:  apt-get update && $cmd"
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
