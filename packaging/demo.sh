#!/usr/bin/env bash
# One command for a first look: installs missing Debian packages, builds, and runs Refractome on
# the bundled demo data. With a display it opens the GUI on the demo time-lapse; without one it
# runs the headless demo pipeline and prints where the outputs went.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
build="${REFRACTOME_BUILD_DIR:-$root/build}"
cli="$build/app/refractome-cli"
demo="$build/resources/demo_timelapse.h5"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$build/app/refractome" ]; then
  exec "$build/app/refractome" "$demo"
fi
out="${REFRACTOME_DEMO_OUT:-$root/demo-output}"
mkdir -p "$out"
echo "No display: running the headless demo pipeline into $out"
"$cli" info "$demo" > "$out/demo_info.json"
"$cli" convert "$demo" "$out/demo_ri_frame0.tif" --channel ri --frame 0
"$cli" predict "$demo" -o "$out/demo_prediction.h5" --frames 0 --tta 2 --quiet
"$cli" evaluate "$out/demo_prediction.h5" "$demo" --frame 0 > "$out/demo_prediction_scores.txt"
"$cli" synth beads -o "$out/demo_beads.h5" --seed 1 --quiet
"$cli" info "$out/demo_beads.h5" > "$out/demo_beads_info.json"
"$cli" tfm "$out/demo_beads_relaxed.tif" "$out/demo_beads_stressed.tif" -o "$out/demo_forces.h5" \
  --young 1000 --poisson 0.45 --vectors "$out/demo_force_vectors.csv" --quiet
echo "Predicted fluorescence vs the synthetic truth (frame 0):"
cat "$out/demo_prediction_scores.txt"
echo "Demo outputs:"
ls -1 "$out" | sed "s|^|  $out/|"
