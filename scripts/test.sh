#!/usr/bin/env bash
# Runs every test, as CI does (.ci/run calls this):
#   1. setup: pinned tools, npm packages, Debian's chromium (skipped when present)
#   2. cargo fmt --check, cargo clippy -D warnings (native, and wasm32 for the adapters);
#      the fuzz targets type-checked, so a change of the core cannot leave them behind
#   3. native tests: unit, parameter table, golden images; then the wasmtime harness
#      (builds the Worker crate for wasm32 with the harness feature)
#   4. the Worker build (worker-build), the deploy checked offline (wrangler deploy
#      --dry-run: bindings, assets, upload size), then end-to-end tests against
#      wrangler dev: HTTP (worker, hostile, abuse) and headless Chromium (demo)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
started=$(date +%s)

step "setup"
scripts/setup.sh --browser

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy (native, all targets; wasm32 with the workers and harness adapters)"
cargo clippy --release --all-targets --quiet -- -D warnings
cargo clippy --release --lib --target wasm32-unknown-unknown --features harness --quiet -- -D warnings

step "the fuzz targets type-check (stable, without libFuzzer; scripts/fuzz.sh runs them)"
cargo check --quiet --locked --manifest-path fuzz/Cargo.toml --bins --no-default-features

step "native tests and the wasmtime harness (cargo test --release)"
cargo test --release
step "fuel per render in the wasmtime harness (also in target/harness/fuel.json)"
cargo test --release --quiet --test wasm_harness fuel_report -- --show-output | sed -n '/^harness module/,/^random/p;/\/random.png/p'

step "building the Worker"
bash scripts/build-worker.sh

step "the deploy, checked offline (wrangler deploy --dry-run)"
bash scripts/deploy-check.sh

step "end-to-end tests against wrangler dev (node --test tests/e2e/*.test.mjs)"
node --test --test-concurrency=1 tests/e2e/*.test.mjs

printf '\033[1m==> all tests passed in %ss\033[0m\n' "$(( $(date +%s) - started ))" >&2
