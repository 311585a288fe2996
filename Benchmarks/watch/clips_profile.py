#!/usr/bin/python3
"""Clips profile (docs/benchmarks.md, "Clips"): the share of vigil's CPU samples spent in clip code, steadier on a
shared machine than CPU time with clips on against off.

N real-time 1080p30 cameras as in clips.py (the same senders, model, pipeline and `--decode auto`), clips on; after
every camera's first window and a warm-up, `perf record -g -p PID` for --seconds. Clip code is every sample whose
stack goes through MediaReader.observe (the decode thread's hand-off: packet reference, ring, inbox), the
ClipWriter thread, or the write/pwrite system calls (the clip files). The muxer's own code in libavformat (built
without frame pointers) is not attributed: compare its share of samples by hand (`perf report --sort dso`).

  /usr/bin/python3 Benchmarks/watch/clips_profile.py [--binary .build/release/vigil] [--cameras 4] [--seconds 30]
Needs perf and a release build."""
import argparse
import os
import shutil
import subprocess
import tempfile
import time

from capacity import ROOT, cpu_seconds
from clips import free_port, prepare

CLIP_CODE = {
    "observe (decode thread)": ["ReaderC7observe"],
    "writer thread": ["ClipWriterC8capacity"],
    "file writes (kernel)": ["ksys_write", "ksys_pwrite64", "__x64_sys_pwrite64"],
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/vigil"))
    parser.add_argument("--cameras", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=15)
    parser.add_argument("--cache", default="/tmp/vigil-bench")
    args = parser.parse_args()
    clip, weights, labels, pipeline = prepare(args.cache)
    work = tempfile.mkdtemp(prefix="vigil-clips-profile-")
    urls, senders = [], []
    for _ in range(args.cameras):
        urls.append(f"http://127.0.0.1:{free_port()}")
        senders.append(subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", clip, "-c", "copy",
             "-f", "mpegts", "-listen", "1", urls[-1]], stderr=subprocess.DEVNULL))
    time.sleep(1)
    out = os.path.join(work, "out.jsonl")
    vigil = subprocess.Popen(
        [args.binary, "watch", *urls, "--weights", weights, "--fps", "1", "--seg-num", "100", "--stride", "2",
         "--labels", labels, "--pipeline", pipeline, "--decode", "auto", "--clips", os.path.join(work, "clips")],
        stdout=open(out, "w"), stderr=open(os.path.join(work, "stderr.txt"), "w"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        text = open(out).read()
        if all(f'"camera":"{url}"' in text for url in urls) and text.count('"window"') >= args.cameras:
            break
        time.sleep(0.5)
    time.sleep(args.warmup)
    data = os.path.join(work, "perf.data")
    cpu0, t0 = cpu_seconds(vigil.pid), time.monotonic()
    subprocess.run(["perf", "record", "-F", "1999", "-g", "-p", str(vigil.pid), "-o", data, "--", "sleep",
                    str(args.seconds)], stderr=subprocess.DEVNULL, check=True)
    cpu1, t1 = cpu_seconds(vigil.pid), time.monotonic()
    vigil.send_signal(2)
    vigil.wait(timeout=60)
    for sender in senders:
        sender.kill()
        sender.wait()
    script = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym"], capture_output=True, text=True).stdout
    stacks = [stack for stack in script.split("\n\n") if stack.strip()]
    counted, parts = set(), []
    for name, keys in CLIP_CODE.items():
        hits = {i for i, stack in enumerate(stacks) if i not in counted and any(key in stack for key in keys)}
        counted |= hits
        parts.append(f"{name} {len(hits) / max(1, len(stacks)) * 100:.2f} %")
    model = next((line.split(":", 1)[1].strip() for line in subprocess.run(
        ["lscpu"], capture_output=True, text=True).stdout.splitlines() if line.startswith("Model name")), "?")
    print(f"{args.cameras} cameras, clips on, {len(stacks)} samples over {t1 - t0:.0f} s (vigil {(cpu1 - cpu0) / (t1 - t0) * 100:.0f} % "
          f"of a core): {'; '.join(parts)}; all clip code {len(counted) / max(1, len(stacks)) * 100:.2f} % of vigil's "
          f"samples; CPU {model}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
