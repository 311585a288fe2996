#!/usr/bin/env bash
# Events per second through the cluster's JetStream stream on loopback: bench-cluster publishes LINES window lines
# with the worker's sink (JetStreamEventSink: each acked before the next), then `vigil events --from-start` reads
# them back to /dev/null. One nats-server with JetStream (file storage, replicas 1) in a temporary folder. ROUNDS
# rounds, each on a fresh cluster name; prints one JSON line per round and a summary on stderr.
# Usage: Benchmarks/cluster/throughput.sh [LINES=20000] [ROUNDS=3] [BUILD=.build/release]
# (BUILD holds vigil and bench-cluster: swift build -c release --product vigil; ... --product bench-cluster)
set -euo pipefail
cd "$(dirname "$0")/../.."
lines=${1:-20000}
rounds=${2:-3}
build=${3:-.build/release}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nats-server -js -sd "$work/store" -a 127.0.0.1 -p "$port" >"$work/nats.log" 2>&1 & pids+=($!); disown $!
url="nats://127.0.0.1:$port"
until "$build/vigil" cameras ls --cluster "$url" >/dev/null 2>&1; do sleep 0.2; done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq 1 "$rounds"); do
    published=$("$build/bench-cluster" "$url" "tp$round" "$lines")
    start=$(date +%s.%N)
    read_lines=$("$build/vigil" events --from-start --cluster "$url" --cluster-name "tp$round" | wc -l)
    end=$(date +%s.%N)
    python3 -c "import json,sys; r=json.loads(sys.argv[1]); s=$end-$start
r.update(read_lines=$read_lines, read_seconds=round(s,3), read_per_second=int($read_lines/s)); print(json.dumps(r))" "$published"
done | tee "$work/rounds.jsonl"
python3 - "$work/rounds.jsonl" >&2 <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert all(r["lines"] == r["read_lines"] and r["dropped"] == 0 for r in rows), "lines lost"
print(f"through the stream, {len(rows)} rounds of {rows[0]['lines']} lines of {rows[0]['line_bytes']} bytes: "
      f"publish median {statistics.median(r['publish_per_second'] for r in rows)}/s, "
      f"vigil events median {statistics.median(r['read_per_second'] for r in rows)}/s")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
