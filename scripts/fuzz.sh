#!/usr/bin/env bash
# Coverage-guided fuzzing with cargo fuzz (libFuzzer), not part of the tests:
#   scripts/fuzz.sh [SECONDS] [TARGET...]      (default: 600 s, every target)
# Targets (fuzz/fuzz_targets/): request (method, path, query and headers
# through flow::handle with in-memory stores), encode_roundtrip (palette
# canvases through the PNG encoder, back through the png crate and
# miniz_oxide) and deflate_roundtrip (arbitrary bytes through the zlib
# stream, any row distance, matches at the window's edge, inflated back
# strictly), data_body (POST /data bodies, any bytes under any
# Content-Type, through the parsers and the flow) and text (any string in
# any lang through itemization, bidi, shaping, cutting and the glyph
# raster, with every font shard). Targets run side by side, sharing the cores. The corpus lives in
# fuzz/corpus/TARGET and is kept in the repository; a crash leaves its input
# in fuzz/artifacts/TARGET/ and fails this command. Installs, pinned and only
# when missing: a nightly toolchain (cargo fuzz needs -Z flags) and cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
NIGHTLY=nightly-2026-05-19
CARGO_FUZZ_VERSION=0.13.2
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(request encode_roundtrip deflate_roundtrip data_body text)
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! rustup toolchain list | grep -q "^$NIGHTLY"; then
  step "installing the Rust toolchain $NIGHTLY (minimal) for cargo fuzz"
  rustup toolchain install "$NIGHTLY" --profile minimal
fi
if ! cargo fuzz --version 2>/dev/null | grep -qw "$CARGO_FUZZ_VERSION"; then
  step "installing cargo-fuzz $CARGO_FUZZ_VERSION (cargo install; a few minutes)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

step "building the fuzz targets (nightly, address sanitizer; fuzz/target)"
cargo "+$NIGHTLY" fuzz build -O 2>&1 | grep -vE "^ +(Compiling|Downloaded|Downloading)" | tail -5

mkdir -p fuzz/logs
declare -A max_len=([request]=4096 [encode_roundtrip]=65536 [deflate_roundtrip]=65536 [data_body]=8192 [text]=1024)
# Tokens of the request syntax (parameters, numbers at the edges of f64,
# escapes): on the code before this round's fixes, they took the request
# target from 4,499 to 5,220 coverage edges in 5 minutes.
declare -A dict=([request]=fuzz/request.dict [data_body]=fuzz/data.dict)
pids=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  step "fuzzing $t for ${seconds}s (log: fuzz/logs/$t.log)"
  cargo "+$NIGHTLY" fuzz run -O "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -max_len="${max_len[$t]:-4096}" -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 ${dict[$t]:+-dict="${dict[$t]}"} >"fuzz/logs/$t.log" 2>&1 &
  pids+=($!)
done
# Progress every minute while any target runs (checked every 5 s).
running() { for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
ticks=0
while running; do
  sleep 5
  ticks=$((ticks + 1))
  if [ $((ticks % 12)) -eq 0 ]; then
    for t in "${targets[@]}"; do
      last=$(grep -aE '^#[0-9]+' "fuzz/logs/$t.log" | tail -1 | cut -c1-110)
      printf '  %-17s %s\n' "$t" "${last:-starting}" >&2
    done
  fi
done
failed=0
for i in "${!targets[@]}"; do
  wait "${pids[$i]}" || failed=1
done

printf '\n%-17s %12s %8s %8s %8s %s\n' target executions exec/s cov ft corpus
for t in "${targets[@]}"; do
  log="fuzz/logs/$t.log"
  runs=$(grep -aoE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  rate=$(grep -aoE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  last=$(grep -aE '^#[0-9]+' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo "?")
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo "?")
  files=$(find "fuzz/corpus/$t" -type f | wc -l)
  crash=""
  if ls "fuzz/artifacts/$t"/crash-* "fuzz/artifacts/$t"/oom-* "fuzz/artifacts/$t"/timeout-* >/dev/null 2>&1; then
    crash="  FINDINGS in fuzz/artifacts/$t/"
    failed=1
  fi
  printf '%-17s %12s %8s %8s %8s %s%s\n' "$t" "$runs" "$rate" "$cov" "$ft" "$files" "$crash"
done
exit "$failed"
