#!/usr/bin/env python3
"""Checks a dump of our text engine (rustybuzz shaping, unicode-bidi reordering)
against the reference implementations: HarfBuzz (uharfbuzz) and GNU FriBidi.

  tests/text/check.py DUMP.jsonl [--corpus tests/text/corpus.jsonl]
  ... | tests/text/check.py - --corpus tests/text/corpus.jsonl

Run it with the fonts venv (scripts/fonts.sh makes it):
  .venv-fonts/bin/python tests/text/check.py dump.jsonl --corpus tests/text/corpus.jsonl

The dump has one JSON record per corpus line:

  {"text": "...", "lang": "ja" | null,
   "runs": [   # visual order, left to right
     {"face": "arabic" | "embedded" | "placeholder" | "cjk-jp-0" | ...,
      "file": "www/fonts/arabic.<hash16>.ttf" | "assets/fonts/DejaVuSans-subset.ttf" | "",
      "index": 0, "rtl": true, "script": "Arab" ("Zyyy": none set),
      "start": 12, "end": 40,            # UTF-8 byte range of the run, logical
      "glyphs": [[gid, cluster, x_advance, y_advance, x_offset, y_offset], ...]}],
   "missed": [],                         # shards the engine lacked
   "visual": [0, 3, 6, ...]}             # byte offsets of the chars, visual order

Checks (each failure names the line, the run and the glyph):
  structure  the record is well formed: runs tile the text on character
             boundaries, clusters fall in their run, the runs' visual order
             agrees with "visual", no run boundary inside a grapheme cluster
             (a mark, joiner, selector, skin tone or flag half cut off from
             its base: the reshaping checks below cannot see that).
  a) same    each run reshaped by HarfBuzz with the same font file and face:
             glyph ids, clusters, advances and offsets equal, exactly.
  b) source  each shard run reshaped with the font the shard was subset from
             (fonts/shards.lock): same count, clusters, advances, offsets, and
             the same outline for each glyph (subsetting renumbers glyphs).
  c) cover   no .notdef (glyph 0), "missed" empty, no placeholder run unless
             the corpus line says "placeholder_ok": true.
  d) bidi    "visual" equals FriBidi's visual-to-logical map (auto base
             direction: the first strong character's, else LTR), once
             FriBidi's rule L3 is undone (see undo_l3). Not counted, but
             listed as known differences (--strict-bidi counts them):
             orders that agree once the characters X9 removes (BN, embedding
             controls: no defined place) are dropped, and corpus lines with
             "fribidi_differs": "<why>" whose order equals their
             "visual_expected" (character indices worked out by hand).
Exit status: 0 all agree, 1 any mismatch, 2 the check could not run (bad
input, missing fonts or tools).
"""

import argparse
import hashlib
import io
import json
import locale
import shutil
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_CORPUS = ROOT / "tests" / "text" / "corpus.jsonl"
SHARDS_LOCK = ROOT / "fonts" / "shards.lock"
# Faces of NotoSansCJK-Regular.ttc, the source of the cjk-<region>-<tier>
# shards (each shard is a single-face font made from one face of it).
CJK_FACE = {"jp": 0, "kr": 1, "sc": 2, "tc": 3}
FRIBIDI_CMD = ["fribidi", "--nopad", "--nobreak", "--novisual", "--vtol"]  # + --levels
MAX_GLYPH_REPORTS = 6  # per run and check; the rest are counted

try:
    import uharfbuzz as hb
    from fontTools.misc.roundTools import otRound
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.ttLib import TTFont
    from fontTools.ttLib import woff2
except ImportError as e:  # pragma: no cover
    print(f"check.py: {e}; run it with .venv-fonts/bin/python (scripts/fonts.sh makes the venv)", file=sys.stderr)
    sys.exit(2)

# Why tolerance 0: the engine shapes with rustybuzz 0.20.1, the Rust port
# of HarfBuzz 10.0.1, and the reference is uharfbuzz 0.57.0, which bundles
# HarfBuzz 15.0.0 (checked below): the current HarfBuzz, not the one the
# port follows. Both work in font units at the default scale (units per
# em) with integer positions, so the same font and the same buffer must
# give the same glyphs to the unit. A difference is a bug in rustybuzz, in
# how the engine fills its buffer, or a change HarfBuzz made after 10.0.1
# that the corpus reaches; on 2026-12-04 there was none in the corpus.
EXPECTED_HARFBUZZ = "15.0.0"

