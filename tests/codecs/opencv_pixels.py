"""Prints each image as OpenCV's imread(IMREAD_UNCHANGED) decodes it: for every FILE,
"CHANNELS BYTES_PER_SAMPLE WIDTH HEIGHT\n" and the raw samples (OpenCV's order: BGR, BGRA;
grey+alpha widened to BGRA; 16-bit little-endian), or "0 0 0 0\n" when OpenCV refuses it.

OpenCV is run in its own process (Debian's python3-opencv, OpenCV 4.6): linked into a test
binary, its imgcodecs brings GDAL and its locks under the sanitizers.

Usage: /usr/bin/python3 opencv_pixels.py FILE...
"""
import sys

import cv2

for name in sys.argv[1:]:
    image = cv2.imread(name, cv2.IMREAD_UNCHANGED)
    if image is None:
        sys.stdout.buffer.write(b"0 0 0 0\n")
        continue
    channels = 1 if image.ndim == 2 else image.shape[2]
    header = "%d %d %d %d\n" % (channels, image.itemsize, image.shape[1], image.shape[0])
    sys.stdout.buffer.write(header.encode())
    sys.stdout.buffer.write(image.astype(image.dtype.newbyteorder("<")).tobytes())
