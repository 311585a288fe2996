#!/usr/bin/env bash
# Stream fault drills on 127.0.0.1: senders killed, frozen (SIGSTOP), restarted, packet loss and corruption (through
# tools/fault_proxy.py), garbage, and servers that accept a connection and send nothing. Prints one table row per
# drill: what vigil did (exit status or status events), how long it took, and whether that is what docs/robustness.md
# promises. Exit status 1 if any drill fails.
#   tools/fault_drills.sh [--vigil BIN] [DRILL...]       (default: every drill; BIN default .build/debug/vigil)
# `vigil info URL` drills: every open/probe ends within its timeout, with a result or exit 69, never a hang.
# `vigil watch URL` drills (once watch exists): the camera goes "reconnecting" after the fault and "online" after the
# repair; SIGTERM ends it cleanly (exit 0, every event ended). DRILL names: see the all= and watch_all= lists below.
# Needs ffmpeg and, for RTSP, Debian's /usr/bin/python3 with GStreamer (scripts/deps.sh).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
vigil="$root/.build/debug/vigil"
if [ "${1:-}" = "--vigil" ]; then vigil="$2"; shift 2; fi
drills=("$@")
work="$(mktemp -d /tmp/vigil-drills-XXXXXX)"
children=()
failures=0

cleanup() {
    for pid in "${children[@]}"; do kill -CONT "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A live camera-like sender (H.264 in MPEG-TS, 10 fps, 1 s GOP) to OUTPUT; extra ffmpeg output options first.
start_sender() {
    ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=320x240:rate=10 -c:v libx264 -preset ultrafast \
        -tune zerolatency -g 10 -pix_fmt yuv420p "$@" >/dev/null 2>&1 </dev/null &
    children+=($!)
    echo $!
}

start_proxy() {  # fault_proxy.py arguments; returns once it listens
    python3 "$root/tools/fault_proxy.py" "$@" >"$work/proxy.out" 2>&1 &
    children+=($!)
    for _ in $(seq 50); do grep -q ready "$work/proxy.out" 2>/dev/null && break; sleep 0.1; done
    echo $!
}

start_rtsp() {  # PORT; returns once the GStreamer server listens
    /usr/bin/python3 "$root/tools/rtsp_server.py" --port "$1" --mount /cam >"$work/rtsp.out" 2>&1 &
    children+=($!)
    for _ in $(seq 150); do grep -q ready "$work/rtsp.out" 2>/dev/null && break; sleep 0.1; done
    echo $!
}

# Runs `vigil info URL` in the background; AFTER seconds later runs ACTION (a shell command); waits at most LIMIT s.
# Sets exit_status (or "HANG"), seconds and first_line.
probe() {
    local url="$1" after="$2" action="$3" limit="$4"
    local start=${EPOCHREALTIME/./}
    "$vigil" info "$url" >"$work/out" 2>"$work/err" &
    local pid=$!
    if [ -n "$action" ]; then sleep "$after"; eval "$action"; fi
    while kill -0 "$pid" 2>/dev/null && (( ${EPOCHREALTIME/./} - start < limit * 1000000 )); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"; wait "$pid" 2>/dev/null; exit_status=HANG
    else
        wait "$pid"; exit_status=$?
        [ "$exit_status" -gt 128 ] && exit_status="SIG$((exit_status - 128))"
    fi
    local elapsed=$(( (${EPOCHREALTIME/./} - start) / 100000 ))
    seconds="$((elapsed / 10)).$((elapsed % 10))"
    first_line="$(head -1 "$work/err")"
    if [ "$exit_status" = 0 ] && ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/out" 2>/dev/null; then
        exit_status="0 (stdout not JSON)"
    fi
}

# One table row; EXPECTED is a space-separated list of acceptable exit statuses.
row() {
    local drill="$1" expected="$2" verdict=FAIL
    for allowed in $expected; do [ "$exit_status" = "$allowed" ] && verdict=ok; done
    [ "$verdict" = ok ] || failures=$((failures + 1))
    printf '%-24s %-10s %-6s %7s  %-5s %s\n' "$drill" "$expected" "$exit_status" "$seconds" "$verdict" "${first_line:0:110}"
}

stop() { kill -KILL "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

drill_udp_no_sender() {
    probe "udp://127.0.0.1:$(free_port)" 0 "" 30; row udp-no-sender "69"
}
drill_udp_sender_killed() {
    local port; port=$(free_port)
    local sender; sender=$(start_sender -f mpegts "udp://127.0.0.1:$port?pkt_size=1316")
    probe "udp://127.0.0.1:$port" 0.3 "stop $sender" 30; row udp-sender-killed "0 69"
}
drill_udp_sender_frozen() {
    local port; port=$(free_port)
    local sender; sender=$(start_sender -f mpegts "udp://127.0.0.1:$port?pkt_size=1316")
    probe "udp://127.0.0.1:$port" 0.3 "kill -STOP $sender" 30; row udp-sender-frozen "0 69"; stop "$sender"
}
drill_udp_loss_20() {
    local port proxy_port; port=$(free_port); proxy_port=$(free_port)
    local proxy; proxy=$(start_proxy udp "$proxy_port" "$port" --loss 0.2)
    local sender; sender=$(start_sender -f mpegts "udp://127.0.0.1:$proxy_port?pkt_size=1316")
    probe "udp://127.0.0.1:$port" 0 "" 30; row udp-loss-20pct "0 69"; stop "$sender"; stop "$proxy"
}
drill_udp_loss_100() {
    local port proxy_port; port=$(free_port); proxy_port=$(free_port)
    local proxy; proxy=$(start_proxy udp "$proxy_port" "$port" --loss 1)
    local sender; sender=$(start_sender -f mpegts "udp://127.0.0.1:$proxy_port?pkt_size=1316")
    probe "udp://127.0.0.1:$port" 0 "" 30; row udp-loss-100pct "69"; stop "$sender"; stop "$proxy"
}
drill_udp_corrupt_proxy() {
    local port proxy_port; port=$(free_port); proxy_port=$(free_port)
    local proxy; proxy=$(start_proxy udp "$proxy_port" "$port" --corrupt 0.1)
    local sender; sender=$(start_sender -f mpegts "udp://127.0.0.1:$proxy_port?pkt_size=1316")
    probe "udp://127.0.0.1:$port" 0 "" 30; row udp-corrupt-10pct "0 69"; stop "$sender"; stop "$proxy"
}
drill_udp_corrupt_bitstream() {
    local port; port=$(free_port)
    local sender; sender=$(start_sender -bsf:v noise=amount=200 -f mpegts "udp://127.0.0.1:$port?pkt_size=1316")
    probe "udp://127.0.0.1:$port" 0 "" 30; row udp-noise-bitstream "0 69"; stop "$sender"
}
drill_udp_garbage() {
    local port; port=$(free_port)
    python3 -c 'import os,socket,sys,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
for _ in range(20000): s.sendto(os.urandom(1316),("127.0.0.1",int(sys.argv[1]))); time.sleep(0.0005)' "$port" &
    local garbage=$!; children+=("$garbage")
    probe "udp://127.0.0.1:$port" 0 "" 30; row udp-random-datagrams "65 69"; stop "$garbage"
}
drill_http_refused() {
    probe "http://127.0.0.1:$(free_port)/live.ts" 0 "" 30; row http-refused "69"
}
drill_http_silent() {
    local port; port=$(free_port)
    local proxy; proxy=$(start_proxy silent "$port")
    probe "http://127.0.0.1:$port/live.ts" 0 "" 30; row http-accepts-silent "69"; stop "$proxy"
}
drill_http_sender_frozen() {
    local port; port=$(free_port)
    local sender; sender=$(start_sender -f mpegts -listen 1 "http://127.0.0.1:$port")
    sleep 1
    kill -STOP "$sender"
    probe "http://127.0.0.1:$port" 0 "" 30; row http-sender-frozen "69"; stop "$sender"
}
drill_http_sender_killed() {
    local port; port=$(free_port)
    local sender; sender=$(start_sender -f mpegts -listen 1 "http://127.0.0.1:$port")
    sleep 1
    probe "http://127.0.0.1:$port" 0.5 "stop $sender" 30; row http-sender-killed "0 65 69"
}
drill_rtsp_silent() {
    local port; port=$(free_port)
    local proxy; proxy=$(start_proxy silent "$port")
    probe "rtsp://127.0.0.1:$port/cam" 0 "" 30; row rtsp-accepts-silent "69"; stop "$proxy"
}
drill_rtsp_refused() {
    probe "rtsp://127.0.0.1:$(free_port)/cam" 0 "" 30; row rtsp-refused "69"
}
drill_rtsp_server_frozen() {
    local port; port=$(free_port)
    local server; server=$(start_rtsp "$port")
    kill -STOP "$server"
    probe "rtsp://127.0.0.1:$port/cam" 0 "" 30; row rtsp-server-frozen "69"; stop "$server"
}
drill_rtsp_server_killed() {
    local port; port=$(free_port)
    local server; server=$(start_rtsp "$port")
    probe "rtsp://127.0.0.1:$port/cam" 0.5 "stop $server" 30; row rtsp-server-killed "0 69"
}
drill_rtsp_good() {
    local port; port=$(free_port)
    local server; server=$(start_rtsp "$port")
    probe "rtsp://127.0.0.1:$port/cam" 0 "" 30; row rtsp-healthy "0"; stop "$server"
}


# MARK: vigil watch drills. A drill starts a camera, watches it, injects a fault, waits for the camera's status to
# leave "online", repairs the fault, waits for "online" again, then sends SIGTERM. The row says how long each step
# took (from the fault / from the repair), how many windows were classified, and the exit status.

watch_model() {  # the tiny AttentionCluster the media corpus uses, with a pipeline YAML (once per run)
    [ -s "$work/classify.yaml" ] || python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import make_bad_media as m; m.write_tiny_classifier(sys.argv[2])' "$root/tools" "$work"
}

start_watch() {  # URL; vigil watch in the background, stdout JSON Lines to $work/events
    watch_model
    "$vigil" watch "$1" --pipeline "$work/classify.yaml" --seg-num 4 --fps 2 --window 2 --stride 1 \
        --retry-interval 1 --no-frames-timeout 4 >"$work/events" 2>"$work/watch.err" &
    watcher=$!
    children+=("$watcher")
}

status_count() {  # STATE; how many status lines with that state so far (0 before the events file exists)
    local count; count=$(grep -c "\"state\":\"$1\"" "$work/events" 2>/dev/null)
    echo "${count:-0}"
}

wait_status() {  # STATE COUNT LIMIT; waits until COUNT status lines say STATE; prints the seconds waited or "never"
    local start=${EPOCHREALTIME/./}
    while (( ${EPOCHREALTIME/./} - start < $3 * 1000000 )); do
        if [ "$(status_count "$1")" -ge "$2" ]; then
            local elapsed=$(( (${EPOCHREALTIME/./} - start) / 100000 )); echo "$((elapsed / 10)).$((elapsed % 10))"; return
        fi
        kill -0 "$watcher" 2>/dev/null || { echo died; return; }
        sleep 0.2
    done
    echo never
}

finish_watch() {  # sends SIGTERM; sets exit_status, windows, problems
    kill -TERM "$watcher" 2>/dev/null
    local waited=0
    while kill -0 "$watcher" 2>/dev/null && [ $waited -lt 50 ]; do sleep 0.2; waited=$((waited + 1)); done
    if kill -0 "$watcher" 2>/dev/null; then kill -KILL "$watcher"; wait "$watcher" 2>/dev/null; exit_status=HANG
    else wait "$watcher"; exit_status=$?; [ "$exit_status" -gt 128 ] && exit_status="SIG$((exit_status - 128))"; fi
    windows=$(grep -c '"type":"window"' "$work/events" || true)
    problems=$(python3 - "$work/events" <<'PY'
import json, sys
problems, open_ids = [], set()
for number, line in enumerate(open(sys.argv[1]), 1):
    try:
        event = json.loads(line)
    except ValueError:
        problems.append(f"line {number} is not JSON")
        continue
    if event.get("type") == "start":
        open_ids.add(event["id"])
    elif event.get("type") == "end":
        open_ids.discard(event["id"])
if open_ids:
    problems.append(f"{len(open_ids)} events never ended")
print("; ".join(problems))
PY
)
}

watch_row() {  # DRILL LOST BACK EXPECT (yes: lost and back; no: windows go on; never: never online, no window)
    local drill="$1" lost="$2" back="$3" verdict=ok
    if [ "$4" = yes ] && { [ "$lost" = never ] || [ "$lost" = died ] || [ "$back" = never ] || [ "$back" = died ]; }; then verdict=FAIL; fi
    if [ "$4" = no ] && [ "$windows" -eq 0 ]; then verdict=FAIL; fi
    if [ "$4" = never ] && [ "$windows" -ne 0 ]; then verdict=FAIL; fi
    [ "$exit_status" = 0 ] && [ -z "$problems" ] || verdict=FAIL
    [ "$verdict" = ok ] || failures=$((failures + 1))
    printf '%-24s %8s %8s %8s %5s  %-5s %s\n' "$drill" "$lost" "$back" "$windows" "$exit_status" "$verdict" \
        "${problems:-$(grep -v '^$' "$work/watch.err" | head -1 | cut -c1-90)}"
}

udp_camera() { start_sender -f mpegts "udp://127.0.0.1:$1?pkt_size=1316"; }

watch_udp_sender_killed() {
    local port; port=$(free_port); local sender; sender=$(udp_camera "$port")
    start_watch "udp://127.0.0.1:$port"; local online; online=$(wait_status online 1 30)
    stop "$sender"; local lost; lost=$(wait_status reconnecting 1 30)
    sender=$(udp_camera "$port"); local back; back=$(wait_status online 2 60)
    finish_watch; stop "$sender"; watch_row "watch-udp-killed" "$lost" "$back" yes
}
watch_udp_sender_frozen() {
    local port; port=$(free_port); local sender; sender=$(udp_camera "$port")
    start_watch "udp://127.0.0.1:$port"; wait_status online 1 30 >/dev/null
    kill -STOP "$sender"; local lost; lost=$(wait_status reconnecting 1 30)
    kill -CONT "$sender"; local back; back=$(wait_status online 2 60)
    finish_watch; stop "$sender"; watch_row "watch-udp-frozen" "$lost" "$back" yes
}
watch_udp_lossy() {  # LOSS CORRUPT NAME: the camera stays up through a lossy or corrupting link
    local port proxy_port; port=$(free_port); proxy_port=$(free_port)
    local proxy; proxy=$(start_proxy udp "$proxy_port" "$port" --loss "$1" --corrupt "$2")
    local sender; sender=$(udp_camera "$proxy_port")
    start_watch "udp://127.0.0.1:$port"; wait_status online 1 30 >/dev/null
    sleep 20
    finish_watch; stop "$sender"; stop "$proxy"
    watch_row "$3" "-" "-" no
}
watch_udp_loss() { watch_udp_lossy 0.3 0 watch-udp-loss-30pct; }
watch_udp_corrupt() { watch_udp_lossy 0 0.05 watch-udp-corrupt-5pct; }
watch_udp_garbage() {  # random datagrams mixed into a live stream for 5 s
    local port; port=$(free_port); local sender; sender=$(udp_camera "$port")
    start_watch "udp://127.0.0.1:$port"; wait_status online 1 30 >/dev/null
    python3 -c 'import os,socket,sys,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
for _ in range(5000): s.sendto(os.urandom(1316),("127.0.0.1",int(sys.argv[1]))); time.sleep(0.001)' "$port"
    local before; before=$(grep -c '"type":"window"' "$work/events" || true)
    sleep 10
    local after; after=$(grep -c '"type":"window"' "$work/events" || true)
    finish_watch; stop "$sender"
    [ "$after" -gt "$before" ] || problems="${problems:+$problems; }no window after the garbage"
    watch_row "watch-udp-garbage" "-" "-" no
}
watch_http_sender_killed() {
    local port; port=$(free_port)
    local sender; sender=$(start_sender -f mpegts -listen 1 "http://127.0.0.1:$port")
    sleep 1; start_watch "http://127.0.0.1:$port"; wait_status online 1 30 >/dev/null
    stop "$sender"; local lost; lost=$(wait_status reconnecting 1 30)
    sender=$(start_sender -f mpegts -listen 1 "http://127.0.0.1:$port"); local back; back=$(wait_status online 2 60)
    finish_watch; stop "$sender"; watch_row "watch-http-killed" "$lost" "$back" yes
}
watch_rtsp_server_killed() {
    local port; port=$(free_port); local server; server=$(start_rtsp "$port")
    start_watch "rtsp://127.0.0.1:$port/cam"; wait_status online 1 30 >/dev/null
    stop "$server"; local lost; lost=$(wait_status reconnecting 1 30)
    server=$(start_rtsp "$port"); local back; back=$(wait_status online 2 60)
    finish_watch; stop "$server"; watch_row "watch-rtsp-restarted" "$lost" "$back" yes
}
watch_rtsp_server_frozen() {
    local port; port=$(free_port); local server; server=$(start_rtsp "$port")
    start_watch "rtsp://127.0.0.1:$port/cam"; wait_status online 1 30 >/dev/null
    kill -STOP "$server"; local lost; lost=$(wait_status reconnecting 1 30)
    kill -CONT "$server"; local back; back=$(wait_status online 2 60)
    finish_watch; stop "$server"; watch_row "watch-rtsp-frozen" "$lost" "$back" yes
}
watch_rtsp_silent() {  # a camera that accepts and never answers: reconnecting, never online, clean exit
    local port; port=$(free_port); local proxy; proxy=$(start_proxy silent "$port")
    start_watch "rtsp://127.0.0.1:$port/cam"; local lost; lost=$(wait_status reconnecting 1 60)
    sleep 15  # a few more attempts (status lines come only on a change)
    local online; online=$(status_count online)
    finish_watch; stop "$proxy"
    [ "$online" -eq 0 ] || problems="${problems:+$problems; }went online"
    case "$lost" in never|died) problems="${problems:+$problems; }never reported reconnecting" ;; esac
    watch_row "watch-rtsp-silent" "$lost" "-" never
}

watch_all=(watch_udp_sender_killed watch_udp_sender_frozen watch_udp_loss watch_udp_corrupt watch_udp_garbage
           watch_http_sender_killed watch_rtsp_server_killed watch_rtsp_server_frozen watch_rtsp_silent)
all=(udp_no_sender udp_sender_killed udp_sender_frozen udp_loss_20 udp_loss_100 udp_corrupt_proxy
     udp_corrupt_bitstream udp_garbage http_refused http_silent http_sender_frozen http_sender_killed rtsp_refused
     rtsp_silent rtsp_server_frozen rtsp_server_killed rtsp_good)
if [ ${#drills[@]} -eq 0 ]; then
    drills=("${all[@]}")
    "$vigil" watch --help 2>&1 | grep -q "Not implemented yet" || drills+=("${watch_all[@]}")
fi
printf '%-24s %-10s %-6s %7s  %-5s %s\n' drill expected exit seconds ok "first stderr line"
header_shown=""
for drill in "${drills[@]}"; do
    name="${drill//-/_}"
    if [ "${name#watch_}" != "$name" ]; then
        [ -n "$header_shown" ] || printf '\n%-24s %8s %8s %8s %5s  %-5s %s\n' drill lost_s back_s windows exit ok note
        header_shown=1
        "$name"
    else
        "drill_$name"
    fi
done
echo "$failures failing drills" >&2
[ "$failures" -eq 0 ]
