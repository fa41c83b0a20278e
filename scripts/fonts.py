#!/usr/bin/env python3
"""Builds the font shards the Worker fetches on demand (www/fonts/), subsets
of Debian's Noto Sans fonts and npm's monochrome Noto Emoji.

  fonts.py            build the shards fonts/shards.lock lists that are
                      missing or differ, remove stale ones, self-check
  fonts.py --rebuild  build every shard, then rewrite fonts/sources.lock,
                      fonts/shards.lock, fonts/README.md, src/text/shards.rs
  fonts.py --check    only the self-check

Run it through scripts/fonts.sh, which installs the pinned tools and checks
the sources against fonts/sources.lock first.
"""

import hashlib
import struct
import json
import multiprocessing
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "www" / "fonts"
SOURCES_LOCK = ROOT / "fonts" / "sources.lock"
SHARDS_LOCK = ROOT / "fonts" / "shards.lock"
README = ROOT / "fonts" / "README.md"
RUST_TABLE = ROOT / "src" / "text" / "shards.rs"

NOTO = "/usr/share/fonts/truetype/noto"
CJK_TTC = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
EMOJI_PKG = "node_modules/@fontsource/noto-emoji"
EMOJI = EMOJI_PKG + "/files/noto-emoji-emoji-400-normal.woff2"

SCRIPTS = [
    "arabic", "hebrew", "devanagari", "bengali", "gurmukhi", "gujarati",
    "oriya", "tamil", "telugu", "kannada", "malayalam", "sinhala", "thai",
    "lao", "khmer", "myanmar", "armenian", "georgian", "ethiopic",
]
REGIONS = ["sc", "tc", "jp", "kr"]  # the order of Region in catalog.rs
FACE = {"jp": 0, "kr": 1, "sc": 2, "tc": 3}  # faces of NotoSansCJK-Regular.ttc
URO = (0x4E00, 0x9FFF)  # described by HAN_TIERS, not by the CJK ranges

# Tier 0 of every region, beyond its Han: kana, CJK symbols and punctuation,
# bopomofo, enclosed CJK, CJK compatibility, vertical / compatibility / small
# punctuation forms, halfwidth and fullwidth forms.
CJK_TIER0 = [
    (0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x312F), (0x31F0, 0x31FF),
    (0x3200, 0x32FF), (0x3300, 0x33FF), (0xFE10, 0xFE1F), (0xFE30, 0xFE4F),
    (0xFE50, 0xFE6F), (0xFF00, 0xFFEF),
]
HANGUL = [
    (0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7FF),
]
# Tier 2, beyond the rest of the URO: CJK Ext A, compatibility ideographs,
# supplementary-plane Han, and the rarer CJK blocks (radicals, ideographic
# description, kanbun, bopomofo extended, strokes, enclosed ideographic
# supplement).
CJK_TIER2 = [
    (0x2E80, 0x2FDF), (0x2FF0, 0x2FFF), (0x3190, 0x31BF), (0x31C0, 0x31EF),
    (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x1F200, 0x1F2FF), (0x20000, 0x3FFFF),
]
# Dropped from the other shards, which keep their source's whole cmap: the
# control characters (NULL and CR) that the Noto fonts map.
CONTROLS = set(range(0x00, 0x20)) | set(range(0x7F, 0xA0))

