#!/usr/bin/env bash
# Writes vigil's shell completions (bash, zsh, fish) and man page into BUILD/share (default .build/release), from
# the command definitions themselves: `vigil --generate-completion-script SHELL` and ArgumentParser's
# generate-manual plugin. Run by scripts/install.sh after the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-.build/release}"
configuration=$(basename "$build")
share="$build/share"
mkdir -p "$share/bash-completion/completions" "$share/zsh/site-functions" "$share/fish/vendor_completions.d" \
    "$share/man/man1"
"$build/vigil" --generate-completion-script bash > "$share/bash-completion/completions/vigil"
"$build/vigil" --generate-completion-script zsh > "$share/zsh/site-functions/_vigil"
"$build/vigil" --generate-completion-script fish > "$share/fish/vendor_completions.d/vigil.fish"
swift package generate-manual --configuration "$configuration" >&2
cp .build/plugins/GenerateManual/outputs/vigil/vigil.1 "$share/man/man1/vigil.1"
echo "completions and man page in $share" >&2
