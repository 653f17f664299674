"""Prints what Pillow reads of a palette image (a GIF, or a palette PNG) on one line:

    FORMAT MODE WIDTH HEIGHT ENTRIES DISTINCT TRANSPARENCY

ENTRIES: the palette's entries as stored; DISTINCT: the distinct RGBA colours of the decoded
pixels; TRANSPARENCY: a GIF's transparent index, "trns:N" for a PNG's N tRNS entries, -1 for
none. Then the pixels as RGBA bytes. The palette tests' independent reader.

Usage: /usr/bin/python3 pillow_palette.py FILE
"""
import sys

from PIL import Image

image = Image.open(sys.argv[1])
image.load()
entries = len(image.getpalette() or []) // 3 if image.mode == "P" else 0
transparency = image.info.get("transparency", -1)
if isinstance(transparency, bytes):
    transparency = "trns:%d" % len(transparency)
rgba = image.convert("RGBA")
distinct = len(rgba.getcolors(1 << 24))
sys.stdout.buffer.write(b"%s %s %d %d %d %d %s\n" % (
    image.format.encode(), image.mode.encode(), image.width, image.height, entries, distinct,
    str(transparency).encode()))
sys.stdout.buffer.write(rgba.tobytes())
