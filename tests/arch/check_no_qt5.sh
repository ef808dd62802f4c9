#!/usr/bin/env bash
# Fails if any given binary would load a Qt 5 library at run time (Debian's LibTorch drags in
# OpenCV highgui, which links Qt 5; Qt 5 and Qt 6 in one process crash). Uses ldd, which
# resolves the full transitive closure with the binary's own RPATH.
set -u
fail=0
for bin in "$@"; do
  if [ ! -x "$bin" ]; then echo "missing binary: $bin"; fail=1; continue; fi
  out=$(ldd "$bin" 2>&1)
  if grep -q 'libQt5' <<<"$out"; then
    echo "Qt 5 would load in $bin:"; grep 'libQt5' <<<"$out"; fail=1
  fi
  if grep -q 'not found' <<<"$out"; then
    echo "unresolved libraries in $bin:"; grep 'not found' <<<"$out"; fail=1
  fi
done
[ $fail -eq 0 ] && echo "no Qt 5 in $# binaries"
exit $fail
