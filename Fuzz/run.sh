#!/usr/bin/env bash
# Runs fuzz targets for a fixed number of executions each (default 1,000,000) and prints a table.
#   Fuzz/run.sh [RUNS] [TARGET...]      targets: pickle safetensors tfrecord savecombine labelmap torch (Formats),
#                                       mp4-table mp4 (Media), yaml exec-reply exec-child (Pipeline); one binary,
#                                       FuzzTargets
#   MAX_SECONDS=600 Fuzz/run.sh ...      also stop each target after that many seconds (default: no limit)
# With no TARGET every target runs except exec-child, which starts a real plug-in process per input and manages a
# few executions per second: name it, with a much smaller RUNS (docs/robustness.md has the figures).
# A Formats target fails on an input that allocates more than 64 MB at once (-malloc_limit_mb), grows the process
# past 1 GB (-rss_limit_mb), or breaks a bound the harness checks (CPU time per input, a loaded value's bytes); the
# pipeline targets are held to 2 GB per allocation and 4 GB of RSS; the Media targets (files of up to 32 KB, opened by
# path) to 2 s of CPU per input, `mp4-table` to 64 MB per allocation and 1 GB of RSS, and `mp4`, which goes through
# FFmpeg's demuxer and decoder, to 2 GB of RSS (FFmpeg reserves what a header declares without touching it).
# Needs the Swift toolchain's libFuzzer (swiftc -sanitize=fuzzer) and AddressSanitizer. Findings and each target's
# log are written to Fuzz/findings/<target>-*; each finding should become a regression test in the owning module's
# tests (Tests/FormatsTests, Tests/PipelineTests).
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-1000000}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pickle safetensors tfrecord savecombine labelmap torch mp4-table mp4 yaml exec-reply)

swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing --product FuzzTargets >&2
binary=.build/release/FuzzTargets
mkdir -p findings
printf '%-12s %12s %8s %10s %s\n' target executions findings seconds corpus
for target in "${targets[@]}"; do
    case "$target" in
        pickle|safetensors|tfrecord|savecombine|labelmap|torch)
            limits=(-max_len=16384 -rss_limit_mb=1024 -malloc_limit_mb=64) ;;
        mp4-table)
            limits=(-max_len=32768 -rss_limit_mb=1024 -malloc_limit_mb=64) ;;
        mp4)  # FFmpeg's demuxer reserves what a header declares (1.4 GB from a 3 KB file, untouched): RSS is the bound
            limits=(-max_len=32768 -rss_limit_mb=2048 -malloc_limit_mb=4096) ;;
        yaml|exec-reply|exec-child)
            limits=(-max_len=4096 -rss_limit_mb=4096 -malloc_limit_mb=2048) ;;
        *) echo "run.sh: unknown target $target" >&2; exit 64 ;;
    esac
    corpus="$(mktemp -d)"
    log="findings/$target.log"
    start=$(date +%s)
    status=0
    # No Swift backtracer: its crash handler reads the stack in a way AddressSanitizer reports as a second error.
    SWIFT_BACKTRACE=enable=no FUZZ_TARGET="$target" "$binary" -runs="$runs" "${limits[@]}" -timeout=10 -max_total_time="${MAX_SECONDS:-0}" \
        -artifact_prefix="findings/$target-" -print_final_stats=1 "$corpus" "seeds/$target" >"$log" 2>&1 || status=$?
    seconds=$(( $(date +%s) - start ))
    executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    found=$(ls findings 2>/dev/null | grep -v '\.log$' | grep -c "^$target-" || true)
    printf '%-12s %12s %8s %10s %s\n' "$target" "$executions" "$found" "$seconds" "$(ls "$corpus" | wc -l) inputs"
    if [ "$status" -ne 0 ]; then echo "  $target stopped (exit $status); last lines of $log:" >&2; tail -20 "$log" >&2; fi
    rm -rf "$corpus"
done
