#!/bin/sh
# The target side of scripts/gpu-proof.sh: unpacks Node and the app beside this script (once) and
# runs the proof with the packed Node. Usage: run.sh [out.json] [runner options, e.g. --seconds 3]
# Needs /bin/sh, tar, gzip, and xz or python3 (for node.xz); the GPU's Vulkan driver.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$(dirname "${1:-gpu-proof.json}")" && pwd)/$(basename "${1:-gpu-proof.json}")
[ $# -gt 0 ] && shift
work="$here/unpacked"
mkdir -p "$work"
if [ ! -x "$work/node" ]; then
  if command -v xz >/dev/null 2>&1; then
    xz -dc "$here/node.xz" >"$work/node.part"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
      "$here/node.xz" "$work/node.part"
  else
    echo "run.sh: needs xz or python3 to unpack node.xz" >&2
    exit 2
  fi
  chmod +x "$work/node.part"
  mv "$work/node.part" "$work/node"
fi
[ -d "$work/app" ] || tar -xzf "$here/app.tar.gz" -C "$work"
# what Vulkan sees, for the JSON (absent tools are noted, not fatal)
if command -v vulkaninfo >/dev/null 2>&1; then
  vulkaninfo --summary >"$work/vulkaninfo.txt" 2>&1 || true
else
  echo 'vulkaninfo not installed' >"$work/vulkaninfo.txt"
fi
export SIGPROP_PROOF_VULKANINFO="$work/vulkaninfo.txt"
exec "$work/node" "$work/app/gpu-proof/run.mjs" --out "$out" "$@"
