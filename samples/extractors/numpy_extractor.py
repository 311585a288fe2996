#!/usr/bin/python3
"""An example Vigil exec extractor in Python + numpy (protocol: docs/extractors.md).

frames (kind 1): a 32x32 grey thumbnail (BT.601 luma, mean of each cell, mapped to -1..1) = 1024 values.
audio  (kind 2): log(1 + mean |FFT|) over 128 equal slices of the window's spectrum = 128 values.
Replace `frame_features` / `audio_features` with any model (e.g. Inception-v3 + PCA for YouTube-8M features).

    vigil classify clip.mp4 --rgb-extractor "exec:/usr/bin/python3 samples/extractors/numpy_extractor.py"

--fault KIND:N misbehaves at item N, to test the host: crash (exit 3), hang (sleep), wrong-size (one value
short), bad-hello (a wrong magic instead of the hello answer; N ignored).
"""
import struct
import sys
import time

import numpy as np

MAGIC = b"VGLX"
VERSION = 1
FRAMES, AUDIO = 1, 2
GRID = 32
AUDIO_BANDS = 128


def frame_features(rgb):
    """rgb: uint8 [H, W, 3] -> float32 [1024]."""
    luma = rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114]) / 255.0
    h, w = luma.shape
    rows = [(r * h // GRID, (r + 1) * h // GRID) for r in range(GRID)]
    cols = [(c * w // GRID, (c + 1) * w // GRID) for c in range(GRID)]
    cells = [luma[r0:r1, c0:c1].mean() if r1 > r0 and c1 > c0 else 0.0 for r0, r1 in rows for c0, c1 in cols]
    return (np.array(cells) * 2 - 1).astype(np.float32)


def audio_features(samples):
    """samples: float32 [N] at 16 kHz mono -> float32 [128]."""
    if samples.size == 0:
        return np.zeros(AUDIO_BANDS, np.float32)
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return np.array([np.log1p(s.mean()) for s in np.array_split(spectrum, AUDIO_BANDS)], np.float32)


def read_exact(stream, n):
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def main():
    fault, fault_at = None, 0
    if len(sys.argv) == 3 and sys.argv[1] == "--fault":
        fault, _, n = sys.argv[2].partition(":")
        fault_at = int(n or 1)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    hello = read_exact(stdin, 32)
    if hello is None or hello[:4] != MAGIC:
        sys.exit("numpy_extractor: not a Vigil extractor hello")
    version, kind, width, height, _format, wanted, _ = struct.unpack("<7I", hello[4:])
    dimension = GRID * GRID if kind == FRAMES else AUDIO_BANDS
    if fault == "bad-hello":
        stdout.write(b"NOPE" + struct.pack("<2I", VERSION, dimension))
        stdout.flush()
        time.sleep(60)
    stdout.write(MAGIC + struct.pack("<2I", VERSION, dimension))
    stdout.flush()
    item = 0
    while True:
        header = read_exact(stdin, 16)
        if header is None:
            return  # Vigil closed our stdin: done
        size, _reserved, _pts = struct.unpack("<IId", header)
        payload = read_exact(stdin, size)
        if payload is None:
            sys.exit("numpy_extractor: input ended inside an item")
        item += 1
        if kind == FRAMES:
            vector = frame_features(np.frombuffer(payload, np.uint8).reshape(height, width, 3))
        else:
            vector = audio_features(np.frombuffer(payload, "<f4"))
        if fault and item == fault_at:
            if fault == "crash":
                sys.exit(3)
            if fault == "hang":
                time.sleep(3600)
            if fault == "wrong-size":
                vector = vector[:-1]
        stdout.write(struct.pack("<I", vector.size) + vector.astype("<f4").tobytes())
        stdout.flush()


if __name__ == "__main__":
    main()