SAMPLES = {
    "arabic": ["مرحبا بالعالم ١٢٣", "لا إله", "فِي"],
    "hebrew": ["שלום עולם", "שָׁלוֹם"],
    "devanagari": ["नमस्ते दुनिया", "क्षत्रिय"],
    "bengali": ["হ্যালো বিশ্ব"],
    "gurmukhi": ["ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ ਦੁਨੀਆ"],
    "gujarati": ["નમસ્તે દુનિયા"],
    "oriya": ["ନମସ୍କାର ବିଶ୍ୱ"],
    "tamil": ["வணக்கம் உலகம்"],
    "telugu": ["నమస్కారం ప్రపంచం"],
    "kannada": ["ನಮಸ್ಕಾರ ಜಗತ್ತು"],
    "malayalam": ["നമസ്കാരം ലോകം"],
    "sinhala": ["ආයුබෝවන් ලෝකය"],
    "thai": ["สวัสดีชาวโลก"],
    "lao": ["ສະບາຍດີຊາວໂລກ"],
    "khmer": ["សួស្តីពិភពលោក"],
    "myanmar": ["မင်္ဂလာပါ ကမ္ဘာ"],
    "armenian": ["Բարեւ աշխարհ"],
    "georgian": ["გამარჯობა მსოფლიო"],
    "ethiopic": ["ሰላም ለዓለም"],
    "emoji": ["😀👍🏽❤️🎉"],
    "latin-ext": ["Tiếng Việt", "ạ ả ơ ư ǎ ȁ ɐ", "Ελληνικά ἀρχή", "Ѓ Ґ Ӂ"],
    "cjk-sc-0": ["你好，世界。简体中文「测试」"],
    "cjk-tc-0": ["你好，世界。繁體中文「測試」"],
    "cjk-jp-0": ["こんにちは、世界。日本語のテキスト・カタカナ（ｶﾀｶﾅ）"],
    "cjk-kr-0": ["안녕하세요。세계「한국어」ㄱㅏ"],
}
# Each must shape to one glyph with an advance (an emoji presentation
# selector U+FE0F may stay as a zero-advance glyph in the same cluster).
EMOJI_SEQUENCES = [
    "🇯🇵", "🇺🇸", "🇪🇺", "#️⃣", "1️⃣", "*️⃣", "👩‍💻", "👨‍👩‍👧", "👍🏽",
    "🧑🏿‍🚀", "🏳️‍🌈", "🏴‍☠️", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "❤️‍🔥", "🐦‍🔥",
]


@dataclass
class Spec:
    key: str
    source: str
    face: int = 0
    unicodes: list = field(default_factory=list)  # sorted code points to keep
    region: str = ""
    tier: int = -1


def ranges_of(cps):
    out = []
    for c in sorted(cps):
        if out and c == out[-1][1] + 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return [tuple(r) for r in out]


def in_ranges(cp, ranges):
    return any(a <= cp <= b for a, b in ranges)


def unicode_cmap(font):
    return {u for t in font["cmap"].tables if t.isUnicode() and t.format != 14 for u in t.cmap}


def codec_han(codec, lo, hi, prefix=b""):
    """URO characters of the double-byte codes lo..hi (after prefix) in codec."""
    out = set()
    for lead in range(lo >> 8, (hi >> 8) + 1):
        for trail in range(0x40, 0xFF):
            code = lead << 8 | trail
            if not lo <= code <= hi:
                continue
            try:
                s = (prefix + bytes([lead, trail])).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(s) == 1 and URO[0] <= ord(s) <= URO[1]:
                out.add(ord(s))
    return out


def han_standards():
    """Per region, the URO characters of tier 0 and tier 1 (from the national
    standards, which order by frequency class)."""
    gb1 = codec_han("gb2312", 0xB0A1, 0xD7FE)
    gbk = codec_han("cp936", 0x8140, 0xFEFE)
    big5_1 = codec_han("big5", 0xA440, 0xC67E)
    big5_2 = codec_han("big5", 0xC940, 0xF9D5)
    jis1 = codec_han("euc_jp", 0xB0A1, 0xCFD3)
    jis2 = codec_han("euc_jp", 0xD0A1, 0xF4A6)
    jis2004 = codec_han("euc_jis_2004", 0xA1A1, 0xFEFE) | codec_han(
        "euc_jis_2004", 0xA1A1, 0xFEFE, prefix=b"\x8f")
    ksx = codec_han("euc_kr", 0xA1A1, 0xFEFE)
    return {
        "sc": (gb1, gbk - gb1),
        "tc": (big5_1, big5_2 - big5_1),
        "jp": (jis1, (jis2 | jis2004) - jis1),
        "kr": (set(), ksx),
    }


def specs():
    out = []
    for s in SCRIPTS:
        path = f"{NOTO}/NotoSans{s.capitalize()}-Regular.ttf"
        cmap = unicode_cmap(TTFont(path, lazy=True))
        out.append(Spec(s, path, unicodes=sorted(cmap - CONTROLS)))
    cmap = unicode_cmap(TTFont(str(ROOT / EMOJI), lazy=True))
    out.append(Spec("emoji", EMOJI, unicodes=sorted(cmap - CONTROLS)))
    # DejaVu Sans whole: the Latin, Greek and Cyrillic the embedded subset
    # leaves out (Vietnamese, Latin Extended-B and Additional, every
    # combining mark, IPA), so a cluster the embedded font lacks a part of is
    # drawn by the same design.
    cmap = unicode_cmap(TTFont(DEJAVU, lazy=True))
    out.append(Spec("latin-ext", DEJAVU, unicodes=sorted(cmap - CONTROLS)))
    std = han_standards()
    for r in REGIONS:
        cmap = unicode_cmap(TTFont(CJK_TTC, fontNumber=FACE[r], lazy=True))
        uro = {c for c in cmap if URO[0] <= c <= URO[1]}
        t0 = std[r][0] & uro
        t1 = (std[r][1] & uro) - t0
        t2 = uro - t0 - t1
        t0 |= {c for c in cmap if in_ranges(c, CJK_TIER0 + (HANGUL if r == "kr" else []))}
        t2 |= {c for c in cmap if in_ranges(c, CJK_TIER2)}
        for tier, cps in enumerate((t0, t1, t2)):
            out.append(Spec(f"cjk-{r}-{tier}", CJK_TTC, FACE[r], sorted(cps), r, tier))
    return out


