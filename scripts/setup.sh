#!/usr/bin/env bash
# Installs what the README's two commands need, at pinned versions, skipping
# whatever is already there (a warm machine passes through in seconds):
#   the wasm32 Rust target, worker-build, wasm-bindgen-cli (the version in
#   Cargo.lock), the npm packages (wrangler, ...), the font shards
#   (scripts/fonts.sh: Debian's Noto fonts, fontTools), numpy and scipy for the
#   reference oracle (tests/oracle/check.py, used by a native cargo test), and
#   with --browser (the test command) Debian's chromium for the browser tests
#   and httplint.
# Cold, on 2 cores, worker-build and wasm-bindgen-cli take 5 to 10 minutes each.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=versions.env
source scripts/versions.env
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
has_version() { "$1" --version 2>/dev/null | grep -qw -- "$2"; }
started=$(date +%s)

for tool in cargo rustup node npm; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is required but not on PATH" >&2; exit 1; }
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: wrangler needs Node.js 20 or newer (found $(node --version))" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! has_version worker-build "$WORKER_BUILD_VERSION"; then
  step "installing worker-build $WORKER_BUILD_VERSION (cargo install; 5-10 minutes on 2 cores)"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked
fi

wasm_bindgen=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! has_version wasm-bindgen "$wasm_bindgen"; then
  step "installing wasm-bindgen-cli $wasm_bindgen, matching Cargo.lock (cargo install; 5-10 minutes)"
  # --locked can fail when the registry lacks a pinned transitive version.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen" --locked \
    || cargo install wasm-bindgen-cli --version "$wasm_bindgen"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm packages from package-lock.json (wrangler, playwright-core, pngjs, binaryen)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The font shards the Worker fetches on demand (www/fonts/, generated from
# Debian's Noto packages and @fontsource/noto-emoji by the pinned fontTools,
# checked against fonts/shards.lock; a second or so when they are there, a
# few minutes the first time).
scripts/fonts.sh

# numpy and scipy for the reference oracle tests/oracle/check.py, in their own
# venv. Always, not only with --browser: a native cargo test runs the oracle.
if ! .venv-oracle/bin/python -c 'import numpy, scipy; assert numpy.__version__ == "'"$NUMPY_VERSION"'" and scipy.__version__ == "'"$SCIPY_VERSION"'"' >/dev/null 2>&1; then
  step "installing numpy $NUMPY_VERSION and scipy $SCIPY_VERSION (python3 -m venv .venv-oracle; pip)"
  python3 -m venv .venv-oracle
  .venv-oracle/bin/pip install -q "numpy==$NUMPY_VERSION" "scipy==$SCIPY_VERSION"
fi

# mnot's httplint for tests/e2e/lint.test.mjs, in its own venv.
if [ "${1:-}" = "--browser" ] && ! .venv-lint/bin/httplint --help >/dev/null 2>&1; then
  step "installing httplint $HTTPLINT_VERSION (python3 -m venv .venv-lint; pip)"
  python3 -m venv .venv-lint
  .venv-lint/bin/pip install -q "httplint==$HTTPLINT_VERSION"
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null; then
  step "installing Debian's chromium for the browser tests (apt-get)"
  sudo_=""
  [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

elapsed=$(( $(date +%s) - started ))
[ "$elapsed" -lt 5 ] || step "setup done in ${elapsed}s"
