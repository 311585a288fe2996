#!/usr/bin/python3
"""Writes full-size AttentionCluster weights (PaddleCV names, 57.8M parameters, 3862 classes) with seeded random
values as a Vigil .safetensors file, for the classify benchmark (tools/bench_features.sh). Needs numpy only.

Usage: make_random_cluster_weights.py OUT.safetensors [SEED] [--small] [--dims 1280[,128]]
--small: 4 clusters per modality, fc 16 -> 8, 5 classes (for the CLI tests).
--dims: the modalities' feature dimensions (default 1024,128; 1280 for an rgb-only model on efficientnet-lite0
features, whose pipeline then says feature_dims: [1280] and cluster_nums: [32]).
"""
import json
import struct
import sys

import numpy as np


def main():
    argv = sys.argv[1:]
    dims = [1024, 128]
    if "--dims" in argv:
        at = argv.index("--dims")
        dims = [int(d) for d in argv[at + 1].split(",")]
        del argv[at:at + 2]
    args = [a for a in argv if a != "--small"]
    out, seed = args[0], int(args[1]) if len(args) > 1 else 7
    clusters, fc1, fc2, classes = (4, 16, 8, 5) if "--small" in sys.argv else (32, 1024, 4096, 3862)
    rng = np.random.default_rng(seed)
    shapes = {}
    for i, features in enumerate(dims):
        shapes[f"satt{i}.conv.weight"] = [clusters, features, 1, 1]
        for name in ["conv.bias", "shift_w", "shift_b"]:
            shapes[f"satt{i}.{name}"] = [clusters]
    shapes.update({"fc1.weights": [clusters * sum(dims), fc1], "fc1.bias": [fc1], "fc2.weights": [fc1, fc2],
                   "fc2.bias": [fc2], "logistic.weights": [fc2, classes], "logistic.bias": [classes]})
    header, blobs, offset = {}, [], 0
    for name, shape in shapes.items():
        fan_in = shape[1] if len(shape) > 1 else shape[0]
        data = (rng.standard_normal(shape) * np.sqrt(1.0 / fan_in)).astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"model_type": "attention_cluster", "format": "vigil-weights"}
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for blob in blobs:
            f.write(blob)


if __name__ == "__main__":
    main()
