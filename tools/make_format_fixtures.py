#!/usr/bin/env python3
"""Makes the small files Tests/FormatsTests reads, with PaddlePaddle and numpy as the reference writers.

Run by hand (CI only reads the committed output):
    /work/paddle-venv/bin/python tools/make_format_fixtures.py
Writes Tests/FormatsTests/Fixtures/*: pickles from paddle.save (protocols 2 and 4) and from pickle/numpy (per-video
dicts, tf2pkl-style shards with bytes keys as a Python 2 writer makes them, protocol 5, numpy.core module paths),
a save_combine file from paddle.jit.save, TFRecords, malformed files, and expected.json with the values to compare.
"""
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import tempfile

import numpy as np
import paddle

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "FormatsTests", "Fixtures")
PROTO = os.path.join(ROOT, "Sources", "Formats", "Proto", "youtube8m_example.proto")
expected = {"generator": "tools/make_format_fixtures.py", "paddle": paddle.__version__, "numpy": np.__version__}


def path(name):
    return os.path.join(OUT, name)


def floats(array):
    """float32 values as JSON numbers (a float32 converts to double exactly)."""
    return [float(x) for x in np.asarray(array, dtype=np.float32).reshape(-1)]


def dequantise(q):
    """PaddleVideo's FeatureDecoder.dequantize: float64 multiply then add, then float32 (spec §1.2)."""
    return (q.astype(float) * (4.0 / 255.0) + (4.0 / 512.0 - 2.0)).astype(np.float32)


class Python2Pickler(pickle._Pickler):
    """Writes bytes as SHORT_BINSTRING/BINSTRING, as Python 2's pickle did for str (tf2pkl under Python 2)."""
    dispatch = pickle._Pickler.dispatch.copy()

    def save_bytes(self, obj):
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_bytes


def python2_pickle(obj):
    buffer = io.BytesIO()
    Python2Pickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


class Head(paddle.nn.Layer):
    """The AttentionLstmHead parameter layout (spec §2.5) at toy sizes."""

    def __init__(self):
        super().__init__()
        for i, dim in enumerate([6, 5]):
            setattr(self, f"fc_feature{i}", paddle.nn.Linear(dim, 4))
            setattr(self, f"bi_lstm{i}", paddle.nn.LSTM(4, 3, direction="bidirect"))
            setattr(self, f"att_fc{i}", paddle.nn.Linear(6, 1))
        self.fc_out1 = paddle.nn.Linear(12, 8)
        self.fc_out2 = paddle.nn.Linear(8, 7)
        self.fc_logit = paddle.nn.Linear(7, 5)


class Recognizer(paddle.nn.Layer):
    def __init__(self):
        super().__init__()
        self.head = Head()


