#!/usr/bin/env bash
# Makes the small sample media in samples/media with the ffmpeg CLI (lavfi sources only). Deterministic settings.
set -euo pipefail
cd "$(dirname "$0")/media"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
# 4 s of a moving test pattern with a 440 Hz tone: H.264 (B-frames, GOP 30) + AAC in MP4.
ff -f lavfi -i testsrc2=size=320x240:rate=25:duration=4 -f lavfi -i sine=frequency=440:sample_rate=44100:duration=4 \
   -c:v libx264 -preset veryfast -g 30 -bf 2 -pix_fmt yuv420p -c:a aac -b:a 64k -shortest -fflags +bitexact sample.mp4
# The CLI tests compare vigil's output on sample.mp4 with these expectations; remake them whenever sample.mp4 changes.
vigil=../../.build/debug/vigil
if [ -x "$vigil" ]; then
    (cd ../.. && .build/debug/vigil info samples/media/sample.mp4 > samples/media/sample.info.json &&
     .build/debug/vigil frames samples/media/sample.mp4 --seg-num 4 --size 32x24 > samples/media/sample.frames.jsonl)
else
    echo "build vigil (swift build) and run again to remake sample.info.json and sample.frames.jsonl" >&2
fi
