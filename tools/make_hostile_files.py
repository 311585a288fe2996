#!/usr/bin/env python3
"""Writes small crafted inputs, one per class of hostile file in docs/robustness.md ("Hostile files"), into a folder.

    tools/make_hostile_files.py DIR            # writes the files and DIR/manifest.json

Python 3 standard library only; deterministic. Each file is a few kB to a few MB; what it asks of a reader that
counts wrongly is in the manifest (`asks`). Tests/VigilCLITests/HostileInputCLITests.swift runs vigil on each under
`ulimit -v` and a time limit and expects the exit status in the manifest.
"""
import json
import os
import struct
import sys


def short_unicode(text):
    raw = text.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


def binint(n):
    return b"J" + struct.pack("<i", n) if -(1 << 31) <= n < (1 << 31) else b"\x8a\x08" + struct.pack("<q", n)


def array_pickle(shape, payload, fortran=False):
    """A numpy array the way numpy pickles it (protocol 2): _reconstruct, then BUILD with (shape, dtype, fortran, data)."""
    out = b"cnumpy.core.multiarray\n_reconstruct\n" + b"cnumpy\nndarray\n"
    out += binint(0) + b"\x85" + b"C\x01b" + b"\x87R"
    out += b"(" + b"(" + b"".join(binint(d) for d in shape) + b"t"
    out += b"cnumpy\ndtype\n" + short_unicode("f4") + b"\x89\x88\x87R"
    out += (b"\x88" if fortran else b"\x89")
    out += b"B" + struct.pack("<I", len(payload)) + payload + b"tb"
    return out


def shared_array_in_dicts(array_bytes, uses):
    """One [frames, 1024] float32 array, memoised, as the `feature` of `uses` videos: each video's record copies
    it (the issue's 7.5 MB feature pickle that asked for 384 GB)."""
    frames = array_bytes // 4096
    out = b"\x80\x02" + array_pickle([frames, 1024], bytes(frames * 4096)) + b"q\x00" + b"0"
    out += b"](" + (b"}" + short_unicode("feature") + b"h\x00s") * uses + b"e."
    return out, uses * frames * 4096


def huge_empty_rows(rows):
    """One video whose rgb and audio arrays claim `rows` rows of width 0 (no bytes): a sampler that multiplies the
    row count traps unless the widths are checked first (issue 18)."""
    video = b"}(" + short_unicode("feature") + array_pickle([rows, 0], b"")
    video += short_unicode("audio") + array_pickle([rows, 0], b"") + b"u"
    return b"\x80\x02]" + video + b"a."


def nested(kind, depth):
    """`depth` containers of one kind, each inside the next (70 000 tuples freed recursively overflowed the stack).
    Each level after the first opcode wraps the top of the stack: store it in memo 1, pop it, open a MARK, push it
    back (and for a dict a key before it), and close the container."""
    if kind == "tuple1":
        return b"\x80\x02N" + b"\x85" * depth + b"."
    wrap = {"tuple": b"(h\x01t", "list": b"(h\x01l", "dict": b"(K\x00h\x01d"}[kind]
    return b"\x80\x02N" + (b"q\x010" + wrap) * depth + b"."


def fortran_rank(rank):
    """A Fortran-ordered array of shape (2, 1, 1, …, 2): numpy allows 64 dimensions; this took 16 s at 300 kB."""
    shape = [2] + [1] * (rank - 2) + [2]
    return b"\x80\x02" + array_pickle(shape, bytes(16), fortran=True) + b"."


def safetensors(entries, duplicate=False):
    """A header of `entries` empty tensors (JSONSerialization needed 4 GB for 10^6); optionally one name twice."""
    parts = ['"t%07d":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}' % i for i in range(entries)]
    if duplicate:
        parts.append('"t0000000":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}')
    header = ("{" + ",".join(parts) + "}").encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + bytes(8)


def cameras_yaml(count, bad_last=True):
    """A pipeline file with `count` cameras and `count` per-label thresholds (each lookup was a linear scan: 20 000
    took 33 s). The last camera's fps is -1: it is read last, so the refusal shows the whole file was read."""
    lines = ["cameras:"]
    for i in range(count):
        lines.append(f"  cam{i:05d}: {{url: 'rtsp://127.0.0.1:1/{i}', fps: 2}}")
    if bad_last:
        lines.append("  last: {url: 'rtsp://127.0.0.1:1/x', fps: -1}")
    lines.append("watch:\n  events:\n    labels:")
    for i in range(count):
        lines.append(f"      label{i:05d}: {{on: 0.5}}")
    return ("\n".join(lines) + "\n").encode()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    manifest = []

    def put(name, data, command, status, reason, asks):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
        manifest.append({"file": name, "bytes": len(data), "command": command, "status": status,
                         "reason": reason, "asks": asks})

    data, asks = shared_array_in_dicts(1 << 20, 20_000)
    put("shared-array.pkl", data, "predict", 65, "one shared object is used many times", f"{asks} bytes")
    put("huge-empty-rows.pkl", huge_empty_rows(1 << 62), "predict", 65, "features have shape", "2^62 rows of width 0")
    for kind, depth in [("tuple1", 100_000), ("tuple", 10_000), ("list", 100_000), ("dict", 100_000)]:
        put(f"nested-{kind}.pdparams", nested(kind, depth), "convert", 65, "nested deeper than", f"{depth} levels")
    put("fortran-rank.pdparams", fortran_rank(100_000), "convert", 65, "numpy allows 64", "rank 100000")
    put("many-entries.safetensors", safetensors(200_000), "convert", 65, "neither AttentionLSTM", "200000 entries")
    put("duplicate-name.safetensors", safetensors(3, duplicate=True), "convert", 65, "appears twice", "a name twice")
    put("many-cameras.yaml", cameras_yaml(20_000), "watch", 64, "cameras.last.fps", "20000 cameras and labels")
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
