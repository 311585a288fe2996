#!/usr/bin/env python3
"""The malformed-media corpus: makes it, runs vigil on every file, prints a table (docs/robustness.md).

    tools/make_bad_media.py make DIR [--sample]      write the corpus (or the small CI sample) and DIR/manifest.json
    tools/make_bad_media.py run DIR [--vigil BIN] [--timeout S] [--commands info,frames,...] [--json]
    tools/make_bad_media.py [--vigil BIN] [--sample]  make into a temp dir, run, print the table, delete the dir

Good clips are made with the ffmpeg CLI (lavfi sources); everything else is derived from them by truncation, bit
flips, patched header fields, or written by hand. Deterministic: the same seeds give the same bytes.

A run passes when vigil ends within the timeout, by an exit status (never a signal), with nothing but JSON lines on
stdout, and, on failure, exactly one stderr line `vigil: ...` naming the file. Python 3 standard library only.
"""
import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time

FFMPEG = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
VIDEO = "testsrc2=size=320x240:rate=10:duration=3"
AUDIO = "sine=frequency=440:sample_rate=44100:duration=3"
DOCUMENTED_EXITS = {0, 64, 65, 66, 69, 70, 74}

# The good clips: name -> ffmpeg output arguments (inputs: 0 = video, 1 = audio).
CLIPS = {
    "h264.mp4": ["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-bf", "2",
                 "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart"],
    "vp9.webm": ["-map", "0:v", "-map", "1:a", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                 "-g", "10", "-c:a", "libopus"],
    "mpeg4.avi": ["-map", "0:v", "-map", "1:a", "-c:v", "mpeg4", "-g", "10", "-bf", "2", "-c:a", "pcm_s16le"],
    "h264.ts": ["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-g", "10",
                "-pix_fmt", "yuv420p", "-c:a", "mp2", "-f", "mpegts"],
    "audio.m4a": ["-map", "1:a", "-c:a", "aac"],
    "raw.avi": ["-map", "0:v", "-c:v", "rawvideo", "-pix_fmt", "yuv420p", "-vf", "scale=32:24", "-frames:v", "4"],
}

# The CI sample: a fixed handful that covers each kind of damage (kept small so the Swift test stays fast).
SAMPLE = [
    "h264.mp4", "audio.m4a", "empty.mp4", "a-directory.mp4", "missing.mp4", "random-4096.mp4", "text.mp4",
    "h264.mp4.cut-32", "h264.mp4.cut-64", "h264.mp4.cut-50pct", "h264.ts.cut-50pct", "vp9.webm.cut-25pct",
    "mpeg4.avi.cut-90pct", "h264.mp4.flip-header-1", "h264.mp4.flip-packets-1", "vp9.webm.flip-packets-1",
    "mp4-zero-size.mp4", "mp4-timescale-zero.mp4", "avi-raw-huge-size.avi", "y4m-huge-size.y4m", "y4m-rate-zero.y4m",
    "mp4-no-streams.mp4", "ts-null-packets.ts", "h264-named.webm", "frames-1e6-seconds-apart.mkv",
    "fifo-endless-ts.ts", "dev-zero.mp4", "sparse-64g.mp4", "playlist-silent-server.m3u8", "ts-zeros-tail.ts",
    "playlist-fifo.m3u8", "playlist-self.m3u8", "list-fifo.ffconcat", "dash-fifo.mpd",
]

# A static MPEG-DASH manifest of one video representation (what `ffmpeg -f dash` writes, cut down).
DASH_MANIFEST = """<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="static"
     mediaPresentationDuration="PT4.0S" minBufferTime="PT2.0S">
  <Period id="0" start="PT0.0S">
    <AdaptationSet id="0" contentType="video" segmentAlignment="true">
      <Representation id="0" mimeType="video/mp4" codecs="avc1.64000c" bandwidth="100000" width="160" height="120">
        <SegmentTemplate timescale="10240" initialization="{init}" media="chunk-$Number%05d$.m4s" startNumber="1">
          <SegmentTimeline><S t="0" d="10240" r="3" /></SegmentTimeline>
        </SegmentTemplate>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
"""


def run_ffmpeg(arguments):
    subprocess.run(FFMPEG + arguments, check=True, stdin=subprocess.DEVNULL)


