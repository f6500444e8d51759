#!/bin/sh
# Software WebGPU adapter for CI: Dawn (npm package `webgpu`) -> OpenGL ES -> Mesa llvmpipe.
# Debian 12's Vulkan lavapipe (Mesa 22.3) is rejected by Dawn, so Vulkan packages are not needed.
# At run time set EGL_PLATFORM=surfaceless (src/backend/webgpu.ts does it when unset).
#   libegl1          glvnd EGL loader
#   libegl-dev       the unversioned libEGL.so symlink: dawn.node dlopens "libEGL.so", not "libEGL.so.1"
#   libegl-mesa0     Mesa's EGL vendor (surfaceless platform)
#   libgl1-mesa-dri  swrast_dri.so, i.e. llvmpipe
set -eu
sh "$(dirname "$0")/apt-install.sh" libegl1 libegl-dev libegl-mesa0 libgl1-mesa-dri
