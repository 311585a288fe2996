#!/usr/bin/env python3
"""Parity fixtures for Vigil's Models stage, made by PaddlePaddle.

Builds AttentionLSTM (PaddleVideo 2.x AttentionLstmHead under Recognizer1D, so keys start with `head.`) and
AttentionCluster (the PaddleCV fluid network, written here with dygraph ops and the 14 explicit parameter names) with
small random weights, saves the weights as Paddle does (paddle.save of the state dict; a pickled dict of the 14
names as fluid.save writes), and records for a few videos the inputs and Paddle's logits, and for one fixed batch
the loss and every parameter gradient.

Besides the two-modality (rgb, audio) fixtures attention_lstm and attention_cluster it writes models of one modality
(attention_lstm_rgb, attention_cluster_rgb) and of three (attention_lstm_3, attention_cluster_3): PaddleVideo's
feature_names / feature_dims, one branch per stream; re-running reproduces every file byte for byte.

Each fixture directory gets:
  weights.pdparams   the real Paddle file (for the Formats loader)
  features.pkl       the input videos as a PaddleVideo feature shard (float features), for `vigil predict`
                     (two-modality fixtures only)
  tensors.bin        every tensor, little-endian float32, back to back
  manifest.json      generator, versions, and for each tensor its shape and offset (in floats) into tensors.bin

Venv: python3 -m venv paddle-venv && paddle-venv/bin/pip install -r tools/requirements.txt
Run: paddle-venv/bin/python tools/make_parity_fixtures.py [OUT_DIR]   (default Tests/ModelsTests/Fixtures)
"""
import json
import os
import pickle
import sys

import numpy as np
import paddle
import paddle.nn as nn
import paddle.nn.functional as F

GENERATOR = "tools/make_parity_fixtures.py"


class FixtureWriter:
    def __init__(self, directory, model, notes):
        self.directory = directory
        self.manifest = {
            "generator": GENERATOR,
            "paddle_version": paddle.__version__,
            "numpy_version": np.__version__,
            "model": model,
            "notes": notes,
            "tensors": {},
        }
        self.chunks = []
        self.offset = 0
        os.makedirs(directory, exist_ok=True)

    def add(self, name, array):
        array = np.ascontiguousarray(np.asarray(array, dtype=np.float32))
        self.manifest["tensors"][name] = {"shape": list(array.shape), "offset": self.offset}
        self.chunks.append(array.astype("<f4").tobytes())
        self.offset += array.size

    def close(self):
        with open(os.path.join(self.directory, "tensors.bin"), "wb") as f:
            f.write(b"".join(self.chunks))
        with open(os.path.join(self.directory, "manifest.json"), "w") as f:
            json.dump(self.manifest, f, indent=1, sort_keys=True)
            f.write("\n")


def write_feature_pickle(path, rgb, audio, labels):
    """A PaddleVideo feature shard (tf2pkl layout, float features): a list of one dict per video, protocol 2."""
    videos = []
    for i, (r, a) in enumerate(zip(rgb, audio)):
        videos.append({"video": f"v{i}".encode(), "feature": np.asarray(r, "float32"), "audio": np.asarray(a, "float32"),
                       "label": [int(c) for c in np.nonzero(labels[i])[0]], "nframes": np.int32(len(r))})
    with open(path, "wb") as f:
        pickle.dump(videos, f, protocol=2)


def randomise(layer, rng, scale):
    """Every parameter drawn from N(0, scale): biases too, so they are tested."""
    for _, p in layer.named_parameters():
        p.set_value(rng.normal(0, scale, p.shape).astype("float32"))


def pad(videos, width):
    """Per-video [T_i, D] arrays → data [B, T, D], lengths [B], mask [B, T, D] as PaddleVideo's FeatureDecoder."""
    t = max(v.shape[0] for v in videos)
    data = np.zeros((len(videos), t, width), "float32")
    mask = np.zeros((len(videos), t, width), "float32")
    for b, v in enumerate(videos):
        data[b, : v.shape[0]] = v
        mask[b, : v.shape[0]] = 1
    return data, np.array([v.shape[0] for v in videos], "int64"), mask


# --------------------------------------------------------------------------------------------------------------
# AttentionLSTM (spec §2.2): written from the spec's formulas with PaddleVideo's attribute names.


