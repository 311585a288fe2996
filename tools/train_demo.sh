#!/usr/bin/env bash
# Retrains the demo camera model shipped in samples/models/ (demo.safetensors + demo.labels.txt); docs/demo-model.md.
# Usage: tools/train_demo.sh [SEED]        (default 7; the same seed gives the same clips, features and weights)
# Environment: COUNT clips over train/valid/test 5:1:1 (default 2520; the test split holds only the held-out families
# of samples/demo/config.json), WORK scratch folder (default .build/demo-data; the photographs and sounds from Debian
# packages go to WORK/material once, samples/demo/material.sh),
# JOBS parallel ffmpeg/extract processes (default: the number of cores), KEEP_DATA=1 reuses WORK's clips and features
# (only training and evaluation run again), VIGIL a vigil binary to use instead of building one, EXTRA_TEST=N also
# makes N more held-out test clips of the same seed in WORK/extra (once) and evaluates on the test split and them
# together (metrics/test-all.*; the default COUNT's 360 test clips are the ones docs/demo-model.md reports),
# MIX=N adds N rounds of cross-modal mixes to each training list (samples/demo/mix_modalities.py: the picture of one
# training clip with the sound of another, in WORK/mix; default 0, the clips alone: docs/demo-model.md).
# Steps: build → make the clips → `vigil extract` each clip as pipelines/default.yaml samples it (built-in
# extractors, 2 frames/s, Float32 safetensors) →
# put the labels in the records → mix pictures and sounds of training clips → `vigil train` twice (AttentionCluster,
# samples/demo/train.yaml): on the clips without config.json's validation_families, validated on those, to choose
# the epochs; then on all train and valid clips for that many epochs, its OUT shipped (train.yaml's average_from:
# the mean of the weights of epochs 5 to the last) → `vigil eval` and
# per-label figures on the held-out test split, every row read as pipelines/default.yaml reads it (classify and
# watch) → WORK/metrics/, a summary on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
seed=${1:-7}
count=${COUNT:-2520}
work=${WORK:-.build/demo-data}
jobs=${JOBS:-$(nproc)}
mix=${MIX:-0}
config=samples/demo/train.yaml
pipeline=pipelines/default.yaml  # how the shipped model samples, extracts and reads rows
labels=samples/models/demo.labels.txt
weights=samples/models/demo.safetensors

vigil=${VIGIL:-}
if [ -z "$vigil" ]; then
    swift build -c release >&2
    vigil="$(swift build -c release --show-bin-path)/vigil"
fi

# extract CLIPS_DIR TSV FEATURES_DIR LIST: `vigil extract` of every clip of TSV (paths relative to CLIPS_DIR) into
# FEATURES_DIR, the labels put into the records, their paths written to LIST.
extract() {
    mkdir -p "$3/$(dirname "$(head -1 "$2" | cut -f1)")"
    cut -f1 "$2" | VIGIL="$vigil" CLIPS="$1" FEATURES="$3" LOG="$work/extract.log" PIPELINE="$pipeline" \
        xargs -P "$jobs" -I{} bash -c \
        'f={}; "$VIGIL" extract "$CLIPS/$f" -o "$FEATURES/${f%.mp4}.safetensors" --pipeline "$PIPELINE" \
            >/dev/null 2>>"$LOG"'
    python3 samples/demo/label_features.py "$2" "$labels" "$3" > "$4"
}

# mixed NAME LIST OUT_LIST: LIST and MIX rounds of its clips' pictures with other clips' sounds (WORK/mix/NAME).
mixed() {
    rm -rf "$work/mix/$1"
    python3 samples/demo/mix_modalities.py "$seed" "$mix" "$labels" "$work/mix/$1" "$2" > "$3"
}

# evaluate LIST TSV NAME: eval, predictions and per-label figures of the shipped weights in metrics/NAME.*.
evaluate() {
    xargs "$vigil" eval --weights "$weights" --config "$pipeline" < "$1" > "$work/metrics/$3.json"
    xargs "$vigil" predict --weights "$weights" --config "$pipeline" --all-scores < "$1" \
        > "$work/metrics/$3.predictions.jsonl"
    python3 samples/demo/label_report.py "$2" "$labels" "$work/metrics/$3.predictions.jsonl" \
        > "$work/metrics/$3.labels.json"
    echo "train_demo: $3: $(tr -d ' \n' < "$work/metrics/$3.json")" >&2
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); q=r["quiet"]
print("train_demo: %s: %d of %d clips exactly right, %d of %d quiet clips with a false label" % (sys.argv[2],
      r["exact_label_sets"], r["clips"], q["false_positives"], q["clips"]))' "$work/metrics/$3.labels.json" "$3" >&2
}

