"""Seed 001's generator, with tessera: yield processed images, save each, nothing to delete.

The report's generator deletes each image after the yield, hoping to free it. With tessera the
image goes when its last reference does (the loop variable's next value), and tessera.memory
shows it: the live pixel bytes stay at one image however many are processed.

    python generator.py INPUT_FOLDER OUTPUT_FOLDER
"""

import pathlib
import sys

import tessera

SEED = "gray | blur 5 | canny 50 150 | rgb"


def processed_images(paths):
    for path in paths:
        yield path, tessera.run(SEED, tessera.read(path))


def main(input_folder, output_folder):
    out = pathlib.Path(output_folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = sorted(p for p in pathlib.Path(input_folder).iterdir() if p.is_file())
    most = 0
    for path, edges in processed_images(paths):
        tessera.write(edges, out / (path.stem + ".png"), compression=1)
        most = max(most, tessera.memory.counters()["live_bytes"])
    print(f"{len(paths)} images; at most {most / 2**20:.1f} MiB of pixels alive at once")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
