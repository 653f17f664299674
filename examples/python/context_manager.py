"""Seed 001's context manager, with tessera: the `with` block that matters is a memory budget.

The report wraps cv2.imread in a @contextmanager that deletes the image in `finally`. tessera
images need no such wrapper (their pixels go with the last reference), so the `with` says
something useful instead: the block may hold at most 64 MiB of pixels, and an image that would
cross it raises tessera.OutOfBudget (a MemoryError) before it is allocated, naming the line,
instead of the process being killed.

    python context_manager.py INPUT_FOLDER OUTPUT_FOLDER
"""

import pathlib
import sys

import tessera

SEED = "gray | blur 5 | canny 50 150 | rgb"


def process_image(path, out):
    with tessera.budget("64M", "one image"):
        edges = tessera.run(SEED, tessera.read(path))
        tessera.write(edges, out / (path.stem + ".png"), compression=1)


def main(input_folder, output_folder):
    out = pathlib.Path(output_folder)
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in pathlib.Path(input_folder).iterdir() if p.is_file()):
        try:
            process_image(path, out)
        except tessera.OutOfBudget as error:
            print(f"{path.name}: too large for the budget: {error}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
