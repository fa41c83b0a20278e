#!/usr/bin/env bash
# Prepares the font shards the Worker fetches on demand (www/fonts/, not
# committed; see fonts/README.md):
#   scripts/fonts.sh            install the pinned tools if missing, check the
#                               sources against fonts/sources.lock, build the
#                               shards only if missing or not as in
#                               fonts/shards.lock, check every shard's sha256
#   scripts/fonts.sh --rebuild  build every shard and rewrite fonts/sources.lock,
#                               fonts/shards.lock, fonts/README.md and
#                               src/text/shards.rs (how a maintainer updates them)
# A warm run only hashes files (about a second); a rebuild takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=versions.env
source scripts/versions.env

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf 'fonts: %s\n' "$*" >&2; exit 1; }
rebuild=false
case "${1:-}" in
  "") ;;
  --rebuild) rebuild=true ;;
  *) fail "usage: scripts/fonts.sh [--rebuild]" ;;
esac

# Debian packages: the Noto fonts (sources) and fribidi's CLI.
debs=(fonts-dejavu-core=2.37-6 fonts-noto-core=20201225-1 fonts-noto-cjk=1:20220127+repack1-1 libfribidi-bin=1.0.8-2.1)
missing=()
for deb in "${debs[@]}"; do
  [ "$(dpkg-query -W -f='${Status} ${Version}' "${deb%%=*}" 2>/dev/null)" = "install ok installed ${deb#*=}" ] \
    || missing+=("$deb")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "installing ${missing[*]} (apt-get)"
  sudo_=""
  [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends \
    --allow-downgrades "${missing[@]}" >/dev/null
fi

# fontTools (brotli for the emoji source's WOFF2) and uharfbuzz for the self-check.
py=.venv-fonts/bin/python
if ! "$py" -c 'from importlib.metadata import version as v
import sys; sys.exit([v("fonttools"), v("brotli"), v("uharfbuzz")] != sys.argv[1:])' \
    "$FONTTOOLS_VERSION" "$BROTLI_VERSION" "$UHARFBUZZ_VERSION" 2>/dev/null; then
  step "installing fonttools $FONTTOOLS_VERSION, brotli $BROTLI_VERSION, uharfbuzz $UHARFBUZZ_VERSION (python3 -m venv .venv-fonts; pip)"
  python3 -m venv .venv-fonts
  .venv-fonts/bin/pip install -q "fonttools==$FONTTOOLS_VERSION" "brotli==$BROTLI_VERSION" \
    "uharfbuzz==$UHARFBUZZ_VERSION"
fi

# The emoji source, @fontsource/noto-emoji, is pinned in package.json (+ lockfile).
if [ ! -d node_modules/@fontsource/noto-emoji ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm packages from package-lock.json (@fontsource/noto-emoji, ...)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Every shard file the lock names is present with its sha256, and no other.
shards_ok() {
  [ -f fonts/shards.lock ] || return 1
  awk '{ print $1 "  " $3 }' fonts/shards.lock | sha256sum --check --status 2>/dev/null || return 1
  local f
  for f in www/fonts/*.ttf www/fonts/*.otf; do
    [ -e "$f" ] || continue
    awk -v f="$f" '$3 == f { found = 1 } END { exit !found }' fonts/shards.lock || return 1
  done
}

if ! $rebuild; then
  [ -f fonts/sources.lock ] || fail "fonts/sources.lock is missing; scripts/fonts.sh --rebuild writes it"
  if ! bad=$(sha256sum --check --quiet fonts/sources.lock 2>&1); then
    fail "a font source differs from fonts/sources.lock (another package version?):
$bad
Install the pinned versions, or run scripts/fonts.sh --rebuild to accept the new sources."
  fi
  shards_ok && exit 0
  step "building the font shards missing or not as in fonts/shards.lock (fontTools subsetter)"
  "$py" scripts/fonts.py
else
  step "building every font shard (fontTools subsetter; minutes)"
  "$py" scripts/fonts.py --rebuild
fi

while read -r sha _ file _; do
  [ -f "$file" ] || fail "$file (in fonts/shards.lock) is missing"
  [ "$(sha256sum "$file" | cut -d' ' -f1)" = "$sha" ] || fail "$file does not match its sha256 in fonts/shards.lock"
done < fonts/shards.lock
