"""Seed 001's three scenarios as the report writes them, with cv2: the baseline that
measure.py and python/tests/test_examples.py compare tessera's rewrites with. Only the report's
placeholder process_image() is filled in, with the seed pipeline, and the outputs are written
as PNGs named after their inputs.

    python cv2_originals.py folder_loop|generator|context_manager INPUT_FOLDER OUTPUT_FOLDER
"""

import gc
import os
import sys
from contextlib import contextmanager

import cv2


def process_image(img):
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 50, 150)
    return cv2.cvtColor(edges, cv2.COLOR_GRAY2BGR)


def output_name(out, path):
    return os.path.join(out, os.path.splitext(os.path.basename(path))[0] + ".png")


def process_images_in_batches(image_paths, batch_size=10):  # seed 001, 6.1
    all_results = []
    num_batches = (len(image_paths) + batch_size - 1) // batch_size
    for batch_idx in range(num_batches):
        start_idx = batch_idx * batch_size
        end_idx = min((batch_idx + 1) * batch_size, len(image_paths))
        batch_results = []
        for path in image_paths[start_idx:end_idx]:
            img = cv2.imread(path)
            processed_img = process_image(img)
            batch_results.append(processed_img)
            del img
            del processed_img
        all_results.extend(batch_results)
        gc.collect()
    return all_results


def image_generator(image_paths):  # seed 001, 6.2
    for path in image_paths:
        img = cv2.imread(path)
        processed_img = process_image(img)
        yield processed_img
        del img
        del processed_img


@contextmanager
def managed_image(image_path):  # seed 001, 4.2
    img = cv2.imread(image_path)
    try:
        yield img
    finally:
        del img


def main(scenario, input_folder, out):
    os.makedirs(out, exist_ok=True)
    paths = sorted(os.path.join(input_folder, name) for name in os.listdir(input_folder))
    if scenario == "folder_loop":
        for path, result in zip(paths, process_images_in_batches(paths)):
            cv2.imwrite(output_name(out, path), result)
    elif scenario == "generator":
        for path, processed_img in zip(paths, image_generator(paths)):
            cv2.imwrite(output_name(out, path), processed_img)
    elif scenario == "context_manager":
        for path in paths:
            with managed_image(path) as img:
                processed_img = process_image(img)
                cv2.imwrite(output_name(out, path), processed_img)
    else:
        sys.exit(f"unknown scenario {scenario!r}: folder_loop, generator or context_manager")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
