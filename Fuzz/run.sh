#!/usr/bin/env bash
# Runs every Formats fuzz target for a fixed number of executions (default 1,000,000) and prints a table.
#   Fuzz/run.sh [RUNS] [TARGET...]      targets: pickle safetensors tfrecord savecombine labelmap
#   MAX_SECONDS=600 Fuzz/run.sh ...      also stop each target after that many seconds (default: no limit)
# A run fails on an input that allocates more than 64 MB at once (-malloc_limit_mb), grows the process past 1 GB
# (-rss_limit_mb), or breaks a bound the harness checks (CPU time per input, a loaded value's bytes).
# Needs the Swift toolchain's libFuzzer (swiftc -sanitize=fuzzer) and AddressSanitizer. Findings are written to
# Fuzz/findings/<target>-crash-*; each one should become a regression test in Tests/FormatsTests.
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-1000000}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pickle safetensors tfrecord savecombine labelmap)

swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing --product FuzzTargets >&2
binary=.build/release/FuzzTargets
mkdir -p findings
printf '%-12s %12s %8s %10s %s\n' target executions crashes seconds corpus
for target in "${targets[@]}"; do
    corpus="$(mktemp -d)"
    log="$(mktemp)"
    start=$(date +%s)
    status=0
    FUZZ_TARGET="$target" "$binary" -runs="$runs" -max_len=16384 -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=64 -max_total_time="${MAX_SECONDS:-0}" \
        -artifact_prefix="findings/$target-" -print_final_stats=1 "$corpus" "seeds/$target" >"$log" 2>&1 || status=$?
    seconds=$(( $(date +%s) - start ))
    executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    crashes=$(ls findings 2>/dev/null | grep -c "^$target-" || true)
    printf '%-12s %12s %8s %10s %s\n' "$target" "$executions" "$crashes" "$seconds" "$(ls "$corpus" | wc -l) inputs"
    if [ "$status" -ne 0 ]; then echo "  $target stopped (exit $status); last lines:" >&2; tail -20 "$log" >&2; fi
    rm -rf "$corpus" "$log"
done
