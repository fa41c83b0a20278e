#!/usr/bin/env bash
# The cold-start benchmark (not part of the tests): fresh `wrangler dev`
# servers, first and warm renders per chart, with and without the start
# work, side by side. Writes bench/out/cold.json and prints a table.
#   scripts/cold.sh [SAMPLES=5]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
bash scripts/build-worker.sh
exec node bench/cold.mjs "${1:-5}"
