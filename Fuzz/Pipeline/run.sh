#!/usr/bin/env bash
# Runs the pipeline fuzz targets for a fixed number of executions each and prints a table (the Formats targets have
# their own Fuzz/run.sh).
#   Fuzz/Pipeline/run.sh [RUNS] [TARGET...]      targets: yaml exec-reply exec-child (default RUNS 1,000,000)
# exec-child starts a real plug-in process per input, so it manages a few executions per second; give it a much
# smaller RUNS (docs/robustness.md has the figures). It is not run unless named. Needs the Swift toolchain's libFuzzer and AddressSanitizer.
# Findings are written to Fuzz/Pipeline/findings/<target>-crash-* (or oom-, timeout-); each one should become a
# regression test in the owning module's tests.
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-1000000}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(yaml exec-reply)

swift build -c release -Xswiftc -sanitize=fuzzer,address --product PipelineFuzzTargets >&2
binary=.build/release/PipelineFuzzTargets
mkdir -p findings
printf '%-12s %12s %8s %10s %s\n' target executions findings seconds corpus
for target in "${targets[@]}"; do
    corpus="$(mktemp -d)"
    log="findings/$target.log"
    start=$(date +%s)
    status=0
    FUZZ_TARGET="$target" "$binary" -runs="$runs" -max_len=4096 -timeout=10 -rss_limit_mb=4096 -malloc_limit_mb=2048 \
        -artifact_prefix="findings/$target-" -print_final_stats=1 "$corpus" "seeds/$target" >"$log" 2>&1 || status=$?
    seconds=$(( $(date +%s) - start ))
    executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    found=$(ls findings 2>/dev/null | grep -c "^$target-" || true)
    printf '%-12s %12s %8s %10s %s\n' "$target" "$executions" "$found" "$seconds" "$(ls "$corpus" | wc -l) inputs"
    if [ "$status" -ne 0 ]; then echo "  $target stopped (exit $status); last lines of $log:" >&2; tail -20 "$log" >&2; fi
    rm -rf "$corpus"
done
