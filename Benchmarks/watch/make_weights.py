#!/usr/bin/python3
"""Writes a random-weight AttentionCluster with the published sizes (rgb 1024 + audio 128, 32 clusters each,
fc1 1024, fc2 4096, 3862 classes; about 232 MB) as .safetensors, for the watch benchmarks.

  /usr/bin/python3 Benchmarks/watch/make_weights.py OUT.safetensors [--classes K]
Needs numpy (Debian's python3-numpy)."""
import argparse
import json
import struct

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--classes", type=int, default=3862)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    dims, clusters, fc1, fc2 = [1024, 128], [32, 32], 1024, 4096
    tensors = {}
    for i, (f, c) in enumerate(zip(dims, clusters)):
        tensors[f"satt{i}.conv.weight"] = rng.normal(0, 0.02, (c, f, 1, 1))
        tensors[f"satt{i}.conv.bias"] = np.zeros(c)
        tensors[f"satt{i}.shift_w"] = np.ones(c)
        tensors[f"satt{i}.shift_b"] = np.zeros(c)
    z = sum(f * c for f, c in zip(dims, clusters))
    for name, shape in [("fc1", (z, fc1)), ("fc2", (fc1, fc2)), ("logistic", (fc2, args.classes))]:
        tensors[f"{name}.weights"] = rng.normal(0, (2.0 / shape[0]) ** 0.5, shape)
        tensors[f"{name}.bias"] = np.zeros(shape[1])
    header, blobs, offset = {}, [], 0
    for name, value in tensors.items():
        data = value.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    if len(text) & 0xFF == 0x80:  # a first byte of 0x80 reads as a pickle
        text += b" " * 8
    with open(args.out, "wb") as out:
        out.write(struct.pack("<Q", len(text)) + text)
        for blob in blobs:
            out.write(blob)


if __name__ == "__main__":
    main()