def build(spec):
    """Subsets one shard into OUT_DIR under its content-hashed name."""
    started = time.time()
    opts = subset.Options()
    opts.layout_features = ["*"]  # every feature and script, for shaping
    opts.hinting = False  # the rasterizer ignores hints
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]  # names, copyright, trademark, licence
    opts.font_number = spec.face
    opts.recalc_timestamp = False  # head.modified stays the source's: no clock
    src = spec.source if spec.source.startswith("/") else str(ROOT / spec.source)
    font = subset.load_font(src, opts)
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=spec.unicodes)
    sub.subset(font)
    ext = "otf" if "CFF " in font else "ttf"
    tmp = OUT_DIR / f".{spec.key}.{os.getpid()}.tmp"
    subset.save_font(font, str(tmp), opts)
    data = tmp.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    name = f"{spec.key}.{sha[:16]}.{ext}"
    tmp.replace(OUT_DIR / name)
    out = TTFont(OUT_DIR / name, lazy=True)
    return {
        "key": spec.key, "file": f"www/fonts/{name}", "sha256": sha, "size": len(data),
        "glyphs": out["maxp"].numGlyphs, "cmap": sorted(unicode_cmap(out)),
        "seconds": time.time() - started,
    }


def build_all(todo):
    # CJK first (the slow ones), so the two workers finish together.
    todo = sorted(todo, key=lambda s: -len(s.unicodes) if s.key.startswith("cjk") else 1)
    results = {}
    with multiprocessing.Pool(min(len(todo), os.cpu_count() or 1)) as pool:
        for r in pool.imap_unordered(build, todo):
            print(f"  built {r['key']:10} {r['size']:>9} B {r['glyphs']:>6} glyphs "
                  f"in {r['seconds']:.1f} s", file=sys.stderr)
            results[r["key"]] = r
    return results


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check64(data):
    """The 64-bit check the Worker computes on a fetched shard (see
    check64 in src/spec/identity.rs): FNV-style over little-endian 64-bit
    words, each step folded, seeded with the length. SHA-256 of a 7.6 MB
    slice would cost a request six times its CPU budget in wasm."""
    m = (1 << 64) - 1
    h = 0xCBF29CE484222325 ^ len(data)
    pad = data + b"\0" * (-len(data) % 8)
    for (w,) in struct.iter_unpack("<Q", pad):
        h = ((h ^ w) * 0x100000001B3) & m
        h ^= h >> 29
    return h


def read_lock():
    if not SHARDS_LOCK.exists():
        sys.exit(f"fonts.py: {SHARDS_LOCK.relative_to(ROOT)} is missing; run scripts/fonts.sh --rebuild")
    rows = []
    for line in SHARDS_LOCK.read_text().splitlines():
        sha, size, file, source = line.split()
        rows.append({"sha256": sha, "size": int(size), "file": file, "source": source,
                     "key": Path(file).name.split(".")[0]})
    return rows


def prune(keep):
    for p in sorted(OUT_DIR.glob("*")):
        if p.suffix in (".ttf", ".otf", ".tmp") and f"www/fonts/{p.name}" not in keep:
            print(f"  removing stale {p.relative_to(ROOT)}", file=sys.stderr)
            p.unlink()


# --- self-check ------------------------------------------------------------


def shape(hbfont, text, direction=None):
    import uharfbuzz as hb
    buf = hb.Buffer()
    buf.add_codepoints([ord(c) for c in text])  # clusters index text
    buf.guess_segment_properties()
    if direction:
        buf.direction = direction
    hb.shape(hbfont, buf, {})
    return buf.glyph_infos, buf.glyph_positions


