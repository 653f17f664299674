"""The Python side of bench/batch_bench.sh: the batch issue's seed job as Python users write it
today, cv2 in a multiprocessing.Pool. Each worker reads one image straight to gray, blurs it,
runs Canny, turns it back into 3 channels and writes JPEG q90 into OUT_DIR.

    python3 cv2_pool.py PROCESSES OUT_DIR LIST     LIST holds one input path per line
"""

import multiprocessing
import os
import sys

import cv2


def seed(job):
    path, out_dir = job
    gray = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if gray is None:
        return False
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 50, 150)
    rgb = cv2.cvtColor(edges, cv2.COLOR_GRAY2BGR)
    out = os.path.join(out_dir, os.path.basename(path))
    return cv2.imwrite(out, rgb, [cv2.IMWRITE_JPEG_QUALITY, 90])


def main():
    processes, out_dir, list_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    with open(list_path) as listing:
        jobs = [(line.strip(), out_dir) for line in listing if line.strip()]
    with multiprocessing.Pool(processes) as pool:
        failed = sum(1 for ok in pool.imap_unordered(seed, jobs, chunksize=4) if not ok)
    if failed:
        print(f"cv2_pool: {failed} images failed", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
