#!/usr/bin/env bash
# Regenerates assets/fonts/DejaVuSans-subset.ttf, the font embedded in the Worker.
# Run by hand only when the covered ranges change (the output is committed):
#   scripts/subset-font.sh [/path/to/DejaVuSans.ttf]
# Source: Debian's fonts-dejavu-core (DejaVu Sans 2.37, Bitstream Vera licence,
# see assets/fonts/LICENSE). Covered, for titles: Basic Latin, Latin-1,
# Latin Extended-A (every European Latin-script language), Romanian comma
# letters, Greek, Cyrillic (Russian, Ukrainian, Belarusian, Serbian,
# Bulgarian), general punctuation, super/subscripts, common currency signs,
# letterlike symbols (℃ № ™ Ω Å), fractions, arrows, the common math
# operators (− ± ∑ √ ∞ ≈ ≠ ≤ ≥ ...), U+25A1 (the placeholder drawn for any
# glyph the subset lacks) and U+FFFD. Hinting is dropped: the rasterizer
# ignores it. About 79 KB (40 KB gzipped).
set -euo pipefail
src=${1:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}
out=$(cd "$(dirname "$0")/.." && pwd)/assets/fonts/DejaVuSans-subset.ttf
venv=${FONTTOOLS_VENV:-${TMPDIR:-/tmp}/edgechart-fonttools}
[ -x "$venv/bin/pyftsubset" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q fonttools==4.60.1; }
"$venv/bin/pyftsubset" "$src" --output-file="$out" \
  --unicodes="U+0020-007E,U+00A0-017F,U+0192,U+0218-021B,U+02C6-02C7,U+02D8-02DD,U+0300-0304,U+0308,U+030A,U+0370-03FF,U+0400-045F,U+0490-0491,U+2010-2027,U+2030-203A,U+2044,U+2070-208E,U+20AC,U+20A3-20A4,U+20A9,U+20AA,U+20B9,U+20BD,U+2103,U+2109,U+2116,U+2122,U+2126,U+212B,U+2153-215E,U+2190-2195,U+2202,U+2206,U+220F,U+2211-2213,U+2219-221A,U+221E,U+222B,U+2248,U+2260-2261,U+2264-2265,U+25A1,U+FFFD" \
  --no-hinting --layout-features='kern' --legacy-kern --drop-tables+=FFTM,GSUB --name-IDs='*' --notdef-outline
ls -l "$out"
