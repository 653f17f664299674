"""The Python issue's figures: the seed batch (200 1080p JPEGs, `gray | blur 5 | canny 50 150 |
rgb`, JPEG q90, 2 workers) done three ways with tessera and as Python users do it today with
cv2, Pillow and pyvips, each in a process tree of its own, timed and with its peak RSS (summed
over the tree: a Pool's workers are processes); then the per-call overhead of tessera's ops and
cv2's on tiny images, in one process.

    .venv/bin/python bench/python_bench.py [--runs 3] [--keep]

The inputs are made by tessera from three real photographs of the shared corpora, as
bench/batch_bench.sh makes them: each scaled to cover 1920x1080 by one of 10 factors, cropped at
one of several offsets, every other one flipped.

The rivals, each doing what it can of the seed pipeline:
- cv2 (PyPI's opencv-python-headless, built with IPP: what Python users run) in a
  multiprocessing.Pool(2) and in a ThreadPool(2): seed 001's imread, cvtColor to gray,
  GaussianBlur 5x5, Canny 50 150, cvtColor back, imwrite q90;
- Debian's cv2 4.6 (/usr/bin/python3) in a Pool(2), for reference;
- Pillow in a ThreadPool(2): it has no Canny, so FIND_EDGES stands in for it;
- pyvips (with pyvips-binary's libvips) in a ThreadPool(2): its canny has no hysteresis, so a
  threshold at 50 stands in for the two thresholds.
"""

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora" / "vips" / "test" / "test-suite" / "images"
SOURCES = ["ultra-hdr.jpg", "avif-orientation-6.avif", "CMU-1-Small-Region.svs"]
SEED = "gray | blur 5 | canny 50 150 | rgb"
COUNT = 200
JOBS = 2
DEBIAN_PYTHON = "/usr/bin/python3"


# --- the contenders, each run as `python_bench.py --worker NAME LIST OUT` ---------------------

def paths_of(listing):
    return [line.strip() for line in open(listing) if line.strip()]


def run_tessera_batch(listing, out):
    import tessera
    folder = os.path.dirname(paths_of(listing)[0])
    failed = [r for r in tessera.batch(folder, out, SEED, jobs=JOBS, quality=90)
              if r.status != "DONE"]
    return len(failed)


def run_tessera_convert_threads(listing, out):
    from concurrent.futures import ThreadPoolExecutor

    import tessera

    def one(path):
        tessera.convert(path, os.path.join(out, os.path.basename(path)), SEED, quality=90)

    with ThreadPoolExecutor(JOBS) as pool:
        list(pool.map(one, paths_of(listing)))
    return 0


def run_tessera_ops_threads(listing, out):
    from concurrent.futures import ThreadPoolExecutor

    import tessera
    ops = tessera.ops

    def one(path):
        edges = ops.canny(ops.blur(ops.gray(tessera.read(path)), 5), 50, 150)
        tessera.write(ops.rgb(edges), os.path.join(out, os.path.basename(path)), quality=90)

    with ThreadPoolExecutor(JOBS) as pool:
        list(pool.map(one, paths_of(listing)))
    return 0


def cv2_seed(job):
    import cv2
    path, out = job
    image = cv2.imread(path)
    if image is None:
        return False
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 50, 150)
    bgr = cv2.cvtColor(edges, cv2.COLOR_GRAY2BGR)
    return cv2.imwrite(os.path.join(out, os.path.basename(path)), bgr,
                       [cv2.IMWRITE_JPEG_QUALITY, 90])


def run_cv2_pool(listing, out):
    import multiprocessing
    jobs = [(path, out) for path in paths_of(listing)]
    with multiprocessing.Pool(JOBS) as pool:
        return sum(1 for ok in pool.imap_unordered(cv2_seed, jobs, chunksize=4) if not ok)


def run_cv2_threads(listing, out):
    from multiprocessing.pool import ThreadPool
    jobs = [(path, out) for path in paths_of(listing)]
    with ThreadPool(JOBS) as pool:
        return sum(1 for ok in pool.imap_unordered(cv2_seed, jobs, chunksize=4) if not ok)


