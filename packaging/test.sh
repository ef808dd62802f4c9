#!/usr/bin/env bash
# One command for the whole test suite: installs missing Debian packages, builds (gcc, plus a clang
# build of the fuzz targets), and runs ctest; under Xvfb when there is no display.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
build="${REFRACTOME_BUILD_DIR:-$root/build}"
fuzz_build="${build}-fuzz"
CC=clang CXX=clang++ REFRACTOME_BUILD_DIR="$fuzz_build" REFRACTOME_BUILD_TARGETS="fuzz_tcf fuzz_tiff" \
  "$root/packaging/build.sh" \
  -DREFRACTOME_WITH_GUI=OFF -DREFRACTOME_WITH_TORCH=OFF -DREFRACTOME_FUZZ=ON \
  -DREFRACTOME_FUZZ_SECONDS="${REFRACTOME_FUZZ_SECONDS:-60}"
run() {
  if [ -z "${DISPLAY:-}" ]; then
    xvfb-run -a -s "-screen 0 1600x1200x24" "$@"
  else
    "$@"
  fi
}
jobs="${REFRACTOME_TEST_JOBS:-2}"
status=0
run ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 900 || status=$?
ctest --test-dir "$fuzz_build" --output-on-failure -R '^fuzz/' --timeout 900 || status=$?
exit $status