if [ "${KEEP_DATA:-0}" != 1 ] || [ ! -s "$work/test.list" ]; then
    rm -rf "$work/clips" "$work/features" "$work"/*.list "$work/metrics" "$work/select"
    [ -s "$work/material/material.tsv" ] || samples/demo/material.sh "$work/material"
    MATERIAL="$work/material" samples/demo/make_clips.sh "$work/clips" "$seed" "$count"
    for split in train valid test; do
        extract "$work/clips" "$work/clips/$split.labels.tsv" "$work/features" "$work/$split.list"
    done
    echo "train_demo: features of $(cat "$work"/*.list | wc -l) clips in $work/features" >&2
fi

mkdir -p "$work/metrics" "$work/select"
# 1. Choose the number of epochs on families the training never saw: the train and valid clips with one of
#    config.json's validation_families validate a model trained on the others (from average_from on, the average
#    of its epochs so far); the epoch with the lowest validation loss (averaged over 5 neighbouring epochs) wins.
#    2. Train on all train and valid clips for that many epochs and ship OUT, the last epoch's average. Each
#    training list gets its mixes from its own clips only (the validation families' clips are never mixed into the
#    first).
python3 samples/demo/family_split.py samples/demo/config.json "$work/select/train.list" "$work/select/valid.list" \
    "$work/clips/train.labels.tsv" "$work/train.list" "$work/clips/valid.labels.tsv" "$work/valid.list"
mixed select "$work/select/train.list" "$work/select/train.mixed.list"
"$vigil" train --config "$config" --train "$work/select/train.mixed.list" --valid "$work/select/valid.list" \
    --seed "$seed" -o "$work/select/model.safetensors" > "$work/metrics/select.jsonl"
# The loss moves by ±0.1 from one epoch to the next, so the lowest mean over 5 neighbouring epochs is chosen.
epochs=$(python3 -c 'import json,sys; v=[json.loads(l)["valid_loss"] for l in open(sys.argv[1]) if l.strip()]
print(min(range(2, len(v) - 2), key=lambda i: (sum(v[i - 2:i + 3]), i)) + 1)' "$work/metrics/select.jsonl")
echo "train_demo: $epochs epochs (lowest loss on the validation families, 5 epochs averaged)" >&2
cat "$work/train.list" "$work/valid.list" > "$work/all.list"
mixed all "$work/all.list" "$work/all.mixed.list"
"$vigil" train --config "$config" --train "$work/all.mixed.list" --epochs "$epochs" \
    --seed "$seed" -o "$work/select/final.safetensors" > "$work/metrics/train.jsonl"
cp "$work/select/final.safetensors" "$weights"  # without validation OUT is the last epoch's (average)
evaluate "$work/test.list" "$work/clips/test.labels.tsv" test  # the valid clips are training clips now

extra=${EXTRA_TEST:-0}
if [ "$extra" -gt 0 ]; then
    # The test clip with index i depends only on the seed, the split and i, so a plan of 7·(first + extra) clips
    # (5:1:1) holds the test split's clips and `extra` more after them; only those more are made.
    first=$(wc -l < "$work/clips/test.labels.tsv")
    mkdir -p "$work/extra"
    python3 samples/demo/clipgen.py --seed "$seed" --count $((7 * (first + extra))) --out "$work/extra" \
        --material "$work/material" > "$work/extra/plan.sh"
    python3 - "$first" "$work/extra" <<'PY'
import re, sys
first, folder = int(sys.argv[1]), sys.argv[2]
def index(text):
    m = re.search(r"test/test_(\d+)\.mp4", text)
    return int(m.group(1)) if m else -1
with open(folder + "/plan.sh") as f, open(folder + "/commands.sh", "w") as out:
    out.writelines(line for line in f if index(line) >= first)
with open(folder + "/test.labels.tsv") as f, open(folder + "/more.labels.tsv", "w") as out:
    out.writelines(line for line in f if index(line.split("\t")[0]) >= first)
PY
    while read -r command; do
        clip=$(grep -oE "[^ ']*test/test_[0-9]+\.mp4" <<< "$command" | tail -1)
        [ -s "$clip" ] || echo "$command"
    done < "$work/extra/commands.sh" | xargs -P "$jobs" -d '\n' -I{} bash -c {}
    extract "$work/extra" "$work/extra/more.labels.tsv" "$work/extra/features" "$work/extra/more.list"
    cat "$work/clips/test.labels.tsv" "$work/extra/more.labels.tsv" > "$work/metrics/test-all.labels.tsv"
    cat "$work/test.list" "$work/extra/more.list" > "$work/test-all.list"
    evaluate "$work/test-all.list" "$work/metrics/test-all.labels.tsv" test-all
fi