# HarfBuzz's default language (what hb_buffer_guess_segment_properties sets
# when the buffer has none) comes from the C library's LC_CTYPE locale, which
# Python sets from the environment at startup (LANG=ja_JP.UTF-8 would give
# "ja" and Japanese forms). rustybuzz leaves the language unset instead. In
# the "C" locale HarfBuzz's default is "c", which has no OpenType tag, so
# both use the default language system. HarfBuzz computes the default once
# and keeps it: switch to "C", make it compute it, switch back.
_saved = locale.setlocale(locale.LC_CTYPE)
locale.setlocale(locale.LC_CTYPE, "C")
_buf = hb.Buffer()
_buf.add_str("a")
_buf.guess_segment_properties()
assert _buf.language == "c", _buf.language
locale.setlocale(locale.LC_CTYPE, _saved)
del _buf, _saved


class SetupError(Exception):
    """The check cannot run (not a mismatch)."""


# --- input -------------------------------------------------------------------


def read_jsonl(path, what):
    try:
        f = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8") if path == "-" else open(path, encoding="utf-8")
    except OSError as e:
        raise SetupError(f"cannot read {what} {path}: {e.strerror}")
    out = []
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SetupError(f"{what} {path}:{n}: not JSON ({e})")
    return out


def check_record_shape(rec, n):
    """Problems with the record's shape (a list of messages)."""
    errs = []
    if not isinstance(rec, dict):
        return [f"record {n}: not an object"]
    for key, types in (("text", str), ("runs", list), ("missed", list), ("visual", list)):
        if not isinstance(rec.get(key), types):
            errs.append(f"record {n}: '{key}' missing or not a {types.__name__}")
    if rec.get("lang") is not None and not isinstance(rec.get("lang"), str):
        errs.append(f"record {n}: 'lang' is neither a string nor null")
    for k, run in enumerate(rec.get("runs") or []):
        if not isinstance(run, dict):
            errs.append(f"record {n} run {k}: not an object")
            continue
        for key, types in (("face", str), ("file", str), ("index", int), ("rtl", bool),
                           ("script", str), ("start", int), ("end", int), ("glyphs", list)):
            if not isinstance(run.get(key), types):
                errs.append(f"record {n} run {k}: '{key}' missing or not a {types.__name__}")
        for g in run.get("glyphs") or []:
            if not (isinstance(g, list) and len(g) == 6 and all(isinstance(x, int) for x in g)):
                errs.append(f"record {n} run {k}: glyph {g!r} is not 6 integers")
                break
    return errs


def read_lock():
    """shards.lock rows by shard file: (sha256, size, source, key)."""
    if not SHARDS_LOCK.exists():
        return None
    rows = {}
    for line in SHARDS_LOCK.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4:
            raise SetupError(f"{SHARDS_LOCK.relative_to(ROOT)}: bad line {line!r}")
        sha, size, file, source = parts
        rows[file] = (sha, int(size), source, Path(file).name.split(".")[0])
    return rows


# --- fonts ---------------------------------------------------------------------


class Font:
    """One face of one font file: HarfBuzz font at its default scale (units
    per em) plus fontTools' glyph set for outlines."""

    def __init__(self, label, data, index):
        self.label = label
        self.data = data
        self.index = index
        face = hb.Face(hb.Blob(data), index)
        if face.glyph_count == 0:
            raise SetupError(f"{label}: face {index} has no glyphs (not a font, or no such face)")
        self.hb = hb.Font(face)
        self.upem = face.upem
        self._tt = None
        self._glyphset = None
        self._order = None
        self._outlines = {}

    def _load_tt(self):
        if self._tt is None:
            self._tt = TTFont(io.BytesIO(self.data), fontNumber=self.index, lazy=True)
            self._glyphset = self._tt.getGlyphSet()
            self._order = self._tt.getGlyphOrder()

    def outline(self, gid):
        """The glyph's drawing commands, components decomposed, coordinates
        rounded to integers."""
        if gid in self._outlines:
            return self._outlines[gid]
        self._load_tt()
        if gid >= len(self._order):
            raise KeyError(gid)
        pen = DecomposingRecordingPen(self._glyphset)
        self._glyphset[self._order[gid]].draw(pen)
        rec = tuple((op, tuple(tuple(otRound(c) for c in pt) if isinstance(pt, tuple) else pt
                               for pt in args)) for op, args in pen.value)
        self._outlines[gid] = rec
        return rec


