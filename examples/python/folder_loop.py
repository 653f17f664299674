"""Seed 001's folder loop, with tessera: no batches, no `del`, no `gc.collect()`.

The report processes a folder 10 images at a time, deleting each image and calling
gc.collect() after every batch, and keeps every result in a list. tessera.batch streams the
folder through the pipeline with a bounded number of images in memory, writes each result as it
finishes and yields what happened to it: memory stays the same for 10 files or 10,000.

    python folder_loop.py INPUT_FOLDER OUTPUT_FOLDER
"""

import sys

import tessera

SEED = "gray | blur 5 | canny 50 150 | rgb"


def main(input_folder, output_folder):
    failed = 0
    for result in tessera.batch(input_folder, output_folder, SEED, jobs=2, memory="256M",
                                format="png", compression=1):
        if result.status == "FAILED":
            failed += 1
            print(f"{result.input}: {result.error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
