#!/usr/bin/env python3
"""Makes the Training fixtures with PaddlePaddle's own optimisers and models.

Usage: /work/paddle-venv/bin/python tools/make_training_fixtures.py

Tests/TrainingTests/Fixtures/optimizers.json: a few steps of Paddle's Adam and centered RMSProp on tiny parameters.
Each step feeds fixed gradients G_t through loss = sum(w * G_t), so grad(w) = G_t exactly; the fixture records the
starting values, the gradients and the parameters after every step.
  adam:    paddle.optimizer.Adam(lr 0.01, beta1 0.9, beta2 0.999, epsilon 1e-8), no decay (AttentionCluster).
  rmsprop: paddle.optimizer.RMSProp(centered, rho 0.95, epsilon 1e-6, momentum 0) with PiecewiseDecay stepped once
           per step (as PaddleVideo steps it per epoch) and L2Decay(4e-4), except a bias whose ParamAttr has
           L2Decay(0.0) (AttentionLSTM's output biases).

Tests/TrainingTests/Fixtures/steps.json: three whole training steps of tiny AttentionLSTM and AttentionCluster
networks (the Paddle networks of tools/make_parity_fixtures.py) on one fixed batch, dropout 0, with each model's
loss and optimiser (AttentionLSTM: summed BCE, centered RMSProp, L2 4e-4 except the output biases, piecewise rate;
AttentionCluster: BCE summed over classes and averaged over the batch, Adam): initial weights, inputs, labels, the
loss of every step and the weights after every step.
"""
import json
import os
import sys

import numpy as np
import paddle
import paddle.nn.functional as F
from paddle.regularizer import L2Decay

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_parity_fixtures import AttentionCluster, AttentionLstmHead, Recognizer1D, pad  # noqa: E402

STEPS = 4


def parameter(name, values, decay=None):
    attr = paddle.ParamAttr(name=name, initializer=paddle.nn.initializer.Assign(values), regularizer=decay)
    return paddle.create_parameter(list(values.shape), "float32", attr=attr)


def run(tag, optimizer_factory, initial, decays, schedule=None):
    rng = np.random.default_rng(7)
    params = [parameter(f"{tag}.{name}", value, None if decays[name] else L2Decay(0.0))
              for name, value in initial.items()]
    optimizer = optimizer_factory(params)
    gradients, after = [], []
    for _ in range(STEPS):
        grads = {p.name.split(".")[-1]: rng.normal(0, 1, p.shape).astype(np.float32) for p in params}
        loss = sum((p * paddle.to_tensor(grads[p.name.split(".")[-1]])).sum() for p in params)
        loss.backward()
        optimizer.step()
        optimizer.clear_grad()
        if schedule is not None:
            schedule.step()
        gradients.append({k: v.ravel().tolist() for k, v in grads.items()})
        after.append({p.name.split(".")[-1]: p.numpy().ravel().tolist() for p in params})
    return gradients, after


def flat(array):
    return {"shape": list(array.shape), "values": np.asarray(array, "float32").ravel().tolist()}


def lstm_steps(rng):
    model = Recognizer1D(AttentionLstmHead([6, 4], 5, 3, [7, 6], 3))
    for _, p in model.named_parameters():
        p.set_value(rng.normal(0, 0.4, p.shape).astype("float32"))
    for name in ("fc_out1", "fc_out2", "fc_logit"):
        getattr(model.head, name).bias.regularizer = L2Decay(0.0)
    model.train()
    model.head.dropout.p = 0.0
    lengths = [[4, 2, 5], [3, 2, 1]]
    rgb = [rng.normal(0, 1, (t, 6)).astype("float32") for t in lengths[0]]
    audio = [rng.normal(0, 1, (t, 4)).astype("float32") for t in lengths[1]]
    inputs = [tuple(paddle.to_tensor(a) for a in pad(rgb, 6)), tuple(paddle.to_tensor(a) for a in pad(audio, 4))]
    labels = np.zeros((3, 3), "float32")
    for b, classes in enumerate([[0], [1, 2], []]):
        labels[b, classes] = 1
    schedule = paddle.optimizer.lr.PiecewiseDecay(boundaries=[2], values=[0.01, 0.001])
    optimizer = paddle.optimizer.RMSProp(schedule, rho=0.95, epsilon=1e-6, momentum=0.0, centered=True,
                                         parameters=model.parameters(), weight_decay=L2Decay(4e-4))

    def state():
        return {k: flat(v.numpy()) for k, v in model.state_dict().items() if ".cell_" not in k}

    initial, losses, after = state(), [], []
    for _ in range(3):
        loss = F.binary_cross_entropy_with_logits(model.head(inputs), paddle.to_tensor(labels), reduction="sum")
        loss.backward()
        optimizer.step()
        optimizer.clear_grad()
        schedule.step()
        losses.append(float(loss))
        after.append(state())
    return {"boundaries": [2], "values": [0.01, 0.001], "weight_decay": 4e-4, "initial": initial,
            "rgb": [flat(a) for a in rgb], "audio": [flat(a) for a in audio], "labels": flat(labels),
            "losses": losses, "after": after}


