"""Prints an image as Pillow decodes it: "MODE WIDTH HEIGHT BITS\n", then the raw samples.

BITS is the file's bits per sample (TIFF tag 258; 8 when absent).

The TIFF, GIF, BMP and Netpbm tests' reference. Palette images are converted to RGB(A) and
bilevel ones to grey, as tessera converts them; 16-bit grey is printed little-endian ("I;16"), swapped here because
Pillow's convert("I;16") from big-endian clips samples to 255.

With PAGE, that page or frame (Image.seek): a GIF's or WebP's frame composited as Pillow
shows it, always converted to RGBA.

Usage: /usr/bin/python3 pillow_pixels.py FILE [PAGE]
"""
import array
import sys

from PIL import Image

image = Image.open(sys.argv[1])
page = int(sys.argv[2]) if len(sys.argv) > 2 else None
image.seek(page or 0)
if page is not None and image.format in ("GIF", "WEBP"):
    image = image.convert("RGBA")
bits = getattr(image, "tag_v2", {}).get(258, (8,))
bits = bits[0] if isinstance(bits, tuple) else bits
if image.mode == "P":
    image = image.convert("RGBA" if "transparency" in image.info else "RGB")
if image.mode == "1":  # bilevel: tessera delivers grey 0 and 255
    image = image.convert("L")
if image.mode == "I" and image.getextrema()[1] <= 65535:  # 16-bit PGM: Pillow widens to 32
    image = image.convert("I;16")
samples = image.tobytes()
mode = image.mode
if mode == "I;16B":
    swapped = array.array("H", samples)
    swapped.byteswap()
    samples, mode = swapped.tobytes(), "I;16"
sys.stdout.buffer.write(b"%s %d %d %d\n" % (mode.encode(), image.width, image.height, bits))
sys.stdout.buffer.write(samples)
