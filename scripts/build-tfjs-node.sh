#!/usr/bin/env bash
# Builds @tensorflow/tfjs-node against the TensorFlow C library of the `tensorflow-cpu` wheel on
# the Python package registry, for machines that cannot reach tfjs-node's own libtensorflow
# download (its install script fetches a tarball from outside the registries, so `npm ci` drops
# the optional dependency). Needs pip, unzip and a C++ compiler; touches only
# node_modules/@tensorflow/tfjs-node and the cache directory.
#
#   scripts/build-tfjs-node.sh            # CPU: tensorflow-cpu wheel
#   SIGPROP_TF_WHEEL=tensorflow scripts/build-tfjs-node.sh gpu
#       the same route for tfjs-node-gpu on a CUDA 12 machine: the `tensorflow` wheel (CUDA kernels
#       in its libtensorflow_cc, the CUDA runtime from the nvidia-* wheels pip pulls with
#       `tensorflow[and-cuda]`, which must be on LD_LIBRARY_PATH at run time). Written, not run
#       here: this machine has no GPU.
#
# The C API the binding uses (TF_*, TFE_*) is exported by the wheel's libtensorflow_cc.so.2; the
# wheel ships its headers under tensorflow/include. tfjs-node 4.22 was written against TF 2.9's C
# API, which later versions keep source-compatible; test/engine-tensorflow.test.ts holds every
# claim family on it to the wasm engine.
set -euo pipefail
cd "$(dirname "$0")/.."

flavour="${1:-cpu}"
tf_version="${SIGPROP_TF_VERSION:-2.21.0}"
tfjs_version="4.22.0"
case "$flavour" in
  cpu) wheel="${SIGPROP_TF_WHEEL:-tensorflow-cpu}"; package="tfjs-node" ;;
  gpu) wheel="${SIGPROP_TF_WHEEL:-tensorflow}"; package="tfjs-node-gpu" ;;
  *) echo "build-tfjs-node: flavour must be cpu or gpu, got '$flavour'" >&2; exit 2 ;;
esac
cache="${SIGPROP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sigprop}/$wheel-$tf_version"
target="node_modules/@tensorflow/$package"
binding="$target/lib/napi-v8/tfjs_binding.node"

if [ -f "$binding" ] && [ -f "$target/.sigprop-built-from" ] && [ "$(cat "$target/.sigprop-built-from")" = "$wheel-$tf_version" ]; then
  echo "build-tfjs-node: $package already built against $wheel $tf_version"
  exit 0
fi

# 1. the wheel's shared libraries and headers, extracted once per version
if [ ! -f "$cache/lib/libtensorflow_cc.so.2" ]; then
  mkdir -p "$cache/wheel" "$cache/lib"
  pip download --quiet --retries 0 --no-deps --only-binary=:all: -d "$cache/wheel" "$wheel==$tf_version"
  whl=$(ls "$cache"/wheel/*.whl | head -n 1)
  unzip -q -o "$whl" 'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' 'tensorflow/include/*' -d "$cache/x"
  mv "$cache/x/tensorflow/include" "$cache/include"
  mv "$cache/x/tensorflow/"libtensorflow_*.so.2 "$cache/lib/"
  rm -rf "$cache/x" "$cache/wheel"
fi

# 2. the npm package itself, without its install script (that is the download that fails)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@tensorflow/$package@$tfjs_version" >/dev/null && tar xzf ./*.tgz)
rm -rf "$target"
mkdir -p "$(dirname "$target")"
mv "$tmp/package" "$target"
# its own run-time dependencies, beside it; @tensorflow/tfjs resolves to the project's copy, so
# one tfjs-core holds every backend
deps=$(node -e "const d=require('./$target/package.json').dependencies;console.log(Object.entries(d).filter(([n])=>!n.startsWith('@tensorflow/')).map(([n,v])=>n+'@'+v).join(' '))")
mkdir "$tmp/deps" && echo '{"private":true}' > "$tmp/deps/package.json"
# shellcheck disable=SC2086
(cd "$tmp/deps" && npm install --silent --ignore-scripts --no-package-lock --no-audit --no-fund $deps)
mv "$tmp/deps/node_modules" "$target/node_modules"

# 3. the binding, compiled as tfjs-node's binding.gyp would, against the wheel
mkdir -p "$target/deps/lib" "$(dirname "$binding")"
ln -sfn "$cache/include" "$target/deps/include"
cp "$cache"/lib/libtensorflow_*.so.2 "$target/deps/lib/"
node_include="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node"
[ -f "$node_include/node_api.h" ] || node_include=/usr/include/node
"${CXX:-g++}" -shared -fPIC -O2 -std=c++17 -DNAPI_VERSION=8 \
  -I"$node_include" -I"$target/deps/include" \
  "$target/binding/tfjs_backend.cc" "$target/binding/tfjs_binding.cc" \
  -L"$target/deps/lib" -l:libtensorflow_cc.so.2 -l:libtensorflow_framework.so.2 \
  '-Wl,-rpath,$ORIGIN/../../deps/lib' -o "$binding"
echo "$wheel-$tf_version" > "$target/.sigprop-built-from"
echo "build-tfjs-node: built $binding against $wheel $tf_version"
