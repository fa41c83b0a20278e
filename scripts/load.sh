#!/usr/bin/env bash
# The load command (not part of the tests): 10,000 mixed requests at
# concurrency 64 against wrangler dev, every answer checked, requests/s and
# p50/p99 per class; then a 5-minute soak that reports the workerd process's
# memory. Writes bench/out/load.json.
#   scripts/load.sh [REQUESTS] [CONCURRENCY] [SOAK_SECONDS]
# LOAD_RENDER_BUDGET=on runs it with the render budget on (429s allowed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
bash scripts/build-worker.sh
exec node bench/load.mjs "${1:-10000}" "${2:-64}" "${3:-300}"