def make_clips(directory):
    """Writes every good clip; returns {name: bytes}."""
    clips = {}
    for name, output in CLIPS.items():
        path = os.path.join(directory, name)
        run_ffmpeg(["-f", "lavfi", "-i", VIDEO, "-f", "lavfi", "-i", AUDIO] + output + [path])
        with open(path, "rb") as handle:
            clips[name] = handle.read()
    return clips


# MARK: byte surgery

def flip_bits(data, start, end, count, seed):
    """`count` single-bit flips at seeded positions in data[start:end]."""
    rng = random.Random(seed)
    out = bytearray(data)
    end = max(start + 1, min(end, len(out)))
    for _ in range(count):
        position = rng.randrange(start, end)
        out[position] ^= 1 << rng.randrange(8)
    return bytes(out)


def mp4_atoms(data, start=0, end=None, path=()):
    """Yields (path, body offset, body size) for every atom, descending into the containers Vigil's inputs use."""
    containers = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"}
    end = len(data) if end is None else end
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        header = 8
        if size == 1 and offset + 16 <= end:
            size, header = struct.unpack(">Q", data[offset + 8:offset + 16])[0], 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            return
        here = path + (kind,)
        yield here, offset + header, size - header
        if kind in containers:
            yield from mp4_atoms(data, offset + header, offset + size, here)
        if kind == b"stsd":  # version/flags, entry count, then sample entries (avc1 holds width/height)
            yield from mp4_atoms(data, offset + header + 8, offset + size, here)
        offset += size


def mp4_patch(data, atom, field_offset, fmt, value, every=True):
    """Writes `value` (struct `fmt`) at `field_offset` into the body of each atom named `atom` (a 4-byte name)."""
    out = bytearray(data)
    for path, body, size in mp4_atoms(data):
        if path[-1] == atom and field_offset + struct.calcsize(fmt) <= size:
            struct.pack_into(fmt, out, body + field_offset, value)
            if not every:
                break
    return bytes(out)


def mp4_rename(data, atom, new):
    out = bytearray(data)
    for path, body, _ in mp4_atoms(data):
        if path[-1] == atom:
            out[body - 4:body] = new
    return bytes(out)


def riff_patch(data, chunk, field_offset, fmt, value):
    """Writes `value` into the first RIFF chunk named `chunk` (body starts 8 bytes after the id)."""
    out = bytearray(data)
    at = data.find(chunk)
    if at >= 0:
        struct.pack_into(fmt, out, at + 8 + field_offset, value)
    return bytes(out)


def replace_once(data, old, new):
    assert len(old) == len(new) and old in data, (old, new)
    return data.replace(old, new, 1)


