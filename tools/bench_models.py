#!/usr/bin/env python3
"""Full-size model inference: Vigil (release build of Benchmarks/models) vs PaddlePaddle 3.3.1 CPU, same run.

One video (300 frames for AttentionLSTM, 100 sampled frames for AttentionCluster), random weights, 2 threads.
Prints a JSON line per model with both medians, the ratio Vigil/Paddle and Vigil's peak RSS over the weight bytes.

With --videos N (AttentionLSTM only) it times whole `vigil predict` processes over N one-video feature pickles of
--frames frames (--batch-size 1 and the default batch) against Paddle's model-only time for the same N videos, both
as one padded batch and one video at a time, and prints one JSON line.

With --end-to-end it also saves the Paddle model (.pdparams), converts it to .safetensors with `vigil convert`, and
times `vigil predict` on a one-video feature pickle from each file, with its peak RSS (/usr/bin/time).

Run: swift build -c release --product bench-models --product vigil
     OMP_NUM_THREADS=2 /work/paddle-venv/bin/python tools/bench_models.py [--threads 2] [--repeats 5] [--end-to-end]
     OMP_NUM_THREADS=2 paddle-venv/bin/python tools/bench_models.py --videos 8 [--frames 300] [--repeats 3]
     (prints the JSON line on stdout and a readable summary on stderr: CPU model, load average, wall and CPU ratios,
     peak RSS over the weights' float bytes, and how long the benchmark took)
"""
import argparse
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
import paddle

sys.path.insert(0, os.path.dirname(__file__))
from make_parity_fixtures import AttentionCluster, AttentionLstmHead, pad  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))


