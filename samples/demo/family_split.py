#!/usr/bin/env python3
"""Splits the demo's training clips by family, so that choosing the number of epochs is judged on kinds of events
the training never saw (docs/demo-model.md, "Choosing the epochs").

Usage: family_split.py CONFIG.json OUT_TRAIN.list OUT_VALID.list TSV LIST [TSV LIST ...]
Each TSV is a `<split>.labels.tsv` (families in column 4) and LIST the data list label_features.py printed for it
(the same clips, in the same order). A clip goes to OUT_VALID when it has any of CONFIG's `validation_families`,
else to OUT_TRAIN. Prints one line on stderr: the clip counts and each validation family's clips.
Standard library only.
"""
import json
import sys


def main():
    config, out_train, out_valid = sys.argv[1:4]
    with open(config) as f:
        held = set(json.load(f)["validation_families"])
    train, valid, counts = [], [], {name: 0 for name in sorted(held)}
    pairs = sys.argv[4:]
    for tsv, listing in zip(pairs[0::2], pairs[1::2]):
        with open(tsv) as f:
            rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
        with open(listing) as f:
            paths = [line.strip() for line in f if line.strip()]
        if len(rows) != len(paths):
            sys.exit(f"family_split.py: {tsv} has {len(rows)} clips but {listing} {len(paths)}")
        for fields, path in zip(rows, paths):
            families = set(fields[3].split(",")) if len(fields) > 3 else set()
            hit = families & held
            for name in hit:
                counts[name] += 1
            (valid if hit else train).append(path)
    for name, paths in ((out_train, train), (out_valid, valid)):
        with open(name, "w") as f:
            f.writelines(p + "\n" for p in paths)
    print(f"family_split: {len(train)} training clips, {len(valid)} validation clips "
          + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
