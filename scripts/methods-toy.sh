#!/usr/bin/env bash
# The toy comparison of docs/METHODS.md: every toy style and object erased by ConceptPrune (k 5%, t̂ 10),
# FIA (r1 5%, r2 at ConceptPrune's count) and random pruning of as many weights, plus two groups erased
# at once (the 6 objects; the first 8 styles), on the shipped toy model, 1 libtorch thread. The erased
# models draw every 3rd (object, style) pair (32 of 96) for the others kept; the base model all 96.
#   scripts/methods-toy.sh OUT_DIR        (resumable: a rerun continues where it stopped)
set -euo pipefail
out="${1:-out/methods}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CONCEPTPRUNE_THREADS=1
objects=(circle square triangle star cross heart)
styles=(zorbly quenth mivvic tralor plonic frusk glimber wobbet dravish snekkel yullow krimble porvic blenth vashy ostrel)
targets() { for c in "$@"; do printf -- '--target %s ' "$c"; done; }
join() { local IFS=+; echo "$*"; }
# objects: 2 prompts per style -> 32 images per object; styles: 4 per object -> 24 images per style
"$here/conceptprune" evaluate --experiment toy $(targets "${objects[@]}") --images-per-concept 2 --others-every 3 --fia \
  --group "objects6=$(join "${objects[@]}")" --out "$out/objects"
# the styles in two runs of 8 (the first with the group), so that half the table stands if time runs out
"$here/conceptprune" evaluate --experiment toy $(targets "${styles[@]:0:8}") --images-per-concept 4 --others-every 3 --fia \
  --group "styles8=$(join "${styles[@]:0:8}")" --out "$out/styles-a"
"$here/conceptprune" evaluate --experiment toy $(targets "${styles[@]:8:8}") --images-per-concept 4 --others-every 3 --fia \
  --out "$out/styles-b"