def ligature_sequences(font):
    """Code point sequences of the GSUB ligatures whose components all come
    straight from the cmap (the emoji sequences)."""
    rev = {}
    for cp, g in sorted(font.getBestCmap().items()):
        rev.setdefault(g, cp)
    seqs = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for st in lookup.SubTable:
            st = st.ExtSubTable if lookup.LookupType == 7 else st
            if st.LookupType != 4:
                continue
            for first, ligs in st.ligatures.items():
                for lig in ligs:
                    comps = [first] + lig.Component
                    if all(c in rev for c in comps):
                        seqs.add("".join(chr(rev[c]) for c in comps))
    return sorted(seqs)


def self_check(rows):
    """Shapes sample text in every shard with HarfBuzz: no .notdef anywhere,
    each emoji sequence one visible glyph, CJK vertical forms substituted."""
    import uharfbuzz as hb
    failures = []
    for row in rows:
        key = row["key"]
        data = (ROOT / row["file"]).read_bytes()
        hbfont = hb.Font(hb.Face(data))
        font = TTFont(ROOT / row["file"], lazy=True)
        cmap = unicode_cmap(font)
        texts = list(SAMPLES.get(key, []))
        if key.startswith("cjk") and not key.endswith("-0"):
            # Every 400th character the shard maps, URO and not.
            texts.append("".join(chr(c) for c in sorted(cmap)[::400]))
        if key == "emoji":
            texts += EMOJI_SEQUENCES
        if not texts:
            failures.append(f"{key}: no sample text")
        for text in texts:
            infos, _ = shape(hbfont, text)
            missing = [text[i.cluster] for i in infos if i.codepoint == 0]
            if missing:
                failures.append(f"{key}: .notdef for {' '.join(f'U+{ord(c):04X}' for c in missing)} in {text!r}")
        if key == "emoji":
            seqs = sorted(set(EMOJI_SEQUENCES) | set(ligature_sequences(font)))
            for seq in seqs:
                infos, pos = shape(hbfont, seq)
                visible = [p for p in pos if p.x_advance]
                if len(visible) != 1 or any(i.codepoint == 0 for i in infos):
                    failures.append(f"emoji: {' '.join(f'U+{ord(c):04X}' for c in seq)} "
                                    f"shapes to {len(visible)} visible glyphs")
            print(f"  emoji: {len(seqs)} sequences, each one glyph", file=sys.stderr)
        if key.startswith("cjk") and key.endswith("-0"):
            h, _ = shape(hbfont, "「、。」ー")
            v, _ = shape(hbfont, "「、。」ー", "ttb")
            if [i.codepoint for i in h] == [i.codepoint for i in v]:
                failures.append(f"{key}: no vertical forms (vert) for 「、。」ー")
    if failures:
        sys.exit("fonts.py: self-check failed:\n  " + "\n  ".join(failures))


def print_table(rows):
    total = 0
    print(f"{'shard':10} {'bytes':>10} {'glyphs':>7}  file")
    for row in rows:
        glyphs = TTFont(ROOT / row["file"], lazy=True)["maxp"].numGlyphs
        print(f"{row['key']:10} {row['size']:>10} {glyphs:>7}  {row['file']}")
        total += row["size"]
    print(f"{'total':10} {total:>10}")


# --- generated files ---------------------------------------------------------


def han_tiers(results):
    """Per region, the tier of each URO code point (3: none), from the cmaps."""
    tiers = []
    for r in REGIONS:
        t = [3] * (URO[1] - URO[0] + 1)
        for tier in range(3):
            for c in results[f"cjk-{r}-{tier}"]["cmap"]:
                if URO[0] <= c <= URO[1]:
                    assert t[c - URO[0]] == 3, f"U+{c:04X} in two {r} tiers"
                    t[c - URO[0]] = tier
        tiers.append(t)
    return tiers


