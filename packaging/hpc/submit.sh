#!/usr/bin/env bash
# Submits a Refractome batch to SLURM: an array of N shard tasks, then the merge step, which runs
# once every task has ended (afterany: also when some failed, so status.csv tells which).
# Usage: packaging/hpc/submit.sh MANIFEST.csv OUT_DIR N [extra sbatch options for the shard tasks...]
# Environment (optional): REFRACTOME_STEPS (default predict,segment,profile), REFRACTOME_CLI,
# REFRACTOME_DEVICE, REFRACTOME_MODEL, REFRACTOME_PREDICT_ARGS, REFRACTOME_SEGMENT_ARGS,
# REFRACTOME_PROFILE_ARGS, REFRACTOME_TFM_ARGS, REFRACTOME_YOUNG, REFRACTOME_POISSON.
# Example: packaging/hpc/submit.sh /data/plate7/manifest.csv /scratch/$USER/plate7 32 --partition=gpu
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 MANIFEST.csv OUT_DIR N [sbatch options...]" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
manifest="$(realpath "$1")"; out="$(realpath -m "$2")"; shards="$3"; shift 3
[ -f "$manifest" ] || { echo "$manifest: not found" >&2; exit 2; }
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "N: expected a positive number of shards, got '$shards'" >&2; exit 2; }
cli="${REFRACTOME_CLI:-$(command -v refractome-cli || true)}"
[ -n "$cli" ] || { echo "refractome-cli not found: install the package or set REFRACTOME_CLI" >&2; exit 2; }
steps="${REFRACTOME_STEPS:-predict,segment,profile}"
# Check the manifest and options once on the login node (one line and exit 2 on bad input).
check_args=(batch "$manifest" --steps "$steps" --out "$out" --shard "0/$shards" --dry-run)
[ -n "${REFRACTOME_PREDICT_ARGS:-}" ] && check_args+=(--predict-args "$REFRACTOME_PREDICT_ARGS")
[ -n "${REFRACTOME_SEGMENT_ARGS:-}" ] && check_args+=(--segment-args "$REFRACTOME_SEGMENT_ARGS")
[ -n "${REFRACTOME_PROFILE_ARGS:-}" ] && check_args+=(--profile-args "$REFRACTOME_PROFILE_ARGS")
[ -n "${REFRACTOME_TFM_ARGS:-}" ] && check_args+=(--tfm-args "$REFRACTOME_TFM_ARGS")
[ -n "${REFRACTOME_MODEL:-}" ] && check_args+=(--model "$REFRACTOME_MODEL")
[ -n "${REFRACTOME_YOUNG:-}" ] && check_args+=(--young "$REFRACTOME_YOUNG")
[ -n "${REFRACTOME_POISSON:-}" ] && check_args+=(--poisson "$REFRACTOME_POISSON")
"$cli" "${check_args[@]}"

mkdir -p "$out/slurm"
export REFRACTOME_MANIFEST="$manifest" REFRACTOME_OUT="$out" REFRACTOME_STEPS="$steps" REFRACTOME_CLI="$cli" \
       REFRACTOME_SHARDS="$shards"
array_job=$(sbatch --parsable --export=ALL --array="0-$((shards - 1))" --output="$out/slurm/shard-%A_%a.log" "$@" \
  "$here/refractome-batch.sbatch")
array_job="${array_job%%;*}"
merge_job=$(sbatch --parsable --export=ALL --dependency="afterany:$array_job" --output="$out/slurm/merge-%j.log" \
  "$here/refractome-merge.sbatch")
merge_job="${merge_job%%;*}"
echo "submitted shards: job $array_job (array 0-$((shards - 1))), merge: job $merge_job"
echo "progress: $out/status-shard-*.csv; results: $out/status.csv and $out/features.csv after job $merge_job"
echo "resubmit failed or timed-out shards with: REFRACTOME_MANIFEST=$manifest REFRACTOME_OUT=$out" \
     "REFRACTOME_STEPS=$steps REFRACTOME_SHARDS=$shards sbatch --export=ALL --array=I,J,... $here/refractome-batch.sbatch"
