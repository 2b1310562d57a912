#!/usr/bin/env python3
"""Draw the app icons into appserver/static/ with the standard library only.

The glyph is a filter funnel (three bars narrowing downwards: an ACL letting
less through). ``appIcon*`` is white on a rounded blue tile for the app bar and
launcher; ``appIconAlt*`` is the bare white glyph on transparency for dark
backgrounds. Output is deterministic: ``--check`` exits 1 when the committed
PNGs differ from what this script draws (tests/test_package.py runs it).

    python3 tools/generators/make_icons.py           # (re)write the four PNGs
    python3 tools/generators/make_icons.py --check   # verify them
"""
import pathlib
import struct
import sys
import zlib

STATIC = pathlib.Path(__file__).resolve().parents[2] / "appserver" / "static"
SUPERSAMPLE = 4
TILE = (0x1A, 0x6B, 0x8A)   # background of the normal icon
GLYPH = (0xFF, 0xFF, 0xFF)
# Funnel bars in unit coordinates: (x0, y0, x1, y1).
BARS = ((0.18, 0.24, 0.82, 0.36), (0.30, 0.45, 0.70, 0.57), (0.42, 0.66, 0.58, 0.78))
ICONS = {  # name: (size, with tile)
    "appIcon.png": (36, True),
    "appIcon_2x.png": (72, True),
    "appIconAlt.png": (36, False),
    "appIconAlt_2x.png": (72, False),
}


def _in_tile(x, y, radius=0.18):
    """Rounded square covering the unit square, corners of ``radius``."""
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def _in_glyph(x, y):
    return any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in BARS)


def draw(size, tile):
    """Return ``size`` rows of RGBA bytes, edges anti-aliased by supersampling."""
    n = SUPERSAMPLE
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            tile_hits = glyph_hits = 0
            for sy in range(n):
                for sx in range(n):
                    x = (px + (sx + 0.5) / n) / size
                    y = (py + (sy + 0.5) / n) / size
                    tile_hits += tile and _in_tile(x, y)
                    glyph_hits += _in_glyph(x, y)
            if tile:
                g = glyph_hits / n ** 2
                rgb = [round(b * (1 - g) + f * g) for b, f in zip(TILE, GLYPH)]
                alpha = round(255 * tile_hits / n ** 2)
            else:
                rgb, alpha = list(GLYPH), round(255 * glyph_hits / n ** 2)
            row += bytes(rgb + [alpha])
        rows.append(bytes(row))
    return rows


def png(size, rows):
    """Encode RGBA rows as a PNG (8-bit, no filtering)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def render():
    return {name: png(size, draw(size, tile)) for name, (size, tile) in ICONS.items()}


def main(argv):
    check = "--check" in argv
    stale = []
    for name, data in render().items():
        path = STATIC / name
        if check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path} ({len(data)} bytes)")
    if stale:
        print("icons differ from tools/generators/make_icons.py output: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