class Fonts:
    def __init__(self, lock):
        self.lock = lock
        self.cache = {}
        self.verified = set()

    def resolve(self, file):
        p = Path(file)
        return p if p.is_absolute() else ROOT / p

    def missing_message(self, file):
        p = self.resolve(file)
        if file.startswith("www/fonts/") or "/www/fonts/" in file:
            return f"{file} is missing: run scripts/fonts.sh (it builds the shards in www/fonts/)"
        return f"{file} ({p}) is missing: scripts/fonts.sh installs the pinned font sources (Debian fonts-noto-*, npm ci)"

    def verify_shard(self, file):
        """A shard listed in shards.lock must match its sha256 there."""
        file = self.lock_name(file)
        if file in self.verified or not self.lock or file not in self.lock:
            return
        p = self.resolve(file)
        sha = hashlib.sha256(p.read_bytes()).hexdigest()
        if sha != self.lock[file][0]:
            raise SetupError(f"{file} does not match its sha256 in fonts/shards.lock: run scripts/fonts.sh")
        self.verified.add(file)

    def get(self, file, index):
        key = (file, index)
        if key not in self.cache:
            p = self.resolve(file)
            if not p.is_file():
                raise SetupError(self.missing_message(file))
            self.verify_shard(file)
            data = p.read_bytes()
            if data[:4] == b"wOF2":
                out = io.BytesIO()
                woff2.decompress(io.BytesIO(data), out)
                data = out.getvalue()
            elif data[:4] == b"wOFF":
                tt = TTFont(io.BytesIO(data))
                tt.flavor = None
                out = io.BytesIO()
                tt.save(out, reorderTables=False)
                data = out.getvalue()
            self.cache[key] = Font(f"{file}#{index}" if index else file, data, index)
        return self.cache[key]

    def lock_name(self, file):
        """The file as fonts/shards.lock names it (relative to the repo)."""
        p = self.resolve(file).resolve()
        try:
            return p.relative_to(ROOT).as_posix()
        except ValueError:
            return file

    def source_of(self, file):
        """(source file, face index) of a shard, or None if not a shard."""
        file = self.lock_name(file)
        if not self.lock or file not in self.lock:
            return None
        _, _, source, key = self.lock[file]
        index = 0
        if source.lower().endswith((".ttc", ".otc")):
            parts = key.split("-")
            if len(parts) != 3 or parts[0] != "cjk" or parts[1] not in CJK_FACE:
                raise SetupError(f"fonts/shards.lock: {file} comes from the collection {source}, "
                                 f"but its key {key!r} names no CJK region")
            index = CJK_FACE[parts[1]]
        return source, index


# --- shaping ---------------------------------------------------------------------


def shape(font, text_bytes, start, end, rtl, script, lang):
    """Shapes text_bytes[start:end] as the engine does (src/text/line.rs,
    shape()): an item of the whole text (the rest is pre/post context),
    clusters are byte offsets into the whole text; the glyphs as
    [gid, cluster, x_advance, y_advance, x_offset, y_offset]."""
    buf = hb.Buffer()
    buf.add_utf8(text_bytes, item_offset=start, item_length=end - start)
    buf.direction = "rtl" if rtl else "ltr"
    if script != "Zyyy":
        buf.script = script
    if lang:
        buf.language = lang
    flags = 0
    if start == 0:
        flags |= hb.BufferFlags.BOT
    if end == len(text_bytes):
        flags |= hb.BufferFlags.EOT
    buf.flags = hb.BufferFlags(flags)
    if script == "Zyyy":
        buf.guess_segment_properties()
    hb.shape(font.hb, buf, {})
    return [[i.codepoint, i.cluster, p.x_advance, p.y_advance, p.x_offset, p.y_offset]
            for i, p in zip(buf.glyph_infos, buf.glyph_positions)]


# --- text helpers ------------------------------------------------------------------


def char_starts(text):
    """Byte offset of each character, and the map back to character indices."""
    starts, at = [], 0
    for c in text:
        starts.append(at)
        at += len(c.encode("utf-8"))
    return starts, {b: i for i, b in enumerate(starts)}


def show_char(c):
    name = unicodedata.name(c, "")
    cp = f"U+{ord(c):04X}"
    if unicodedata.category(c) in ("Mn", "Me", "Cf", "Zs", "Cc") or not c.isprintable():
        return f"{cp} {name}".strip()
    return f"{cp} '{c}'"


def at_byte(text_bytes, b):
    """The character starting at byte b, shown."""
    try:
        return show_char(text_bytes[b:b + 4].decode("utf-8", "ignore")[:1] or "?")
    except Exception:  # noqa: BLE001
        return f"byte {b}"


def snippet(s, n=24):
    s = "".join(c if c.isprintable() and unicodedata.category(c) != "Cf" else f"<U+{ord(c):04X}>"
                for c in s)
    return s if len(s) <= n else s[:n - 1] + "…"


