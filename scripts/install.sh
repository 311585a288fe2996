#!/usr/bin/env bash
# README command 1: install dependencies, build Vigil in release mode, write its shell completions and man page
# (generated from the command definitions by ArgumentParser), classify a bundled camera clip with the embedded demo
# model (pipelines/default.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh >&2
swift build -c release >&2
bash scripts/completions.sh .build/release >&2
.build/release/vigil classify samples/demo/clips/heldout_0090.mp4
