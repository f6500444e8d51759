#!/usr/bin/env bash
# The path a user with a new formula takes, from the packed tarball: `npm pack`, install it into a
# temporary copy of examples/new-formula, run the example's tests (typecheck, claimProperty, the
# deliberate config typo) and `sigprop verify --claims-module` on its claims. Run by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -1)"
cp -r "$root/examples/new-formula" "$work/example"
rm -rf "$work/example/node_modules" "$work/example/dist" "$work/example/reports"
cd "$work/example"
npm pkg set "dependencies.sigprop=file:$tarball"
npm install --no-audit --no-fund --prefer-offline
npx sigprop --version
npm test
npm run verify
