#!/usr/bin/python3
"""Clips benchmark (docs/benchmarks.md, "Clips"): vigil's CPU per camera with `--clips` off and on, side by side.

N real-time cameras of 1920x1080 30 fps H.264 (1 s GOP, no B-frames), each an `ffmpeg -re -stream_loop -1 -c copy
-f mpegts -listen 1 http://127.0.0.1:PORT` sender of one file encoded once (nothing is encoded at send time), watched
by one vigil process at 1 frame/s with `--decode auto` (with a 1 s GOP: keyframes only) and the published-size
AttentionCluster. The pipeline starts an event on class c0 at the first window and keeps it open, so with `--clips`
every camera records the whole time (the worst case: one JPEG per camera, then stream copy of every packet).

Runs alternate off, on, off, on … (--pairs), each with fresh senders: a warm-up (--warmup s: the first keyframe
intervals decoded in full, the snapshots), then vigil's CPU seconds over --seconds, divided by the seconds of stream
its cameras got through in that time (window lines' end_pts). Prints each run, the on/off ratio, vigil's RSS, the
CPU model and the load average.

  /usr/bin/python3 Benchmarks/watch/clips.py [--cameras 16] [--pairs 2] [--seconds 60] [--warmup 20]
Needs a release build (swift build -c release) and numpy (for the weights). The clip and the weights are made once
and kept in --cache (default /tmp/vigil-bench)."""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from capacity import ROOT, cpu_seconds, rss_kb, start_vigil


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(cache):
    """The 1080p30 clip (1 s GOP), the weights, the labels and the pipeline, made once."""
    os.makedirs(cache, exist_ok=True)
    clip, weights = os.path.join(cache, "1080p30-gop1.mp4"), os.path.join(cache, "model.safetensors")
    if not os.path.exists(clip):
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        "testsrc2=size=1920x1080:rate=30", "-t", "20", "-c:v", "libx264", "-preset", "veryfast",
                        "-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p",
                        clip + ".tmp.mp4"], check=True)
        os.rename(clip + ".tmp.mp4", clip)
    if not os.path.exists(weights):
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks/watch/make_weights.py"), weights + ".tmp"],
                       check=True)
        os.rename(weights + ".tmp", weights)
    labels, pipeline = os.path.join(cache, "labels.txt"), os.path.join(cache, "always.yaml")
    with open(labels, "w") as out:
        out.write("".join(f"c{i}\n" for i in range(3862)))
    with open(pipeline, "w") as out:  # c0 starts at once and never ends; every other class needs 0.99999
        out.write("watch: {events: {on: 0.99999, off: 0.99998, "
                  "labels: {c0: {on: 0.001, off: 0.0005, min_windows: 1, max_quiet: 100000}}}}\n")
    return clip, weights, labels, pipeline


