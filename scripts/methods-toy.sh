#!/usr/bin/env bash
# The toy comparison of docs/METHODS.md: concepts erased by ConceptPrune (k 5%, t̂ 10), FIA (r1 5%, r2 at
# ConceptPrune's count) and random pruning of as many weights, one at a time and together, on the
# shipped toy model, 1 libtorch thread. The erased models draw every 6th (object, style) pair (16 of 96)
# for the others kept; the base model all 96.
#   scripts/methods-toy.sh OUT_DIR [all]   (resumable: a rerun continues where it stopped)
# Without "all": the five styles of the FIA issue's orientation table and two objects (what this
# project's 2-core machine could run in one session); with "all": every style and object, and the 6
# objects and the first 8 styles together.
set -euo pipefail
out="${1:-out/methods}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CONCEPTPRUNE_THREADS=1
if [[ "${2:-}" == all ]]; then
  objects=(circle square triangle star cross heart)
  styles=(zorbly quenth mivvic tralor plonic frusk glimber wobbet dravish snekkel yullow krimble porvic blenth vashy ostrel)
else
  objects=(heart circle)
  styles=(wobbet quenth zorbly dravish snekkel)
fi
targets() { for c in "$@"; do printf -- '--target %s ' "$c"; done; }
join() { local IFS=+; echo "$*"; }
# styles: 4 prompts per object -> 24 images per style; objects: 2 per style -> 32 images per object
"$here/conceptprune" evaluate --experiment toy $(targets "${styles[@]}") --images-per-concept 4 --others-every 6 --fia \
  --group "styles=$(join "${styles[@]:0:8}")" --out "$out/styles"
"$here/conceptprune" evaluate --experiment toy $(targets "${objects[@]}") --images-per-concept 2 --others-every 6 --fia \
  --group "objects=$(join "${objects[@]}")" --out "$out/objects"
