#!/bin/sh
# One-shot real-GPU proof (issue 17 item 4; docs/ci-gpu.md). Packs what a GPU machine without Node
# or network needs into one tar of at most 60 MiB, and runs it:
#
#   scripts/gpu-proof.sh pack [FILE]      build dist/, write FILE (default sigprop-gpu-proof.tar)
#   scripts/gpu-proof.sh selftest [JSON] [runner options]
#                                         pack, unpack into a temp dir, run there with the packed
#                                         Node against this machine's adapter (software allowed),
#                                         copy the JSON to JSON (default gpu-proof.json)
#
# On the target: tar -xf sigprop-gpu-proof.tar && sigprop-gpu-proof/run.sh out.json
# (needs only /bin/sh, tar, gzip, and xz or python3 for Node's binary; glibc and libstdc++; the GPU
# driver with Vulkan). The tar holds:
#   node.xz        this machine's Node binary, xz -9
#   app.tar.gz     dist/, package.json, the runner (scripts/gpu-proof/run.mjs and claims.json) and
#                  exactly the node_modules files the runner opens (traced with strace while it runs
#                  here; Dawn's dawn.node for linux-x64, tfjs, its wasm binaries), nothing else
#   run.sh         unpacks beside itself and runs the runner with the packed Node
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
limit_mib=60

die() {
  echo "gpu-proof.sh: $*" >&2
  exit 2
}

need() {
  command -v "$1" >/dev/null 2>&1 || die "needs '$1' on this machine ($2)"
}

pack() {
  out=$1
  need node 'its binary is what gets packed'
  need strace 'to list the files the runner opens: apt-get install strace'
  need xz 'to compress the Node binary: apt-get install xz-utils'
  [ "$(uname -sm)" = 'Linux x86_64' ] || die "packs linux-x64 only (this is $(uname -sm))"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT

  (cd "$root" && npm run --silent build >/dev/null) || die 'npm run build failed'

  # a short run of the runner (one family, every mode) opens every module, native binary and
  # wasm file it needs; record them
  echo "gpu-proof.sh: tracing the runner's files (a short run on this machine's adapter)" >&2
  # -ff: one file per thread, so no call is split across lines by another thread's
  strace -f -ff -qq -e trace=openat -o "$work/strace" \
    node "$root/scripts/gpu-proof/run.mjs" --out "$work/trace.json" --seconds 0.05 --max-replicates 16 \
    --families relu --allow-software 2>"$work/trace.log" ||
    die "the traced run failed: $(tail -n 3 "$work/trace.log")"

  modules=$(cd "$root/node_modules" && pwd -P)
  app="$work/stage/app"
  mkdir -p "$app/gpu-proof"
  cp "$root/package.json" "$app/package.json"
  cp -R "$root/dist" "$app/dist"
  rm -f "$app/dist/.built" "$app/dist/.tsbuildinfo"
  cp "$root/scripts/gpu-proof/run.mjs" "$root/scripts/gpu-proof/claims.json" "$app/gpu-proof/"
  # regular files opened under node_modules (followed through the symlink), plus every tfjs wasm
  # binary (the target's CPU may pick another variant than this one)
  {
    cat "$work"/strace.* | sed -n 's/^openat([^"]*"\([^"]*\)".*$/\1/p' |
      while read -r f; do
        case $f in
          "$modules"/*) [ -f "$f" ] && echo "${f#"$modules"/}" ;;
          "$root"/node_modules/*) [ -f "$f" ] && echo "${f#"$root"/node_modules/}" ;;
        esac
      done
    (cd "$modules" && ls @tensorflow/tfjs-backend-wasm/dist/*.wasm)
  } | sort -u >"$work/files"
  grep -q '^webgpu/dist/linux-x64/dawn.node$' "$work/files" || die 'the traced run did not load dawn.node'
  (cd "$modules" && tar -cf - -T "$work/files") | (mkdir -p "$app/node_modules" && cd "$app/node_modules" && tar -xf -)
  (cd "$work/stage" && tar -czf "$work/app.tar.gz" app)

  bundle="$work/sigprop-gpu-proof"
  mkdir -p "$bundle"
  mv "$work/app.tar.gz" "$bundle/"
  xz -9 -T1 -c "$(command -v node)" >"$bundle/node.xz"
  cp "$root/scripts/gpu-proof/run.sh" "$bundle/run.sh"
  chmod +x "$bundle/run.sh"
  (cd "$work" && tar -cf "$work/out.tar" sigprop-gpu-proof)
  size=$(wc -c <"$work/out.tar")
  [ "$size" -le $((limit_mib * 1024 * 1024)) ] ||
    die "the pack is $((size / 1024 / 1024)) MiB, over the ${limit_mib} MiB limit"
  mv "$work/out.tar" "$out"
  echo "gpu-proof.sh: wrote $out ($(awk "BEGIN { printf \"%.1f\", $size / 1048576 }") MiB:" \
    "node.xz $(du -k "$bundle/node.xz" | cut -f1) KiB, app.tar.gz $(du -k "$bundle/app.tar.gz" | cut -f1) KiB," \
    "$(wc -l <"$work/files") node_modules files)" >&2
  rm -rf "$work"
  trap - EXIT
}

case ${1:-} in
  pack)
    pack "$(realpath -m "${2:-sigprop-gpu-proof.tar}")"
    ;;
  selftest)
    shift
    json=$(realpath -m "${1:-gpu-proof.json}")
    [ $# -gt 0 ] && shift
    tmp=$(mktemp -d)
    pack "$tmp/sigprop-gpu-proof.tar"
    # a directory with no node_modules above it, and no Node on PATH: only the pack is used
    mkdir "$tmp/target"
    tar -xf "$tmp/sigprop-gpu-proof.tar" -C "$tmp/target"
    env -i HOME="$tmp" PATH=/usr/sbin:/sbin:/bin:/usr/bin/nonexistent \
      sh "$tmp/target/sigprop-gpu-proof/run.sh" "$json" --allow-software "$@" ||
      {
        rc=$?
        rm -rf "$tmp"
        exit $rc
      }
    rm -rf "$tmp"
    ;;
  *)
    die "usage: scripts/gpu-proof.sh pack [FILE] | selftest [JSON] [runner options]"
    ;;
esac
