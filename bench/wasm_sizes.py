"""Where the Worker's .wasm bytes go: code and data by crate, gzipped.

Reads the linker map (wasm-ld --Map) and the unstripped module that
scripts/wasm-sizes.sh builds, groups each function body and each named data
segment by the crate its symbol names (v0 and legacy mangling), and gzips
each group's bytes on its own (level 9), so a figure is about what leaving
that crate out would save. Anonymous constants (.Lanon.*: tables, strings,
the embedded font) are grouped by the object they came from. The module
is the Rust build before wasm-bindgen and wasm-opt: its code is larger
raw than the Worker's, and its describe functions are removed later.

    python3 bench/wasm_sizes.py MAP WASM [CRATE]

With CRATE it also lists that crate's 30 largest functions.
"""

import collections
import re
import subprocess
import sys
import zlib


def sections(map_path):
    """(section, file offset, size, symbol) for each input symbol."""
    rows, sec = [], None
    with open(map_path) as f:
        for line in f:
            p = line.split()
            if len(p) == 4 and p[0] == "-" and re.match(r"^[A-Z]", p[3]):
                sec = p[3]
                continue
            if len(p) != 4 or p[3].startswith("/") or p[3] in (".rodata", ".data", ".bss"):
                continue
            if sec == "CODE" and p[0] == "-":
                rows.append(("code", int(p[1], 16), int(p[2], 16), p[3]))
            elif sec == "DATA":
                rows.append(("data", int(p[1], 16), int(p[2], 16), p[3]))
    return rows


def crate(symbol):
    """The crate a mangled symbol belongs to, or a group for anonymous data."""
    if symbol.startswith(".Lanon."):
        return "anonymous " + symbol.split(".")[2][:6]
    if symbol.startswith("_R"):
        m = re.search(r"C[s]?[0-9A-Za-z]*_(\d+)([A-Za-z_][A-Za-z0-9_]*)", symbol)
        if m:
            return m.group(2)[: int(m.group(1))]
    m = re.match(r"_ZN(\d+)", symbol)
    if m:
        rest = symbol[len(m.group(0)):]
        name = rest[: int(m.group(1))]
        inner = re.search(r"\$LT\$(\w+?)\.\.", rest) if name.startswith("_$LT$") else None
        return inner.group(1) if inner else name
    return "other"


def main():
    map_path, wasm_path = sys.argv[1], sys.argv[2]
    wasm = open(wasm_path, "rb").read()
    rows = sections(map_path)
    groups = collections.defaultdict(list)
    for kind, off, size, sym in rows:
        groups[(kind, crate(sym))].append(wasm[off : off + size])
    for kind in ("code", "data"):
        whole = b"".join(wasm[o : o + s] for k, o, s, _ in rows if k == kind)
        print(f"all {kind}: {len(whole):,} bytes, {len(zlib.compress(whole, 9)):,} gzipped")
    table = sorted(
        ((len(zlib.compress(b"".join(v), 9)), sum(map(len, v)), k) for k, v in groups.items()),
        reverse=True,
    )
    print(f"{'gzipped':>9} {'raw':>9}  kind  crate")
    for gz, raw, (kind, name) in table[:30]:
        print(f"{gz:>9,} {raw:>9,}  {kind}  {name}")
    if len(sys.argv) > 3:
        want = sys.argv[3]
        fns = sorted(((s, sym) for k, _, s, sym in rows if crate(sym) == want), reverse=True)
        names = subprocess.run(
            ["c++filt"], input="\n".join(sym for _, sym in fns[:30]), capture_output=True, text=True
        ).stdout.split("\n")
        print(f"\nthe largest in {want}:")
        for (size, _), name in zip(fns[:30], names):
            print(f"{size:>9,}  {name[:140]}")


if __name__ == "__main__":
    main()
