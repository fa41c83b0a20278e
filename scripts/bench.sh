#!/usr/bin/env bash
# The benchmark (not part of the tests): native stages, wasmtime renders and
# fuel, PNG and .wasm sizes, wrangler dev latencies and throughput (wrk), the
# saturation side by side (static file, memory hit, 304: requests/s and the
# server's CPU per request), and the matplotlib recipe in the same run. The
# cold-start benchmark is scripts/cold.sh. Writes bench/out/*.json and prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh
command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && S="" || S=sudo; $S apt-get update -qq; DEBIAN_FRONTEND=noninteractive $S apt-get install -y -qq wrk >/dev/null; }
venv=bench/.venv
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv"; "$venv/bin/pip" install -q -r bench/requirements.txt; }
mkdir -p bench/out
bash scripts/build-worker.sh
cargo run --release --quiet --example bench -- bench/out/rust.json
node bench/http.mjs bench/out/http.json
node bench/saturation.mjs 5 4
"$venv/bin/python" bench/matplotlib_hist.py 40 > bench/out/matplotlib.json
node bench/report.mjs bench/out