def make_pdparams():
    paddle.seed(7)
    model = Recognizer()
    state = {k: v.numpy() for k, v in model.state_dict().items()}
    for protocol in (2, 4):
        paddle.save(model.state_dict(), path(f"attention_lstm_p{protocol}.pdparams"), protocol=protocol)
    canonical = {k: v for k, v in state.items() if ".cell_fw." not in k and ".cell_bw." not in k}
    expected["attention_lstm"] = {k: {"shape": list(v.shape), "values": floats(v)} for k, v in canonical.items()}
    expected["attention_lstm_saved_keys"] = sorted(state.keys())

    # fluid.save layout: the 14 AttentionCluster names, protocol 2 from Python 3 (_codecs.encode bytes).
    rng = np.random.default_rng(3)
    shapes = {"satt0.conv.weight": [2, 6, 1, 1], "satt0.conv.bias": [2], "satt0.shift_w": [2], "satt0.shift_b": [2],
              "satt1.conv.weight": [2, 5, 1, 1], "satt1.conv.bias": [2], "satt1.shift_w": [2], "satt1.shift_b": [2],
              "fc1.weights": [22, 4], "fc1.bias": [4], "fc2.weights": [4, 3], "fc2.bias": [3],
              "logistic.weights": [3, 5], "logistic.bias": [5]}
    cluster = {k: rng.standard_normal(s).astype(np.float32) for k, s in shapes.items()}
    with open(path("attention_cluster_fluid.pdparams"), "wb") as f:
        pickle.dump(cluster, f, protocol=2)
    expected["attention_cluster"] = {k: {"shape": list(v.shape), "values": floats(v)} for k, v in cluster.items()}

    # Big-parameter splitting as paddle's _unpack_saved_dict writes it (real sizes would need > 1 GiB).
    split = dict(cluster)
    flat = split.pop("fc1.weights").reshape(-1)
    parts = {"fc1.weights@@.0": flat[:50], "fc1.weights@@.1": flat[50:]}
    split.update(parts)
    split["UnpackBigParamInfor@@"] = {"fc1.weights": {"OriginShape": (22, 4), "slices": list(parts.keys())}}
    with open(path("attention_cluster_split.pdparams"), "wb") as f:
        pickle.dump(split, f, protocol=2)
    reloaded = paddle.load(path("attention_cluster_split.pdparams"), return_numpy=True)
    assert np.array_equal(reloaded["fc1.weights"], cluster["fc1.weights"]), "paddle does not rebuild the split"

    # save_combine (.pdiparams) from paddle.jit.save of a Linear(3, 2): names sorted, not stored.
    linear = paddle.nn.Linear(3, 2)
    with tempfile.TemporaryDirectory() as tmp:
        paddle.jit.save(linear, os.path.join(tmp, "linear"),
                        input_spec=[paddle.static.InputSpec([None, 3], "float32")])
        with open(os.path.join(tmp, "linear.pdiparams"), "rb") as f:
            combined = f.read()
    with open(path("linear.pdiparams"), "wb") as f:
        f.write(combined)
    # PaddleCV 1.5's per-parameter directory holds the same per-tensor records, one file each, named after it.
    names = sorted([linear.bias.name, linear.weight.name])
    os.makedirs(path("per_parameter"), exist_ok=True)
    offset = 0
    for name in names:
        start = offset
        offset += 4 + 8  # version, lod_level (0)
        offset += 4  # tensor version
        (desc_len,) = struct.unpack_from("<i", combined, offset)
        offset += 4 + desc_len
        tensor = paddle.to_tensor(linear.bias if name == linear.bias.name else linear.weight)
        offset += tensor.numpy().nbytes
        with open(os.path.join(path("per_parameter"), name), "wb") as f:
            f.write(combined[start:offset])
    assert offset == len(combined)
    expected["save_combine"] = {"names": sorted([linear.bias.name, linear.weight.name]),
                                "tensors": {linear.bias.name: {"shape": list(linear.bias.shape), "values": floats(linear.bias.numpy())},
                                            linear.weight.name: {"shape": list(linear.weight.shape), "values": floats(linear.weight.numpy())}}}


def video(rng, vid, rows, audio_rows, labels, nframes):
    return {"video": vid, "feature": rng.integers(0, 256, (rows, 8), dtype=np.uint8),
            "audio": rng.integers(0, 256, (audio_rows, 4), dtype=np.uint8), "label": labels,
            "nframes": np.int32(nframes)}


def record_expectation(v):
    n = int(v["nframes"])
    return {"id": v["video"].decode() if isinstance(v["video"], bytes) else v["video"], "labels": v["label"],
            "rgb_shape": list(v["feature"][:n].shape), "rgb": floats(dequantise(v["feature"][:n])),
            "audio_shape": list(v["audio"][:n].shape), "audio": floats(dequantise(v["audio"][:n]))}


