"""Resizes an image with Pillow's LANCZOS filter: the reference for tessera's lanczos3 resize.

Usage: /usr/bin/python3 pillow_resize.py IN OUT WIDTH HEIGHT
       /usr/bin/python3 pillow_resize.py IN --list JOBS

JOBS has one resize a line, "OUT WIDTH HEIGHT" or "OUT WIDTH HEIGHT LEFT TOP CROP_W CROP_H"
(resized to WIDTH x HEIGHT, then the CROP_W x CROP_H box at LEFT,TOP kept: fit=cover as sharp
and libvips make it). One process for many resizes keeps the sweep fast.
"""
import sys

from PIL import Image


def resize(image, target, width, height, box=None):
    result = image.resize((width, height), Image.LANCZOS)
    if box is not None:
        left, top, crop_width, crop_height = box
        result = result.crop((left, top, left + crop_width, top + crop_height))
    result.save(target)


source = Image.open(sys.argv[1])
source.load()
if sys.argv[2] == "--list":
    with open(sys.argv[3]) as jobs:
        for line in jobs:
            fields = line.split()
            if not fields:
                continue
            numbers = [int(field) for field in fields[1:]]
            resize(source, fields[0], numbers[0], numbers[1],
                   tuple(numbers[2:6]) if len(numbers) == 6 else None)
else:
    resize(source, sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
