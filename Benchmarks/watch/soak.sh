#!/usr/bin/env bash
# Soak benchmark for `vigil watch` (docs/benchmarks.md, "Watch"): two live cameras on 127.0.0.1 for DURATION
# seconds (default 1800) with the published-size AttentionCluster, RSS sampled every 10 s.
#   camera 1: ffmpeg -re -stream_loop -1 of a 60 s 1280x720 30 fps H.264 clip, MPEG-TS over UDP; the sender is
#             killed every RESTART seconds (default 300) and restarted 5 s later, so reconnects are soaked too;
#   camera 2: GStreamer's RTSP server (tools/rtsp_server.py) with a live 320x240 10 fps test pattern, over TCP.
# Writes OUT/soak.csv (seconds,rss_kb), OUT/events.jsonl, OUT/stderr.txt and prints a summary (soak_summary.py).
# Usage: Benchmarks/watch/soak.sh [OUT]   (needs a release build: swift build -c release)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/Benchmarks/watch/results}"
duration="${DURATION:-1800}"
restart="${RESTART:-300}"
vigil="${VIGIL:-$root/.build/release/vigil}"
work="$(mktemp -d)"
mkdir -p "$out"
pids=()
cleanup() {  # stop each helper first so the sender loop cannot start another ffmpeg, then end its children and it
    for pid in "${pids[@]}"; do
        kill -STOP "$pid" 2>/dev/null || continue
        pkill -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true  # reaped here, so bash does not report it as "Killed"
    done
    rm -rf "$work"
}
trap cleanup EXIT

/usr/bin/python3 "$root/Benchmarks/watch/make_weights.py" "$work/model.safetensors"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=30 -t 60 \
    -c:v libx264 -preset veryfast -g 60 -pix_fmt yuv420p "$work/loop.mp4"
udp_port=$((20000 + RANDOM % 10000)); rtsp_port=$((30000 + RANDOM % 10000))

( # camera 1's sender, restarted every $restart seconds
    while true; do
        ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$work/loop.mp4" -c copy -f mpegts \
            "udp://127.0.0.1:$udp_port?pkt_size=1316" & sender=$!
        sleep "$restart"; kill "$sender"; wait "$sender" 2>/dev/null || true; sleep 5
    done
) & pids+=($!)
/usr/bin/python3 "$root/tools/rtsp_server.py" --port "$rtsp_port" --mount /cam > "$work/rtsp.out" 2>&1 & pids+=($!)
sleep 2

"$vigil" watch "udp://127.0.0.1:$udp_port" "rtsp://127.0.0.1:$rtsp_port/cam" --weights "$work/model.safetensors" \
    --fps 1 --seg-num 100 --stride 2 --retry-interval 2 --no-frames-timeout 5 \
    > "$out/events.jsonl" 2> "$out/stderr.txt" & vigil_pid=$!
echo "seconds,rss_kb" > "$out/soak.csv"
start=$(date +%s)
while [ $(( $(date +%s) - start )) -lt "$duration" ]; do
    echo "$(( $(date +%s) - start )),$(ps -o rss= -p "$vigil_pid" | tr -d ' ')" >> "$out/soak.csv"
    sleep 10
done
kill -INT "$vigil_pid"; wait "$vigil_pid"; echo "vigil exit status: $?"
/usr/bin/python3 "$root/Benchmarks/watch/soak_summary.py" "$out/soak.csv" "$out/events.jsonl"
