#!/usr/bin/env bash
# Debian's chromium for test/report-browser.test.ts (driven by playwright-core, which downloads
# no browser of its own). Idempotent: does nothing when /usr/bin/chromium is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium
