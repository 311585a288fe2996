#!/usr/bin/env bash
# Failover time of `vigil watch --cluster` after kill -9, repeated: one nats-server and two ffmpeg UDP cameras on
# loopback, two workers; each round kills the worker owning cam-1 and times until `vigil cameras ls` shows cam-1
# online on another worker, then starts a fresh worker. Prints one CSV line per round and a summary on stderr.
# Usage: Benchmarks/cluster/failover.sh [ROUNDS=20] [VIGIL=.build/debug/vigil]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-20}
vigil=${2:-.build/debug/vigil}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
nats_port=$(port)
nats-server -js -sd "$work/store" -a 127.0.0.1 -p "$nats_port" >"$work/nats.log" 2>&1 & pids+=($!)
cluster=(--cluster "nats://127.0.0.1:$nats_port" --cluster-name bench)
until "$vigil" cameras ls "${cluster[@]}" >/dev/null 2>&1; do sleep 0.2; done
for i in 1 2; do
    udp=$(port)
    ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=320x240:rate=10 -c:v libx264 -preset ultrafast \
        -tune zerolatency -g 10 -pix_fmt yuv420p -f mpegts "udp://127.0.0.1:$udp?pkt_size=1316" >/dev/null 2>&1 & pids+=($!)
    "$vigil" cameras add "cam-$i" "udp://127.0.0.1:$udp" "${cluster[@]}"
done
declare -A worker_pid
start_worker() {
    "$vigil" watch "${cluster[@]}" --worker-name "$1" --no-window-events --no-frames-timeout 5 --retry-interval 1 \
        >/dev/null 2>>"$work/workers.log" & worker_pid[$1]=$!; pids+=($!); disown $!
}
owner_of() {  # prints "owner state" of cam-1
    "$vigil" cameras ls "${cluster[@]}" | python3 -c 'import json,sys
for l in sys.stdin:
    r=json.loads(l)
    if r["name"]=="cam-1": print(r["owner"], r["state"])'
}
balanced() {  # prints cam-1's owner when both cameras are online on two different workers
    "$vigil" cameras ls "${cluster[@]}" | python3 -c 'import json,sys
rows=[json.loads(l) for l in sys.stdin]
if len(rows)==2 and all(r["state"]=="online" for r in rows) and rows[0]["owner"]!=rows[1]["owner"]: print(rows[0]["owner"])'
}
start_worker w0; start_worker w1
next=2
echo "round,seconds"
for round in $(seq 1 "$rounds"); do
    stable=0; previous=""
    while [ $stable -lt 4 ]; do  # the same balanced owners for 6 s: no hand-back for balance under way
        owner=$(balanced)
        if [ -n "$owner" ] && [ "$owner" = "$previous" ]; then stable=$((stable + 1)); else stable=0; fi
        previous=$owner; sleep 2
    done
    killed=$owner
    start=$(date +%s.%N)
    kill -9 "${worker_pid[$killed]}"
    until read -r owner state < <(owner_of) && [ "$state" = online ] && [ "$owner" != "$killed" ] && [ "$owner" != None ]; do sleep 0.1; done
    end=$(date +%s.%N)
    echo "$round,$(python3 -c "print(round($end - $start, 2))")"
    start_worker "w$next"; next=$((next + 1))
done | tee "$work/rounds.csv"
python3 - "$work/rounds.csv" >&2 <<'PY'
import csv, statistics, sys
xs = sorted(float(row[1]) for row in csv.reader(open(sys.argv[1])))
print(f"failover after kill -9: n={len(xs)} min={xs[0]:.1f} median={statistics.median(xs):.1f} "
      f"p90={xs[int(0.9 * (len(xs) - 1))]:.1f} max={xs[-1]:.1f} s")
PY
