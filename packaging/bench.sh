#!/usr/bin/env bash
# Runs every benchmark in one go (figures measured side by side, same machine state) and prints
# markdown tables for docs/performance.md. Needs a build (packaging/build.sh). Takes ~10 minutes
# on 2 cores. Usage: packaging/bench.sh [WORKDIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${REFRACTOME_BUILD_DIR:-$root/build}"
cli="$build/app/refractome-cli"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
export OMP_WAIT_POLICY=PASSIVE  # idle OpenMP threads sleep instead of spinning on a shared machine
echo "## Machine"; echo; echo "$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"; echo

echo "## File I/O (refractome_bench_io)"; echo
"$build/tests/bench/refractome_bench_io" "$work/io"; echo

echo "## Prediction (refractome_bench_predict, bundled model, 2 threads)"; echo
"$build/tests/bench/refractome_bench_predict" --size 64,512,512 --threads 2
# Streaming memory on a 2048x2048x64 field: a 1x1x1 network (so the run takes minutes, not hours)
# with the bundled model's patch size; peak memory is what the engine itself needs.
mkdir -p "$work/identity"
/usr/bin/python3 "$root/tests/torch/make_patch_models.py" "$work/identity" >/dev/null
sum=$(sha256sum "$work/identity/identity.pt" | cut -d' ' -f1)
cat > "$work/identity/model.json" <<JSON
{"name": "identity-1x1x1", "task": "fluorescence",
 "files": [{"path": "identity.pt", "outputs": ["same"]}],
 "input": {"voxel_size_um": [0.2, 0.15, 0.15], "clip": [1.337, 1.390], "patch": [32, 128, 128]},
 "sha256": {"identity.pt": "$sum"}}
JSON
"$build/tests/bench/refractome_bench_predict" --size 64,2048,2048 --threads 2 --input pattern --model "$work/identity" \
  --out "$work/big.h5" | tail -n 1
rm -f "$work/big.h5"; echo

echo "## Force reconstruction (tfm, 256x256x128 pair)"; echo
"$cli" synth beads --size 128,256,256 --seed 1 --quiet -o "$work/b.h5" 2>/dev/null
/usr/bin/time -f "| tfm 256x256x128 (read TIFFs, correlate, elasticity, write H5) | %e s wall | %U s user |" \
  "$cli" tfm "$work/b_relaxed.tif" "$work/b_stressed.tif" -o "$work/bt.h5" --young 1000 --poisson 0.45 --quiet
echo

echo "## UMAP (embed, 4000 cells x 65 features)"; echo
/usr/bin/python3 - "$work/features.csv" <<'PY'
import sys, numpy as np
rng = np.random.default_rng(1)
centres = rng.normal(0, 4, (8, 65))
X = np.vstack([c + rng.normal(0, 1, (500, 65)) for c in centres])
with open(sys.argv[1], "w") as f:
    f.write("cell_id,condition," + ",".join("f%d" % i for i in range(65)) + "\n")
    for i, row in enumerate(X):
        f.write("%d,c%d," % (i, i // 500) + ",".join("%.6g" % v for v in row) + "\n")
PY
/usr/bin/time -f "| embed 4000x65 (read, z-score, UMAP, write) | %e s wall | %U s user |" \
  "$cli" embed "$work/features.csv" -o "$work/umap.csv" --quiet
echo

echo "## Segmentation + 65 features (refractome_bench_profile, 64x512x512, 10 cells; best of 3)"; echo
"$build/tests/bench/refractome_bench_profile" --size 64,512,512 --cells 10 --repeat 3