def median_ms(fn, repeats, clock=time.perf_counter):
    """Milliseconds of `fn` by `clock` (wall; time.process_time for CPU), median of `repeats` after a warm-up."""
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append((clock() - start) * 1000)
    return sorted(times)[len(times) // 2]


def end_to_end(weights, features, extra):
    """`vigil predict` on feature files from a full-size weight file: wall seconds and peak RSS (/usr/bin/time)."""
    seconds, _, peak = predict_cpu(weights, features if isinstance(features, list) else [features], extra)
    return seconds, peak


def save_full_size(layer, state_dict, directory, frames, rng):
    """The model's weights as a .pdparams and one video as a PaddleVideo feature pickle (uint8, as YouTube-8M)."""
    weights = os.path.join(directory, "weights.pdparams")
    paddle.save(state_dict, weights)
    video = {"video": b"bench", "feature": rng.integers(0, 256, (frames, 1024), dtype=np.uint8),
             "audio": rng.integers(0, 256, (frames, 128), dtype=np.uint8), "label": [0], "nframes": np.int32(frames)}
    features = os.path.join(directory, "video.pkl")
    with open(features, "wb") as f:
        pickle.dump(video, f, protocol=2)
    return weights, features


def paddle_lstm(frames, repeats, rng, directory=None):
    head = AttentionLstmHead([1024, 128], 512, 1024, [8192, 4096], 3862)
    head.eval()
    files = save_full_size(head, {"head." + k: v for k, v in head.state_dict().items()}, directory, frames, rng) if directory else None
    rgb = [rng.uniform(-2, 2, (frames, 1024)).astype("float32")]
    audio = [rng.uniform(-2, 2, (frames, 128)).astype("float32")]
    inputs = [tuple(paddle.to_tensor(a) for a in pad(rgb, 1024)), tuple(paddle.to_tensor(a) for a in pad(audio, 128))]
    with paddle.no_grad():
        return median_ms(lambda: head(inputs).numpy(), repeats), files


def paddle_cluster(frames, repeats, rng, directory=None):
    model = AttentionCluster([1024, 128], [32, 32], [1024, 4096], 3862)
    model.eval()
    files = save_full_size(model, {k: p.numpy() for k, p in model.params.items()}, directory, frames, rng) if directory else None
    rgb = paddle.to_tensor(rng.uniform(-2, 2, (1, frames, 1024)).astype("float32"))
    audio = paddle.to_tensor(rng.uniform(-2, 2, (1, frames, 128)).astype("float32"))
    with paddle.no_grad():
        return median_ms(lambda: model([rgb, audio], 0.5, training=False).numpy(), repeats), files


def predict_cpu(weights, features, extra):
    """`vigil predict`: wall seconds, CPU seconds (user + sys) and peak RSS bytes (/usr/bin/time)."""
    vigil = os.path.join(ROOT, ".build", "release", "vigil")
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", vigil, "predict", "--weights", weights, *extra, *features],
                         check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak, user, system = out.stderr.strip().splitlines()[-1].split()
    return seconds, float(user) + float(system), int(peak) * 1024


def cpu_model():
    """lscpu's model name (the figures mean little without it), or the platform's processor string."""
    try:
        out = subprocess.run(["lscpu"], check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor()


def many_videos(videos, frames, threads, repeats, rng):
    """N videos × T frames: whole `vigil predict` processes (batch 1 and the default) vs Paddle model-only."""
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    head = AttentionLstmHead([1024, 128], 512, 1024, [8192, 4096], 3862)
    head.eval()
    weight_bytes = sum(int(np.prod(p.shape)) * 4 for p in head.parameters())  # each tensor once (no LSTM aliases)
    rgb = [rng.uniform(-2, 2, (frames, 1024)).astype("float32") for _ in range(videos)]
    audio = [rng.uniform(-2, 2, (frames, 128)).astype("float32") for _ in range(videos)]
    batched = [tuple(paddle.to_tensor(a) for a in pad(rgb, 1024)), tuple(paddle.to_tensor(a) for a in pad(audio, 128))]
    singles = [[tuple(paddle.to_tensor(a) for a in pad([r], 1024)), tuple(paddle.to_tensor(a) for a in pad([a], 128))]
               for r, a in zip(rgb, audio)]
    with paddle.no_grad():
        paddle_batch_ms = median_ms(lambda: head(batched).numpy(), repeats)
        paddle_single_ms = median_ms(lambda: [head(x).numpy() for x in singles], repeats)
        paddle_batch_cpu_ms = median_ms(lambda: head(batched).numpy(), repeats, time.process_time)
    with tempfile.TemporaryDirectory() as directory:
        weights = os.path.join(directory, "weights.pdparams")
        paddle.save({"head." + k: v for k, v in head.state_dict().items()}, weights)
        files = []
        for v in range(videos):
            video = {"video": f"bench{v}".encode(), "feature": rng.integers(0, 256, (frames, 1024), dtype=np.uint8),
                     "audio": rng.integers(0, 256, (frames, 128), dtype=np.uint8), "label": [0], "nframes": np.int32(frames)}
            files.append(os.path.join(directory, f"video{v}.pkl"))
            with open(files[-1], "wb") as f:
                pickle.dump(video, f, protocol=2)
        result = {"model": "attention_lstm", "videos": videos, "frames": frames, "threads": threads, "cpu": cpu_model(),
                  "paddle_batch_ms": round(paddle_batch_ms, 1), "paddle_one_at_a_time_ms": round(paddle_single_ms, 1),
                  "paddle_batch_cpu_ms": round(paddle_batch_cpu_ms, 1), "load_average": os.getloadavg()[0]}
        for label, extra in (("batch_1", ["--batch-size", "1"]), ("batch_default", [])):
            runs = [predict_cpu(weights, files, extra) for _ in range(repeats)]  # the default policy: a core per branch
            seconds = sorted(r[0] for r in runs)[len(runs) // 2]
            cpu = sorted(r[1] for r in runs)[len(runs) // 2]
            result[f"predict_{label}_s"] = round(seconds, 2)
            result[f"predict_{label}_cpu_s"] = round(cpu, 2)
            result[f"predict_{label}_peak_mb"] = round(max(r[2] for r in runs) / 2**20, 1)
            result[f"predict_{label}_peak_over_weights"] = round(max(r[2] for r in runs) / weight_bytes, 3)
            result[f"cpu_ratio_{label}_vs_paddle_batch"] = round(cpu * 1000 / paddle_batch_cpu_ms, 3)
            result[f"ratio_{label}_vs_paddle_batch"] = round(seconds * 1000 / paddle_batch_ms, 3)
            result[f"ratio_{label}_vs_paddle_one_at_a_time"] = round(seconds * 1000 / paddle_single_ms, 3)
        result["weight_mb"] = round(weight_bytes / 2**20, 1)
        result["pdparams_mb"] = round(os.path.getsize(weights) / 2**20, 1)
        result["paddle_version"] = paddle.__version__
        result["load_average_before_after"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        result["benchmark_s"] = round(time.perf_counter() - started, 1)
        print(json.dumps(result))
        summary = [f"{result['cpu']}, {threads} threads, load average {load_before:.1f} → {os.getloadavg()[0]:.1f}",
                   f"Paddle {paddle.__version__} model only, one batch of {videos} × {frames}: "
                   f"{paddle_batch_ms / 1000:.2f} s wall, {paddle_batch_cpu_ms / 1000:.2f} s CPU"]
        for label, name in (("batch_default", "vigil predict (batch 8)"), ("batch_1", "vigil predict --batch-size 1")):
            summary.append(
                f"{name}, whole process: {result[f'predict_{label}_s']:.2f} s wall "
                f"({result[f'ratio_{label}_vs_paddle_batch']:.3f}× Paddle), {result[f'predict_{label}_cpu_s']:.2f} s CPU "
                f"({result[f'cpu_ratio_{label}_vs_paddle_batch']:.3f}× Paddle), peak {result[f'predict_{label}_peak_mb']:.0f} MB "
                f"= {result[f'predict_{label}_peak_over_weights']:.2f}× the weights ({result['weight_mb']:.0f} MB)")
        summary.append(f"benchmark took {result['benchmark_s']:.0f} s")
        print("\n".join(summary), file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--end-to-end", action="store_true", help="also time `vigil predict` from full-size files")
    parser.add_argument("--videos", type=int, help="AttentionLSTM: N videos, whole `vigil predict` vs Paddle")
    parser.add_argument("--frames", type=int, default=300, help="frames per video with --videos")
    parser.add_argument("--policy", choices=["threads", "default"], default="threads",
                        help="Vigil's side: 'threads' hands --threads to OpenBLAS with AttentionLSTM's branches in turn "
                             "(the documented figures); 'default' is vigil's own ComputePolicy (one OpenBLAS thread, "
                             "the branches on their own threads)")
    args = parser.parse_args()
    paddle.set_device("cpu")
    rng = np.random.default_rng(0)
    if args.videos:
        return many_videos(args.videos, args.frames, args.threads, args.repeats, rng)
    binary = os.path.join(ROOT, ".build", "release", "bench-models")
    for model, frames, paddle_fn in (("attention_lstm", 300, paddle_lstm), ("attention_cluster", 100, paddle_cluster)):
        policy = (["--threads", str(args.threads)] if args.policy == "threads"
                  else ["--threads", "1", "--concurrent-branches", "1"])
        out = subprocess.run([binary, model, "--frames", str(frames), *policy,
                              "--repeats", str(args.repeats)], check=True, capture_output=True, text=True)
        vigil = json.loads(out.stdout)
        with tempfile.TemporaryDirectory() as directory:
            paddle_ms, files = paddle_fn(frames, args.repeats, rng, directory if args.end_to_end else None)
            predict = {}
            if files:
                extra = (["--threads", str(args.threads)] if args.policy == "threads" else []) + (["--seg-num", str(frames)] if model == "attention_cluster" else [])
                for label, weights in (("pdparams", files[0]),):
                    seconds, peak = end_to_end(weights, files[1], extra)
                    predict[f"predict_{label}_s"] = round(seconds, 2)
                    predict[f"predict_{label}_peak_mb"] = round(peak / 2**20, 1)
                converted = os.path.join(directory, "weights.safetensors")
                subprocess.run([os.path.join(ROOT, ".build", "release", "vigil"), "convert", files[0], "-o", converted], check=True)
                seconds, peak = end_to_end(converted, files[1], extra)
                predict["predict_safetensors_s"] = round(seconds, 2)
                predict["predict_safetensors_peak_mb"] = round(peak / 2**20, 1)
        print(json.dumps({
            "model": model, "frames": frames, "threads": args.threads, "policy": args.policy, "kernel": vigil["kernel"],
            "vigil_ms": round(vigil["median_ms"], 1), "paddle_ms": round(paddle_ms, 1),
            "ratio": round(vigil["median_ms"] / paddle_ms, 3),
            "parameters": vigil["parameters"], "weight_mb": round(vigil["weight_bytes"] / 2**20, 1),
            "peak_rss_mb": round(vigil["peak_rss_bytes"] / 2**20, 1),
            "peak_over_weights": round(vigil["peak_rss_bytes"] / vigil["weight_bytes"], 3),
            **predict,
            "paddle_version": paddle.__version__,
        }))


if __name__ == "__main__":
    main()
