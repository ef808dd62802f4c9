#!/usr/bin/env bash
# Builds Refractome and its Debian package: ./build/refractome_<version>_amd64.deb (or under
# $REFRACTOME_BUILD_DIR). Install it with: sudo apt install ./build/refractome_*_amd64.deb
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${REFRACTOME_BUILD_DIR:-$root/build}"
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
(cd "$build" && cpack -G DEB >"$build/cpack.log" 2>&1) || { tail -n 30 "$build/cpack.log"; exit 1; }
ls -1 "$build"/refractome_*.deb