def run_pillow_threads(listing, out):
    from multiprocessing.pool import ThreadPool

    from PIL import Image, ImageFilter

    def one(path):
        with Image.open(path) as image:
            gray = image.convert("L")
        # cv2's 5x5 Gaussian with sigma 0 has sigma 1.1; FIND_EDGES stands in for Canny.
        edges = gray.filter(ImageFilter.GaussianBlur(1.1)).filter(ImageFilter.FIND_EDGES)
        edges.convert("RGB").save(os.path.join(out, os.path.basename(path)), quality=90)
        return True

    with ThreadPool(JOBS) as pool:
        return sum(1 for ok in pool.imap_unordered(one, paths_of(listing), chunksize=4) if not ok)


def run_pyvips_threads(listing, out):
    from multiprocessing.pool import ThreadPool

    import pyvips

    def one(path):
        image = pyvips.Image.new_from_file(path, access="sequential")
        edges = image.colourspace("b-w").gaussblur(1.1).canny(sigma=1.0)
        binary = (edges > 50).ifthenelse(255, 0).cast("uchar")  # no hysteresis in vips' canny
        binary.colourspace("srgb").jpegsave(os.path.join(out, os.path.basename(path)), Q=90)
        return True

    with ThreadPool(JOBS) as pool:
        return sum(1 for ok in pool.imap_unordered(one, paths_of(listing), chunksize=4) if not ok)


WORKERS = {
    "tessera.batch(jobs=2)": (run_tessera_batch, sys.executable),
    "ThreadPool(2) of tessera.convert": (run_tessera_convert_threads, sys.executable),
    "ThreadPool(2) of tessera read/ops/write": (run_tessera_ops_threads, sys.executable),
    "cv2 Pool(2)": (run_cv2_pool, sys.executable),
    "cv2 ThreadPool(2)": (run_cv2_threads, sys.executable),
    "Debian cv2 4.6 Pool(2)": (run_cv2_pool, DEBIAN_PYTHON),
    "Pillow ThreadPool(2)": (run_pillow_threads, sys.executable),
    "pyvips ThreadPool(2)": (run_pyvips_threads, sys.executable),
}


# --- measuring a process tree ------------------------------------------------------------

def children_of():
    """Every process's parent, read from /proc."""
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            pass
    return parents


