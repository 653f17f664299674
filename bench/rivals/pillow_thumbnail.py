#!/usr/bin/python3
"""Pillow making a 500 px wide JPEG thumbnail as its documentation advises: draft() lets
libjpeg decode at 1/2, 1/4 or 1/8 scale, then thumbnail() resamples (bench/pipeline_bench.sh).

    pillow_thumbnail.py IN.jpg OUT.jpg
"""
import sys

from PIL import Image

with Image.open(sys.argv[1]) as image:
    width = 500
    height = round(image.height * width / image.width)
    image.draft("RGB", (width, height))
    image.thumbnail((width, height), Image.LANCZOS)
    image.save(sys.argv[2], quality=90)
