#!/usr/bin/env python3
"""Makes Tests/TrainingTests/Fixtures/metrics.json from the YouTube-8M starter code's own metric functions.

Usage (numpy only; the starter code is NOT part of this repository, fetch it to a directory outside it):
    git clone https://github.com/google/youtube-8m /tmp/yt8m_ref      # or PaddleVideo's paddlevideo/metrics/youtube8m
    /work/paddle-venv/bin/python tools/make_metric_fixtures.py --reference /tmp/yt8m_ref

The reference's eval_util.py imports tensorflow only for gfile; a stub module stands in for it.
Labels are handed to the reference as float64 so that its AP arithmetic runs in Python floats (under numpy 2's
NEP 50 a float32 `numpos` would turn the whole AP sum into float32); predictions stay float32 as in PaddleVideo.
Each case avoids ties at the top-k and top-#labels boundaries (numpy's argpartition breaks those arbitrarily) but
has many ties elsewhere: saturated 1.0 scores, scores rounded to a few levels, equal scores across videos, and
videos without labels.
"""
import argparse
import json
import os
import random
import sys
import types

import numpy as np


def load_reference(directory):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if os.path.abspath(directory).startswith(repo + os.sep):
        sys.exit("the reference code must live outside the repository")
    tf = types.ModuleType("tensorflow")
    tf.python = types.ModuleType("tensorflow.python")
    tf.python.platform = types.ModuleType("tensorflow.python.platform")
    tf.python.platform.gfile = types.ModuleType("tensorflow.python.platform.gfile")
    for name, module in [("tensorflow", tf), ("tensorflow.python", tf.python),
                         ("tensorflow.python.platform", tf.python.platform),
                         ("tensorflow.python.platform.gfile", tf.python.platform.gfile)]:
        sys.modules[name] = module
    sys.path.insert(0, os.path.abspath(directory))
    import eval_util
    import mean_average_precision_calculator
    return eval_util, mean_average_precision_calculator


def has_boundary_tie(row, k):
    if k <= 0 or k >= len(row):
        return False
    ordered = np.sort(row)[::-1]
    return ordered[k - 1] == ordered[k]


def make_case(rng, videos, classes, levels, saturate, empty_every, max_labels=4):
    predictions = np.zeros((videos, classes), dtype=np.float32)
    labels = np.zeros((videos, classes), dtype=np.float64)
    for v in range(videos):
        count = 0 if empty_every and v % empty_every == 0 else int(rng.integers(1, max_labels + 1))
        chosen = rng.choice(classes, size=count, replace=False)
        labels[v, chosen] = 1
        while True:
            logits = rng.normal(0, 2, classes) + 3 * labels[v]
            row = (1 / (1 + np.exp(-logits))).astype(np.float32)
            if levels:
                row = (np.round(row * levels) / levels).astype(np.float32)
            if saturate and rng.random() < 0.5:
                row[rng.choice(classes, size=2, replace=False)] = np.float32(1.0)
            if not has_boundary_tie(row, min(20, classes)) and not has_boundary_tie(row, count):
                break
        predictions[v] = row
    return predictions, labels


def reference_metrics(eval_util, map_module, predictions, labels, top_k=20, batch=8):
    sparse_p, sparse_l, positives = eval_util.top_k_by_class(predictions, labels, top_k)
    calculator = map_module.MeanAveragePrecisionCalculator(predictions.shape[1], filter_empty_classes=False)
    calculator.accumulate(sparse_p, sparse_l, positives)
    aps = calculator.peek_map_at_n()
    per_batch = {"hit_at_one": [], "perr": [], "gap": []}
    for start in range(0, len(predictions), batch):
        p, y = predictions[start:start + batch], labels[start:start + batch]
        per_batch["hit_at_one"].append(float(eval_util.calculate_hit_at_one(p, y)))
        per_batch["perr"].append(float(eval_util.calculate_precision_at_equal_recall_rate(p, y)))
        per_batch["gap"].append(float(eval_util.calculate_gap(p, y, top_k)))
    return {
        "hit_at_one": float(eval_util.calculate_hit_at_one(predictions, labels)),
        "perr": float(eval_util.calculate_precision_at_equal_recall_rate(predictions, labels)),
        "gap": float(eval_util.calculate_gap(predictions, labels, top_k)),
        "aps": [float(a) for a in aps],
        "map": float(np.mean(aps)),
        "batch_mean": batch,
        "batch_mean_metrics": {name: float(np.mean(values)) for name, values in per_batch.items()},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True, help="directory holding eval_util.py and the AP calculators")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Tests", "TrainingTests",
                                                      "Fixtures", "metrics.json"))
    args = parser.parse_args()
    eval_util, map_module = load_reference(args.reference)
    rng = np.random.default_rng(20261123)
    specs = [
        ("continuous", dict(videos=24, classes=30, levels=0, saturate=False, empty_every=0)),
        ("ties_and_empty", dict(videos=40, classes=50, levels=8, saturate=True, empty_every=5)),
        ("saturated_small", dict(videos=13, classes=12, levels=4, saturate=True, empty_every=4)),
    ]
    cases = []
    for name, spec in specs:
        predictions, labels = make_case(rng, **spec)
        cases.append({
            "name": name,
            "predictions": [[float(x) for x in row] for row in predictions],
            "labels": [[int(c) for c in np.nonzero(row)[0]] for row in labels],
            "classes": spec["classes"],
            "expected": reference_metrics(eval_util, map_module, predictions, labels),
        })
    samples = {}
    for n in [1, 2, 3, 10, 37, 1000]:
        random.seed(0)
        samples[str(n)] = random.sample(range(n), n)
    document = {"generator": "tools/make_metric_fixtures.py", "numpy": np.__version__,
                "python": sys.version.split()[0], "top_k": 20, "python_sample": samples, "cases": cases}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
