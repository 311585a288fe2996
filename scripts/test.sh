#!/usr/bin/env bash
# README command 2: run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
swift test "$@"