def cluster_steps(rng):
    model = AttentionCluster([6, 4], [2, 2], [5, 4], 3)
    for p in model.params.values():
        p.set_value(rng.normal(0, 0.4, p.shape).astype("float32"))
    optimizer = paddle.optimizer.Adam(0.01, beta1=0.9, beta2=0.999, epsilon=1e-8, parameters=model.parameters())
    rgb = rng.normal(0, 1, (3, 4, 6)).astype("float32")
    audio = rng.normal(0, 1, (3, 4, 4)).astype("float32")
    labels = np.zeros((3, 3), "float32")
    for b, classes in enumerate([[2], [0, 1], []]):
        labels[b, classes] = 1

    def state():
        return {k: flat(p.numpy()) for k, p in model.params.items()}

    initial, losses, after = state(), [], []
    for _ in range(3):
        logits = model(paddle.to_tensor(rgb), paddle.to_tensor(audio), 0.0, training=True)
        per_class = F.binary_cross_entropy_with_logits(logits, paddle.to_tensor(labels), reduction="none")
        loss = paddle.mean(paddle.sum(per_class, axis=1))
        loss.backward()
        optimizer.step()
        optimizer.clear_grad()
        losses.append(float(loss))
        after.append(state())
    return {"learning_rate": 0.01, "initial": initial, "rgb": [flat(a) for a in rgb],
            "audio": [flat(a) for a in audio], "labels": flat(labels), "losses": losses, "after": after}


def write_steps(directory):
    rng = np.random.default_rng(17)
    document = {"generator": "tools/make_training_fixtures.py", "paddle": paddle.__version__,
                "attention_lstm": lstm_steps(rng), "attention_cluster": cluster_steps(rng)}
    with open(os.path.join(directory, "steps.json"), "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")


def main():
    paddle.set_device("cpu")
    rng = np.random.default_rng(3)
    initial = {"w": rng.normal(0, 1, (2, 3)).astype(np.float32), "b": rng.normal(0, 1, (3,)).astype(np.float32)}
    decays = {"w": True, "b": False}
    document = {"generator": "tools/make_training_fixtures.py", "paddle": paddle.__version__,
                "initial": {k: v.ravel().tolist() for k, v in initial.items()}, "decays": decays}

    grads, after = run("adam", lambda ps: paddle.optimizer.Adam(0.01, beta1=0.9, beta2=0.999, epsilon=1e-8, parameters=ps),
                       initial, decays)
    document["adam"] = {"learning_rate": 0.01, "gradients": grads, "after": after}

    schedule = paddle.optimizer.lr.PiecewiseDecay(boundaries=[2, 3], values=[0.01, 0.001, 0.0001])
    grads, after = run("rmsprop", lambda ps: paddle.optimizer.RMSProp(schedule, rho=0.95, epsilon=1e-6, momentum=0.0,
                                                           centered=True, parameters=ps,
                                                           weight_decay=L2Decay(4e-4)),
                       initial, decays, schedule)
    document["rmsprop"] = {"boundaries": [2, 3], "values": [0.01, 0.001, 0.0001], "weight_decay": 4e-4,
                           "gradients": grads, "after": after}

    directory = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "TrainingTests", "Fixtures")
    write_steps(directory)
    with open(os.path.join(directory, "optimizers.json"), "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