def joins_previous(c, prev):
    """Whether a grapheme cluster continues from prev to c (the cases that
    matter for fonts; a simplification of UAX #29)."""
    cp, pp = ord(c), ord(prev)
    if unicodedata.category(c) in ("Mn", "Me", "Mc"):
        return True
    if cp in (0x200C, 0x200D) or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return True
    if 0xE0020 <= cp <= 0xE007F or 0x1F3FB <= cp <= 0x1F3FF or cp == 0x20E3:
        return True
    if pp == 0x200D:  # emoji ZWJ sequences; Indic ZWJ forms too
        return True
    if unicodedata.combining(prev) == 9 and unicodedata.category(c) in ("Lo", "Mn", "Mc"):
        return True  # a virama before a letter: a conjunct (a run may not end there)
    return False


def _on_boundaries(tb, s, e):
    """Whether bytes s..e of the UTF-8 text start and end on characters."""
    def ok(i):
        return i == len(tb) or (tb[i] & 0xC0) != 0x80
    return ok(s) and ok(e)


def bidi_removed(c):
    """Characters UAX #9 rule X9 removes (embedding/override controls and
    BN): their levels are left to the implementation (UAX #9 5.2)."""
    return unicodedata.bidirectional(c) in ("BN", "LRE", "RLE", "LRO", "RLO", "PDF")


def undo_l3(text, vtol, levels):
    """FriBidi's map without rule L3.

    The fribidi CLI calls fribidi_log2vis(), which always sets
    FRIBIDI_FLAG_REORDER_NSM (its --reordernsm option changes nothing): L3
    puts each right-to-left base character before its combining marks in
    visual order. Our engine does not (HarfBuzz takes runs in logical order
    and places the marks itself), so undo it, finding the sequences as
    fribidi_reorder_line() does: going backwards, an NSM at an odd level,
    the explicit/BN/NSM characters before it at the same level, and their
    base if it is at that level too."""
    types = [unicodedata.bidirectional(c) for c in text]
    explicit_bn_nsm = ("LRE", "RLE", "LRO", "RLO", "PDF", "BN", "NSM")
    out = list(vtol)
    where = {v: p for p, v in enumerate(out)}
    i = len(text) - 1
    while i >= 0:
        if levels[i] % 2 == 1 and types[i] == "NSM":
            seq_end, level = i, levels[i]
            i -= 1
            while i >= 0 and types[i] in explicit_bn_nsm and levels[i] == level:
                i -= 1
            if i < 0 or levels[i] != level:
                i += 1
            pos = sorted(where[j] for j in range(i, seq_end + 1))
            if pos == list(range(pos[0], pos[0] + len(pos))):
                out[pos[0]:pos[-1] + 1] = out[pos[0]:pos[-1] + 1][::-1]
                for p in pos:
                    where[out[p]] = p
        i -= 1
    return out


# --- the checker ------------------------------------------------------------------------


