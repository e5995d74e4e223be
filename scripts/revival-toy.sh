#!/usr/bin/env bash
# The toy revival runs of docs/ATTACKS.md ("Revival on the toy world"): per concept the ConceptPrune mask (k 5%, t̂ 10), its
# random control, FIA at as many weights, and the ConceptPrune mask concealed with decoys, with noise (bottom 5%) and with
# camouflage (noise from the bottom half of each row) and with flip (the cut weights negated); on each model the
# naive revival (the exact zeros), the adaptive revival against each defense, and the upper bound (signs of the base model
# at the true cut positions). 24 prompts per concept (docs/attacks/revival/C.csv), one libtorch thread. Each run's wall
# time lands in OUT/times.tsv; a finished run is skipped, an interrupted one resumes.
# Usage: scripts/revival-toy.sh OUT [concept ...]   (default: wobbet quenth snekkel heart)
# RUNS: which runs, in this order (default: all of them, as below; "others" = the zorbly control of the docs, for wobbet).
# JAR: a built conceptprune.jar to run (default: the launcher, which rebuilds when sources change).
set -uo pipefail
out="${1:?usage: scripts/revival-toy.sh OUT [concept ...]}"
shift
concepts=("$@")
[[ ${#concepts[@]} -gt 0 ]] || concepts=(wobbet quenth snekkel heart)
here="${HERE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export CONCEPTPRUNE_MALLOC=glibc
if [[ -n "${JAR:-}" ]]; then cp=(java -Dai.djl.offline=true -XX:MaxDirectMemorySize=64g -jar "$JAR"); else cp=("$here/conceptprune"); fi
SHARE="${SHARE:-0.1}"          # decoys: the concept's share of all zeros
QUANTILE="${QUANTILE:-0.05}"   # noise: bottom quantile of each row's |W| the fill comes from
ADAPT_NOISE="${ADAPT_NOISE:-row-bottom:0.1}"   # the adaptive attacker's candidates against noise
ADAPT_DECOYS_RATIO="${ADAPT_DECOYS_RATIO:-0.06}"  # the adaptive attacker against decoys keeps this top ratio of the zeros
CAMO_QUANTILE="${CAMO_QUANTILE:-0.5}"           # camouflage: noise fill from the bottom half of each row's |W|
ADAPT_CAMO="${ADAPT_CAMO:-row-bottom:0.55}"     # the adaptive attacker's candidates against camouflage
ADAPT_FLIP="${ADAPT_FLIP:-row-top:0.1}"         # the adaptive attacker's candidates against flip (cut weights negated)
RUNS="${RUNS:-cp-naive cp-signfrom decoys-naive decoys-adaptive noise-naive noise-adaptive camo-naive camo-adaptive flip-naive flip-adaptive random-naive fia-naive fia-signfrom decoys-signfrom noise-signfrom camo-signfrom flip-signfrom}"
mkdir -p "$out/models"
run() { # dir args...
  local dir="$1"; shift
  [[ -f "$dir/done" ]] && return
  mkdir -p "$(dirname "$dir")"
  local t0=$(date +%s)
  if "${cp[@]}" --threads 1 "$@" --out "$dir" > "$dir.out" 2> "$dir.log"; then touch "$dir/done"; else echo "failed: $dir ($(grep '^error' "$dir.log" | head -1))" >&2; fi
  printf '%s\t%d\n' "$dir" $(( $(date +%s) - t0 )) >> "$out/times.tsv"
}
for c in "${concepts[@]}"; do
  masks="$out/masks/$c"
  cpm="$masks/cp-k0.05.mask.safetensors"
  rnd="$masks/random-k0.05.mask.safetensors"
  fia="$out/masks/$c-fia/fia-k0.05.mask.safetensors"
  [[ -f "$cpm" ]] || "${cp[@]}" --threads 1 toy masks --concept "$c" --k 0.05 --out "$masks" > "$masks.out" 2>&1
  for d in decoys noise camo flip; do
    m="$out/models/$c-$d"
    case $d in
      decoys) opts=(--defense decoys --share "$SHARE") ;;
      noise) opts=(--defense noise --quantile "$QUANTILE") ;;
      camo) opts=(--defense noise --quantile "$CAMO_QUANTILE") ;;
      flip) opts=(--defense flip) ;;
    esac
    [[ -d "$m" ]] || "${cp[@]}" --threads 1 conceal toy --mask "$cpm" "${opts[@]}" -o "$m" > "$m.out" 2>&1
  done
  common=(--base toy --judge toy --concept "$c" --method revival --prompts "$here/docs/attacks/revival/$c.csv")
  r="$out/runs/$c"
  for name in $RUNS; do
    case $name in
      cp-naive) run "$r/$name" attack --mask "$cpm" "${common[@]}" ;;
      cp-signfrom) run "$r/$name" attack --mask "$cpm" "${common[@]}" --locations "$cpm" --sign-from base ;;
      random-naive) run "$r/$name" attack --mask "$rnd" "${common[@]}" ;;
      random-signfrom) run "$r/$name" attack --mask "$rnd" "${common[@]}" --locations "$rnd" --sign-from base ;;
      decoys-naive) run "$r/$name" attack "$out/models/$c-decoys" "${common[@]}" ;;
      decoys-adaptive) run "$r/$name" attack "$out/models/$c-decoys" "${common[@]}" --top-ratio "$ADAPT_DECOYS_RATIO" ;;
      decoys-signfrom) run "$r/$name" attack "$out/models/$c-decoys" "${common[@]}" --locations "$cpm" --sign-from base ;;
      noise-naive) run "$r/$name" attack "$out/models/$c-noise" "${common[@]}" ;;
      noise-adaptive) run "$r/$name" attack "$out/models/$c-noise" "${common[@]}" --locations "$ADAPT_NOISE" ;;
      noise-signfrom) run "$r/$name" attack "$out/models/$c-noise" "${common[@]}" --locations "$cpm" --sign-from base ;;
      camo-naive) run "$r/$name" attack "$out/models/$c-camo" "${common[@]}" ;;
      camo-adaptive) run "$r/$name" attack "$out/models/$c-camo" "${common[@]}" --locations "$ADAPT_CAMO" ;;
      flip-naive) run "$r/$name" attack "$out/models/$c-flip" "${common[@]}" ;;
      flip-adaptive) run "$r/$name" attack "$out/models/$c-flip" "${common[@]}" --locations "$ADAPT_FLIP" ;;
      flip-signfrom) run "$r/$name" attack "$out/models/$c-flip" "${common[@]}" --locations "$cpm" --sign-from base ;;
      camo-signfrom) run "$r/$name" attack "$out/models/$c-camo" "${common[@]}" --locations "$cpm" --sign-from base ;;
      fia-naive|fia-signfrom)
        [[ -f "$fia" ]] || "${cp[@]}" --threads 1 toy masks --concept "$c" --k 0.05 --fia --out "$out/masks/$c-fia" > "$out/masks/$c-fia.out" 2>&1
        if [[ $name == fia-naive ]]; then run "$r/$name" attack --mask "$fia" "${common[@]}"
        else run "$r/$name" attack --mask "$fia" "${common[@]}" --locations "$fia" --sign-from base; fi ;;
      others) # does the model still draw another style (zorbly) when asked? the "before" column of a 1-try random attack
        o="$out/control"; mkdir -p "$o"
        [[ -d "$o/$c-pruned" ]] || "${cp[@]}" --threads 1 conceal toy --mask "$cpm" --defense decoys --share 1 -o "$o/$c-pruned" > /dev/null 2>&1
        [[ -d "$o/rev-cp" ]] || "${cp[@]}" --threads 1 revive "$o/$c-pruned" -o "$o/rev-cp" > "$o/rev-cp.out" 2>&1
        [[ -d "$o/rev-camo" ]] || "${cp[@]}" --threads 1 revive "$out/models/$c-camo" --locations "$ADAPT_CAMO" -o "$o/rev-camo" > "$o/rev-camo.out" 2>&1
        for m in "$o/$c-pruned" "$out/models/$c-decoys" "$out/models/$c-camo" "$out/models/$c-flip" "$o/rev-cp" "$o/rev-camo"; do
          run "$o/zorbly-$(basename "$m")" attack "$m" --base toy --judge toy --concept zorbly --method random --tokens 1 --tries 1 \
            --prompts "$here/docs/attacks/revival/zorbly.csv"
        done ;;
      *) echo "unknown run $name" >&2; exit 2 ;;
    esac
  done
done
