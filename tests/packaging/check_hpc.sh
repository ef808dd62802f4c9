#!/usr/bin/env bash
# The SLURM scripts of packaging/hpc without SLURM: submit.sh against a fake sbatch that records
# what it was asked, then every array task of refractome-batch.sbatch run as SLURM would (one
# process per SLURM_ARRAY_TASK_ID) and the merge step. Checks that the N shards together process
# every manifest row exactly once and that the merge reports all of them done.
# Usage: check_hpc.sh REFRACTOME_CLI SOURCE_DIR
set -euo pipefail
cli="$1"; src="$2"
hpc="$src/packaging/hpc"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$work"

# Inputs: one small bead pair, listed under 7 ids (tfm needs no model, so this runs everywhere).
"$cli" synth beads --size 32,48,48 --seed 2 --quiet -o beads.h5
{
  echo "id,relaxed,stressed"
  for i in 0 1 2 3 4 5 6; do echo "gel$i,beads_relaxed.tif,beads_stressed.tif"; done
} > manifest.csv
export REFRACTOME_CLI="$cli" REFRACTOME_STEPS=tfm REFRACTOME_YOUNG=1000 REFRACTOME_POISSON=0.45 \
       REFRACTOME_TFM_ARGS="--window 16"

echo "--- submit.sh with a fake sbatch"
mkdir bin
cat > bin/sbatch <<'SH'
#!/usr/bin/env bash
n=$(( $(cat "$FAKE_SBATCH_LOG" 2>/dev/null | wc -l) + 1 ))
echo "$* | SHARDS=${REFRACTOME_SHARDS:-} OUT=${REFRACTOME_OUT:-}" >> "$FAKE_SBATCH_LOG"
echo "100$n"
SH
chmod +x bin/sbatch
export FAKE_SBATCH_LOG="$work/sbatch.log"
PATH="$work/bin:$PATH" "$hpc/submit.sh" manifest.csv out 3 --partition=gpu > submit.txt
cat submit.txt sbatch.log
grep -q "7 inputs" submit.txt || fail "submit.sh did not check the manifest"
sed -n 1p sbatch.log | grep -q -- "--array=0-2 .*--partition=gpu .*refractome-batch.sbatch | SHARDS=3 OUT=$work/out" ||
  fail "array submission"
sed -n 2p sbatch.log | grep -q -- "--dependency=afterany:1001 .*refractome-merge.sbatch" || fail "merge submission"
# Bad input is refused on the login node, before anything is queued.
printf 'id,path\nx,missing.h5\n' > bad.csv
if PATH="$work/bin:$PATH" "$hpc/submit.sh" bad.csv out2 3 2>err.txt; then fail "submit.sh accepted a bad manifest"; fi
grep -q "relaxed" err.txt || { cat err.txt; fail "expected a one-line manifest error"; }
[ "$(wc -l < sbatch.log)" -eq 2 ] || fail "a bad manifest was submitted"

echo "--- the array tasks, as SLURM runs them"
export REFRACTOME_MANIFEST="$work/manifest.csv" REFRACTOME_OUT="$work/out" SLURM_ARRAY_TASK_MAX=2 SLURM_CPUS_PER_TASK=1
for task in 0 1 2; do
  SLURM_ARRAY_TASK_ID=$task bash "$hpc/refractome-batch.sbatch" > "task$task.txt" 2>&1 ||
    { cat "task$task.txt"; fail "array task $task"; }
  grep -q "shard-$task-of-3" "task$task.txt" || { cat "task$task.txt"; fail "task $task did not run shard $task/3"; }
done
cat task*.txt
for i in 0 1 2 3 4 5 6; do
  runs=$(grep -c "refractome-cli tfm " "out/logs/gel$i.log")
  [ "$runs" -eq 1 ] || fail "gel$i ran $runs times"
  grep -q "shard-$((i % 3))-of-3" "out/logs/gel$i.log" || fail "gel$i ran in the wrong shard"
done
if SLURM_ARRAY_TASK_ID=3 bash "$hpc/refractome-batch.sbatch" 2>/dev/null; then fail "task outside the array accepted"; fi

echo "--- merge step"
bash "$hpc/refractome-merge.sbatch" | tee merge.txt
grep -q "7 inputs: 7 done, 0 failed, 0 pending" merge.txt || fail "merge summary"
[ "$(grep -c ',done,' out/status.csv)" -eq 7 ] || fail "status.csv"
echo "OK: 3 shards covered 7 inputs exactly once; merge found all done"