def run(args, clip, weights, labels, pipeline, clips_on):
    work = tempfile.mkdtemp(prefix="vigil-clips-bench-")
    folder = os.path.join(work, "clips")
    urls, senders = [], []
    for _ in range(args.cameras):
        urls.append(f"http://127.0.0.1:{free_port()}")
        senders.append(subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", clip, "-c", "copy",
             "-f", "mpegts", "-listen", "1", urls[-1]], stderr=subprocess.DEVNULL))  # vigil's stop resets them
    time.sleep(1)
    load_before = os.getloadavg()[0]
    vigil, reader, lines = start_vigil(
        urls, weights, ["--labels", labels, "--pipeline", pipeline, "--decode", args.decode]
        + (["--clips", folder] if clips_on else []), os.path.join(work, "stderr.txt"))
    deadline = time.monotonic() + 120  # vigil loads the model first: the warm-up counts from every camera's first window
    while time.monotonic() < deadline and len({e["camera"] for _, e in list(lines) if e["type"] == "window"}) < len(urls):
        time.sleep(0.5)
    time.sleep(args.warmup)
    t0, cpu0 = time.monotonic(), cpu_seconds(vigil.pid)
    time.sleep(args.seconds)
    t1, cpu1 = time.monotonic(), cpu_seconds(vigil.pid)
    rss = rss_kb(vigil.pid) / 1024
    vigil.send_signal(2)
    vigil.wait(timeout=60)
    reader.join()
    for sender in senders:
        sender.kill()
        sender.wait()
    stream_seconds = 0.0  # per camera: stream time its windows advanced between t0 and t1
    for url in urls:
        pts = [(arrival, e["end_pts"]) for arrival, e in lines if e["type"] == "window" and e["camera"] == url]
        before = [p for a, p in pts if a <= t0]
        upto = [p for a, p in pts if a <= t1]
        if before and upto:
            stream_seconds += max(upto) - max(before)
    files = os.listdir(folder) if clips_on else []
    clip_bytes = sum(os.path.getsize(os.path.join(folder, name)) for name in files)
    problems = [e["reason"] for _, e in lines if e["type"] == "status" and "clip" in e.get("reason", "")]
    shutil.rmtree(work, ignore_errors=True)
    return {"clips": clips_on, "cpu": cpu1 - cpu0, "wall": t1 - t0, "stream": stream_seconds, "rss": rss,
            "load": (load_before, os.getloadavg()[0]), "files": len(files), "clip_bytes": clip_bytes,
            "problems": problems,
            "starts": sum(1 for _, e in lines if e["type"] == "start"),
            "dropped": sum(max((e["dropped_windows"] for _, e in lines if e["type"] == "window" and e["camera"] == url),
                               default=0) for url in urls)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--pairs", type=int, default=2, help="off/on pairs, interleaved")
    parser.add_argument("--seconds", type=int, default=60, help="measured seconds per run")
    parser.add_argument("--warmup", type=int, default=20, help="seconds before measuring")
    parser.add_argument("--cache", default="/tmp/vigil-bench")
    parser.add_argument("--decode", default="auto", help="vigil's --decode: auto (here keyframes only) or all")
    args = parser.parse_args()
    began = time.monotonic()
    clip, weights, labels, pipeline = prepare(args.cache)
    bitrate = os.path.getsize(clip) * 8 / 20
    model = next((line.split(":", 1)[1].strip() for line in subprocess.run(
        ["lscpu"], capture_output=True, text=True).stdout.splitlines() if line.startswith("Model name")), "?")
    print(f"{args.cameras} cameras of 1080p30 H.264 (1 s GOP, {bitrate / 1e6:.1f} Mbit/s), --decode {args.decode}, "
          f"{args.pairs} off/on pairs of {args.warmup} + {args.seconds} s; CPU {model}, {os.cpu_count()} cores",
          flush=True)
    results = []
    for pair in range(args.pairs):
        for clips_on in (False, True) if pair % 2 == 0 else (True, False):
            r = run(args, clip, weights, labels, pipeline, clips_on)
            results.append(r)
            per_camera = r["cpu"] / r["stream"] if r["stream"] > 0 else float("nan")
            print(f"clips {'on ' if clips_on else 'off'}: CPU per camera {per_camera:.4f} core-s per stream s "
                  f"(vigil {r['cpu'] / r['wall'] * 100:.0f}% of a core, {r['stream'] / args.cameras:.1f} of "
                  f"{r['wall']:.0f} s of stream per camera); RSS {r['rss']:.0f} MB; events started {r['starts']}; "
                  f"windows dropped {r['dropped']}; load average {r['load'][0]:.1f} → {r['load'][1]:.1f}"
                  + (f"; {r['files']} files, {r['clip_bytes'] / 1e6:.0f} MB; clip problems {len(r['problems'])}"
                     + (f" ({r['problems'][0]})" if r["problems"] else "") if clips_on else ""), flush=True)

    def mean(key, on):
        chosen = [r for r in results if r["clips"] == on and r["stream"] > 0]
        return sum(r[key] for r in chosen) / max(1, len(chosen))
    def cost(on):  # CPU seconds over stream seconds, over the runs whose cameras all gave windows
        chosen = [r for r in results if r["clips"] == on and r["stream"] > 0]
        return sum(r["cpu"] for r in chosen) / max(1e-9, sum(r["stream"] for r in chosen))
    off, on = cost(False), cost(True)
    ring = bitrate / 8 * (5 + 10)
    print(f"CPU per camera: off {off:.4f}, on {on:.4f} core-s per stream s: on/off {on / off:.3f} "
          f"({(on / off - 1) * 100:+.1f} %; goal < +3 %), {(on - off) * 1000:.1f} ms of CPU more per stream second")
    print(f"RSS: off {mean('rss', False):.0f} MB, on {mean('rss', True):.0f} MB: "
          f"{(mean('rss', True) - mean('rss', False)) / args.cameras:.1f} MB more per camera; the ring holds "
          f"clip-pre + 10 s = 15 s of packets = {ring / 1e6:.1f} MB per camera at this bitrate")
    print(f"load average now {' '.join(f'{x:.1f}' for x in os.getloadavg())}; took {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
