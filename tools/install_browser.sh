#!/bin/sh
# The board's browser test (tests/test_board.py) drives a headless Chromium through Selenium, with
# Debian's own `chromium` and `chromium-driver` (nothing downloads a browser build of its own).
# `make test` runs this: it installs them when they are missing and apt-get may run (root, or
# passwordless sudo) — about a minute on a fresh machine — and never fails the build: where it
# cannot, the browser test is skipped with a message that says what is missing.
have() { command -v "$1" >/dev/null 2>&1; }
browser() { have chromium || have chromium-browser || have google-chrome; }
driver() { have chromedriver || [ -x /usr/lib/chromium/chromedriver ]; }
if browser && driver; then
  exit 0
fi
say() { echo "install_browser: $*"; }
if ! have apt-get; then
  say "no apt-get here: the board's browser test will be skipped (install chromium and chromedriver)"
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  as_root=""
elif have sudo && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
else
  say "not root and no passwordless sudo: the board's browser test will be skipped" \
      "(as root: apt-get install chromium chromium-driver)"
  exit 0
fi
say "installing chromium and chromium-driver with apt-get (about a minute)"
start=$(date +%s)
# fonts-wqy-zenhei: a CJK font, so that a screenshot of the board shows its Chinese (the test reads the DOM)
if $as_root env DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -qq >/dev/null 2>&1 &&
   $as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
     chromium chromium-driver fonts-wqy-zenhei >/dev/null 2>&1; then
  say "done in $(( $(date +%s) - start )) s"
else
  say "apt-get could not install them: the board's browser test will be skipped"
fi
exit 0
