#!/usr/bin/python3
"""CPU cost per camera of cluster mode against plain `vigil watch`: the same ffmpeg UDP cameras on loopback, watched
by `vigil watch URL...` (plain) and by one `vigil watch --cluster` worker that leases them from a nats-server with
JetStream (cluster), in alternating runs. Each run waits until every camera is online, lets it settle, then counts
the vigil process's CPU seconds (utime + stime from /proc) over a fixed interval; the cluster runs also count
nats-server's CPU and the messages it received (publishes and requests, from its monitoring port). Both modes print window lines (the stream's bulk) to /dev/null; the worker also publishes each line.

Usage: cpu_cost.py [VIGIL=.build/release/vigil] [--cameras 4] [--seconds 60] [--runs 2] [--settle 10] [--size 1920x1080]
The cameras loop one H.264 clip (testsrc2, 10 fps, a keyframe a second) made at the start, copied without
re-encoding. Needs ffmpeg and nats-server. Prints one JSON line per run, then a summary JSON line.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Watcher:
    """A vigil process whose stdout is read (and thrown away) on a thread that counts cameras that came online."""

    def __init__(self, arguments):
        self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.online = set()
        self.lines = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines += 1
            if '"type":"status"' in line and '"state":"online"' in line:
                self.online.add(json.loads(line)["camera"])

    def wait_online(self, count, seconds=120):
        deadline = time.time() + seconds
        while len(self.online) < count:
            if time.time() > deadline or self.process.poll() is not None:
                sys.exit(f"only {len(self.online)} of {count} cameras came online")
            time.sleep(0.2)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def messages_from_clients(monitor_port):
    """Messages the nats-server received from its clients so far (nats-server's monitoring /varz)."""
    if monitor_port is None:
        return 0
    with urllib.request.urlopen(f"http://127.0.0.1:{monitor_port}/varz") as response:
        return json.load(response)["in_msgs"]


def measure(watcher, extra_pids, cameras, settle, seconds, monitor_port=None):
    watcher.wait_online(cameras)
    time.sleep(settle)
    pids = [watcher.process.pid] + extra_pids
    before = [cpu_seconds(pid) for pid in pids]
    lines_before, started = watcher.lines, time.time()
    messages_before = messages_from_clients(monitor_port)
    time.sleep(seconds)
    after = [cpu_seconds(pid) for pid in pids]
    elapsed = time.time() - started
    messages = messages_from_clients(monitor_port) - messages_before
    used = [b - a for a, b in zip(before, after)]
    return {"seconds": round(elapsed, 2), "vigil_cpu": round(used[0], 2),
            "vigil_cpu_per_camera": round(used[0] / elapsed / cameras, 4),
            "lines_per_second": round((watcher.lines - lines_before) / elapsed, 1),
            **({"nats_cpu": round(used[1], 2), "nats_messages_per_second": round(messages / elapsed, 1)}
               if len(used) > 1 else {}),
            "load": open("/proc/loadavg").read().split()[:3]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("vigil", nargs="?", default=".build/release/vigil")
    parser.add_argument("--cameras", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--settle", type=int, default=10)
    parser.add_argument("--size", default="1920x1080")
    options = parser.parse_args()
    vigil = os.path.abspath(options.vigil)
    folder = tempfile.mkdtemp(prefix="vigil-cluster-cpu-")
    children = []
    try:
        # One clip encoded once; every sender loops it without re-encoding, so the senders cost little CPU.
        clip = os.path.join(folder, "camera.ts")
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                        f"testsrc2=size={options.size}:rate=10", "-t", "20", "-c:v", "libx264", "-preset", "veryfast",
                        "-g", "10", "-pix_fmt", "yuv420p", "-f", "mpegts", clip], check=True)
        urls = []
        for _ in range(options.cameras):
            url = f"udp://127.0.0.1:{free_port(socket.SOCK_DGRAM)}"
            urls.append(url)
            children.append(subprocess.Popen(
                ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", clip, "-c", "copy",
                 "-f", "mpegts", f"{url}?pkt_size=1316"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        nats_port, monitor_port = free_port(), free_port()
        nats = subprocess.Popen(["nats-server", "-js", "-sd", os.path.join(folder, "store"), "-a", "127.0.0.1", "-p",
                                 str(nats_port), "-m", str(monitor_port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        children.append(nats)
        cluster = ["--cluster", f"nats://127.0.0.1:{nats_port}", "--cluster-name", "cpu"]
        deadline = time.time() + 20
        while subprocess.run([vigil, "cameras", "ls", *cluster], capture_output=True).returncode != 0:
            if time.time() > deadline:
                sys.exit("nats-server did not start")
            time.sleep(0.2)
        for index, url in enumerate(urls):
            subprocess.run([vigil, "cameras", "add", f"cam-{index}", url, *cluster], check=True)
        results = {"plain": [], "cluster": []}
        for run in range(options.runs):
            for mode in ("plain", "cluster"):
                if mode == "plain":
                    watcher = Watcher([vigil, "watch", *urls])
                    result = measure(watcher, [], options.cameras, options.settle, options.seconds)
                else:
                    watcher = Watcher([vigil, "watch", *cluster, "--worker-name", f"bench-{run}",
                                       "--capacity", str(options.cameras)])
                    result = measure(watcher, [nats.pid], options.cameras, options.settle, options.seconds, monitor_port)
                watcher.stop()
                results[mode].append(result)
                print(json.dumps({"run": run + 1, "mode": mode, **result}), flush=True)
                time.sleep(2)  # the UDP ports are free again before the next run binds them
        plain = statistics.mean(r["vigil_cpu_per_camera"] for r in results["plain"])
        clustered = statistics.mean(r["vigil_cpu_per_camera"] for r in results["cluster"])
        nats_share = statistics.mean(r["nats_cpu"] / r["seconds"] / options.cameras for r in results["cluster"])
        print(json.dumps({"cameras": options.cameras, "size": options.size, "seconds": options.seconds,
                          "runs": options.runs, "plain_cpu_per_camera": round(plain, 4),
                          "cluster_cpu_per_camera": round(clustered, 4),
                          "extra_percent": round(100 * (clustered / plain - 1), 2),
                          "nats_server_cpu_per_camera": round(nats_share, 4),
                          "cpu": subprocess.run(["lscpu"], capture_output=True, text=True).stdout.split("Model name:")[1]
                          .splitlines()[0].strip()}))
    finally:
        for child in children:
            child.kill()
            child.wait()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