class Checker:
    def __init__(self, args):
        self.args = args
        self.lock = read_lock()
        self.fonts = Fonts(self.lock)
        self.failures = []  # (group, check, message)
        self.notes = []
        self.known = []  # (group, message): differences classified as harmless
        self.stats = defaultdict(lambda: defaultdict(int))
        self.fribidi = shutil.which("fribidi") if not args.no_bidi else None
        if not args.no_bidi and not self.fribidi:
            raise SetupError("the fribidi CLI is missing: apt-get install libfribidi-bin "
                             "(scripts/fonts.sh installs it), or pass --no-bidi")
        self.source_skipped = defaultdict(int)

    def fail(self, group, check, msg):
        self.failures.append((group, check, msg))
        self.stats[group]["mismatch_" + check] += 1

    # -- per record -----------------------------------------------------------

    def check(self, n, rec, meta):
        group = meta.get("group", "?")
        st = self.stats[group]
        st["lines"] += 1
        text = rec["text"]
        tb = text.encode("utf-8")
        lang = rec.get("lang")
        where = f"line {n} [{group}] {snippet(text, 40)!r}"
        starts, index_of = char_starts(text)
        boundaries = set(starts) | {len(tb)}

        # coverage: missed shards
        if rec["missed"]:
            self.fail(group, "c", f"{where}: the engine lacked shards {rec['missed']}")

        # structure: runs tile the text
        runs = rec["runs"]
        spans = sorted((r["start"], r["end"], k) for k, r in enumerate(runs))
        at = 0
        for s, e, k in spans:
            if s != at or e <= s or s not in boundaries or e not in boundaries:
                self.fail(group, "structure",
                          f"{where}: run {k} covers bytes {s}..{e}; expected a run starting at byte {at} "
                          f"(runs must tile the text on character boundaries)")
                break
            at = e
        else:
            if at != len(tb):
                self.fail(group, "structure", f"{where}: runs end at byte {at}, the text at {len(tb)}")
        # no grapheme cut across runs
        run_of = {}
        for s, e, k in spans:
            for b in starts:
                if s <= b < e:
                    run_of[b] = k
        for i in range(1, len(text)):
            b = starts[i]
            if run_of.get(b) != run_of.get(starts[i - 1]) and joins_previous(text[i], text[i - 1]):
                self.fail(group, "structure",
                          f"{where}: a run boundary (run {run_of.get(starts[i - 1])} | run {run_of.get(b)}) "
                          f"splits {show_char(text[i - 1])} from {show_char(text[i])}: one grapheme "
                          f"cluster shaped in two runs")
        # the runs' visual order agrees with "visual"
        from_runs = []
        for r in runs:
            cs = [b for b in starts if r["start"] <= b < r["end"]]
            from_runs.extend(reversed(cs) if r["rtl"] else cs)
        if from_runs != rec["visual"]:
            k = next((i for i, (a, b) in enumerate(zip(from_runs, rec["visual"])) if a != b),
                     min(len(from_runs), len(rec["visual"])))
            self.fail(group, "structure",
                      f"{where}: the runs' visual order (each run's characters, reversed if rtl) differs "
                      f"from 'visual' at position {k}: runs give byte {from_runs[k] if k < len(from_runs) else '-'}, "
                      f"'visual' byte {rec['visual'][k] if k < len(rec['visual']) else '-'}")

        for k, run in enumerate(runs):
            self.check_run(n, group, where, text, tb, lang, k, run, meta)

        if not self.args.no_bidi:
            self.check_bidi(n, group, where, text, rec["visual"], starts, index_of, meta)

    def check_run(self, n, group, where, text, tb, lang, k, run, meta):
        st = self.stats[group]
        st["runs"] += 1
        s, e = run["start"], run["end"]
        piece = tb[s:e].decode("utf-8", "replace") if 0 <= s <= e <= len(tb) else "?"
        rw = (f"{where} run {k} ({run['face']}, {'rtl' if run['rtl'] else 'ltr'} {run['script']}, "
              f"bytes {s}..{e} {snippet(piece)!r})")
        if run["face"] == "placeholder" or run["file"] == "":
            st["placeholder_runs"] += 1
            chars = ", ".join(show_char(c) for c in piece)
            if meta.get("placeholder_ok"):
                self.notes.append(f"{rw}: placeholder (allowed by the corpus) for {chars}")
            else:
                self.fail(group, "c", f"{rw}: drawn as placeholders, no font chosen for: {chars}")
            return
        if not (0 <= s < e <= len(tb) and _on_boundaries(tb, s, e)):
            self.fail(group, "structure", f"{rw}: bytes {s}..{e} are not a range of whole characters of the "
                                          f"text ({len(tb)} bytes): not shaped")
            return
        if len(run["script"]) != 4:
            self.fail(group, "structure", f"{rw}: script {run['script']!r} is not an ISO 15924 tag")
            return
        shard = self.lock.get(self.fonts.lock_name(run["file"])) if self.lock else None
        if shard and shard[3] != run["face"]:
            self.fail(group, "structure", f"{rw}: face {run['face']!r} but the file is shard {shard[3]!r}")
        glyphs = run["glyphs"]
        # c) no .notdef
        font = self.fonts.get(run["file"], run["index"])
        for j, g in enumerate(glyphs):
            if g[0] == 0:
                # the cluster's characters: up to the next cluster of the run
                nxt = min([c[1] for c in glyphs if c[1] > g[1]] + [e])
                chars = tb[g[1]:nxt].decode("utf-8", "replace")
                lacks = [c for c in chars if font.hb.get_nominal_glyph(ord(c)) is None
                         and unicodedata.category(c) != "Cf"]
                self.fail(group, "c", f"{rw} glyph {j}: .notdef (gid 0) in the cluster at byte {g[1]} "
                                      f"{snippet(chars)!r}: the font lacks "
                                      f"{', '.join(show_char(c) for c in lacks) or 'none of its characters (?)'}")
            if not s <= g[1] < e:
                self.fail(group, "structure", f"{rw} glyph {j}: cluster {g[1]} outside the run's bytes {s}..{e}")

        # a) same file
        want = shape(font, tb, s, e, run["rtl"], run["script"], lang)
        st["glyphs_same"] += len(glyphs)
        self.compare(group, "a", rw, tb, glyphs, want, f"HarfBuzz on {font.label}", outlines=None)

        # b) the shard's source font
        if self.args.no_source:
            return
        src = self.fonts.source_of(run["file"])
        if src is None:
            self.source_skipped[run["file"]] += 1
            return
        source, index = src
        try:
            sfont = self.fonts.get(source, index)
        except SetupError as err:
            raise SetupError(f"{err} (the source of {run['file']} in fonts/shards.lock)")
        swant = shape(sfont, tb, s, e, run["rtl"], run["script"], lang)
        st["glyphs_source"] += len(glyphs)
        self.compare(group, "b", rw, tb, glyphs, swant, f"HarfBuzz on the source {sfont.label}",
                     outlines=(font, sfont))

    def compare(self, group, check, rw, tb, got, want, ref, outlines):
        """Compares glyph lists; outlines=(ours, theirs) compares outlines
        instead of glyph ids."""
        def fmt(gs):
            return " ".join(f"{g[0]}@{g[1]}" for g in gs)
        if len(got) != len(want):
            self.fail(group, check,
                      f"{rw}: {len(got)} glyphs, {ref} gives {len(want)}\n"
                      f"      ours   gid@cluster: {fmt(got)}\n"
                      f"      theirs gid@cluster: {fmt(want)}")
            return
        reported = 0
        bad = 0
        for j, (g, w) in enumerate(zip(got, want)):
            diffs = []
            if outlines is None:
                if g[0] != w[0]:
                    diffs.append(f"gid {g[0]} != {w[0]}")
            else:
                ours, theirs = outlines
                try:
                    a, b = ours.outline(g[0]), theirs.outline(w[0])
                except KeyError as err:
                    diffs.append(f"no glyph {err} in the font")
                else:
                    if a != b:
                        m = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                        diffs.append(f"outline of gid {g[0]} differs from source gid {w[0]} "
                                     f"({len(a)} vs {len(b)} pen commands, first difference at "
                                     f"command {m}: {a[m] if m < len(a) else '-'} vs {b[m] if m < len(b) else '-'})")
            for name, x, y in zip(("cluster", "x_advance", "y_advance", "x_offset", "y_offset"), g[1:], w[1:]):
                if x != y:
                    diffs.append(f"{name} {x} != {y}")
            if diffs:
                bad += 1
                if reported < MAX_GLYPH_REPORTS:
                    reported += 1
                    self.fail(group, check, f"{rw} glyph {j} (gid {g[0]}, cluster {g[1]} = {at_byte(tb, g[1])}): "
                                            f"{'; '.join(diffs)} (ours != {ref})")
                else:
                    self.stats[group]["mismatch_" + check] += 1
        if bad > reported:
            self.failures.append((group, check, f"{rw}: ... {bad - reported} more glyphs differ"))

    # -- bidi -----------------------------------------------------------------------

    def fribidi_vtol(self, text):
        """FriBidi's visual-to-logical map (character indices) and levels.
        The CLI prints, per input line, the map ("4 5 2 3 0 1 ", a trailing
        space) and, with --levels, a second line with the levels."""
        try:
            p = subprocess.run(FRIBIDI_CMD + ["--levels"], input=(text + "\n").encode("utf-8"),
                               capture_output=True, timeout=30)
        except OSError as e:
            raise SetupError(f"cannot run fribidi: {e}")
        if p.returncode != 0:
            return None, None, f"fribidi exited {p.returncode}: {p.stderr.decode(errors='replace').strip()}"
        out = p.stdout.decode("utf-8", "replace").split("\n")
        try:
            return [int(x) for x in out[0].split()], [int(x) for x in out[1].split()], None
        except (ValueError, IndexError):
            return None, None, f"unexpected fribidi output {p.stdout[:80]!r}"

    def check_bidi(self, n, group, where, text, visual, starts, index_of, meta):
        st = self.stats[group]
        ours = []
        for b in visual:
            if b not in index_of:
                self.fail(group, "d", f"{where}: 'visual' has byte {b}, not the start of a character")
                return
            ours.append(index_of[b])
        if sorted(ours) != list(range(len(text))):
            self.fail(group, "d", f"{where}: 'visual' is not a permutation of the text's {len(text)} characters")
            return
        theirs, levels, err = self.fribidi_vtol(text)
        if err:
            self.fail(group, "d", f"{where}: {err}")
            return
        if len(theirs) != len(text) or len(levels) != len(text):
            self.fail(group, "d", f"{where}: FriBidi mapped {len(theirs)} characters, the text has {len(text)}")
            return
        theirs = undo_l3(text, theirs, levels)
        st["bidi_lines"] += 1
        if theirs == ours:
            if meta.get("fribidi_differs"):
                self.notes.append(f"{where}: the corpus expects a FriBidi difference "
                                  f"({meta['fribidi_differs']}) but the orders agree now")
            return
        k = next(i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b)
        detail = (f"first difference at visual position {k}: ours char {ours[k]} {show_char(text[ours[k]])} "
                  f"({unicodedata.bidirectional(text[ours[k]])} in Python's UCD), FriBidi char {theirs[k]} "
                  f"{show_char(text[theirs[k]])} ({unicodedata.bidirectional(text[theirs[k]])})\n"
                  f"      ours    {' '.join(map(str, ours))}\n"
                  f"      FriBidi {' '.join(map(str, theirs))}")
        # Characters X9 removes have no defined place: if the orders agree once
        # they are dropped, only invisible controls moved.
        strip = [i for i in ours if not bidi_removed(text[i])]
        strip_t = [i for i in theirs if not bidi_removed(text[i])]
        reason = meta.get("fribidi_differs")
        expected = meta.get("visual_expected")
        if reason and expected is not None and not self.args.strict_bidi:
            # a line where FriBidi is known to be wrong: the corpus gives the
            # right order (character indices), worked out by hand
            if ours == expected:
                self.known.append((group, f"{where}: differs from FriBidi as the corpus expects "
                                          f"({reason}); ours is the order the corpus gives; {detail}"))
                st["bidi_known"] += 1
            else:
                self.fail(group, "d", f"{where}: visual order differs from FriBidi's (known wrong here: "
                                      f"{reason}) and from the corpus's visual_expected "
                                      f"{' '.join(map(str, expected))}; {detail}")
        elif strip == strip_t and not self.args.strict_bidi:
            self.known.append((group, f"{where}: differs from FriBidi only in where characters removed by "
                                      f"UAX #9 rule X9 (BN, embedding controls) go; UAX #9 section 5.2 leaves "
                                      f"their levels to the implementation; {detail}"))
            st["bidi_known"] += 1
        else:
            self.fail(group, "d", f"{where}: visual order differs from FriBidi's; {detail}")

    # -- report -----------------------------------------------------------------------

    def report(self, order):
        cols = ["lines", "runs", "placeholder_runs", "glyphs_same", "glyphs_source", "bidi_lines"]
        checks = ["structure", "a", "b", "c", "d"]
        head = (f"{'group':12} {'lines':>5} {'runs':>5} {'plch':>4} {'glyphs(a)':>9} {'glyphs(b)':>9} "
                f"{'bidi':>4} {'known':>5} | {'struct':>6} {'a':>4} {'b':>4} {'c':>4} {'d':>4} {'total':>5}")
        print(head)
        print("-" * len(head))
        total = defaultdict(int)
        for g in order:
            st = self.stats[g]
            mism = [st["mismatch_" + c] for c in checks]
            print(f"{g:12} {st['lines']:>5} {st['runs']:>5} {st['placeholder_runs']:>4} {st['glyphs_same']:>9} "
                  f"{st['glyphs_source']:>9} {st['bidi_lines']:>4} {st['bidi_known']:>5} | "
                  + " ".join(f"{m:>{6 if i == 0 else 4}}" for i, m in enumerate(mism)) + f" {sum(mism):>5}")
            for c in cols + ["bidi_known"]:
                total[c] += st[c]
            for c in checks:
                total["mismatch_" + c] += st["mismatch_" + c]
        print("-" * len(head))
        mism = [total["mismatch_" + c] for c in checks]
        print(f"{'total':12} {total['lines']:>5} {total['runs']:>5} {total['placeholder_runs']:>4} "
              f"{total['glyphs_same']:>9} {total['glyphs_source']:>9} {total['bidi_lines']:>4} "
              f"{total['bidi_known']:>5} | " + " ".join(f"{m:>{6 if i == 0 else 4}}" for i, m in enumerate(mism))
              + f" {sum(mism):>5}")
        return sum(mism)