def y4m(header, frames=3, width=16, height=16):
    frame = bytes(width * height * 3 // 2)
    return f"YUV4MPEG2 {header} Ip A1:1 C420jpeg\n".encode() + b"".join(b"FRAME\n" + frame for _ in range(frames))


# MARK: the corpus

def corpus_files(directory, clips):
    """Yields (name, bytes) for every regular file of the corpus."""
    for name, data in clips.items():
        size = len(data)
        cuts = [1, 4, 8, 16, 32, 64, 188, 512, 1024, 4096]
        for cut in cuts:
            if cut < size:
                yield f"{name}.cut-{cut}", data[:cut]
        for percent in (10, 25, 50, 75, 90, 99):
            yield f"{name}.cut-{percent}pct", data[:size * percent // 100]
        yield f"{name}.cut-last-byte", data[:-1]
        for seed in range(1, 4):
            yield f"{name}.flip-header-{seed}", flip_bits(data, 0, 2048, 8 * seed, seed)
            yield f"{name}.flip-packets-{seed}", flip_bits(data, size // 4, size, 40 * seed, 100 + seed)
        yield f"{name}.zeroed-middle", data[:size // 3] + bytes(size // 3) + data[2 * (size // 3):]
        yield f"{name}.shuffled-blocks", shuffled_blocks(data, 7)

    mp4 = clips["h264.mp4"]
    yield "mp4-zero-size.mp4", zero_size_mp4(mp4)
    yield "mp4-huge-size.mp4", mp4_patch(mp4_patch(mp4, b"avc1", 24, ">H", 65535), b"avc1", 26, ">H", 65535)
    yield "mp4-timescale-zero.mp4", mp4_patch(mp4_patch(mp4, b"mvhd", 12, ">I", 0), b"mdhd", 12, ">I", 0)
    yield "mp4-timescale-one.mp4", mp4_patch(mp4, b"mdhd", 12, ">I", 1)
    yield "mp4-timescale-max.mp4", mp4_patch(mp4, b"mdhd", 12, ">I", 0xFFFFFFFF)
    yield "mp4-duration-max.mp4", mp4_patch(mp4_patch(mp4, b"mvhd", 16, ">I", 0xFFFFFFFF), b"mdhd", 16, ">I", 0xFFFFFFFF)
    yield "mp4-sample-delta-zero.mp4", mp4_patch(mp4, b"stts", 12, ">I", 0)
    yield "mp4-sample-delta-max.mp4", mp4_patch(mp4, b"stts", 12, ">I", 0x7FFFFFFF)
    yield "mp4-sample-count-max.mp4", mp4_patch(mp4, b"stts", 8, ">I", 0xFFFFFFFF)
    yield "mp4-stsz-count-max.mp4", mp4_patch(mp4, b"stsz", 8, ">I", 0xFFFFFFFF)
    yield "mp4-no-streams.mp4", mp4_rename(mp4, b"trak", b"free")
    yield "mp4-no-moov.mp4", mp4_rename(mp4, b"moov", b"free")
    yield "mp4-mdat-only.mp4", mp4_rename(mp4_rename(mp4, b"moov", b"free"), b"ftyp", b"free")

    avi = clips["mpeg4.avi"]
    raw = clips["raw.avi"]
    yield "avi-raw-zero-size.avi", riff_fields(raw, [(b"strf", 4, "<i", 0), (b"strf", 8, "<i", 0),
                                                     (b"avih", 32, "<I", 0), (b"avih", 36, "<I", 0)])
    yield "avi-raw-huge-size.avi", riff_fields(raw, [(b"strf", 4, "<i", 65535), (b"strf", 8, "<i", 65535),
                                                     (b"avih", 32, "<I", 65535), (b"avih", 36, "<I", 65535)])
    yield "avi-raw-16000-square.avi", riff_fields(raw, [(b"strf", 4, "<i", 16000), (b"strf", 8, "<i", 16000),
                                                        (b"avih", 32, "<I", 16000), (b"avih", 36, "<I", 16000)])
    yield "avi-raw-negative-size.avi", riff_fields(raw, [(b"strf", 4, "<i", -32), (b"strf", 8, "<i", -2147483648)])
    yield "avi-rate-zero.avi", riff_fields(avi, [(b"strh", 20, "<I", 0), (b"strh", 24, "<I", 0), (b"avih", 0, "<I", 0)])
    yield "avi-rate-absurd.avi", riff_fields(avi, [(b"strh", 20, "<I", 1), (b"strh", 24, "<I", 0xFFFFFFFF),
                                                   (b"avih", 0, "<I", 0xFFFFFFFF)])
    yield "avi-length-max.avi", riff_fields(avi, [(b"strh", 32, "<I", 0xFFFFFFFF), (b"avih", 16, "<I", 0xFFFFFFFF)])
    yield "avi-no-index.avi", avi.replace(b"idx1", b"JUNK", 1)

    webm = clips["vp9.webm"]
    yield "webm-zero-size.webm", replace_once(replace_once(webm, b"\xb0\x82\x01\x40", b"\xb0\x82\x00\x00"),
                                              b"\xba\x81\xf0", b"\xba\x81\x00")
    yield "webm-huge-size.webm", replace_once(replace_once(webm, b"\xb0\x82\x01\x40", b"\xb0\x82\xff\xff"),
                                              b"\xba\x81\xf0", b"\xba\x81\xff")
    yield "webm-timecode-scale-one.webm", replace_once(webm, b"\x2a\xd7\xb1\x83\x0f\x42\x40", b"\x2a\xd7\xb1\x83\x00\x00\x01")
    yield "webm-timecode-scale-huge.webm", replace_once(webm, b"\x2a\xd7\xb1\x83\x0f\x42\x40",
                                                        b"\x2a\xd7\xb1\x83\xff\xff\xff")
    yield "webm-no-tracks.webm", replace_once(webm, b"\x16\x54\xae\x6b", b"\xec\x54\xae\x6b")

    yield "y4m-zero-size.y4m", y4m("W0 H0 F25:1")
    yield "y4m-huge-size.y4m", y4m("W65535 H65535 F25:1")
    yield "y4m-16000-square.y4m", y4m("W16000 H16000 F25:1")
    yield "y4m-overflow-size.y4m", y4m("W2147483647 H2147483647 F25:1")
    yield "y4m-rate-zero.y4m", y4m("W16 H16 F0:0")
    yield "y4m-rate-huge.y4m", y4m("W16 H16 F2147483647:1")
    yield "y4m-rate-tiny.y4m", y4m("W16 H16 F1:2147483647")
    yield "y4m-no-frames.y4m", y4m("W16 H16 F25:1", frames=0)

    yield "ts-null-packets.ts", (b"\x47\x1f\xff\x10" + bytes(184)) * 2000
    yield "ts-pat-only.ts", clips["h264.ts"][:188] * 500
    yield "h264-named.webm", mp4
    yield "h264-named.avi", mp4
    yield "webm-named.mp4", webm
    yield "ts-named.jpg", clips["h264.ts"]
    yield "audio-named.mp4", clips["audio.m4a"]
    yield "text.mp4", b"this is not a video, it is a line of text\n" * 20
    yield "json.mp4", b'{"not": "a video"}\n'
    yield "riff-header-random-body.avi", b"RIFF\xff\xff\xff\x7fAVI LIST" + random.Random(7).randbytes(8192)
    yield "ebml-header-random-body.webm", webm[:64] + random.Random(8).randbytes(8192)
    yield "ftyp-then-random.mp4", mp4[:32] + random.Random(9).randbytes(8192)
    for size in (1, 100, 4096, 1 << 20):
        yield f"random-{size}.mp4", random.Random(size).randbytes(size)


def zero_size_mp4(mp4):
    """Width and height 0 in the sample entry and the track header."""
    patched = mp4_patch(mp4_patch(mp4, b"avc1", 24, ">H", 0), b"avc1", 26, ">H", 0)
    return mp4_patch(mp4_patch(patched, b"tkhd", 76, ">I", 0), b"tkhd", 80, ">I", 0)


def riff_fields(data, fields):
    for chunk, offset, fmt, value in fields:
        data = riff_patch(data, chunk, offset, fmt, value)
    return data


def shuffled_blocks(data, seed):
    """The second half's 4 KiB blocks in a seeded random order (packets out of place, headers intact)."""
    half = len(data) // 2
    blocks = [data[i:i + 4096] for i in range(half, len(data), 4096)]
    random.Random(seed).shuffle(blocks)
    return data[:half] + b"".join(blocks)


def timestamp_clips(directory):
    """Clips whose timestamps ffmpeg itself makes absurd (real files, odd but valid)."""
    made = {
        "frames-1e6-seconds-apart.mkv": ["-vf", "setpts=N*1000000/TB", "-c:v", "libx264", "-preset", "ultrafast"],
        "frames-1e6-per-second.mkv": ["-vf", "setpts=N/1000000/TB", "-c:v", "libx264", "-preset", "ultrafast"],
        "negative-start.mp4": ["-output_ts_offset", "-1000", "-c:v", "libx264", "-preset", "ultrafast"],
        "one-frame.mp4": ["-frames:v", "1", "-c:v", "libx264", "-preset", "ultrafast"],
        "tiny-2x2.mp4": ["-vf", "scale=2:2", "-c:v", "mpeg4"],
        "odd-size-33x17.mkv": ["-vf", "scale=33:17", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p"],
    }
    for name, output in made.items():
        run_ffmpeg(["-f", "lavfi", "-i", VIDEO, "-an"] + output + [os.path.join(directory, name)])
    run_ffmpeg(["-f", "lavfi", "-i", VIDEO, "-frames:v", "1", os.path.join(directory, "image.png")])
    os.replace(os.path.join(directory, "image.png"), os.path.join(directory, "image-named.mp4"))
    subtitle = os.path.join(directory, "sub.srt")
    with open(subtitle, "w") as handle:
        handle.write("1\n00:00:00,000 --> 00:00:01,000\nhello\n")
    run_ffmpeg(["-i", subtitle, "-c:s", "srt", os.path.join(directory, "subtitles-only.mkv")])
    os.remove(subtitle)
    return list(made) + ["image-named.mp4", "subtitles-only.mkv"]


def write_tiny_classifier(directory):
    """A small AttentionCluster (PaddleCV tensor names, seeded random values) and a pipeline YAML using it, so
    `vigil classify` runs on every corpus file without the demo model."""
    rng = random.Random(3)
    clusters, fc1, fc2, classes, dims = 2, 8, 8, 3, (1024, 128)
    shapes = {}
    for i, features in enumerate(dims):
        shapes[f"satt{i}.conv.weight"] = [clusters, features, 1, 1]
        for name in ("conv.bias", "shift_w", "shift_b"):
            shapes[f"satt{i}.{name}"] = [clusters]
    shapes.update({"fc1.weights": [clusters * sum(dims), fc1], "fc1.bias": [fc1], "fc2.weights": [fc1, fc2],
                   "fc2.bias": [fc2], "logistic.weights": [fc2, classes], "logistic.bias": [classes]})
    header, blobs, offset = {}, [], 0
    for name, shape in shapes.items():
        count = 1
        for size in shape:
            count *= size
        blob = struct.pack(f"<{count}f", *(rng.gauss(0, 0.05) for _ in range(count)))
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode()
    with open(os.path.join(directory, "tiny-cluster.safetensors"), "wb") as handle:
        handle.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))
    with open(os.path.join(directory, "classify.yaml"), "w") as handle:
        handle.write("model: {type: attention_cluster, weights: tiny-cluster.safetensors}\n"
                     "sampling: {seg_num: 8, mode: center}\nextractors: {rgb: builtin, audio: builtin}\n")


def make(directory, sample):
    """Writes the corpus into `directory` and a manifest; returns the manifest entries."""
    os.makedirs(directory, exist_ok=True)
    write_tiny_classifier(directory)
    with tempfile.TemporaryDirectory() as scratch:
        clips = make_clips(scratch)
        entries = []
        for name, data in clips.items():
            shutil.copy(os.path.join(scratch, name), os.path.join(directory, name))
            entries.append({"name": name, "kind": "good clip"})
    for name, data in corpus_files(directory, clips):
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(data)
        entries.append({"name": name, "kind": "bytes"})
    for name in timestamp_clips(directory):
        entries.append({"name": name, "kind": "odd clip"})
    open(os.path.join(directory, "empty.mp4"), "wb").close()
    os.makedirs(os.path.join(directory, "a-directory.mp4"), exist_ok=True)
    entries += [{"name": "empty.mp4", "kind": "empty"}, {"name": "a-directory.mp4", "kind": "directory"},
                {"name": "missing.mp4", "kind": "missing"}]
    # Endless inputs: a character device, a FIFO a writer keeps feeding (the runner starts the writer), and a
    # valid stream followed by a 1 GiB sparse hole (a linear scan: vigil reads it all).
    if not os.path.lexists(os.path.join(directory, "dev-zero.mp4")):
        os.symlink("/dev/zero", os.path.join(directory, "dev-zero.mp4"))
    fifo = os.path.join(directory, "fifo-endless-ts.ts")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    with open(os.path.join(directory, "sparse-tail.ts"), "wb") as handle:
        handle.write(clips["h264.ts"])
        handle.truncate(len(clips["h264.ts"]) + (1 << 30))
    with open(os.path.join(directory, "ts-zeros-tail.ts"), "wb") as handle:  # 4 MiB: the demuxer loses sync 64 times
        handle.write(clips["h264.ts"])
        handle.truncate(len(clips["h264.ts"]) + (4 << 20))
    with open(os.path.join(directory, "sparse-64g.mp4"), "wb") as handle:
        handle.truncate(64 << 30)
    entries += [{"name": "dev-zero.mp4", "kind": "endless"}, {"name": "sparse-tail.ts", "kind": "endless"},
                {"name": "ts-zeros-tail.ts", "kind": "bytes"},
                {"name": "sparse-64g.mp4", "kind": "endless"},
                {"name": "fifo-endless-ts.ts", "kind": "fifo", "feed": "fifo-endless-ts.feed"}]
    shutil.copy(os.path.join(directory, "h264.ts"), os.path.join(directory, "fifo-endless-ts.feed"))
    # Playlists (local files) whose segments never arrive: a FIFO nobody writes, a server that accepts and is silent.
    never = os.path.join(directory, "never-written.ts")
    if not os.path.exists(never):
        os.mkfifo(never)
    with open(os.path.join(directory, "playlist-fifo.m3u8"), "w") as handle:
        handle.write(playlist("never-written.ts"))
    with open(os.path.join(directory, "playlist-silent-server.m3u8"), "w") as handle:
        handle.write(playlist("http://127.0.0.1:PORT/segment.ts"))
    # A master playlist naming itself as its variant (FFmpeg's hls demuxer adds a variant per parse, forever), a live
    # playlist (no ENDLIST) that never grows, and an ffconcat list naming the FIFO.
    with open(os.path.join(directory, "playlist-self.m3u8"), "w") as handle:
        handle.write("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nplaylist-self.m3u8\n")
    with open(os.path.join(directory, "playlist-live.m3u8"), "w") as handle:
        handle.write(playlist("h264.ts").replace("#EXT-X-ENDLIST\n", ""))
    with open(os.path.join(directory, "list-fifo.ffconcat"), "w") as handle:
        handle.write("ffconcat version 1.0\nfile never-written.ts\n")
    with open(os.path.join(directory, "dash-fifo.mpd"), "w") as handle:  # its init segment is the FIFO
        handle.write(DASH_MANIFEST.format(init="never-written.ts"))
    entries += [{"name": "playlist-fifo.m3u8", "kind": "playlist"},
                {"name": "playlist-silent-server.m3u8", "kind": "silent server"},
                {"name": "playlist-self.m3u8", "kind": "playlist"},
                {"name": "playlist-live.m3u8", "kind": "playlist"},
                {"name": "list-fifo.ffconcat", "kind": "playlist"},
                {"name": "dash-fifo.mpd", "kind": "playlist"}]
    if sample:
        keep = set(SAMPLE) | {"fifo-endless-ts.feed", "never-written.ts"}
        for entry in entries:
            if entry["name"] not in keep and entry["kind"] != "missing":
                remove(os.path.join(directory, entry["name"]))
        entries = [entry for entry in entries if entry["name"] in keep]
    with open(os.path.join(directory, "manifest.json"), "w") as handle:
        json.dump(entries, handle, indent=1)
    return entries


def playlist(segment):
    return f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.0,\n{segment}\n#EXT-X-ENDLIST\n"


def remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


# MARK: running vigil

def command_lines(vigil, path, scratch, corpus):
    """Each command of the CLI that reads media, as it is run on a corpus file."""
    return {
        "info": [vigil, "info", path],
        "frames": [vigil, "frames", path, "--seg-num", "8", "--size", "64x64"],
        "extract": [vigil, "extract", path, "-o", os.path.join(scratch, "features.safetensors"), "--seg-num", "8"],
        "classify": [vigil, "classify", path, "--pipeline", os.path.join(corpus, "classify.yaml")],
    }


class FifoFeeder:
    """Writes `data` into a FIFO again and again until stopped (an input that never ends)."""

    def __init__(self, fifo, data):
        self.fifo, self.data, self.stop = fifo, data, threading.Event()
        self.thread = threading.Thread(target=self.feed, daemon=True)
        self.thread.start()

    def feed(self):
        try:
            descriptor = os.open(self.fifo, os.O_WRONLY)  # blocks until the reader opens it
        except OSError:
            return
        try:
            while not self.stop.is_set():
                os.write(descriptor, self.data)
        except OSError:
            pass
        finally:
            os.close(descriptor)

    def close(self):
        self.stop.set()
        try:  # unblock a writer still waiting for a reader
            os.close(os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK))
        except OSError:
            pass
        self.thread.join(timeout=5)


class SilentServer:
    """A TCP listener on 127.0.0.1 that accepts every connection and never says a word (a dead camera's socket)."""

    def __init__(self):
        import socket
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.held = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        try:
            while True:
                self.held.append(self.listener.accept()[0])
        except OSError:
            pass

    def close(self):
        for connection in self.held:
            connection.close()
        self.listener.close()


def run_one(argv, path, timeout, feeder):
    start = time.monotonic()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        stdout, stderr = process.communicate()
        timed_out = True
    finally:
        if feeder:
            feeder.close()
    seconds = time.monotonic() - start
    return {"exit": process.returncode, "timed_out": timed_out, "seconds": round(seconds, 2),
            "stdout": stdout.decode("utf-8", "replace"), "stderr": stderr.decode("utf-8", "replace")}


def verdict(result, path):
    """'ok', or what is wrong with one run."""
    if result["timed_out"]:
        return "HANG"
    if result["exit"] < 0:
        return f"CRASH (signal {-result['exit']})"
    if result["exit"] not in DOCUMENTED_EXITS:
        return f"UNDOCUMENTED EXIT {result['exit']}"
    lines = result["stderr"].splitlines()
    errors = [line for line in lines if not line.startswith("vigil: warning: ")]
    for line in result["stdout"].splitlines():
        try:
            json.loads(line)
        except ValueError:
            return "NON-JSON STDOUT"
    if result["exit"] == 0:
        return "ok" if not errors else "STDERR NOISE"
    if len(errors) != 1 or not errors[0].startswith("vigil: ") or path not in errors[0]:
        return "BAD ERROR LINE"
    if result["exit"] == 70:
        return "INTERNAL ERROR"
    return "ok, partial" if result["stdout"] else "ok"  # frames prints the good frames before failing (65)


def implemented(vigil, command):
    """False for a subcommand that is still a placeholder (its help says so); those are skipped."""
    help_text = subprocess.run([vigil, command, "--help"], capture_output=True, text=True).stdout
    if "Not implemented yet" in help_text:
        print(f"skipping vigil {command}: not implemented yet", file=sys.stderr)
        return False
    return True


def run(directory, vigil, timeout, commands, as_json):
    with open(os.path.join(directory, "manifest.json")) as handle:
        entries = json.load(handle)
    commands = [command for command in commands if implemented(vigil, command)]
    scratch = tempfile.mkdtemp(prefix="vigil-bad-media-out-")
    failures = 0
    if not as_json:
        print(f"{'file':38} {'command':8} {'exit':>5} {'seconds':>7}  {'verdict':16} first stderr line")
    for entry in entries:
        path = os.path.join(directory, entry["name"])
        for command in commands:
            argv = command_lines(vigil, path, scratch, directory)[command]
            feeder = None
            if entry["kind"] == "fifo":
                with open(os.path.join(directory, entry["feed"]), "rb") as source:
                    feeder = FifoFeeder(path, source.read())
            if entry["kind"] == "silent server":
                feeder = SilentServer()
                with open(path, "w") as handle:
                    handle.write(playlist(f"http://127.0.0.1:{feeder.port}/segment.ts"))
            result = run_one(argv, path, timeout, feeder)
            first = (result["stderr"].splitlines() or [""])[0]
            result.update({"file": entry["name"], "kind": entry["kind"], "command": command, "path": path,
                           "verdict": verdict(result, path)})
            failures += not result["verdict"].startswith("ok")
            if as_json:
                print(json.dumps(result), flush=True)
            else:
                exit_text = "T/O" if result["timed_out"] else str(result["exit"])
                print(f"{entry['name'][:38]:38} {command:8} {exit_text:>5} {result['seconds']:7.2f}  "
                      f"{result['verdict']:16} {first[:140]}", flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    if not as_json:
        print(f"\n{failures} failing runs", file=sys.stderr)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", nargs="?", choices=["make", "run"], help="make or run (default: both, in a temp dir)")
    parser.add_argument("directory", nargs="?", help="the corpus directory")
    parser.add_argument("--sample", action="store_true", help="only the small fixed CI sample")
    parser.add_argument("--vigil", default=os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "vigil"))
    parser.add_argument("--timeout", type=float, default=20, help="seconds per run before it counts as a hang")
    parser.add_argument("--commands", default="info,frames,extract,classify")
    parser.add_argument("--json", action="store_true", help="one JSON object per run instead of the table")
    arguments = parser.parse_args()
    commands = arguments.commands.split(",")
    if arguments.action == "make":
        entries = make(arguments.directory, arguments.sample)
        print(f"{len(entries)} corpus entries in {arguments.directory}", file=sys.stderr)
        return 0
    if arguments.action == "run":
        return 1 if run(arguments.directory, arguments.vigil, arguments.timeout, commands, arguments.json) else 0
    directory = tempfile.mkdtemp(prefix="vigil-bad-media-")
    try:
        make(directory, arguments.sample)
        return 1 if run(directory, arguments.vigil, arguments.timeout, commands, arguments.json) else 0
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