class AttentionLstmHead(nn.Layer):
    def __init__(self, feature_dims, embedding_size, lstm_size, fc_sizes, num_classes):
        super().__init__()
        for i, d in enumerate(feature_dims):
            setattr(self, f"fc_feature{i}", nn.Linear(d, embedding_size))
            setattr(self, f"bi_lstm{i}", nn.LSTM(embedding_size, lstm_size, direction="bidirect"))
            setattr(self, f"att_fc{i}", nn.Linear(2 * lstm_size, 1))
        self.dropout = nn.Dropout(p=0.5)
        self.fc_out1 = nn.Linear(2 * lstm_size * len(feature_dims), fc_sizes[0])
        self.fc_out2 = nn.Linear(fc_sizes[0], fc_sizes[1])
        self.fc_logit = nn.Linear(fc_sizes[1], num_classes)
        self.modalities = len(feature_dims)

    def forward(self, inputs):
        pooled = []
        for i in range(self.modalities):
            x, length, mask = inputs[i]
            e = paddle.tanh(getattr(self, f"fc_feature{i}")(x))
            h, _ = getattr(self, f"bi_lstm{i}")(e, sequence_length=length)
            d = self.dropout(h)
            s = getattr(self, f"att_fc{i}")(d)
            ex = paddle.exp(s)
            m = paddle.mean(mask, axis=2, keepdim=True)
            den = paddle.sum(ex * m, axis=1)
            r = paddle.pow(den, -1.0).unsqueeze(1)
            a = ex * r
            pooled.append(paddle.sum(d * a * m, axis=1))
        z = paddle.concat(pooled, axis=1)
        f1 = F.relu(self.fc_out1(z))
        f2 = paddle.tanh(self.fc_out2(f1))
        return self.fc_logit(f2)


class Recognizer1D(nn.Layer):
    def __init__(self, head):
        super().__init__()
        self.head = head


def lstm_loss_backward(model, inputs, labels):
    """Gradients of the summed BCE (spec §2.6) in training mode with dropout off (p = 0); returns the loss."""
    model.train()
    model.head.dropout.p = 0.0
    train_logits = model.head(inputs)
    loss = F.binary_cross_entropy_with_logits(train_logits, paddle.to_tensor(labels), reduction="sum")
    loss.backward()
    return loss


def attention_lstm_fixture(out):
    rng = np.random.default_rng(11)
    dims, e, h, fc, k = [16, 8], 12, 10, [24, 20], 6
    model = Recognizer1D(AttentionLstmHead(dims, e, h, fc, k))
    randomise(model, rng, 0.3)
    model.eval()
    rgb_lengths, audio_lengths = [5, 3, 1, 7], [4, 3, 1, 2]  # unequal rgb/audio lengths; a 1-frame video
    rgb = [rng.normal(0, 1, (t, dims[0])).astype("float32") for t in rgb_lengths]
    audio = [rng.normal(0, 1, (t, dims[1])).astype("float32") for t in audio_lengths]
    inputs = [tuple(paddle.to_tensor(a) for a in pad(rgb, dims[0])), tuple(paddle.to_tensor(a) for a in pad(audio, dims[1]))]
    logits = model.head(inputs)

    labels = np.zeros((len(rgb), k), "float32")
    for b, classes in enumerate([[0, 3], [1], [], [2, 4, 5]]):
        labels[b, classes] = 1
    loss = lstm_loss_backward(model, inputs, labels)

    w = FixtureWriter(os.path.join(out, "attention_lstm"), "attention_lstm",
                      "logits in eval mode; loss = BCEWithLogits(sum) over the same batch in train mode with dropout p=0; "
                      "gradients of that loss")
    for i, (r, a) in enumerate(zip(rgb, audio)):
        w.add(f"input/rgb/{i}", r)
        w.add(f"input/audio/{i}", a)
    w.add("logits", logits.numpy())
    w.add("labels", labels)
    w.add("loss", np.array([loss.item()]))
    for name, p in model.named_parameters():
        w.add(f"weights/{name}", p.numpy())
        w.add(f"grad/{name}", p.grad.numpy())
    w.close()
    paddle.save(model.state_dict(), os.path.join(out, "attention_lstm", "weights.pdparams"))
    write_feature_pickle(os.path.join(out, "attention_lstm", "features.pkl"), rgb, audio, labels)


# --------------------------------------------------------------------------------------------------------------
# AttentionCluster (spec §3.2–3.4): the fluid network's math with its 14 explicit parameter names.


