#!/usr/bin/env python3
"""Cross-modal mixing of the demo's training features: the picture of one clip with the sound of another
(docs/demo-model.md, "Mixing picture and sound").

Usage: mix_modalities.py SEED COPIES LABEL_NAMES.txt OUT_DIR IN.list > OUT.list
IN.list holds labelled feature files (label_features.py). For each of COPIES rounds every clip A is paired with
another clip B of the same number of rows, and OUT_DIR/<round>/<A>+<B>.safetensors gets A's `rgb` and
`timestamps` rows and B's `audio` rows (both cut to the shorter, should the counts ever differ), labelled with A's
labels other than `loud_sound` and B's `loud_sound` if it has it: `loud_sound` is heard, the other labels are seen.
Clips are paired inside groups of equal row count, so no event is cut off; each group is shuffled with
random.Random("<SEED>/mix/<round>/<rows>") and paired with itself rotated by one place (no clip with itself;
a group of one clip is left out), so the pairs depend only on the seed, the round and IN.list.
Prints IN.list's paths, then the mixed files' paths. Standard library only.
"""
import json
import os
import random
import struct
import sys


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        tensors[name] = (info["dtype"], info["shape"], body[start:end])
    return header.get("__metadata__", {}), tensors


def rows(tensor, count):
    dtype, shape, raw = tensor
    width = len(raw) // shape[0] if shape[0] else 0
    return dtype, [count] + shape[1:], raw[:count * width]


def write(path, metadata, tensors):
    header, body, offset = {"__metadata__": metadata}, b"", 0
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        body += raw
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + body)
    os.replace(temporary, path)


def main():
    seed, copies, names_path, out_dir, listing = sys.argv[1:6]
    with open(names_path) as f:
        names = [line.strip() for line in f if line.strip()]
    loud = names.index("loud_sound")
    with open(listing) as f:
        paths = [line.strip() for line in f if line.strip()]
    clips = {}
    for path in paths:
        metadata, tensors = read(path)
        clips[path] = (metadata, tensors, set(json.loads(metadata.get("labels", "[]"))))
    groups = {}
    for path in paths:
        groups.setdefault(clips[path][1]["rgb"][1][0], []).append(path)
    for path in paths:
        print(path)
    for copy in range(int(copies)):
        folder = os.path.join(out_dir, str(copy))
        os.makedirs(folder, exist_ok=True)
        for count in sorted(groups):
            group = list(groups[count])
            if len(group) < 2:
                continue
            random.Random(f"{seed}/mix/{copy}/{count}").shuffle(group)
            for a, b in zip(group, group[1:] + group[:1]):
                meta_a, tensors_a, labels_a = clips[a]
                meta_b, tensors_b, labels_b = clips[b]
                n = min(tensors_a["rgb"][1][0], tensors_b["audio"][1][0])
                labels = sorted((labels_a - {loud}) | (labels_b & {loud}))
                name = "%s+%s" % (meta_a.get("id", os.path.basename(a)), meta_b.get("id", os.path.basename(b)))
                mixed = {"rgb": rows(tensors_a["rgb"], n), "audio": rows(tensors_b["audio"], n)}
                if "timestamps" in tensors_a:
                    mixed["timestamps"] = rows(tensors_a["timestamps"], n)
                out = os.path.abspath(os.path.join(folder, name + ".safetensors"))
                write(out, {"format": meta_a.get("format", "vigil-features"), "id": name,
                            "labels": json.dumps(labels, separators=(",", ":"))}, mixed)
                print(out)


if __name__ == "__main__":
    main()
