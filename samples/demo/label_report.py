#!/usr/bin/env python3
"""Per-label and per-family figures of the demo model on one split, from `vigil predict --all-scores` lines and the
labels file.

Usage: label_report.py CLIPS/<split>.labels.tsv LABEL_NAMES.txt PREDICTIONS.jsonl [THRESHOLD=0.5]
Prints one JSON document:
- per label: the positives, accuracy, precision and recall at THRESHOLD and the ROC AUC (ties count one half);
- `exact_label_sets`: clips whose labels at THRESHOLD are exactly the drawn ones (every drawn label at or above it,
  no other label);
- `quiet`: clips with no label, and how many of them had any label at or above THRESHOLD (false positives);
- `confusion`: for each drawn label (and `quiet`), how many of its clips had that label at or above THRESHOLD (the
  diagonal), how many had each other label at or above THRESHOLD although it was not drawn (a label a clip also
  had is not counted as confused), and how many had no label at all (`none`);
- `families` (when the labels file has the families column): per family drawn, its clips, how many were exactly
  right, and for an event family (motion/, light/, tamper/, sound/) the recall of its label; for the others
  (scene/, distractor/) how many clips had a label that was not drawn.
Standard library only.
"""
import json
import sys

FAMILY_LABELS = {"motion": "motion", "light": "lighting_change", "tamper": "camera_tamper", "sound": "loud_sound"}


def main():
    tsv, names_path, predictions = sys.argv[1:4]
    threshold = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
    with open(names_path) as f:
        names = [line.strip() for line in f if line.strip()]
    truth, families = {}, {}
    with open(tsv) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            video = fields[0].rsplit("/", 1)[-1].rsplit(".", 1)[0]
            truth[video] = {name for name in fields[1].split(",") if name}
            families[video] = sorted({name for name in fields[3].split(",") if name}) if len(fields) > 3 else []
    with open(predictions) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    report = {"clips": len(rows), "threshold": threshold, "labels": {}}
    found = {r["video"]: {n for i, n in enumerate(names) if r["scores"][i] >= threshold} for r in rows}
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
    right = {v: found[v] == truth[v] for v in found}
    report["exact_label_sets"] = sum(right.values())
    quiet = [v for v in found if not truth[v]]
    report["quiet"] = {"clips": len(quiet), "false_positives": sum(bool(found[v]) for v in quiet)}
    confusion = {}
    for name in names + ["quiet"]:
        clips = quiet if name == "quiet" else [v for v in found if name in truth[v]]
        row = {"clips": len(clips)}
        for other in names:
            row[other] = sum(other in found[v] and (other == name or other not in truth[v]) for v in clips)
        row["none"] = sum(not found[v] for v in clips)
        confusion[name] = row
    report["confusion"] = confusion
    per_family = {}
    for v in found:
        for family in families[v]:
            entry = per_family.setdefault(family, {"clips": 0, "right": 0})
            entry["clips"] += 1
            entry["right"] += right[v]
            label = FAMILY_LABELS.get(family.split("/")[0])
            if label:
                entry["found"] = entry.get("found", 0) + (label in found[v])
            else:
                entry["false_alarms"] = entry.get("false_alarms", 0) + bool(found[v] - truth[v])
    for family, entry in per_family.items():
        if "found" in entry:
            entry["recall"] = round(entry["found"] / entry["clips"], 3)
    report["families"] = dict(sorted(per_family.items()))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
