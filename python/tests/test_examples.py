"""examples/python: seed 001's scenarios rewritten with tessera run on the bundled samples and
write what the report's cv2 originals write, pixel for pixel."""

import os
import pathlib
import subprocess
import sys

import cv2
import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "python"
SAMPLES = ROOT / "samples" / "photos"


def run(*command):
    done = subprocess.run([sys.executable, *map(str, command)], capture_output=True, text=True,
                          env=dict(os.environ, TESSERA_LEAK_CHECK="1"))
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    """What the cv2 originals write, per scenario (they all write the same images)."""
    out = tmp_path_factory.mktemp("cv2")
    run(EXAMPLES / "cv2_originals.py", "folder_loop", SAMPLES, out)
    return out


@pytest.mark.parametrize("scenario", ["folder_loop", "generator", "context_manager"])
def test_the_tessera_rewrite_writes_what_the_cv2_original_writes(scenario, originals, tmp_path):
    theirs_out = tmp_path / "cv2"
    run(EXAMPLES / "cv2_originals.py", scenario, SAMPLES, theirs_out)
    ours = run(EXAMPLES / f"{scenario}.py", SAMPLES, tmp_path / "tessera")
    assert "no leaks" in ours.stderr
    names = sorted(p.name for p in originals.iterdir())
    assert len(names) == len(list(SAMPLES.iterdir()))
    assert sorted(p.name for p in theirs_out.iterdir()) == names
    assert sorted(p.name for p in (tmp_path / "tessera").iterdir()) == names
    for name in names:
        expected = cv2.imread(str(originals / name))
        assert np.array_equal(cv2.imread(str(theirs_out / name)), expected), name
        got = cv2.imread(str(tmp_path / "tessera" / name))
        assert got.shape == expected.shape, name
        # The same edges: JPEG inputs may decode a level apart in a few pixels between the two
        # libjpeg-turbo builds, which moves an edge here and there; PNG inputs are exact.
        differing = np.count_nonzero(np.any(got != expected, axis=2)) / got[..., 0].size
        from_jpeg = (SAMPLES / name).with_suffix(".jpg").exists()
        assert differing < 0.01 if from_jpeg else differing == 0, (name, differing)


def test_the_generator_holds_one_image_at_a_time(tmp_path):
    ours = run(EXAMPLES / "generator.py", SAMPLES, tmp_path)
    most = float(ours.stdout.split("at most ")[1].split(" MiB")[0])
    largest = max(w * h for w, h in ((1411, 1411), (1000, 872)))  # retina.jpg's pixels
    assert most * 2**20 < largest * 3 * 4  # a few images' worth (input, edges, rgb), not 13
