#!/usr/bin/env bash
# Checks the allowed import edges of docs/architecture.md: every `import X` in Sources/<Module>/**/*.swift must name a
# module that <Module> may import (the table below, which mirrors Package.swift's dependencies) or a system module.
# Prints each violation as `file:line: Module imports X` and exits 1 if there is any; 0 and one summary line otherwise.
# Usage: tools/check_imports.sh            (from anywhere; reads the repository this script lives in)
set -euo pipefail
cd "$(dirname "$0")/.."

# Modules any Swift file may import (the toolchain's own).
system="Foundation FoundationEssentials Dispatch Glibc Musl Darwin Synchronization"

# module → what it may import (Vigil modules and package products' modules). Keep in step with docs/architecture.md.
declare -A allowed=(
    [Tensor]="COpenBLAS CKernels"
    [Media]="CFFmpeg"
    [Features]="Media Models Formats Tensor"
    [Models]="Tensor"
    [Formats]="Tensor SwiftProtobuf"
    [Training]="Models Formats Tensor"
    [Stream]="Models Tensor Collections DequeModule OrderedCollections"
    [Pipeline]="Media Features Models Formats Stream Training Tensor Sinks Monitor Yams Logging"
    [Sinks]="Stream CMosquitto CCurl"
    [Monitor]="Stream Metrics CoreMetrics Prometheus Hummingbird Logging"
    [Cluster]="CNATS Pipeline Stream Tensor"
    [vigil]="Cluster Pipeline ArgumentParser"
)

violations=0
checked=0
for folder in Sources/*/; do
    module=$(basename "$folder")
    case $module in CFFmpeg|COpenBLAS|CMosquitto|CCurl|CNATS|CKernels) continue ;; esac  # C modules: no Swift
    if [[ ! -v allowed[$module] ]]; then
        echo "$folder: module $module is not in the import table (tools/check_imports.sh, docs/architecture.md)"
        violations=$((violations + 1))
        continue
    fi
    permitted=" $system ${allowed[$module]} "
    # `import X`, `@preconcurrency import X`, `@_exported import X`, `import struct X.Y`, `public import X` …
    while IFS=: read -r file line text; do
        imported=$(sed -E 's/^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|package|internal|private|fileprivate)[[:space:]]+)?import[[:space:]]+((typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*).*/\6/' <<<"$text")
        checked=$((checked + 1))
        if [[ $permitted != *" $imported "* ]]; then
            echo "$file:$line: $module imports $imported (allowed: ${allowed[$module]})"
            violations=$((violations + 1))
        fi
    done < <(grep -rnE --include='*.swift' \
        '^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|package|internal|private|fileprivate)[[:space:]]+)?import[[:space:]]' "$folder" || true)
done

if [ "$violations" -gt 0 ]; then
    echo "check_imports: $violations import(s) outside docs/architecture.md's table" >&2
    exit 1
fi
echo "check_imports: $checked import lines in Sources/ follow docs/architecture.md's table" >&2
