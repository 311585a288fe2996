#!/usr/bin/env python3
"""Puts each demo clip's labels into its feature file and prints the data list (one path a line).

Usage: label_features.py CLIPS/<split>.labels.tsv LABEL_NAMES.txt FEATURES_DIR > <split>.list
`vigil extract clip.mp4 -o clip.safetensors` writes Float32 features with an empty label list; this sets the
`__metadata__` key `labels` (a JSON array of class indices, as Formats reads it) in FEATURES_DIR/<clip>.safetensors,
rewriting only the JSON header (data offsets are relative to the data buffer, so the tensors stay as they are).
Standard library only.
"""
import json
import os
import struct
import sys


def set_labels(path, labels):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.setdefault("__metadata__", {})["labels"] = json.dumps(labels, separators=(",", ":"))
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data[8 + length:])


def main():
    tsv, names_path, features = sys.argv[1:4]
    with open(names_path) as f:
        index = {name.strip(): i for i, name in enumerate(f) if name.strip()}
    with open(tsv) as f:
        for line in f:
            rel, labels = line.rstrip("\n").split("\t")[:2]
            path = os.path.abspath(os.path.join(features, os.path.splitext(rel)[0] + ".safetensors"))
            set_labels(path, sorted(index[name] for name in labels.split(",") if name))
            print(path)


if __name__ == "__main__":
    main()