class AttentionCluster(nn.Layer):
    def __init__(self, feature_dims, clusters, fc_sizes, num_classes):
        super().__init__()
        self.shapes = {}
        for i, (f, c) in enumerate(zip(feature_dims, clusters)):
            self.shapes[f"satt{i}.conv.weight"] = [c, f, 1, 1]
            for name in ("conv.bias", "shift_w", "shift_b"):
                self.shapes[f"satt{i}.{name}"] = [c]
        widths = [sum(f * c for f, c in zip(feature_dims, clusters))] + fc_sizes + [num_classes]
        for layer, (a, b) in zip(("fc1", "fc2", "logistic"), zip(widths[:-1], widths[1:])):
            self.shapes[f"{layer}.weights"] = [a, b]
            self.shapes[f"{layer}.bias"] = [b]
        self.params = {}
        for name, shape in self.shapes.items():
            self.params[name] = self.create_parameter(shape, dtype="float32")
            self.add_parameter(name.replace(".", "_"), self.params[name])
        self.clusters = clusters

    def shifting_attention(self, i, x):
        p = lambda n: self.params[f"satt{i}.{n}"]
        n_, l_, f_ = x.shape
        c = self.clusters[i]
        conv_in = paddle.unsqueeze(paddle.transpose(x, [0, 2, 1]), -1)  # NCHW = [N, F, L, 1]
        scores = F.conv2d(conv_in, p("conv.weight"), p("conv.bias"))  # [N, C, L, 1]
        w = F.softmax(paddle.reshape(scores, [-1, l_]), axis=-1)
        w = paddle.reshape(w, [n_, c, l_])
        outs = []
        for k in range(c):
            v = paddle.matmul(w[:, k : k + 1, :], x)[:, 0, :]  # [N, F]
            s = v * p("shift_w")[k] + p("shift_b")[k]
            o = s / paddle.sqrt(paddle.sum(s * s, axis=-1, keepdim=True) + 1e-12)  # fluid l2_normalize (norm op)
            outs.append(paddle.scale(o, scale=float(np.float32(1.0 / np.sqrt(c)))))
        return paddle.concat(outs, axis=1)

    def forward(self, streams, drop_rate, training):
        z = paddle.concat([self.shifting_attention(i, x) for i, x in enumerate(streams)], axis=1)
        z = F.dropout(z, drop_rate, training=training, mode="downscale_in_infer")
        f1 = paddle.tanh(paddle.matmul(z, self.params["fc1.weights"]) + self.params["fc1.bias"])
        f2 = paddle.tanh(paddle.matmul(f1, self.params["fc2.weights"]) + self.params["fc2.bias"])
        return paddle.matmul(f2, self.params["logistic.weights"]) + self.params["logistic.bias"]


def write_cluster_results(w, model, logits, train_logits, labels, loss, directory):
    """Logits, labels, loss, weights and gradients after the inputs; then the weights as fluid.save writes them."""
    w.add("logits", logits.numpy())
    w.add("train_logits", train_logits.numpy())
    w.add("labels", labels)
    w.add("loss", np.array([loss.item()]))
    for name, p in model.params.items():
        w.add(f"weights/{name}", p.numpy())
        w.add(f"grad/{name}", p.grad.numpy())
    w.close()
    # fluid.save writes a pickled dict {parameter name: float32 ndarray}.
    paddle.save({name: p.numpy() for name, p in model.params.items()}, os.path.join(directory, "weights.pdparams"))


def attention_cluster_fixture(out):
    rng = np.random.default_rng(23)
    dims, clusters, fc, k, seg_num = [16, 8], [4, 3], [20, 12], 6, 5
    model = AttentionCluster(dims, clusters, fc, k)
    randomise(model, rng, 0.3)
    videos = 3
    rgb = rng.normal(0, 1, (videos, seg_num, dims[0])).astype("float32")
    audio = rng.normal(0, 1, (videos, seg_num, dims[1])).astype("float32")
    logits = model([paddle.to_tensor(rgb), paddle.to_tensor(audio)], 0.5, training=False)  # ×0.5 at inference

    labels = np.zeros((videos, k), "float32")
    for b, classes in enumerate([[1, 2], [0], [5]]):
        labels[b, classes] = 1
    # Gradients of mean_b Σ_k BCE (spec §3.5) with drop_rate 0 (training-mode dropout is then the identity).
    train_logits = model([paddle.to_tensor(rgb), paddle.to_tensor(audio)], 0.0, training=True)
    per_class = F.binary_cross_entropy_with_logits(train_logits, paddle.to_tensor(labels), reduction="none")
    loss = paddle.mean(paddle.sum(per_class, axis=1))
    loss.backward()

    w = FixtureWriter(os.path.join(out, "attention_cluster"), "attention_cluster",
                      "inputs are already-sampled frames (seg_num rows); logits at inference (dropout x0.5); "
                      "loss = mean over batch of summed BCE with drop_rate 0; gradients of that loss")
    for i in range(videos):
        w.add(f"input/rgb/{i}", rgb[i])
        w.add(f"input/audio/{i}", audio[i])
    write_cluster_results(w, model, logits, train_logits, labels, loss, os.path.join(out, "attention_cluster"))
    write_feature_pickle(os.path.join(out, "attention_cluster", "features.pkl"), rgb, audio, labels)


