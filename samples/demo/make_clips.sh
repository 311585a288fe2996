#!/usr/bin/env bash
# Generates the labelled demo clips with the ffmpeg CLI (lavfi sources, real photographs and recorded sounds from
# Debian packages, espeak-ng speech), reproducibly from a seed.
# Usage: samples/demo/make_clips.sh OUT_DIR [SEED=7] [COUNT=420]
# Writes OUT_DIR/{train,valid,test}/*.mp4 (split 5:1:1), OUT_DIR/<split>.labels.tsv (clip path relative to OUT_DIR,
# TAB, comma-separated labels (empty = quiet), TAB, what was drawn, TAB, the families drawn) and OUT_DIR/commands.sh
# (the ffmpeg commands). The test split draws only the held-out families of samples/demo/config.json.
# MATERIAL (default OUT_DIR/material) is where samples/demo/material.sh puts the photographs and sounds (made once).
# JOBS (default: the number of cores) ffmpeg processes run at once; each encodes with one thread, so the bytes of a
# clip do not depend on JOBS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: make_clips.sh OUT_DIR [SEED] [COUNT]}
seed=${2:-7}
count=${3:-420}
jobs=${JOBS:-$(nproc)}
material=${MATERIAL:-$out/material}
mkdir -p "$out"
[ -s "$material/material.tsv" ] || "$here/material.sh" "$material"
python3 "$here/clipgen.py" --seed "$seed" --count "$count" --out "$out" --material "$material" > "$out/commands.sh"
xargs -P "$jobs" -d '\n' -I{} bash -c {} < "$out/commands.sh"
echo "make_clips: $(wc -l < "$out/commands.sh") clips in $out (seed $seed)" >&2
