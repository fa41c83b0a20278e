#!/usr/bin/env bash
# Builds the Worker (build/worker/shim.mjs + .wasm) with worker-build, using
# the wasm-bindgen CLI installed by scripts/setup.sh (worker-build cannot
# download one here). Called by wrangler through [build] in wrangler.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen)}"
exec worker-build --release
