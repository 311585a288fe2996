#!/usr/bin/python3
"""MQTT sink benchmark: event latency from vigil's stdout line to an MQTT subscriber on loopback (p50, p99), and the
CPU cost of the MQTT sink (vigil's CPU seconds with --events stdout,mqtt:// over --events stdout).

Usage: latency.py VIGIL [--cameras 16] [--seconds 60] [--runs 3]
VIGIL is a release build (.build/release/vigil). Needs ffmpeg, mosquitto, mosquitto_sub, python3 with numpy.
The cameras are hard links of one clip of noise and Game of Life (so scores move and events start and end often),
read as fast as they decode; a pipeline with on = off = 0.5, min_windows 1, max_quiet 0 turns the tiny random
model's scores into many start/update/end lines. Prints one JSON line of results.
"""
import argparse
import json
import os
import pwd
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_vigil(vigil, cameras, common, events):
    """Runs vigil to its end; returns (stdout lines with the time each was read, CPU seconds)."""
    before = cpu_seconds()
    process = subprocess.Popen([vigil, "watch", *cameras, *common, "--events", events],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = []
    for line in process.stdout:
        lines.append((time.time(), line.rstrip("\n")))
    process.wait()
    if process.returncode != 0:
        sys.exit(f"vigil exited {process.returncode}")
    return lines, cpu_seconds() - before


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("vigil")
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="vigil-sink-bench-")
    clip = os.path.join(folder, "clip.mp4")
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "nullsrc=s=160x120:r=10,geq=lum='random(1)*255':cb=128:cr=128,format=yuv420p",
                    "-f", "lavfi", "-i", "life=s=160x120:r=10:mold=10:ratio=0.5",
                    "-filter_complex", "[0][1]vstack,format=yuv420p", "-t", str(options.seconds),
                    "-c:v", "libx264", "-g", "10", clip], check=True)
    cameras = []
    for index in range(options.cameras):
        path = os.path.join(folder, f"cam{index:02d}.mp4")
        os.link(clip, path)
        cameras.append(path)
    weights = os.path.join(folder, "small.safetensors")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools/make_random_cluster_weights.py"), weights, "7", "--small"],
                   check=True)
    pipeline = os.path.join(folder, "toggle.yaml")
    with open(pipeline, "w") as f:
        f.write("watch:\n  events: {on: 0.5, off: 0.5, min_windows: 1, max_quiet: 0}\n")
    common = ["--pipeline", pipeline, "--weights", weights, "--seg-num", "4", "--window", "1", "--stride", "0.5",
              "--fps", "4", "--no-window-events"]

    port = free_port()
    config = os.path.join(folder, "mosquitto.conf")
    with open(config, "w") as f:
        f.write(f"user {pwd.getpwuid(os.getuid()).pw_name}\nlistener {port} 127.0.0.1\nallow_anonymous true\n")
    broker = subprocess.Popen(["mosquitto", "-c", config], stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    mqtt = f"stdout,mqtt://127.0.0.1:{port}"
    latencies, cpu = [], {"stdout": [], "mqtt": []}
    for run in range(options.runs):
        _, seconds = run_vigil(options.vigil, cameras, common, "stdout")
        cpu["stdout"].append(seconds)
        subscriber = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", "vigil/events",
                                       "-q", "1", "-F", "%U %p"], stdout=subprocess.PIPE, text=True)
        received = []
        reader = threading.Thread(target=lambda: received.extend(subscriber.stdout), daemon=True)
        reader.start()
        time.sleep(0.5)
        lines, seconds = run_vigil(options.vigil, cameras, common, mqtt)
        cpu["mqtt"].append(seconds)
        time.sleep(1)
        subscriber.terminate()
        reader.join(5)
        arrived = {}
        for line in received:
            stamp, payload = line.rstrip("\n").split(" ", 1)
            arrived[payload] = float(stamp)
        lifecycle = [(t, l) for t, l in lines if '"type":"status"' not in l]
        missing = [l for _, l in lifecycle if l not in arrived]
        if missing:
            sys.exit(f"{len(missing)} of {len(lifecycle)} lines never reached the subscriber")
        latencies += [(arrived[l] - t) * 1000 for t, l in lifecycle]
    broker.terminate()
    shutil.rmtree(folder, ignore_errors=True)
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    result = {
        "cameras": options.cameras, "runs": options.runs, "events": len(latencies),
        "latency_ms": {"p50": round(p(0.50), 2), "p99": round(p(0.99), 2), "max": round(latencies[-1], 2)},
        "cpu_s": {"stdout": round(statistics.median(cpu["stdout"]), 2), "stdout+mqtt": round(statistics.median(cpu["mqtt"]), 2)},
    }
    result["cpu_extra_percent"] = round(100 * (result["cpu_s"]["stdout+mqtt"] / result["cpu_s"]["stdout"] - 1), 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
