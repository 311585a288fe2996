#!/usr/bin/python3
"""Capacity benchmark for `vigil watch` (docs/benchmarks.md, "Watch"): N cameras of 1920x1080 30 fps H.264, each
an `ffmpeg -re -stream_loop -1 ... -c copy -f mpegts -listen 1 http://127.0.0.1:PORT` sender (TCP, so a reader
that falls behind slows its sender and shows up as drift instead of lost packets), watched by one vigil process
at 1 frame/s with the published-size AttentionCluster (stride 2 s, window 100 s).

Drift per camera = wall time between its first and last window line − stream time between them; a camera keeps
up when its drift stays below one stride. Also reports vigil's CPU use and each window's classification latency,
and vigil's CPU seconds per second of camera stream processed (a cost that holds even on a loaded machine, where
the wall-clock figures only show what the machine had left).

  /usr/bin/python3 Benchmarks/watch/capacity.py N [--seconds 90] [--gop 2] [--extra "VIGIL FLAGS"]
--gop sets the clip's keyframe interval in seconds (default 2: GOP 60); with a 1 s GOP at 1 frame/s `--decode auto`
decodes keyframes only, and the summary counts the window lines by their `decode` field.
Needs a release build (swift build -c release) and numpy (for the weights)."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_vigil(urls, weights, flags, stderr_path):
    """`vigil watch URLS` at 1 frame/s (window 100 s, stride 2 s) with `flags`; a thread collects its stdout lines as
    (arrival time, event). Returns the process, the thread and the list it fills."""
    vigil = subprocess.Popen(
        [os.path.join(ROOT, ".build/release/vigil"), "watch", *urls, "--weights", weights, "--fps", "1",
         "--seg-num", "100", "--stride", "2", *flags],
        stdout=subprocess.PIPE, stderr=open(stderr_path, "w"), text=True)
    lines = []

    def read():
        for line in vigil.stdout:
            lines.append((time.monotonic(), json.loads(line)))

    reader = threading.Thread(target=read)
    reader.start()
    return vigil, reader, lines


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(next((line.split()[1] for line in status if line.startswith("VmRSS:")), "0"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cameras", type=int)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--extra", default="", help="extra vigil watch flags")
    parser.add_argument("--gop", type=float, default=2, help="keyframe interval of the clip, seconds")
    args = parser.parse_args()
    work = tempfile.mkdtemp()
    weights, clip = os.path.join(work, "model.safetensors"), os.path.join(work, "1080p.mp4")
    subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks/watch/make_weights.py"), weights], check=True)
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=1920x1080:rate=30", "-t", "20", "-c:v", "libx264", "-preset", "veryfast",
                    "-g", str(round(args.gop * 30)), "-keyint_min", str(round(args.gop * 30)), "-sc_threshold", "0",
                    "-bf", "0", "-pix_fmt", "yuv420p", clip], check=True)
    senders, urls = [], []
    for index in range(args.cameras):
        port = 40000 + (os.getpid() % 1000) * 10 + index
        urls.append(f"http://127.0.0.1:{port}")
        senders.append(subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", clip, "-c", "copy",
             "-f", "mpegts", "-listen", "1", urls[-1]]))
    time.sleep(1)
    vigil, reader, lines = start_vigil(urls, weights, args.extra.split(), os.path.join(work, "stderr.txt"))
    start, cpu_start = time.monotonic(), cpu_seconds(vigil.pid)
    time.sleep(args.seconds)
    cpu_used = cpu_seconds(vigil.pid) - cpu_start
    cpu = cpu_used / (time.monotonic() - start)
    rss = rss_kb(vigil.pid)
    vigil.send_signal(2)
    vigil.wait(timeout=30)
    reader.join()
    with open(os.path.join(work, "stderr.txt")) as stderr:  # the batcher's summary (docs/watch.md, --batch-size)
        batching = next((line.strip() for line in stderr if "windows classified in" in line), "no batching")
    for sender in senders:
        sender.kill()
    shutil.rmtree(work, ignore_errors=True)
    windows = {}
    for arrival, event in lines:
        if event["type"] == "window":
            windows.setdefault(event["camera"], []).append((arrival, event))
    drifts, latencies, counts, stream_seconds = [], [], [], 0.0
    for url in urls:
        seen = windows.get(url, [])
        counts.append(len(seen))
        if len(seen) >= 2:
            (a0, e0), (a1, e1) = seen[0], seen[-1]
            drifts.append((a1 - a0) - (e1["end_pts"] - e0["end_pts"]))
            stream_seconds += e1["end_pts"] - e0["end_pts"]
        latencies += [e["latency"] for _, e in seen]
    dropped = sum(seen[-1][1]["dropped_windows"] for seen in windows.values() if seen)
    print(f"cameras {args.cameras}: windows per camera {min(counts)}–{max(counts)} in {args.seconds} s; "
          f"drift per camera max {max(drifts, default=float('nan')):.2f} s (mean {sum(drifts) / max(1, len(drifts)):.2f}); "
          f"vigil CPU {cpu * 100:.0f}% of one core; latency median "
          f"{sorted(latencies)[len(latencies) // 2] * 1000 if latencies else float('nan'):.0f} ms, "
          f"max {max(latencies, default=float('nan')) * 1000:.0f} ms; windows dropped {dropped}; "
          f"reconnects {sum(1 for _, e in lines if e['type'] == 'status' and e['state'] == 'reconnecting')}; "
          f"RSS {int(rss) / 1024:.0f} MB; events started {sum(1 for _, e in lines if e['type'] == 'start')}")
    decodes = {}
    for seen in windows.values():
        for _, e in seen:
            decodes[e.get("decode", "missing")] = decodes.get(e.get("decode", "missing"), 0) + 1
    print(f"GOP {args.gop} s; window lines by decode: {decodes}")
    print(f"batching: {batching}")
    if stream_seconds > 0:  # CPU time per second of one camera's stream: what a camera costs, load or not
        per_camera = cpu_used / stream_seconds
        print(f"CPU per camera: {per_camera:.3f} core-seconds per stream second → 2 cores hold about "
              f"{2 / per_camera:.0f} such cameras in real time (load average {os.getloadavg()[0]:.1f} during the run)")


if __name__ == "__main__":
    main()
