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
# Prints "wall user+sys" seconds of a whole process.
measure() { local TIMEFORMAT='%R %U %S'; { time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%.2f %.2f", $1, $2 + $3 }'; }
ratio() { echo "$1 $2" | awk '{ printf "%.3f", $1 / $2 }'; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "${RUNS:-2}"); do
    read -r full_wall full_cpu <<<"$(measure ffmpeg -hide_banner -i "$file" -an -f null -)"
    read -r center_wall center_cpu <<<"$(measure .build/release/vigil frames "$file" --seg-num 100)"
    read -r random_wall random_cpu <<<"$(measure .build/release/vigil frames "$file" --seg-num 100 --mode random --seed 7)"
    # The same center sampling planned from a demux-only pass instead of the MP4 sample table (docs/media.md).
    read -r pass_wall pass_cpu <<<"$(VIGIL_SAMPLE_INDEX=packets measure .build/release/vigil frames "$file" --seg-num 100)"
    echo "run $run (wall s / cpu s): ffmpeg full decode $full_wall / $full_cpu" \
         "| vigil frames center $center_wall / $center_cpu ($(ratio "$center_wall" "$full_wall")x / $(ratio "$center_cpu" "$full_cpu")x)" \
         "| random $random_wall / $random_cpu ($(ratio "$random_wall" "$full_wall")x / $(ratio "$random_cpu" "$full_cpu")x)" \
         "| center with the demux pass $pass_wall / $pass_cpu ($(ratio "$pass_wall" "$full_wall")x / $(ratio "$pass_cpu" "$full_cpu")x)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
