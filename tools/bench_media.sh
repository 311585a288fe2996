#!/usr/bin/env bash
# Benchmark for docs/benchmarks.md (media): `vigil frames --seg-num 100` against a full `ffmpeg -an -f null` decode
# of a 10-minute 1080p30 H.264 file (GOP 60, 2 B-frames), whole processes, in one run.
# Usage: tools/bench_media.sh [--make-only]   (BENCH_DIR defaults to /tmp/vigil-bench; the file stays out of git)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/tmp/vigil-bench}
file=$dir/1080p30-10min.mp4
mkdir -p "$dir"
if [ ! -s "$file" ]; then
    echo "making $file (takes several minutes on 2 cores)" >&2
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1920x1080:rate=30:duration=600 \
        -c:v libx264 -preset veryfast -g 60 -keyint_min 60 -sc_threshold 0 -bf 2 -pix_fmt yuv420p "$file.part.mp4"
    mv "$file.part.mp4" "$file"
fi
[ "${1:-}" = "--make-only" ] && exit 0
[ -x .build/release/vigil ] || swift build -c release >&2
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
for run in 1 2; do
    full=$(seconds ffmpeg -hide_banner -i "$file" -an -f null -)
    center=$(seconds .build/release/vigil frames "$file" --seg-num 100)
    random=$(seconds .build/release/vigil frames "$file" --seg-num 100 --mode random --seed 7)
    printf 'run %d: ffmpeg full decode %.2f s | vigil frames center %.2f s (%.3fx) | random %.2f s (%.3fx)\n' \
        "$run" "$full" "$center" "$(echo "$center / $full" | bc -l)" "$random" "$(echo "$random / $full" | bc -l)"
done
