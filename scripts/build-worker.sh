#!/usr/bin/env bash
# Builds the Worker (build/index.js + build/index_bg.wasm) with worker-build,
# using the wasm-bindgen CLI that scripts/setup.sh installed (worker-build
# cannot download one here). wrangler runs this through [build] in
# wrangler.toml; it returns at once when the build is newer than its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out=build/index_bg.wasm
if [ -f "$out" ] && [ -z "$(find src assets Cargo.toml Cargo.lock .cargo -newer "$out" -print -quit)" ]; then
  echo "worker build is up to date ($out)"
  exit 0
fi
echo "building the Worker (worker-build --release; a cold build takes a few minutes)..."
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen)}"
worker-build --release
touch "$out"
