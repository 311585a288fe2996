#!/usr/bin/env bash
# Issue 12's proof: re-runs the model, media and watch-capacity benchmarks of docs/benchmarks.md with the parameters
# of their documented figures, one after the other, and prints a small table with the CPU model and the load average
# before and after each. Run it on a quiet machine (every other job stopped); it takes about 15 minutes there.
#
#   Benchmarks/rerun_consolidation.sh [models] [media] [watch]   (default: all three, in that order)
#
# models: OMP_NUM_THREADS=2 $PADDLE_PYTHON tools/bench_models.py --repeats 5 --end-to-end
#         (PADDLE_PYTHON defaults to /work/paddle-venv/bin/python; without PaddlePaddle only Vigil's side runs:
#         .build/release/bench-models, same sizes and threads)
# media:  RUNS=1 tools/bench_media.sh                        (makes /tmp/vigil-bench/1080p30-10min.mp4 once)
# watch:  Benchmarks/watch/capacity.py 8 and 16 --seconds 60  (the idle-machine re-measurement)
# QUICK=1 shrinks every run (1 repeat, 1 camera for 10 s, no end-to-end) to check that the script starts; its
# figures mean nothing. Logs of every run stay in $OUT (default /tmp/vigil-rerun-<time>).
set -euo pipefail
cd "$(dirname "$0")/.."
benchmarks=("$@")
[ ${#benchmarks[@]} -eq 0 ] && benchmarks=(models media watch)
quick=${QUICK:-0}
paddle_python=${PADDLE_PYTHON:-/work/paddle-venv/bin/python}
out=${OUT:-/tmp/vigil-rerun-$(date -u +%Y%m%dT%H%M%S)}
mkdir -p "$out"
rows=()
load() { cut -d' ' -f1-3 /proc/loadavg; }
row() { rows+=("| $1 | $2 | $3 | $4 |"); echo "$1: $3" >&2; }
# One JSON line of tools/bench_models.py or of bench-models (no Paddle) as a table cell.
summarise() {
    python3 - "$1" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
if "vigil_ms" in r:
    text = (f"{r['model']} {r['frames']} frames: Vigil {r['vigil_ms']} ms, Paddle {r['paddle_ms']} ms, "
            f"ratio {r['ratio']}, peak/weights {r['peak_over_weights']}")
    if "predict_pdparams_s" in r:
        text += f", predict {r['predict_pdparams_s']} s / {r['predict_safetensors_s']} s"
else:
    text = (f"{r['model']} {r['frames']} frames: Vigil {r['median_ms']:.1f} ms (no Paddle), "
            f"peak/weights {r['peak_rss_bytes'] / r['weight_bytes']:.3f}")
print(text)
PY
}

# Release builds of what the chosen benchmarks run (vigil: media, watch and models' end-to-end runs).
products=(bench-models)
[[ " ${benchmarks[*]} " =~ " media "|" watch " ]] || [ "$quick" != 1 ] && products+=(vigil)
for product in "${products[@]}"; do
    echo "building $product (release)…" >&2
    swift build -c release --product "$product" >>"$out/build.log" 2>&1
done

for benchmark in "${benchmarks[@]}"; do
    before=$(load)
    case $benchmark in
    models)
        if "$paddle_python" -c "import paddle" 2>/dev/null; then
            args=(--repeats 5 --end-to-end)
            [ "$quick" = 1 ] && args=(--repeats 1)
            OMP_NUM_THREADS=2 "$paddle_python" tools/bench_models.py "${args[@]}" | tee "$out/models.jsonl" >&2
            while read -r line; do
                row "models" "$before → $(load)" "$(summarise "$line")" "bench_models.py"
            done <"$out/models.jsonl"
        else
            echo "no PaddlePaddle at $paddle_python (set PADDLE_PYTHON): Vigil's side only" >&2
            repeats=5
            [ "$quick" = 1 ] && repeats=1
            for spec in "attention_lstm 300" "attention_cluster 100"; do
                read -r model frames <<<"$spec"
                line=$(.build/release/bench-models "$model" --frames "$frames" --threads 2 --repeats "$repeats" | tee -a "$out/models.jsonl")
                row "models" "$before → $(load)" "$(summarise "$line")" "bench-models --threads 2"
            done
        fi
        ;;
    media)
        runs=1
        if [ "$quick" = 1 ]; then
            # A 20 s clip instead of the 10-minute file: checks the commands, not the figure.
            file=$out/quick.mp4
            ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=30:duration=20 \
                -c:v libx264 -preset veryfast -g 60 -bf 2 -pix_fmt yuv420p "$file"
            start=$(date +%s.%N)
            .build/release/vigil frames "$file" --seg-num 100 >/dev/null
            row "media" "$before → $(load)" "QUICK: vigil frames --seg-num 100 of a 20 s 360p clip took $(echo "$(date +%s.%N) $start" | awk '{ printf "%.2f", $1 - $2 }') s" "vigil frames"
        else
            RUNS=$runs tools/bench_media.sh | tee "$out/media.txt" >&2
            row "media" "$before → $(load)" "$(grep '^run ' "$out/media.txt" | sed 's/|/;/g')" "tools/bench_media.sh"
        fi
        ;;
    watch)
        counts=(8 16)
        seconds=60
        [ "$quick" = 1 ] && counts=(1) && seconds=10
        for cameras in "${counts[@]}"; do
            before=$(load)
            /usr/bin/python3 Benchmarks/watch/capacity.py "$cameras" --seconds "$seconds" | tee "$out/watch-$cameras.txt" >&2
            row "watch" "$before → $(load)" "$(grep -E '^(cameras|CPU per camera)' "$out/watch-$cameras.txt" | sed 's/|/;/g' | tr '\n' ' ')" "capacity.py $cameras --seconds $seconds"
        done
        ;;
    *) echo "unknown benchmark '$benchmark' (models, media, watch)" >&2; exit 64 ;;
    esac
done

echo
echo "Issue 12 benchmark re-run, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$([ "$quick" = 1 ] && echo ", QUICK (figures mean nothing)")"
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; OpenBLAS core $(OPENBLAS_VERBOSE=2 .build/release/bench-models attention_cluster --frames 10 --repeats 1 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["kernel"])')"
echo
echo "| benchmark | load average before → after | figures | command |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "logs: $out"