def tree_rss(root):
    """The summed VmRSS of `root` and its descendants, in bytes."""
    parents = children_of()
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def run_worker(name, python, listing, out, sample_rss):
    """(seconds, peak tree RSS in bytes or 0), or None when the contender failed."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    start = time.perf_counter()
    child = subprocess.Popen([python, __file__, "--worker", name, listing, out],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    if sample_rss:
        while child.poll() is None:
            peak = max(peak, tree_rss(child.pid))
            time.sleep(0.02)
    log = child.communicate()[0]
    elapsed = time.perf_counter() - start
    if child.returncode != 0 or len(os.listdir(out)) != COUNT:
        print(f"  {name} failed ({child.returncode}): {log.strip()[-300:]}", file=sys.stderr)
        return None
    return elapsed, peak


def measure(name, listing, out, runs):
    """(median seconds, peak tree RSS in bytes), or None when the contender failed.

    The timed runs are not watched: reading all of /proc every 20 ms takes a good part of a
    core on a 2-core machine, which would slow every contender and shrink the ratios. The peak
    RSS comes from one more run, watched."""
    function, python = WORKERS[name]
    if not os.path.exists(python):
        return None
    seconds = []
    for _ in range(runs):
        timed = run_worker(name, python, listing, out, sample_rss=False)
        if timed is None:
            return None
        seconds.append(timed[0])
    watched = run_worker(name, python, listing, out, sample_rss=True)
    if watched is None:
        return None
    return statistics.median(seconds), watched[1]


# --- the inputs ----------------------------------------------------------------------------

def make_inputs(folder):
    import tessera
    folder.mkdir(parents=True)
    for i in range(COUNT):
        step = i // 3
        width = 1920 * (100 + (step % 10) * 7) // 100
        height = 1080 * (100 + (step % 10) * 7) // 100
        x = (width - 1920) * (step % 7) // 6
        y = (height - 1080) * (step % 5) // 4
        pipeline = f"resize {width}x{height} fit=cover | crop {x},{y},1920,1080"
        if step % 2:
            pipeline += " | flip h"
        tessera.convert(CORPORA / SOURCES[i % 3], folder / f"photo{i:03d}.jpg", pipeline,
                        quality=90)
    listing = folder.parent / "list"
    listing.write_text("".join(f"{path}\n" for path in sorted(folder.glob("*.jpg"))))
    return str(listing)


# --- per-call overhead ---------------------------------------------------------------------

def per_call_overhead():
    import timeit

    import cv2
    import numpy as np

    import tessera
    rows = []
    for side in (8, 64):
        rgb = np.random.default_rng(side).integers(0, 256, (side, side, 3), np.uint8)
        image = tessera.Image(rgb)
        gray = tessera.ops.gray(image)
        gray_array = np.asarray(gray)
        calls = [
            ("gray", lambda: tessera.ops.gray(image),
             lambda: cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)),
            ("gaussian_blur 5", lambda: tessera.ops.gaussian_blur(image, 5),
             lambda: cv2.GaussianBlur(rgb, (5, 5), 0)),
            ("canny 50 150", lambda: tessera.ops.canny(gray, 50, 150),
             lambda: cv2.Canny(gray_array, 50, 150)),
        ]
        for name, ours, theirs in calls:
            def best(call):  # the median of 7 repeats of 20,000 calls, in microseconds
                return statistics.median(timeit.repeat(call, number=20000, repeat=7)) / 20000 * 1e6
            t, c = best(ours), best(theirs)
            rows.append((f"{side}x{side}", name, t, c, t / c))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each contender (median)")
    parser.add_argument("--keep", action="store_true", help="keep the inputs and outputs")
    parser.add_argument("--worker", nargs=3, metavar=("NAME", "LIST", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        name, listing, out = args.worker
        sys.exit(1 if WORKERS[name][0](listing, out) else 0)

    work = pathlib.Path(tempfile.mkdtemp(prefix="python_bench."))
    try:
        print(f"making {COUNT} 1920x1080 JPEGs from {len(SOURCES)} photographs ...", flush=True)
        listing = make_inputs(work / "in")
        results = {}
        for name in WORKERS:
            print(f"  {name} ...", flush=True)
            results[name] = measure(name, listing, str(work / "out"), args.runs)
    finally:
        if args.keep:
            print(f"inputs and outputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    ours = results["tessera.batch(jobs=2)"]
    print(f"\n{COUNT} images, {SEED}, JPEG q90, 2 workers on {os.cpu_count()} cores; median of "
          f"{args.runs} runs; peak RSS summed over each process tree, from one more run, watched\n")
    print("| contender | median time | images/s | peak RSS | tessera.batch speed-up | "
          "tessera.batch/rival RSS |")
    print("|---|---|---|---|---|---|")
    for name, result in results.items():
        if result is None:
            print(f"| {name} | failed or absent | | | | |")
            continue
        seconds, peak = result
        ratios = "| |" if result is ours or ours is None else \
            f"{seconds / ours[0]:.2f}x | {ours[1] / peak:.2f}"
        print(f"| {name} | {seconds:.2f} s | {COUNT / seconds:.0f} | {peak / 2**20:.0f} MiB | "
              f"{ratios} |")
    pool, threads = results.get("cv2 Pool(2)"), results.get("cv2 ThreadPool(2)")
    if ours and pool and threads:
        print(f"\ntargets against PyPI's cv2: images/s >= 2x the Pool's: {pool[0] / ours[0]:.2f}x; "
              f">= 1.3x the ThreadPool's: {threads[0] / ours[0]:.2f}x; RSS <= 0.3x the Pool's: "
              f"{ours[1] / pool[1]:.2f}x")

    print("\nper-call time, tessera.ops against PyPI's cv2 (median of 7 x 20,000 calls; target: "
          "within 1.5x)\n")
    print("| image | call | tessera | cv2 | ratio |")
    print("|---|---|---|---|---|")
    for side, name, t, c, ratio in per_call_overhead():
        print(f"| {side} | {name} | {t:.2f} us | {c:.2f} us | {ratio:.2f} |")


if __name__ == "__main__":
    main()
