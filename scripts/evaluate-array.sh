#!/usr/bin/env bash
# Runs one shard of an evaluation into OUT_ROOT/shard-I; afterwards one `evaluate ... --merge` joins
# the shard folders (docs/SCALE-OUT.md). Two ways to call it:
#   a Slurm job array, from the checkout (shard I = $SLURM_ARRAY_TASK_ID, N = the array's size, so the
#   array must be 0-(N-1)):
#     sbatch --array=0-7 --gres=gpu:1 scripts/evaluate-array.sh OUT_ROOT -- EVALUATE_ARGS...
#   anything else (PBS, a for-loop over ssh, rerunning one Slurm shard):
#     scripts/evaluate-array.sh I N OUT_ROOT -- EVALUATE_ARGS...
# A rerun of a killed shard resumes at its first missing image.
# The checkout is $CONCEPTPRUNE_HOME, else this script's parent folder, else the folder sbatch was
# called from (Slurm runs a copy of the script from its spool folder). Under Slurm, libtorch uses
# --cpus-per-task threads unless CONCEPTPRUNE_THREADS says otherwise.
#SBATCH --job-name=conceptprune-evaluate
set -euo pipefail
usage="usage: scripts/evaluate-array.sh I N OUT_ROOT -- EVALUATE_ARGS...  or, in a Slurm array 0-(N-1): scripts/evaluate-array.sh OUT_ROOT -- EVALUATE_ARGS..."
int='^[0-9]+$'
if [[ $# -ge 3 && "$1" =~ $int && "$2" =~ $int ]]; then
  i="$1"; n="$2"; shift 2
elif [[ -n "${SLURM_ARRAY_TASK_ID:-}" && $# -ge 1 ]]; then
  i="$SLURM_ARRAY_TASK_ID"; n="${SLURM_ARRAY_TASK_COUNT:-0}"
  if [[ "${SLURM_ARRAY_TASK_MIN:-}" != 0 || "${SLURM_ARRAY_TASK_MAX:-}" != "$((n - 1))" ]]; then
    echo "error: the job array must be --array=0-(N-1) (this one has $n task(s), ${SLURM_ARRAY_TASK_MIN:-?} to ${SLURM_ARRAY_TASK_MAX:-?});" \
      "to rerun one shard: sbatch scripts/evaluate-array.sh I N OUT_ROOT -- ..." >&2
    exit 2
  fi
else
  echo "error: $usage" >&2
  exit 2
fi
root="$1"; shift
[[ "${1:-}" == "--" ]] && shift

home="${CONCEPTPRUNE_HOME:-}"
if [[ -z "$home" ]]; then
  for d in "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" "${SLURM_SUBMIT_DIR:-}"; do
    if [[ -n "$d" && -x "$d/conceptprune" ]]; then home="$d"; break; fi
  done
fi
if [[ -z "$home" || ! -x "$home/conceptprune" ]]; then
  echo "error: cannot find the conceptprune checkout: call sbatch from it, or set CONCEPTPRUNE_HOME" >&2
  exit 2
fi
if [[ -z "${CONCEPTPRUNE_THREADS:-}" && -n "${SLURM_CPUS_PER_TASK:-}" ]]; then export CONCEPTPRUNE_THREADS="$SLURM_CPUS_PER_TASK"; fi
echo "conceptprune: shard $i/$n into $root/shard-$i on $(hostname)" >&2
exec "$home/conceptprune" evaluate "$@" --shard "$i/$n" --out "$root/shard-$i"
