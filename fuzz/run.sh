#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each) from the committed corpus.
#   fuzz/run.sh [SECONDS]
# New interesting inputs go to a scratch folder, not into the committed corpus; a crash stops
# the run and leaves its input in fuzz/artifacts/<target>/ (add it to fuzz/corpus once fixed).
# cargo fuzz needs nightly features: RUSTC_BOOTSTRAP lets the stable toolchain provide them.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
export RUSTC_BOOTSTRAP=1
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in read_export clixml split_proxies; do
  mkdir -p "$scratch/$target"
  echo "fuzzing $target for ${seconds}s"
  cargo fuzz run "$target" "$scratch/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=262144 -timeout=20 -print_final_stats=1 \
    2>&1 | grep -E "^(INFO: seed|#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==|SUMMARY|Test unit written|.*panicked)" || true
  test "${PIPESTATUS[0]}" -eq 0 || { echo "fuzz target $target failed" >&2; exit 1; }
done
