#!/usr/bin/env python3
"""Draws Duet's icon (two overlapping discs — a duet — on a rounded square) without any imaging
library, and writes the PNG sizes and the .ico Tauri wants into icons/. Run from the repo root."""
import math, struct, zlib

def render(size, ss=4):
    n = size * ss
    r_corner = 0.22 * n
    c1 = (0.40 * n, 0.50 * n); c2 = (0.60 * n, 0.50 * n); rad = 0.24 * n
    top = (255, 94, 98); bottom = (124, 77, 255)      # coral → violet
    disc1 = (255, 255, 255); disc2 = (255, 214, 102)  # white, warm gold
    acc = [[0.0] * 4 for _ in range(size * size)]
    for y in range(n):
        t = y / (n - 1)
        bg = tuple(top[i] * (1 - t) + bottom[i] * t for i in range(3))
        for x in range(n):
            # rounded-square mask
            dx = max(r_corner - x, 0, x - (n - 1 - r_corner))
            dy = max(r_corner - y, 0, y - (n - 1 - r_corner))
            if dx * dx + dy * dy > r_corner * r_corner:
                continue
            col = bg
            in1 = (x - c1[0]) ** 2 + (y - c1[1]) ** 2 <= rad * rad
            in2 = (x - c2[0]) ** 2 + (y - c2[1]) ** 2 <= rad * rad
            if in1 and in2:
                col = tuple((disc1[i] + disc2[i]) / 2 for i in range(3))
            elif in1:
                col = tuple(disc1[i] * 0.92 + bg[i] * 0.08 for i in range(3))
            elif in2:
                col = tuple(disc2[i] * 0.85 + bg[i] * 0.15 for i in range(3))
            px = acc[(y // ss) * size + (x // ss)]
            px[0] += col[0]; px[1] += col[1]; px[2] += col[2]; px[3] += 255
    raw = bytearray()
    k = ss * ss
    for y in range(size):
        raw.append(0)
        for x in range(size):
            r, g, b, a = acc[y * size + x]
            cov = a / 255
            if cov:
                raw += bytes((round(r / cov), round(g / cov), round(b / cov), round(a / k)))
            else:
                raw += b"\0\0\0\0"
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))

pngs = {}
for name, size in [("32x32.png", 32), ("64x64.png", 64), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)]:
    pngs[size] = render(size, 4 if size <= 256 else 2)
    open(f"icons/{name}", "wb").write(pngs[size])
# .ico holding PNG images (valid since Windows Vista)
sizes = [32, 64, 128, 256]
header = struct.pack("<HHH", 0, 1, len(sizes))
offset = 6 + 16 * len(sizes)
entries = b""; blobs = b""
for s in sizes:
    data = pngs[s]
    entries += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(data), offset + len(blobs))
    blobs += data
open("icons/icon.ico", "wb").write(header + entries + blobs)
print("icons written")
