"""Writes the multi-page and multi-frame files the page tests read, with Pillow (and heif-enc
for HEIF), into FOLDER:

  pages.tif       3 pages of other sizes and depths: RGB 8-bit 64x48, grey 16-bit 40x30
                  (strips of 7 rows), RGBA 8-bit 50x70
  dispose.gif     5 frames on a 60x40 screen: offset frames, a transparent colour, and the
                  disposal methods 1 (keep), 2 (clear to the background) and 3 (restore)
  interlaced.gif  3 interlaced frames, the second with a local colour table
  anim.webp       4 frames, lossless, some with alpha, offsets and blending
  a.png, b.png    the two images of pages.heic (made by heif-enc, if it is there)

Pillow's GIF writer crops each frame to what changed, so the frames are offset rectangles.

Usage: /usr/bin/python3 make_pages.py FOLDER
"""
import pathlib
import sys

from PIL import Image, ImageDraw

folder = pathlib.Path(sys.argv[1])


def pattern(mode, size, seed):
    image = Image.new("RGB", size)
    pixels = image.load()
    for y in range(size[1]):
        for x in range(size[0]):
            pixels[x, y] = ((x * 7 + seed * 40) % 256, (y * 11 + seed * 13) % 256,
                            (x * y + seed * 91) % 256)
    if mode == "RGBA":
        image = image.convert("RGBA")
        alpha = Image.new("L", size)
        alpha.putdata([(x * 5 + y * 3) % 256 for y in range(size[1]) for x in range(size[0])])
        image.putalpha(alpha)
    return image


first = pattern("RGB", (64, 48), 1)
grey = Image.new("I;16", (40, 30))
grey.putdata([(x * 1500 + y * 700) % 65536 for y in range(30) for x in range(40)])
third = pattern("RGBA", (50, 70), 3)
first.save(folder / "pages.tif", save_all=True, append_images=[grey, third],
           compression="tiff_deflate", rowsperstrip=7)

# GIF: a palette of 8 colours, index 7 transparent.
palette = [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0, 255, 0, 255, 0, 255, 255,
           9, 9, 9] + [0] * (256 - 8) * 3


def gif_frame(draw_with):
    image = Image.new("P", (60, 40), 7)
    image.putpalette(palette)
    draw_with(ImageDraw.Draw(image))
    return image


frames = [
    gif_frame(lambda d: (d.rectangle((0, 0, 59, 39), fill=1), d.rectangle((10, 5, 30, 20),
                                                                           fill=2))),
    gif_frame(lambda d: d.rectangle((20, 10, 45, 30), fill=3)),
    gif_frame(lambda d: d.ellipse((5, 5, 35, 35), fill=4)),
    gif_frame(lambda d: d.rectangle((40, 2, 58, 12), fill=5)),
    gif_frame(lambda d: d.line((0, 39, 59, 0), fill=6, width=3)),
]
frames[0].save(folder / "dispose.gif", save_all=True, append_images=frames[1:], loop=0,
               duration=100, transparency=7, disposal=[1, 2, 3, 1, 2], optimize=False)
frames[0].save(folder / "interlaced.gif", save_all=True, append_images=frames[1:3], loop=0,
               duration=100, transparency=7, disposal=[3, 1, 2], interlace=True,
               optimize=False)

webp = [pattern("RGBA", (48, 32), n) for n in range(4)]
webp[1] = pattern("RGB", (48, 32), 5).convert("RGBA")
webp[2].paste((0, 0, 0, 0), (0, 0, 20, 32))
webp[0].save(folder / "anim.webp", save_all=True, append_images=webp[1:], lossless=True,
             duration=80, loop=0)

pattern("RGB", (64, 48), 6).save(folder / "a.png")
pattern("RGB", (32, 80), 7).save(folder / "b.png")
