#!/usr/bin/env python3
"""Full-size model inference: Vigil (release build of Benchmarks/models) vs PaddlePaddle 3.3.1 CPU, same run.

One video (300 frames for AttentionLSTM, 100 sampled frames for AttentionCluster), random weights, 2 threads.
Prints a JSON line per model with both medians, the ratio Vigil/Paddle and Vigil's peak RSS over the weight bytes.

Run: swift build -c release --product bench-models
     OMP_NUM_THREADS=2 /work/paddle-venv/bin/python tools/bench_models.py [--threads 2] [--repeats 5]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import paddle

sys.path.insert(0, os.path.dirname(__file__))
from make_parity_fixtures import AttentionCluster, AttentionLstmHead, pad  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))


def median_ms(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def paddle_lstm(frames, repeats, rng):
    head = AttentionLstmHead([1024, 128], 512, 1024, [8192, 4096], 3862)
    head.eval()
    rgb = [rng.uniform(-2, 2, (frames, 1024)).astype("float32")]
    audio = [rng.uniform(-2, 2, (frames, 128)).astype("float32")]
    inputs = [tuple(paddle.to_tensor(a) for a in pad(rgb, 1024)), tuple(paddle.to_tensor(a) for a in pad(audio, 128))]
    with paddle.no_grad():
        return median_ms(lambda: head(inputs).numpy(), repeats)


def paddle_cluster(frames, repeats, rng):
    model = AttentionCluster([1024, 128], [32, 32], [1024, 4096], 3862)
    model.eval()
    rgb = paddle.to_tensor(rng.uniform(-2, 2, (1, frames, 1024)).astype("float32"))
    audio = paddle.to_tensor(rng.uniform(-2, 2, (1, frames, 128)).astype("float32"))
    with paddle.no_grad():
        return median_ms(lambda: model(rgb, audio, 0.5, training=False).numpy(), repeats)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    paddle.set_device("cpu")
    rng = np.random.default_rng(0)
    binary = os.path.join(ROOT, ".build", "release", "bench-models")
    for model, frames, paddle_fn in (("attention_lstm", 300, paddle_lstm), ("attention_cluster", 100, paddle_cluster)):
        out = subprocess.run([binary, model, "--frames", str(frames), "--threads", str(args.threads),
                              "--repeats", str(args.repeats)], check=True, capture_output=True, text=True)
        vigil = json.loads(out.stdout)
        paddle_ms = paddle_fn(frames, args.repeats, rng)
        print(json.dumps({
            "model": model, "frames": frames, "threads": args.threads, "kernel": vigil["kernel"],
            "vigil_ms": round(vigil["median_ms"], 1), "paddle_ms": round(paddle_ms, 1),
            "ratio": round(vigil["median_ms"] / paddle_ms, 3),
            "parameters": vigil["parameters"], "weight_mb": round(vigil["weight_bytes"] / 2**20, 1),
            "peak_rss_mb": round(vigil["peak_rss_bytes"] / 2**20, 1),
            "peak_over_weights": round(vigil["peak_rss_bytes"] / vigil["weight_bytes"], 3),
            "paddle_version": paddle.__version__,
        }))


if __name__ == "__main__":
    main()