def make_feature_pickles():
    rng = np.random.default_rng(11)
    # tf2pkl shard: list of dicts with bytes keys, written as Python 2 did (SHORT_BINSTRING keys and data).
    shard = [video(rng, b"SjJ3", 5, 5, [1, 3], 5), video(rng, b"AbC9", 4, 3, [0], 4), video(rng, b"Zz01", 6, 6, [2, 4], 4)]
    with open(path("shard_py2.pkl"), "wb") as f:
        f.write(python2_pickle([{k.encode(): v for k, v in d.items()} for d in shard]))
    expected["shard"] = [record_expectation(v) for v in shard]
    # Same shard from Python 3 with protocol 4 (bytes keys, BINBYTES).
    with open(path("shard_p4.pkl"), "wb") as f:
        pickle.dump([{k.encode(): v for k, v in d.items()} for d in shard], f, protocol=4)

    # split_yt8m per-video file: one dict, str keys, protocol 2 (numpy 2 writes numpy._core paths).
    single = video(rng, b"Vid7", 3, 2, [4], 3)
    data = pickle.dumps(single, protocol=2)
    with open(path("video_p2.pkl"), "wb") as f:
        f.write(data)
    expected["video"] = record_expectation(single)
    # The same bytes with numpy 1.x module paths (GLOBAL lines are plain text in protocol 2).
    old = data.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    assert old != data
    assert pickle.loads(old)["nframes"] == single["nframes"]
    with open(path("video_numpy1.pkl"), "wb") as f:
        f.write(old)
    # Protocol 5: arrays through numpy._core.numeric._frombuffer and BYTEARRAY8.
    with open(path("video_p5.pkl"), "wb") as f:
        pickle.dump(single, f, protocol=5)
    # Float features are taken as they are; a Fortran-ordered array must come out in C order.
    floaty = {"video": "flt", "feature": np.asfortranarray(rng.standard_normal((3, 8)).astype(np.float32)),
              "audio": rng.standard_normal((3, 4)).astype(np.float32), "label": [2], "nframes": np.int32(3)}
    with open(path("video_float.pkl"), "wb") as f:
        pickle.dump(floaty, f, protocol=2)
    expected["video_float"] = {"id": "flt", "labels": [2], "rgb": floats(floaty["feature"]), "audio": floats(floaty["audio"])}


class Evil:
    def __init__(self, function, argument):
        self.function, self.argument = function, argument

    def __reduce__(self):
        return (self.function, (self.argument,))


