#!/bin/sh
# Debian's chromium for test/report-browser.test.ts (driven by playwright-core, which downloads
# no browser of its own).
set -eu
sh "$(dirname "$0")/apt-install.sh" chromium
