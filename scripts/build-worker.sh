#!/usr/bin/env bash
# Builds the Worker (build/index.js + build/index_bg.wasm) with worker-build,
# using the wasm-bindgen CLI that scripts/setup.sh installed (worker-build
# cannot download one here), then wasm-opt. wrangler runs this through [build] in
# wrangler.toml; it returns at once when the build is newer than its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# The font shards in www/fonts/ (the static assets the Worker fetches them
# from): made or checked first, so a deploy never uploads a Worker whose
# shards are missing.
scripts/fonts.sh
out=build/index_bg.wasm
if [ -f "$out" ] && [ -z "$(find src assets Cargo.toml Cargo.lock .cargo -newer "$out" -print -quit)" ]; then
  echo "worker build is up to date ($out)"
  exit 0
fi
echo "building the Worker (worker-build --release; a cold build takes a few minutes)..."
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen)}"
worker-build --release
# wasm-opt (binaryen, pinned in package.json) on the final module: 6% fewer
# raw bytes, and measured side by side by the cold-start benchmark
# (scripts/cold.sh) a little faster first render. The module is built with
# `strip = true`, so wasm-opt is told its features; it changes no output byte
# (tests/e2e/golden.test.mjs fetches every golden from the Worker).
node_modules/.bin/wasm-opt -O3 \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --enable-simd --enable-exception-handling \
  "$out" -o "$out"
touch "$out"
