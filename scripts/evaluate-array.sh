#!/usr/bin/env bash
# Runs one shard of an evaluation: a plain job array (SLURM, PBS, a for-loop over ssh) calls this
# with the shard index; afterwards one `--merge` joins the folders. Usage:
#   scripts/evaluate-array.sh I N OUT_ROOT -- EVALUATE_ARGS...
# e.g. SLURM:  sbatch --array=0-7 --gres=gpu:1 --wrap 'scripts/evaluate-array.sh $SLURM_ARRAY_TASK_ID 8 runs/i2p -- \
#                 --experiment nudity --model sd15 --mask pruned=nudity.mask.safetensors --nudenet 320n.onnx'
#        then: ./conceptprune evaluate --experiment nudity ... --merge runs/i2p/shard-* --out runs/i2p/all
set -euo pipefail
i="$1"; n="$2"; root="$3"; shift 3
[[ "${1:-}" == "--" ]] && shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A rerun of a killed shard resumes at its first missing image.
exec "$here/conceptprune" evaluate "$@" --shard "$i/$n" --out "$root/shard-$i"
