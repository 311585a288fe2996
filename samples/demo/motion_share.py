#!/usr/bin/env python3
"""How concentrated the built-in rgb descriptor's motion block is, per kind of demo clip (docs/demo-model.md).

Usage: motion_share.py TSV FEATURES_DIR [TSV FEATURES_DIR ...]
Each TSV is a `<split>.labels.tsv` and FEATURES_DIR the folder of its clips' safetensors (`vigil extract`, built-in
rgb at 1024 values as before issue 17's figures: motion block = values 768-1023, one per cell of a 16x16 grid;
the figures replaced values 992-1023, so run it on features of a vigil from before them). For every clip: the largest
motion-block RMS over its rows, and, over the rows whose RMS passes 0.2, the largest share of the block's L1 norm
held by its 16 largest cells. Prints the medians per kind of clip (one label only, or quiet with or without sway).
Standard library only.
"""
import array
import json
import statistics
import struct
import sys


def rgb_rows(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    start, end = header["rgb"]["data_offsets"]
    values = array.array("f")
    values.frombytes(data[8 + length + start:8 + length + end])
    rows, width = header["rgb"]["shape"]
    return [values[t * width:(t + 1) * width] for t in range(rows)]


def kind(labels, families):
    if labels == {"motion"}:
        return "motion only"
    if labels == {"camera_tamper"}:
        return "tamper only: " + ",".join(sorted(f for f in families if f.startswith("tamper/")))
    if labels == {"lighting_change"}:
        return "light only"
    if not labels:
        return "quiet, sway" if "distractor/sway" in families else "quiet, still"
    return None


def main():
    args = sys.argv[1:]
    found = {}
    for tsv, folder in zip(args[0::2], args[1::2]):
        with open(tsv) as f:
            for line in f:
                fields = line.rstrip("\n").split("\t")
                name = kind({x for x in fields[1].split(",") if x}, set(fields[3].split(",")))
                if name is None:
                    continue
                peak_rms, peak_share = 0.0, 0.0
                for row in rgb_rows("%s/%s.safetensors" % (folder, fields[0].rsplit(".", 1)[0]))[1:]:
                    cells = [abs(v) for v in row[768:1024]]
                    rms = (sum(v * v for v in cells) / len(cells)) ** 0.5
                    peak_rms = max(peak_rms, rms)
                    if rms > 0.2 and sum(cells) > 0:
                        peak_share = max(peak_share, sum(sorted(cells, reverse=True)[:16]) / sum(cells))
                found.setdefault(name, []).append((peak_rms, peak_share))
    for name in sorted(found):
        clips = found[name]
        print("%-40s %3d clips  motion RMS %.3f  top-16 share %.3f" % (
            name, len(clips), statistics.median(c[0] for c in clips), statistics.median(c[1] for c in clips)))


if __name__ == "__main__":
    main()
