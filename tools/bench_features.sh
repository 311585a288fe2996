#!/usr/bin/env bash
# Benchmark for docs/benchmarks.md (features): (1) the built-in extractors' throughput inside `vigil extract`
# (every frame of a 224x224 clip, one core); (2) `vigil classify` of a 10-minute 1080p30 H.264 file with audio,
# per-stage timings, full-size AttentionCluster with random weights (3862 classes), against `ffmpeg -f null`.
# Prints vigil's JSON lines and the CPU seconds of each whole process.
# Usage: tools/bench_features.sh   (BENCH_DIR defaults to /tmp/vigil-bench; the media stays out of git)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/vigil-bench}
mkdir -p "$dir"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
video=$dir/1080p30-10min.mp4
clip=$dir/224p25-60s.mp4
with_audio=$dir/1080p30-10min-audio.mp4
weights=$dir/attention_cluster_random.safetensors
[ -s "$video" ] || \
    ff -f lavfi -i testsrc2=size=1920x1080:rate=30:duration=600 -c:v libx264 -preset veryfast -g 60 -keyint_min 60 \
       -sc_threshold 0 -bf 2 -pix_fmt yuv420p "$video"
[ -s "$with_audio" ] || ff -i "$video" -f lavfi -i anoisesrc=d=600:c=pink:r=44100:a=0.3 -map 0:v -map 1:a -c:v copy \
    -c:a aac -b:a 96k -shortest "$with_audio"
[ -s "$clip" ] || ff -f lavfi -i testsrc2=size=224x224:rate=25:duration=60 -f lavfi -i anoisesrc=d=60:c=pink:r=16000 \
    -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac "$clip"
[ -s "$weights" ] || /usr/bin/python3 tools/make_random_cluster_weights.py "$weights"
swift build -c release --product vigil >&2
vigil=$(swift build -c release --show-bin-path)/vigil

# Wall time is reported by vigil per stage; CPU seconds (user + sys, /usr/bin/time) are what to compare on a
# shared machine, where wall time mostly measures the other processes.
cpu() { /usr/bin/time -f "$1: user %U s, sys %S s, wall %e s" "${@:2}"; }
echo "== extractors: every frame of a 60 s 224x224 clip (1500 frames) on one core"
cpu extract taskset -c 1 "$vigil" extract "$clip" -o "$dir/clip.safetensors" --fps 1000 --size 224x224
echo "== classify: 10 min 1080p30 + audio, full-size AttentionCluster (100 rows)"
cat > "$dir/bench.yaml" <<YAML
model: {type: attention_cluster, weights: attention_cluster_random.safetensors}
sampling: {seg_num: 100, fps: 1}
YAML
cpu "ffmpeg full decode" ffmpeg -hide_banner -loglevel error -i "$with_audio" -f null -
cpu "vigil classify --fps 1" "$vigil" classify "$with_audio" --pipeline "$dir/bench.yaml"
cpu "vigil classify --seg-num 100" "$vigil" classify "$with_audio" --pipeline "$dir/bench.yaml" --seg-num 100