# --------------------------------------------------------------------------------------------------------------
# Any set of modalities (PaddleVideo's feature_names / feature_dims): one branch per stream, named by its index.
# Streams are recorded as input/rgb, input/audio, input/modality2, … (the order of the weights' branches).

STREAM_NAMES = ["rgb", "audio", "modality2", "modality3"]


def attention_lstm_streams_fixture(out, name, seed, dims, lengths):
    rng = np.random.default_rng(seed)
    e, h, fc, k = 12, 10, [24, 20], 5
    model = Recognizer1D(AttentionLstmHead(dims, e, h, fc, k))
    randomise(model, rng, 0.3)
    model.eval()
    streams = [[rng.normal(0, 1, (t, d)).astype("float32") for t in ts] for d, ts in zip(dims, lengths)]
    inputs = [tuple(paddle.to_tensor(a) for a in pad(videos, d)) for videos, d in zip(streams, dims)]
    logits = model.head(inputs)
    videos = len(lengths[0])
    labels = np.zeros((videos, k), "float32")
    for b, classes in enumerate([[0, 3], [1], [], [2, 4]][:videos]):
        labels[b, classes] = 1
    loss = lstm_loss_backward(model, inputs, labels)

    w = FixtureWriter(os.path.join(out, name), "attention_lstm",
                      f"{len(dims)} modalities {dims}; logits in eval mode; loss = BCEWithLogits(sum) over the same "
                      "batch in train mode with dropout p=0; gradients of that loss")
    for m, videos_m in enumerate(streams):
        for i, x in enumerate(videos_m):
            w.add(f"input/{STREAM_NAMES[m]}/{i}", x)
    w.add("logits", logits.numpy())
    w.add("labels", labels)
    w.add("loss", np.array([loss.item()]))
    for pname, p in model.named_parameters():
        w.add(f"weights/{pname}", p.numpy())
        w.add(f"grad/{pname}", p.grad.numpy())
    w.close()
    paddle.save(model.state_dict(), os.path.join(out, name, "weights.pdparams"))


def attention_cluster_streams_fixture(out, name, seed, dims, clusters):
    rng = np.random.default_rng(seed)
    fc, k, seg_num, videos = [20, 12], 5, 5, 3
    model = AttentionCluster(dims, clusters, fc, k)
    randomise(model, rng, 0.3)
    streams = [rng.normal(0, 1, (videos, seg_num, d)).astype("float32") for d in dims]
    logits = model([paddle.to_tensor(x) for x in streams], 0.5, training=False)
    labels = np.zeros((videos, k), "float32")
    for b, classes in enumerate([[1, 2], [0], [4]]):
        labels[b, classes] = 1
    train_logits = model([paddle.to_tensor(x) for x in streams], 0.0, training=True)
    per_class = F.binary_cross_entropy_with_logits(train_logits, paddle.to_tensor(labels), reduction="none")
    loss = paddle.mean(paddle.sum(per_class, axis=1))
    loss.backward()

    w = FixtureWriter(os.path.join(out, name), "attention_cluster",
                      f"{len(dims)} modalities {dims}, clusters {clusters}; inputs are already-sampled frames; logits "
                      "at inference (dropout x0.5); loss = mean over batch of summed BCE with drop_rate 0; gradients")
    for m, x in enumerate(streams):
        for i in range(videos):
            w.add(f"input/{STREAM_NAMES[m]}/{i}", x[i])
    write_cluster_results(w, model, logits, train_logits, labels, loss, os.path.join(out, name))


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "ModelsTests", "Fixtures")
    paddle.set_device("cpu")
    paddle.seed(0)
    attention_lstm_fixture(out)
    attention_cluster_fixture(out)
    attention_lstm_streams_fixture(out, "attention_lstm_rgb", 31, [20], [[5, 3, 1, 6]])
    attention_lstm_streams_fixture(out, "attention_lstm_3", 37, [16, 8, 6], [[5, 3, 1, 7], [4, 3, 1, 2], [2, 6, 1, 3]])
    attention_cluster_streams_fixture(out, "attention_cluster_rgb", 41, [20], [4])
    attention_cluster_streams_fixture(out, "attention_cluster_3", 43, [16, 8, 6], [4, 3, 2])
    print(f"fixtures written under {os.path.normpath(out)}", file=sys.stderr)