def make_malformed():
    with open(path("evil_os_system.pkl"), "wb") as f:
        f.write(pickle.dumps({"x": Evil(os.system, "echo vigil-was-tricked")}, protocol=2))
    import builtins
    with open(path("evil_eval.pkl"), "wb") as f:
        f.write(pickle.dumps(Evil(builtins.eval, "1+1"), protocol=4))
    good = open(path("video_p2.pkl"), "rb").read()
    with open(path("truncated.pkl"), "wb") as f:
        f.write(good[: len(good) // 2])
    with open(path("complex_dtype.pkl"), "wb") as f:
        pickle.dump({"feature": np.zeros((2, 2), dtype=np.complex64)}, f, protocol=2)
    # An array whose shape says 3×8 but whose data holds 2×8 bytes (the shape tuple edited after pickling).
    bad = pickle.dumps({"feature": np.zeros((2, 8), dtype=np.uint8)}, protocol=2)
    marker = b"K\x02K\x08\x86"  # BININT1 2, BININT1 8, TUPLE2: the shape (2, 8)
    assert bad.count(marker) == 1
    with open(path("shape_mismatch.pkl"), "wb") as f:
        f.write(bad.replace(marker, b"K\x03K\x08\x86"))


def masked_crc(data):
    crc = crc32c(data)
    return ((crc >> 15 | crc << 17) + 0xA282EAD8) & 0xFFFFFFFF


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def tfrecord(payloads):
    out = b""
    for p in payloads:
        length = struct.pack("<Q", len(p))
        out += length + struct.pack("<I", masked_crc(length)) + p + struct.pack("<I", masked_crc(p))
    return out


def example_module():
    """Compiles Vigil's .proto (same field numbers as TensorFlow's) with protoc into a temporary module."""
    tmp = tempfile.mkdtemp()
    subprocess.run(["protoc", f"--proto_path={os.path.dirname(PROTO)}", f"--python_out={tmp}", PROTO], check=True)
    sys.path.insert(0, tmp)
    import youtube8m_example_pb2
    return youtube8m_example_pb2


def make_tfrecords():
    pb = example_module()
    rng = np.random.default_rng(5)
    videos = []
    payloads = []
    for vid, rows, labels in [("tfA1", 3, [7, 1]), ("tfB2", 2, [0])]:
        rgb = rng.integers(0, 256, (rows, 8), dtype=np.uint8)
        audio = rng.integers(0, 256, (rows, 4), dtype=np.uint8)
        ex = pb.SequenceExample()
        ex.context.feature["id"].bytes_list.value.append(vid.encode())
        ex.context.feature["labels"].int64_list.value.extend(labels)
        for row in rgb:
            ex.feature_lists.feature_list["rgb"].feature.add().bytes_list.value.append(row.tobytes())
        for row in audio:
            ex.feature_lists.feature_list["audio"].feature.add().bytes_list.value.append(row.tobytes())
        payloads.append(ex.SerializeToString(deterministic=True))
        videos.append({"id": vid, "labels": labels, "rgb_shape": list(rgb.shape), "rgb": floats(dequantise(rgb)),
                       "audio_shape": list(audio.shape), "audio": floats(dequantise(audio))})
    data = tfrecord(payloads)
    with open(path("frames.tfrecord"), "wb") as f:
        f.write(data)
    expected["tfrecord"] = videos
    bad = bytearray(data)
    bad[20] ^= 0x01  # a byte of the first record's payload: its data CRC no longer matches
    with open(path("bad_crc.tfrecord"), "wb") as f:
        f.write(bytes(bad))


def check_vigil_files():
    """Checks the files Vigil's writers made (committed by the Swift tests' fixture mode) with the reference readers."""
    pdparams = path("written_by_vigil_p2.pdparams")
    if os.path.exists(pdparams):
        for name in ("written_by_vigil_p2.pdparams", "written_by_vigil_p4.pdparams"):
            state = paddle.load(path(name), return_numpy=True)
            ref = expected["attention_lstm"]
            for key, item in ref.items():
                assert np.array_equal(state[key].reshape(-1), np.array(item["values"], dtype=np.float32)), key
            model = Recognizer()
            missing, unexpected = model.set_state_dict(paddle.load(path(name)))
            assert not missing and not unexpected, (missing, unexpected)
            print(f"paddle.load({name}): {len(state)} keys, values equal; set_state_dict: no missing or unexpected keys")
    written = path("written_by_vigil.tfrecord")
    if os.path.exists(written):
        pb = example_module()
        data = open(written, "rb").read()
        offset, count = 0, 0
        while offset < len(data):
            (length,) = struct.unpack_from("<Q", data, offset)
            assert struct.unpack_from("<I", data, offset + 8)[0] == masked_crc(data[offset:offset + 8])
            payload = data[offset + 12: offset + 12 + length]
            assert struct.unpack_from("<I", data, offset + 12 + length)[0] == masked_crc(payload)
            ex = pb.SequenceExample.FromString(payload)
            rows = ex.feature_lists.feature_list["rgb"].feature
            assert all(len(r.bytes_list.value[0]) == len(rows[0].bytes_list.value[0]) for r in rows)
            offset += 16 + length
            count += 1
        print(f"{written}: {count} SequenceExamples parsed, CRCs good")
    written = path("written_by_vigil.pkl")
    if os.path.exists(written):
        with open(written, "rb") as f:
            record = pickle.load(f)
        print(f"{written}: keys {sorted(record)} nframes {record['nframes']!r} feature {record['feature'].dtype} {record['feature'].shape}")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_pdparams()
    make_feature_pickles()
    make_malformed()
    make_tfrecords()
    with open(path("expected.json"), "w") as f:
        json.dump(expected, f, indent=0)
    check_vigil_files()
