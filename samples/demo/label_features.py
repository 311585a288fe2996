#!/usr/bin/python3
"""Puts each demo clip's labels into its PaddleVideo .pkl record and prints the training list (one path a line).

Usage: label_features.py CLIPS/<split>.labels.tsv LABEL_NAMES.txt FEATURES_DIR > <split>.list
`vigil extract` writes one per-video dict per .pkl with an empty label list; this sets `label` to the sorted class
indices (PaddleVideo's convention), keeping the key type (str or bytes) the file already uses. Needs numpy (Debian's
python3-numpy) because the records hold numpy arrays.
"""
import os
import pickle
import sys


def main():
    tsv, names_path, features = sys.argv[1:4]
    with open(names_path) as f:
        index = {name.strip(): i for i, name in enumerate(f) if name.strip()}
    with open(tsv) as f:
        for line in f:
            rel, labels = line.rstrip("\n").split("\t")[:2]
            path = os.path.abspath(os.path.join(features, os.path.splitext(rel)[0] + ".pkl"))
            with open(path, "rb") as record_file:
                record = pickle.load(record_file, encoding="latin1")
            key = b"label" if any(isinstance(k, bytes) for k in record) else "label"
            record[key] = sorted(index[name] for name in labels.split(",") if name)
            with open(path, "wb") as record_file:
                pickle.dump(record, record_file, protocol=2)
            print(path)


if __name__ == "__main__":
    main()
