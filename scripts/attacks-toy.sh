#!/usr/bin/env bash
# The toy attack runs of docs/ATTACKS.md: 3 attacks and the random-token control x 4 models x 2 concepts (wobbet, heart), one
# libtorch thread (faster than two on the shared 2-core machine), glibc malloc. Each run's wall time
# lands in OUT/times.tsv. Usage: scripts/attacks-toy.sh OUT [concept ...]
# JAR: a built conceptprune.jar to run (default: the launcher, which rebuilds when sources change).
set -euo pipefail
out="${1:?usage: scripts/attacks-toy.sh OUT [concept ...]}"
shift
concepts=("$@")
[[ ${#concepts[@]} -gt 0 ]] || concepts=(wobbet heart)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CONCEPTPRUNE_MALLOC=glibc
if [[ -n "${JAR:-}" ]]; then cp=(java -Dai.djl.offline=true -XX:MaxDirectMemorySize=64g -jar "$JAR"); else cp=("$here/conceptprune"); fi
mkdir -p "$out"
for c in ${concepts[@]}; do
  masks="$out/masks/$c"
  [[ -f "$masks/cp-k0.05.mask.safetensors" ]] || "${cp[@]}" --threads 1 toy masks --concept "$c" --k 0.05 --out "$masks"
  [[ -f "$masks/cp-k0.1.mask.safetensors" ]] || "${cp[@]}" --threads 1 toy masks --concept "$c" --k 0.1 --out "$masks"
  for method in ${METHODS:-unlearndiff random inversion ring-a-bell}; do
    case $method in
      unlearndiff) extra=(--tokens 3 --timesteps 10 --iterations 40) ;;
      inversion) extra=(--inversion-steps 1000 --train-images 25 --init-word art) ;;
      ring-a-bell) extra=(--length 16 --eta 3 --population 200 --generations 500) ;;
      random) extra=(--tokens 3 --tries 10) ;;
    esac
    for model in base cp random cp2x; do
      case $model in
        base) target=(toy --base toy) ;;
        cp) target=(--mask "$masks/cp-k0.05.mask.safetensors") ;;
        random) target=(--mask "$masks/random-k0.05.mask.safetensors") ;;
        cp2x) target=(--mask "$masks/cp-k0.1.mask.safetensors") ;;
      esac
      dir="$out/$c/$method-$model"
      mkdir -p "$out/$c"
      [[ -f "$dir/done" ]] && continue
      t0=$(date +%s)
      "${cp[@]}" --threads 1 attack "${target[@]}" --judge toy --concept "$c" --method "$method" \
        --prompts "$here/docs/attacks/$c.csv" --limit 12 "${extra[@]}" --out "$dir" > "$dir.out" 2> "$dir.log"
      t1=$(date +%s)
      printf '%s\t%s\t%s\t%d\n' "$c" "$method" "$model" $((t1 - t0)) >> "$out/times.tsv"
      touch "$dir/done"
    done
  done
done
