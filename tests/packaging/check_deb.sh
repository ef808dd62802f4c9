#!/usr/bin/env bash
# Builds the Debian package from a finished build, unpacks it into a scratch root and runs the
# installed programs from there. Usage: check_deb.sh CPACK BUILD_DIR torch|notorch gui|nogui
set -euo pipefail
cpack="$1"; build="$2"; torch="$3"; gui="$4"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unset LD_LIBRARY_PATH REFRACTOME_MODEL_DIR
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

step "cpack -G DEB"
if ! "$cpack" -G DEB -B "$work/pkg" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1; then
  tail -n 40 "$work/cpack.log"; fail "cpack failed"
fi
deb="$(ls "$work"/pkg/*.deb)"
[ -f "$deb" ] || fail "no .deb produced"
echo "$deb: $(du -h "$deb" | cut -f1)"

step "control fields"
dpkg-deb -f "$deb" Package Version Architecture Depends
[ "$(dpkg-deb -f "$deb" Package)" = refractome ] || fail "package name"
depends="$(dpkg-deb -f "$deb" Depends)"
for lib in libc6 libhdf5 libtiff; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib"
done
if [ "$torch" = torch ]; then grep -q libtorch1.13 <<<"$depends" || fail "Depends lacks libtorch1.13"; fi
if [ "$gui" = gui ]; then grep -q libqt6widgets6 <<<"$depends" || fail "Depends lacks libqt6widgets6"; fi
! grep -qi "opencv\|qt5" <<<"$depends" || fail "Depends names OpenCV or Qt 5: $depends"

step "contents"
dpkg-deb -c "$deb" >"$work/contents.txt"
expect=(./usr/bin/refractome-cli ./usr/share/refractome/demo/demo_timelapse.h5
        ./usr/share/mime/packages/refractome.xml ./usr/share/doc/refractome/copyright)
if [ "$torch" = torch ]; then
  expect+=(./usr/lib/refractome/libopencv_highgui.so.406 ./usr/share/refractome/models/ri2fl-synthetic/model.json
           ./usr/share/refractome/models/ri2fl-synthetic/model.pt)
fi
if [ "$gui" = gui ]; then
  expect+=(./usr/bin/refractome ./usr/share/applications/refractome.desktop
           ./usr/share/icons/hicolor/scalable/apps/refractome.svg)
fi
for f in "${expect[@]}"; do
  grep -q " $f\( \|$\)" "$work/contents.txt" || grep -q " $f -> " "$work/contents.txt" || fail "package lacks $f"
done
! grep -q "/build" "$work/contents.txt" || fail "package contains build paths"

step "dpkg-deb -x into $work/root"
root="$work/root"
dpkg-deb -x "$deb" "$root"
cli="$root/usr/bin/refractome-cli"
bins=("$cli")
[ "$gui" = gui ] && bins+=("$root/usr/bin/refractome")
for b in "${bins[@]}"; do
  if [ "$torch" = torch ]; then
    rpath="$(readelf -d "$b" | grep -E '\((RPATH|RUNPATH)\)' || true)"
    echo "$(basename "$b"): $rpath"
    grep -q '(RPATH).*\$ORIGIN/../lib/refractome' <<<"$rpath" || fail "$b: expected DT_RPATH \$ORIGIN/../lib/refractome"
    ! grep -q "$build" <<<"$rpath" || fail "$b: RPATH still points into the build tree"
  fi
  ldd "$b" >"$work/ldd.txt"
  ! grep -q "not found" "$work/ldd.txt" || { grep "not found" "$work/ldd.txt"; fail "$b: unresolved libraries"; }
  ! grep -q "libQt5" "$work/ldd.txt" || fail "$b: would load Qt 5"
  if [ "$torch" = torch ]; then
    stub="$(awk '/libopencv_highgui.so.406 =>/{print $3}' "$work/ldd.txt")"
    [ -n "$stub" ] && [ "$(realpath "$stub")" = "$(realpath "$root/usr/lib/refractome/libopencv_highgui.so.406")" ] ||
      { grep opencv_highgui "$work/ldd.txt"; fail "$b: opencv_highgui not taken from the package's private folder"; }
  fi
done

step "installed refractome-cli --version"
"$cli" --version | tee "$work/version.txt"
grep -q "^refractome-cli [0-9]" "$work/version.txt" || fail "--version output"

step "synth cells -> predict (bundled model) -> info, from the installed files"
cd "$work"
"$cli" synth cells --size 16,64,64 --cells 2 --seed 3 --quiet -o cells.h5
if [ "$torch" = torch ]; then
  "$cli" predict cells.h5 -o pred.h5 --threads 2 --quiet
  "$cli" info pred.h5 >info.json
  for ch in ri nucleus actin membrane; do grep -q "\"$ch\"" info.json || fail "prediction lacks channel $ch"; done
  echo "prediction: $(tr -d ' \n' < info.json | grep -o '"shape":\[[^]]*\]' | head -n 1)"
  # The model came from the package: without its weights, prediction names the installed folder.
  models="$root/usr/share/refractome/models/ri2fl-synthetic"
  mv "$models/model.pt" "$work/model.pt.saved"
  if "$cli" predict cells.h5 -o pred2.h5 --quiet 2>err.txt; then fail "predict ran without the installed model file"; fi
  grep -q "$models" err.txt || { cat err.txt; fail "predict did not use the installed model folder"; }
  mv "$work/model.pt.saved" "$models/model.pt"
else
  "$cli" info cells.h5 >info.json
fi
grep -q '"frames"' info.json || fail "info output"

step "MIME type and desktop entry"
cp -r "$root/usr/share/mime" "$work/mime"
update-mime-database "$work/mime" >/dev/null 2>&1 || fail "update-mime-database rejected refractome.xml"
grep -q "application/x-tomocube-tcf:\*\.tcf" "$work/mime/globs2" || fail "*.tcf glob not registered"
if [ "$gui" = gui ]; then
  d="$root/usr/share/applications/refractome.desktop"
  grep -q "^Exec=refractome %f$" "$d" && grep -q "^Icon=refractome$" "$d" && grep -q "MimeType=.*application/x-tomocube-tcf;" "$d" ||
    fail "desktop entry fields"
  if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$d"; fi
fi
echo "OK: package installs and runs from $root"
