#!/usr/bin/python3
"""Summarises a soak run: RSS curve (one row per 3 minutes), least-squares slope after a 5-minute warm-up, and
the events printed.  Usage: soak_summary.py soak.csv events.jsonl"""
import csv
import json
import sys
from collections import Counter


def slope_mb_per_hour(points):
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_r = sum(r for _, r in points) / n
    num = sum((t - mean_t) * (r - mean_r) for t, r in points)
    den = sum((t - mean_t) ** 2 for t, _ in points)
    return num / den * 3600 / 1024 if den else 0.0


def main():
    rows = [(int(r["seconds"]), int(r["rss_kb"])) for r in csv.DictReader(open(sys.argv[1])) if r["rss_kb"]]
    warm = [p for p in rows if p[0] >= 300]
    print("| minute | RSS (MB) |")
    print("|---|---|")
    for t, rss in rows:
        if t % 180 < 10:
            print(f"| {t / 60:.0f} | {rss / 1024:.1f} |")
    if len(warm) < 2:
        print(f"\nsamples: {len(rows)}; too short for a slope (the warm-up is the first 300 s)")
    else:
        print(f"\nsamples: {len(rows)}; after warm-up (t ≥ 300 s): min {min(r for _, r in warm) / 1024:.1f} MB, "
              f"max {max(r for _, r in warm) / 1024:.1f} MB, slope {slope_mb_per_hour(warm):+.2f} MB/h")
    counts = Counter()
    for line in open(sys.argv[2]):
        event = json.loads(line)
        key = event["type"] + (":" + event["state"] if event["type"] == "status" else "")
        counts[key] += 1
    print("lines:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