def corpus_problems(corpus, records):
    """Every corpus line must have its record, in order (text and lang)."""
    problems = []
    for n, c in enumerate(corpus, 1):
        if n > len(records):
            problems.append(f"corpus lines {n}..{len(corpus)} have no record (the dump has {len(records)} "
                            f"records, the corpus {len(corpus)} lines)")
            break
        rec = records[n - 1]
        if rec["text"] != c["text"]:
            later = [k for k, r in enumerate(records[n - 1:], n) if r["text"] == c["text"]]
            other = [k for k, x in enumerate(corpus, 1) if x["text"] == rec["text"]]
            problems.append(
                f"corpus line {n} [{c.get('group')}] {snippet(c['text'], 40)!r}: record {n} has another text "
                f"{snippet(rec['text'], 40)!r}"
                + (f" (corpus line {other[0]})" if other else " (in no corpus line)")
                + (f"; its record is record {later[0]}" if later else "; no record has its text")
                + " -- the records are out of step with the corpus from here; the rest is not compared")
            break
        if (rec.get("lang") or None) != (c.get("lang") or None):
            problems.append(f"corpus line {n} [{c.get('group')}] {snippet(c['text'], 40)!r}: record lang "
                            f"{rec.get('lang')!r}, corpus lang {c.get('lang')!r}")
    else:
        if len(records) > len(corpus):
            problems.append(f"the dump has {len(records) - len(corpus)} records more than the corpus "
                            f"({len(records)} vs {len(corpus)} lines)")
    return problems


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump", nargs="?", default="-", help="the engine's dump (JSON lines); '-' or none: stdin")
    ap.add_argument("--corpus", help="check that every line of this corpus has a record, in order")
    ap.add_argument("--no-source", action="store_true", help="skip check b (the shards' source fonts)")
    ap.add_argument("--no-bidi", action="store_true", help="skip check d (FriBidi)")
    ap.add_argument("--strict-bidi", action="store_true",
                    help="count every FriBidi difference as a mismatch, also those classified as known")
    ap.add_argument("-q", "--quiet", action="store_true", help="only the summary table and the verdict")
    args = ap.parse_args(argv[1:])

    if hb.version_string() != EXPECTED_HARFBUZZ:
        print(f"check.py: warning: uharfbuzz bundles HarfBuzz {hb.version_string()}, not "
              f"{EXPECTED_HARFBUZZ} (the version checked against); exact matches may not hold",
              file=sys.stderr)

    records = read_jsonl(args.dump, "dump")
    if not records:
        raise SetupError("the dump has no records")
    errs = [m for n, r in enumerate(records, 1) for m in check_record_shape(r, n)]
    if errs:
        raise SetupError("the dump is malformed:\n  " + "\n  ".join(errs[:20]))

    corpus_path = args.corpus or (DEFAULT_CORPUS if DEFAULT_CORPUS.exists() else None)
    corpus = read_jsonl(corpus_path, "corpus") if corpus_path else []
    by_text = {}
    for c in corpus:
        by_text.setdefault(c.get("text"), c)
    checker = Checker(args)
    if checker.lock is None and not args.no_source:
        print("check.py: fonts/shards.lock is missing (run scripts/fonts.sh): check b skipped", file=sys.stderr)

    # every font file first: a missing shard stops the check with one message
    missing = sorted({r["file"] for rec in records for r in rec["runs"]
                      if r["file"] and not checker.fonts.resolve(r["file"]).is_file()})
    if missing:
        raise SetupError("font files the dump names are missing:\n  " + "\n  ".join(missing)
                         + ("\nrun scripts/fonts.sh (it builds www/fonts/)" if any("www/fonts/" in m for m in missing) else ""))

    if args.corpus:
        for p in corpus_problems(corpus, records):
            checker.fail("corpus", "structure", p)

    order = []
    for n, rec in enumerate(records, 1):
        # the corpus line: the same line number if its text matches (the same
        # text may stand on several lines with other langs), else by text
        same = n <= len(corpus) and corpus[n - 1].get("text") == rec["text"]
        meta = corpus[n - 1] if same else by_text.get(rec["text"], {})
        g = meta.get("group", "(not in corpus)")
        if g not in order:
            order.append(g)
        checker.check(n, rec, meta)
    if checker.stats["corpus"]["mismatch_structure"]:
        order.append("corpus")

    if not args.quiet:
        if checker.failures:
            print(f"MISMATCHES ({len(checker.failures)} messages):")
            for g, c, m in checker.failures:
                print(f"  [{c}] {m}")
            print()
        if checker.known:
            print(f"KNOWN DIFFERENCES FROM FRIBIDI (not counted; --strict-bidi counts them):")
            for g, m in checker.known:
                print(f"  [d] {m}")
            print()
        if checker.notes:
            print("NOTES:")
            for m in checker.notes:
                print(f"  {m}")
            print()
        if checker.source_skipped and not args.no_source:
            # The embedded font is one of them: scripts/subset-font.sh keeps only
            # its kern feature (no GSUB, no mark positioning), so HarfBuzz on
            # DejaVuSans.ttf would shape differently by design.
            print("check b skipped for runs on fonts that fonts/shards.lock does not list "
                  "(no source to compare with; the embedded font is subset with kern only):")
            for f, count in sorted(checker.source_skipped.items()):
                print(f"  {f}: {count} runs")
            print()
    total = checker.report(order)
    if total:
        print(f"\nFAIL: {total} mismatches")
        return 1
    print("\nOK: the engine agrees with HarfBuzz"
          + (" and FriBidi" if not args.no_bidi else ""))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except SetupError as e:
        print(f"check.py: {e}", file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(1)
