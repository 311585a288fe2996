#!/usr/bin/env python3
"""One full-size training step: Vigil (release build of Benchmarks/training) vs PaddlePaddle 3.3.1 CPU, same run.

A step is forward in training mode, sigmoid cross-entropy (AttentionCluster: summed over classes, mean over the
batch; AttentionLSTM: summed), backward and the optimiser update (Adam; centered RMSProp with L2 4e-4 except the
output biases). AttentionCluster: batch 64 × 100 frames; AttentionLSTM: batch 8 × 300 frames. Random weights and
features; both sides use the same number of threads. The Paddle networks are the ones the parity fixtures use
(tools/make_parity_fixtures.py).

Run: swift build -c release --product bench-training
     OMP_NUM_THREADS=2 /work/paddle-venv/bin/python tools/bench_training.py [--threads 2] [--repeats 3]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import paddle
import paddle.nn.functional as F
from paddle.regularizer import L2Decay

sys.path.insert(0, os.path.dirname(__file__))
from make_parity_fixtures import AttentionCluster, AttentionLstmHead, pad  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
CLASSES = 3862


def median_ms(fn, repeats):
    fn()  # warm-up: allocates optimiser state
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def labels(rng, batch):
    y = np.zeros((batch, CLASSES), "float32")
    for b in range(batch):
        y[b, rng.integers(0, CLASSES, 3)] = 1
    return paddle.to_tensor(y)


def paddle_cluster(batch, frames, repeats, rng):
    model = AttentionCluster([1024, 128], [32, 32], [1024, 4096], CLASSES)
    for p in model.parameters():
        p.set_value(rng.normal(0, 0.02, p.shape).astype("float32"))
    optimizer = paddle.optimizer.Adam(1e-4, parameters=model.parameters())
    rgb = paddle.to_tensor(rng.uniform(-2, 2, (batch, frames, 1024)).astype("float32"))
    audio = paddle.to_tensor(rng.uniform(-2, 2, (batch, frames, 128)).astype("float32"))
    y = labels(rng, batch)

    def step():
        logits = model([rgb, audio], 0.5, training=True)
        loss = paddle.mean(paddle.sum(F.binary_cross_entropy_with_logits(logits, y, reduction="none"), axis=1))
        loss.backward()
        optimizer.step()
        optimizer.clear_grad()
        return float(loss)

    return median_ms(step, repeats)


def paddle_lstm(batch, frames, repeats, rng):
    head = AttentionLstmHead([1024, 128], 512, 1024, [8192, 4096], CLASSES)
    head.train()
    for name in ("fc_out1", "fc_out2", "fc_logit"):
        getattr(head, name).bias.regularizer = L2Decay(0.0)
    optimizer = paddle.optimizer.RMSProp(2.5e-4, rho=0.95, epsilon=1e-6, momentum=0.0, centered=True,
                                         parameters=head.parameters(), weight_decay=L2Decay(4e-4))
    rgb = [rng.uniform(-2, 2, (frames, 1024)).astype("float32") for _ in range(batch)]
    audio = [rng.uniform(-2, 2, (frames, 128)).astype("float32") for _ in range(batch)]
    inputs = [tuple(paddle.to_tensor(a) for a in pad(rgb, 1024)), tuple(paddle.to_tensor(a) for a in pad(audio, 128))]
    y = labels(rng, batch)

    def step():
        loss = F.binary_cross_entropy_with_logits(head(inputs), y, reduction="sum")
        loss.backward()
        optimizer.step()
        optimizer.clear_grad()
        return float(loss)

    return median_ms(step, repeats)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    paddle.set_device("cpu")
    rng = np.random.default_rng(0)
    binary = os.path.join(ROOT, ".build", "release", "bench-training")
    for model, batch, frames, paddle_fn in (("attention_cluster", 64, 100, paddle_cluster),
                                            ("attention_lstm", 8, 300, paddle_lstm)):
        out = subprocess.run([binary, model, "--batch", str(batch), "--frames", str(frames),
                              "--threads", str(args.threads), "--repeats", str(args.repeats)],
                             check=True, capture_output=True, text=True)
        vigil = json.loads(out.stdout)
        paddle_ms = paddle_fn(batch, frames, args.repeats, rng)
        print(json.dumps({
            "model": model, "batch": batch, "frames": frames, "threads": args.threads, "kernel": vigil["kernel"],
            "vigil_ms": round(vigil["median_ms"], 1), "paddle_ms": round(paddle_ms, 1),
            "ratio": round(vigil["median_ms"] / paddle_ms, 3), "paddle_version": paddle.__version__,
        }), flush=True)


if __name__ == "__main__":
    main()
