#!/usr/bin/env bash
# README command 1: install dependencies, build Vigil in release mode, run the main job on a bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh >&2
swift build -c release >&2
.build/release/vigil info samples/media/sample.mp4
