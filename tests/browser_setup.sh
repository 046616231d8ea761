#!/bin/sh
# Debian's chromium and chromium-driver for the browser tests (tests/browser.py).
#   browser_setup.sh install   install them when missing and possible (root, apt-get reachable)
#   browser_setup.sh hint      say how to install them when they are missing
# Never fails: without Chromium the browser tests skip with the reason.
have() { [ -x "${ARMGEN_CHROMIUM:-/usr/bin/chromium}" ] && [ -x "${ARMGEN_CHROMEDRIVER:-/usr/bin/chromedriver}" ]; }
hint() { echo "browser tests skipped: Chromium is not installed; install it with: sudo apt-get install chromium chromium-driver"; }

have && exit 0
if [ "$1" = install ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -z "$ARMGEN_NO_BROWSER_INSTALL" ]; then
  echo "browser tests: installing Debian's chromium and chromium-driver with apt-get..."
  log=$(mktemp)
  if { apt-get update -qq -o Acquire::Retries=1 -o Acquire::http::Timeout=30 &&
       DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver; } >"$log" 2>&1; then
    rm -f "$log"
    echo "browser tests: Chromium installed"
    exit 0
  fi
  echo "browser tests: the install failed (log: $log)"
fi
hint
exit 0