def rust_table(order, results):
    def hexes(values, per_line, indent, fmt):
        items = [fmt(v) for v in values]
        return "".join(f"{indent}{', '.join(items[i:i + per_line])},\n"
                       for i in range(0, len(items), per_line))

    def cp(c):
        return f"0x{c:04X}"

    out = ["//! Generated by scripts/fonts.py from fonts/shards.lock; do not edit.\n\n"
           "use super::catalog::{Coverage, Region, Shard};\n\n"]
    # Range lists several shards share (the CJK tier 2 of every region) are
    # written once.
    lists = {}
    for spec in order:
        r = results[spec.key]
        cps = [c for c in r["cmap"] if not (spec.region and URO[0] <= c <= URO[1])]
        lists.setdefault(tuple(ranges_of(cps)), []).append(spec.key)
    shared = {}
    for ranges, keys in lists.items():
        if len(keys) > 1 and len(ranges) > 16:
            name = "RANGES_" + keys[0].upper().replace("-", "_")
            shared[ranges] = name
            body = hexes(list(ranges), 6, "    ", lambda ab: f"({cp(ab[0])}, {cp(ab[1])})")
            out.append(f"/// The ranges of {', '.join(keys)}.\n#[rustfmt::skip]\n"
                       f"static {name}: &[(u32, u32)] = &[\n{body}];\n\n")
    out.append("/// Every shard, in the order fallback tries them.\n"
               "#[rustfmt::skip]\n"
               "pub static SHARDS: &[Shard] = &[\n")
    for spec in order:
        r = results[spec.key]
        if spec.region:
            cps = [c for c in r["cmap"] if not URO[0] <= c <= URO[1]]
        else:
            cps = r["cmap"]
        ranges = ranges_of(cps)

        def range_list(indent):
            if not ranges:
                return "&[]"
            if tuple(ranges) in shared:
                return shared[tuple(ranges)]
            body = hexes(ranges, 6, indent + "    ", lambda ab: f"({cp(ab[0])}, {cp(ab[1])})")
            return f"&[\n{body}{indent}]"
        if spec.region:
            coverage = ("Coverage::Han {\n"
                        f"            region: Region::{spec.region.capitalize()},\n"
                        f"            tier: {spec.tier},\n"
                        f"            ranges: {range_list('            ')},\n"
                        "        }")
        else:
            coverage = f"Coverage::Ranges({range_list('        ')})"
        sha = bytes.fromhex(r["sha256"])
        out.append(
            "    Shard {\n"
            f"        key: \"{spec.key}\",\n"
            f"        path: \"/fonts/{Path(r['file']).name}\",\n"
            f"        len: {r['size']},\n"
            f"        sha256: [\n{hexes(sha, 16, '            ', lambda b: f'0x{b:02x}')}        ],\n"
            f"        check: 0x{check64((ROOT / r['file']).read_bytes()):016x},\n"
            "        face_index: 0,\n"
            f"        coverage: {coverage},\n"
            "    },\n")
    out.append("];\n\n"
               "/// The tier (0, 1, 2; 3 = not covered) of each code point U+4E00..=U+9FFF,\n"
               "/// per region (index: Region as usize, order Sc, Tc, Jp, Kr), four code points\n"
               "/// a byte, the lowest two bits first.\n"
               "#[rustfmt::skip]\n"
               "pub static HAN_TIERS: [[u8; 5248]; 4] = [\n")
    for tiers in han_tiers(results):
        packed = [tiers[i] | tiers[i + 1] << 2 | tiers[i + 2] << 4 | tiers[i + 3] << 6
                  for i in range(0, len(tiers), 4)]
        assert len(packed) == 5248
        out.append(f"    [\n{hexes(packed, 16, '        ', lambda b: f'0x{b:02x}')}    ],\n")
    out.append("];\n")
    return "".join(out)


def deb_version(pkg):
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                          capture_output=True, text=True, check=True).stdout


def origin(source):
    if source.startswith(EMOJI_PKG):
        version = json.loads((ROOT / EMOJI_PKG / "package.json").read_text())["version"]
        return f"npm @fontsource/noto-emoji {version} (Noto Emoji)"
    pkg = "fonts-noto-cjk" if source == CJK_TTC else "fonts-noto-core"
    return f"Debian {pkg} {deb_version(pkg)}"


