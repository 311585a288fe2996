#!/usr/bin/env python3
"""Per-label figures of the demo model on one split, from `vigil predict --all-scores` lines and the labels file.

Usage: label_report.py CLIPS/<split>.labels.tsv LABEL_NAMES.txt PREDICTIONS.jsonl [THRESHOLD=0.5]
Prints one JSON document: per label the positives, accuracy, precision and recall at THRESHOLD and the ROC AUC
(ties count one half), plus how many clips get exactly their label set. Standard library only.
"""
import json
import sys


def main():
    tsv, names_path, predictions = sys.argv[1:4]
    threshold = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
    with open(names_path) as f:
        names = [line.strip() for line in f if line.strip()]
    truth = {}
    with open(tsv) as f:
        for line in f:
            rel, labels = line.rstrip("\n").split("\t")[:2]
            truth[rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]] = {name for name in labels.split(",") if name}
    with open(predictions) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    report = {"clips": len(rows), "threshold": threshold, "labels": {}}
    for i, name in enumerate(names):
        pos = [r["scores"][i] for r in rows if name in truth[r["video"]]]
        neg = [r["scores"][i] for r in rows if name not in truth[r["video"]]]
        tp = sum(s >= threshold for s in pos)
        fp = sum(s >= threshold for s in neg)
        auc = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg) / max(1, len(pos) * len(neg))
        report["labels"][name] = {
            "positives": len(pos), "accuracy": round((tp + len(neg) - fp) / max(1, len(rows)), 3),
            "precision": round(tp / max(1, tp + fp), 3), "recall": round(tp / max(1, len(pos)), 3),
            "auc": round(auc, 3)}
    exact = sum({n for i, n in enumerate(names) if r["scores"][i] >= threshold} == truth[r["video"]] for r in rows)
    report["exact_label_sets"] = exact
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
