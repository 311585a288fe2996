#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer, each in its own scratch path (.build-asan,
# .build-tsan), and prints one summary line per sanitizer. Logs: .build-<name>/sanitize.log.
#   scripts/sanitize.sh [address|thread]... [-- swift test arguments, e.g. --filter MediaTests]
# The CLI tests run the sanitized vigil binary (VIGIL_BINARY), so the corpus sample exercises it too.
# Slow on a small machine (a full build per sanitizer): run it in the background with output to a file.
set -uo pipefail
cd "$(dirname "$0")/.."
sanitizers=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do sanitizers+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)

# Reports go to the log; the first one does not stop the run (halt_on_error=0 needs -fsanitize-recover, so ASan
# still stops at its first report; TSan keeps going).
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:print_summary=1"
export TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:report_signal_unsafe=0"
status=0
for sanitizer in "${sanitizers[@]}"; do
    skip=()
    case "$sanitizer" in
        address) scratch=.build-asan ;;
        # FFmpeg's UDP protocol ends its receive thread with pthread_cancel, which TSan cannot follow ("thread
        # finished with ignores enabled" is fatal): the two in-process UDP tests run under ASan only.
        thread) scratch=.build-tsan; skip=(--skip "silentUDPInputTimesOut|abortFromAnotherThreadEndsABlockedOpen") ;;
        *) echo "unknown sanitizer $sanitizer (address or thread)" >&2; exit 64 ;;
    esac
    mkdir -p "$scratch"
    log="$scratch/sanitize.log"
    start=$(date +%s)
    {
        swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" &&
        VIGIL_BINARY="$PWD/$scratch/debug/vigil" \
            swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "${skip[@]}" "$@"
    } >"$log" 2>&1
    result=$?
    seconds=$(( $(date +%s) - start ))
    reports=$(grep -c "^==[0-9]*==ERROR: AddressSanitizer\|^WARNING: ThreadSanitizer" "$log")
    tests=$(grep -o "Test run with [0-9]* tests* in [0-9]* suites* \(passed\|failed\)[^.]*" "$log" | tail -1)
    printf '%-8s exit %-3s %5ss  %s sanitizer reports  %s\n' "$sanitizer" "$result" "$seconds" "$reports" "${tests:-no test summary}"
    [ "$result" -eq 0 ] && [ "$reports" -eq 0 ] || status=1
done
exit $status
