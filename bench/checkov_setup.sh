#!/bin/sh
# checkov in a virtualenv of its own (.bench-venv/), for `make bench` to compare armgen with.
#
# Why a separate venv: checkov is not an armgen dependency and pulls in ~100 packages whose pins
# would fight armgen's own (and would slow armgen's imports if they shared site-packages). Why a
# pin: the issue's ratio was measured against checkov 3.3; a newer major could be faster or slower
# for reasons that are not ours. Installed once (a stamp file records the pin); a failed install
# (no network) prints why and leaves the bench to say "checkov not installed" and carry on.
#
# Usage: sh bench/checkov_setup.sh PYTHON   (run by `make bench`; never fails the make)

PY="${1:-python3}"
VENV=".bench-venv"
PIN="checkov==3.3.30"
STAMP="$VENV/.checkov-installed"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$PIN" ] && [ -x "$VENV/bin/checkov" ]; then
    exit 0
fi
echo "bench: installing $PIN into $VENV/ (once; not an armgen dependency) ..."
LOG="$VENV.log"
if "$PY" -m venv "$VENV" >"$LOG" 2>&1 \
    && "$VENV/bin/pip" install -q "$PIN" >>"$LOG" 2>&1 \
    && "$VENV/bin/checkov" --version >>"$LOG" 2>&1; then
    echo "$PIN" >"$STAMP"
    rm -f "$LOG"
    echo "bench: $PIN installed"
else
    echo "bench: could not install $PIN into $VENV/ (see $LOG; no network?): the bench runs without checkov"
fi
exit 0
