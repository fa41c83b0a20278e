#!/usr/bin/env bash
# Starts the Worker locally: wrangler dev (real workerd, local KV under
# .wrangler/) on 127.0.0.1:$PORT (default 8787), serving the demo page at /.
# Installs the pinned toolchain pieces first when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
port="${PORT:-8787}"
export WRANGLER_SEND_METRICS=false
printf '\033[1m==> starting wrangler dev; open http://127.0.0.1:%s/ once it says Ready\033[0m\n' "$port" >&2
exec node_modules/.bin/wrangler dev --ip 127.0.0.1 --port "$port"
