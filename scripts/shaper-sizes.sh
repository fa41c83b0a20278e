#!/usr/bin/env bash
# The shaper's share of the Worker, side by side with the other port: two
# small wasm32 crates (bench/shapers/) doing what src/text asks of a
# shaper (parse a font, shape a run with a plan, read scripts and combining
# classes, draw outlines), built with the Worker's release profile, the
# shaper's crates at "s" as the Worker builds them, and rustybuzz at "z"
# too. Prints each .wasm's size and gzip -9 size. Not part of the tests;
# the first run fetches rustybuzz from the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$PWD/target/shaper-sizes"
build() { # NAME [cargo args]
  local name=$1
  shift
  CARGO_TARGET_DIR="$dir" cargo build --quiet --release --target wasm32-unknown-unknown \
    --manifest-path "bench/shapers/$name/Cargo.toml" "$@"
}
report() { # LABEL FILE
  printf '%-34s %9s bytes %9s gzipped\n' "$1" "$(wc -c <"$2")" "$(gzip -9c "$2" | wc -c)"
}
out="$dir/wasm32-unknown-unknown/release"
build harfrust
report "harfrust 0.15 + read-fonts (s)" "$out/shaper_harfrust.wasm"
build rustybuzz
report "rustybuzz 0.20 + ttf-parser (s)" "$out/shaper_rustybuzz.wasm"
build rustybuzz --config 'profile.release.package.rustybuzz.opt-level="z"' \
  --config 'profile.release.package.ttf-parser.opt-level="z"'
report "rustybuzz 0.20 + ttf-parser (z)" "$out/shaper_rustybuzz.wasm"
