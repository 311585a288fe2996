#!/usr/bin/env python3
"""Makes Tests/TrainingTests/Fixtures/optimizers.json: a few steps of PaddlePaddle's own Adam and centered RMSProp.

Usage: /work/paddle-venv/bin/python tools/make_training_fixtures.py
Each step feeds fixed gradients G_t through loss = sum(w * G_t), so grad(w) = G_t exactly; the fixture records the
starting values, the gradients and the parameters after every step.
  adam:    paddle.optimizer.Adam(lr 0.01, beta1 0.9, beta2 0.999, epsilon 1e-8), no decay (AttentionCluster).
  rmsprop: paddle.optimizer.RMSProp(centered, rho 0.95, epsilon 1e-6, momentum 0) with PiecewiseDecay stepped once
           per step (as PaddleVideo steps it per epoch) and L2Decay(4e-4), except a bias whose ParamAttr has
           L2Decay(0.0) (AttentionLSTM's output biases).
"""
import json
import os

import numpy as np
import paddle
from paddle.regularizer import L2Decay

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

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "TrainingTests", "Fixtures",
                       "optimizers.json")
    with open(out, "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
