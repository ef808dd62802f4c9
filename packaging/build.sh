#!/usr/bin/env bash
# Configures and builds Refractome in ./build (or $REFRACTOME_BUILD_DIR). Used by demo.sh and test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${REFRACTOME_BUILD_DIR:-$root/build}"
export CCACHE_BASEDIR="$root"
jobs="${REFRACTOME_JOBS:-$(nproc)}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$build.configure.log" 2>&1 || {
  tail -n 30 "$build.configure.log"; echo "configure failed (full log: $build.configure.log)"; exit 1; }
# REFRACTOME_BUILD_TARGETS (space-separated) limits the build to those targets.
targets=()
for t in ${REFRACTOME_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build" -j "$jobs" "${targets[@]}"
