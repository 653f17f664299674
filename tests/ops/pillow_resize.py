"""Resizes an image with Pillow's LANCZOS filter: the reference for tessera's lanczos3 resize.

Usage: /usr/bin/python3 pillow_resize.py IN OUT WIDTH HEIGHT
"""
import sys

from PIL import Image

source, target, width, height = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
Image.open(source).resize((width, height), Image.LANCZOS).save(target)
