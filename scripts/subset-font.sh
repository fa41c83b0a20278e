#!/usr/bin/env bash
# Regenerates assets/fonts/DejaVuSans-subset.ttf, the font embedded in the Worker.
# Run by hand only when the covered ranges change (the output is committed):
#   scripts/subset-font.sh [/path/to/DejaVuSans.ttf]
# Source: Debian's fonts-dejavu-core (DejaVu Sans 2.37, Bitstream Vera licence,
# see assets/fonts/LICENSE). Covered: Basic Latin, Latin-1, Latin Extended-A/B,
# IPA, spacing modifiers, combining marks, Greek, Cyrillic, general punctuation,
# super/subscripts, currency, letterlike symbols, number forms, arrows, math
# operators, geometric shapes (U+25A1 is the placeholder drawn for glyphs the
# subset lacks) and U+FFFD. Hinting is dropped: the rasterizer ignores it.
set -euo pipefail
src=${1:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}
out=$(cd "$(dirname "$0")/.." && pwd)/assets/fonts/DejaVuSans-subset.ttf
venv=${FONTTOOLS_VENV:-${TMPDIR:-/tmp}/edgechart-fonttools}
[ -x "$venv/bin/pyftsubset" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q fonttools==4.60.1; }
"$venv/bin/pyftsubset" "$src" --output-file="$out" \
  --unicodes="U+0020-007E,U+00A0-024F,U+0250-02FF,U+0300-036F,U+0370-03FF,U+0400-04FF,U+2000-206F,U+2070-209F,U+20A0-20CF,U+2100-214F,U+2150-218F,U+2190-21FF,U+2200-22FF,U+25A0-25FF,U+FFFD" \
  --no-hinting --layout-features='kern' --legacy-kern --drop-tables+=FFTM,GSUB --name-IDs='*' --notdef-outline
ls -l "$out"
