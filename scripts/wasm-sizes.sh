#!/usr/bin/env bash
# Where the Worker's .wasm bytes go, by crate (bench/wasm_sizes.py): builds
# the Worker's library for wasm32 with a linker map and without stripping,
# in a target directory of its own under target/ (the flags differ from the
# Worker's, so sharing one would rebuild both; a cold build takes a few
# minutes, a warm one seconds). Not part of the tests.
#     scripts/wasm-sizes.sh [CRATE]   # CRATE: also its largest functions
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/wasm-sizes
mkdir -p "$dir"
CARGO_PROFILE_RELEASE_STRIP=false \
  RUSTFLAGS="-C target-feature=+simd128 -C link-arg=--Map=$PWD/$dir/edgechart.map" \
  CARGO_TARGET_DIR="$dir" \
  cargo build --quiet --release --lib --target wasm32-unknown-unknown
python3 bench/wasm_sizes.py "$dir/edgechart.map" \
  "$dir/wasm32-unknown-unknown/release/edgechart.wasm" "$@"