def readme(order, results):
    lines = [
        "# Font shards\n",
        "Generated by `scripts/fonts.sh --rebuild` (`scripts/fonts.py`); do not edit.\n",
        "The Worker's embedded font (`assets/fonts/DejaVuSans-subset.ttf`) covers Latin,",
        "Greek and Cyrillic. For other scripts it fetches these shards on demand from its",
        "static assets, `www/fonts/<key>.<first 16 hex digits of the sha256>.<ttf|otf>`",
        "(generated, not committed; `scripts/fonts.sh` rebuilds them and checks them",
        "against `shards.lock`). Each is a subset made with fontTools: every OpenType",
        "layout feature and script kept, hinting and glyph names dropped, the CJK",
        "shards kept CFF. The table the Worker reads is `src/text/shards.rs`.\n",
        "CJK shards hold frequency tiers of one region's face: tier 0 the first level",
        "of the national standard (GB 2312 level 1, Big5 level 1, JIS X 0208 level 1;",
        "no Han for Korean) with kana, CJK punctuation and symbols, bopomofo,",
        "fullwidth forms (and for Korean all Hangul); tier 1 the rest of GBK, Big5",
        "level 2, the rest of JIS X 0213, KS X 1001 hanja; tier 2 the other",
        "U+4E00..U+9FFF Han, Ext A, compatibility and supplementary-plane ideographs,",
        "radicals, strokes, kanbun.\n",
        "All are licensed under the SIL Open Font License 1.1 (`OFL.txt`, copied from",
        "Debian's `/usr/share/doc/fonts-noto-cjk/copyright`); the copyright notice is",
        "kept in each shard's `name` table (with 'Noto is a trademark of Google Inc.').\n",
        "| shard | bytes | glyphs | source | from | licence |",
        "|---|---:|---:|---|---|---|",
    ]
    for spec in order:
        r = results[spec.key]
        face = f" (face {spec.face})" if spec.region else ""
        lines.append(f"| {spec.key} | {r['size']} | {r['glyphs']} | `{spec.source}`{face} "
                     f"| {origin(spec.source)} | OFL-1.1 |")
    lines += ["", "Copyright notices of the sources (their `name` ID 0):", ""]
    for source in sorted({s.source for s in order}):
        face = FACE["sc"] if source == CJK_TTC else 0
        path = source if source.startswith("/") else ROOT / source
        lines.append(f"- `{source}`: {TTFont(path, fontNumber=face, lazy=True)['name'].getDebugName(0)}")
    return "\n".join(lines) + "\n"


def main(argv):
    mode = argv[1] if len(argv) > 1 else ""
    if mode == "--table":
        # The Rust table again from the lock and the shard files (no build).
        order = specs()
        rows = {r["key"]: r for r in read_lock()}
        results = {k: {**r, "cmap": sorted(unicode_cmap(TTFont(ROOT / r["file"], lazy=True)))}
                   for k, r in rows.items()}
        RUST_TABLE.write_text(rust_table(order, results))
        return
    if mode not in ("", "--rebuild", "--check"):
        sys.exit(__doc__)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    if mode == "--check":
        rows = read_lock()
        self_check(rows)
        print_table(rows)
        return
    order = specs()
    if mode == "--rebuild":
        results = build_all(order)
        rows = [{**results[s.key], "source": s.source} for s in order]
        self_check(rows)
        sources = sorted({s.source for s in order})
        SOURCES_LOCK.write_text("".join(
            f"{sha256_file(s if s.startswith('/') else ROOT / s)}  {s}\n" for s in sources))
        SHARDS_LOCK.write_text("".join(
            f"{r['sha256']}  {r['size']}  {r['file']}  {r['source']}\n" for r in rows))
        README.write_text(readme(order, results))
        RUST_TABLE.parent.mkdir(parents=True, exist_ok=True)
        RUST_TABLE.write_text(rust_table(order, results))
        written = (SOURCES_LOCK, SHARDS_LOCK, README, RUST_TABLE)
        print(f"  wrote {', '.join(str(p.relative_to(ROOT)) for p in written)}", file=sys.stderr)
        prune({r["file"] for r in rows})
    else:
        rows = read_lock()
        by_key = {s.key: s for s in order}
        unknown = [r["key"] for r in rows if r["key"] not in by_key]
        if unknown or len(rows) != len(order):
            sys.exit(f"fonts.py: fonts/shards.lock does not match the shards fonts.py defines "
                     f"({', '.join(unknown) or 'count differs'}); run scripts/fonts.sh --rebuild")
        todo = [by_key[r["key"]] for r in rows
                if not (ROOT / r["file"]).exists() or sha256_file(ROOT / r["file"]) != r["sha256"]]
        results = build_all(todo) if todo else {}
        prune({r["file"] for r in rows})
        bad = [f"{r['file']} (built {results[r['key']]['file']})" for r in rows
               if r["key"] in results and results[r["key"]]["sha256"] != r["sha256"]]
        if bad:
            sys.exit("fonts.py: these shards built differently from fonts/shards.lock "
                     "(other tool or source versions?): " + ", ".join(bad)
                     + "; scripts/fonts.sh --rebuild updates the lock")
        if not todo:
            return
        self_check(rows)
    print_table(rows)


if __name__ == "__main__":
    main(sys.argv)
