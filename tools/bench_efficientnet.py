#!/usr/bin/env python3
"""EfficientNet-Lite0 at 224×224, side by side in one run: Vigil (release bench-efficientnet), PyTorch CPU (eager) and
ONNX Runtime CPU on the same weights, per-frame time on 1 thread (batch 1) and throughput on 2 threads (batch 8).

Uses the venv of tools/make_efficientnet_fixtures.py (torch, efficientnet-lite-pytorch) plus onnxruntime and onnx.
Usage: swift build -c release --product bench-efficientnet && python3 tools/bench_efficientnet.py [--venv DIR]
       [--baseline BIN]
Prints a Markdown table for docs/benchmarks.md (median ms per frame of 5 repeats of 32 frames). --baseline runs another
build's bench-efficientnet (e.g. main's, /work/main/.build/release/bench-efficientnet) alternated with this one, twice
each per setting, and adds its columns (each binary's figure is then the better of its two runs).
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_efficientnet_fixtures as fixtures  # noqa: E402

FRAMES, REPEATS = 32, 5
SETTINGS = [(1, 1), (2, 8)]  # (threads, batch)


def median_ms_per_frame(run, batch):
    import numpy as np
    x = np.random.default_rng(16).uniform(-1, 1, (FRAMES, 3, 224, 224)).astype(np.float32)
    run(x[:batch])  # warm up
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for i in range(0, FRAMES, batch):
            run(x[i:i + batch])
        times.append((time.perf_counter() - start) * 1000 / FRAMES)
    return sorted(times)[len(times) // 2]


def vigil_ms(bench, threads, batch):
    out = subprocess.run([bench, fixtures.WEIGHTS, "--threads", str(threads), "--batch", str(batch),
                          "--frames", str(FRAMES), "--repeats", str(REPEATS)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["ms_per_frame"]


def main():
    fixtures.ensure_venv()
    baseline = sys.argv[sys.argv.index("--baseline") + 1] if "--baseline" in sys.argv else None
    import onnxruntime
    import torch
    from efficientnet_lite_pytorch import EfficientNet
    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(torch.load(fixtures.WEIGHTS, map_location="cpu"))
    model.eval()
    onnx_path = "/tmp/vigil-efficientnet-lite0.onnx"
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), onnx_path, input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "n"}}, dynamo=False)
    bench = os.path.join(fixtures.ROOT, ".build", "release", "bench-efficientnet")
    rows = []
    for threads, batch in SETTINGS:
        torch.set_num_threads(threads)
        with torch.no_grad():
            eager = median_ms_per_frame(lambda x: model(torch.from_numpy(x)), batch)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        session = onnxruntime.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
        ort = median_ms_per_frame(lambda x: session.run(None, {"x": x}), batch)
        if baseline:
            runs = [(vigil_ms(bench, threads, batch), vigil_ms(baseline, threads, batch)) for _ in range(2)]
            vigil, base = min(r[0] for r in runs), min(r[1] for r in runs)
        else:
            vigil, base = vigil_ms(bench, threads, batch), None
        rows.append((threads, batch, vigil, eager, ort, base))
    print(f"torch {torch.__version__}, onnxruntime {onnxruntime.__version__}, {FRAMES} frames × {REPEATS} repeats, median")
    extra = " baseline ms/frame | baseline / ORT |" if baseline else ""
    print("| threads | batch | Vigil ms/frame | PyTorch eager ms/frame | ONNX Runtime ms/frame | Vigil / PyTorch | Vigil / ORT |"
          + extra)
    print("|---|---|---|---|---|---|---|" + ("---|---|" if baseline else ""))
    for threads, batch, vigil, eager, ort, base in rows:
        tail = f" {base:.2f} | {base / ort:.2f}× |" if base else ""
        print(f"| {threads} | {batch} | {vigil:.2f} | {eager:.2f} | {ort:.2f} | {vigil / eager:.2f}× | {vigil / ort:.2f}× |"
              + tail)


if __name__ == "__main__":
    main()
