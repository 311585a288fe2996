#!/usr/bin/env bash
# Gathers the real photographs, recorded sounds and synthesised speech that the demo clips are made from, from Debian
# packages only, and writes DIR/material.tsv (name, kind, file, seconds, peak dBFS) for clipgen.py.
# Usage: samples/demo/material.sh DIR
# Photographs: scikit-image's and scikit-learn's bundled sample images (python3-skimage, python3-sklearn). Sounds: the
# freedesktop sound theme (sound-theme-freedesktop) and ALSA's speaker-test voice recordings (alsa-utils). Speech:
# espeak-ng, which must be installed (`apt-get install espeak-ng`). The packages are fetched with `apt-get download`
# and unpacked into DIR, not installed; their checksums are checked against samples/demo/material.md5, so the same
# Debian release gives the same material (and so the same clips).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: material.sh DIR}
command -v espeak-ng >/dev/null || { echo "material.sh: espeak-ng is missing (apt-get install espeak-ng)" >&2; exit 69; }
mkdir -p "$dir/debs" "$dir/root" "$dir/photos" "$dir/sounds" "$dir/speech"
dir=$(cd "$dir" && pwd)
(cd "$dir/debs" && apt-get download -q python3-skimage python3-sklearn sound-theme-freedesktop alsa-utils >/dev/null) ||
    { echo "material.sh: apt-get download failed (run apt-get update first)" >&2; exit 69; }
for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
sk=$dir/root/usr/lib/python3/dist-packages
for name in astronaut.png chelsea.png coffee.png rocket.jpg motorcycle_left.png motorcycle_right.png camera.png \
            coins.png brick.png grass.png gravel.png moon.png page.png hubble_deep_field.jpg; do
    cp "$sk/skimage/data/$name" "$dir/photos/"
done
cp "$sk"/sklearn/datasets/images/{china,flower}.jpg "$dir/photos/"
for name in alarm-clock-elapsed bell camera-shutter complete dialog-warning message-new-instant phone-incoming-call \
            phone-outgoing-busy service-login trash-empty suspend-error device-added audio-test-signal; do
    cp "$dir/root/usr/share/sounds/freedesktop/stereo/$name.oga" "$dir/sounds/"
done
for name in Front_Center Front_Left Front_Right Rear_Center Rear_Left Rear_Right Side_Left Side_Right Noise; do
    cp "$dir/root/usr/share/sounds/alsa/$name.wav" "$dir/sounds/alsa-$name.wav"
done
i=0
while IFS='|' read -r voice speed text; do
    espeak-ng -v "$voice" -s "$speed" -w "$dir/speech/speech-$i.wav" "$text"
    i=$((i + 1))
done <<'EOF'
en+m3|150|Help! Somebody help me, please!
en+f3|170|Get out of here right now!
en-us+m7|140|Fire! Fire! Everybody out of the building!
en+f4|160|Stop! Police! Put your hands up!
en+m1|175|Hey! What are you doing over there?
en-us+f2|150|Call an ambulance, quickly!
en+m5|130|The delivery is at the front door, thank you.
en+f1|155|I will be back in ten minutes, do not wait for me.
EOF
(cd "$dir" && md5sum photos/* sounds/* speech/*) > "$dir/material.md5"
if ! diff -q "$here/material.md5" "$dir/material.md5" >/dev/null; then
    echo "material.sh: the material differs from samples/demo/material.md5 (another Debian release?); clips will" \
         "differ from the published ones" >&2
fi
{
    for f in "$dir"/photos/*; do printf '%s\tphoto\t%s\t0\t0\n' "$(basename "${f%.*}")" "$f"; done
    for f in "$dir"/sounds/* "$dir"/speech/*; do
        seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$f")
        peak=$(ffmpeg -nostdin -hide_banner -i "$f" -af volumedetect -f null - 2>&1 |
               sed -n 's/.*max_volume: \(-\?[0-9.]*\) dB.*/\1/p')
        kind=sound; case $f in */speech/*|*/alsa-[FRS]*) kind=speech ;; esac
        printf '%s\t%s\t%s\t%s\t%s\n' "$(basename "${f%.*}")" "$kind" "$f" "$seconds" "$peak"
    done
} > "$dir/material.tsv"
echo "material.sh: $(wc -l < "$dir/material.tsv") files in $dir" >&2
