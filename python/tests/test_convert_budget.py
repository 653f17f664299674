"""tessera.convert runs a file through a pipeline as the CLI does (same bytes), honours memory=
and encode options; tessera.budget charges this thread's allocations and raises OutOfBudget
before allocating."""

import subprocess

import numpy as np
import pytest

import tessera

SEED = "gray | blur 5 | canny 50 150 | rgb"


def test_convert_writes_what_the_cli_writes(tmp_path, photo, cli):
    tessera.convert(photo, tmp_path / "py.jpg", SEED, quality=80)
    subprocess.run([cli, "convert", str(photo), str(tmp_path / "cli.jpg"), "-p", SEED, "-q", "80"],
                   check=True)
    assert (tmp_path / "py.jpg").read_bytes() == (tmp_path / "cli.jpg").read_bytes()


def test_convert_under_memory_and_past_it(tmp_path, photo):
    tessera.convert(photo, tmp_path / "small.png", "resize 10%", memory="64M")
    assert tessera.read(tmp_path / "small.png").shape == (216, 384, 3)
    with pytest.raises(MemoryError) as refused:
        tessera.convert(photo, tmp_path / "big.png", "rotate 90", memory="8M")
    assert isinstance(refused.value, tessera.OutOfBudget) and "memory=" in str(refused.value)
    assert not (tmp_path / "big.png").exists()
    assert not list(tmp_path.glob(".*tessera-*"))  # no temporary either
    with pytest.raises(tessera.InvalidArgument):
        tessera.convert(photo, tmp_path / "x.png", memory=0)
    with pytest.raises(tessera.InvalidArgument, match="quality 0 is not allowed"):
        tessera.convert(photo, tmp_path / "x.jpg", quality=0)


def test_budget_raises_before_allocating_and_lets_go(photo):
    corner = tessera.read(photo).region(0, 0, 100, 100).compact()
    with tessera.budget("4M", "thumbnails") as budget:
        small = tessera.ops.resize(corner, "50%")  # 7.5 KiB: fits
        assert budget.used > 0
        with pytest.raises(tessera.OutOfBudget, match="thumbnails"):
            tessera.read(photo)  # 23.7 MiB decoded: refused from the header
        assert budget.cap == 4 << 20
    assert small.shape == (50, 50, 3)
    assert tessera.read(photo).shape == (2160, 3840, 3)  # outside the budget again


def test_calls_that_touch_pixels_release_the_gil(photo):
    """A Python thread keeps running while tessera runs ops and codecs: those calls release the
    GIL. The spinner notes when it runs; one note must fall well inside the call (20 ms from
    either end, beyond the interpreter's 5 ms switch interval), which no thread could make while
    the call held the GIL."""
    import threading
    import time

    img = tessera.read(photo)
    calls = {"read": lambda: tessera.read(photo),
             "blur 31": lambda: tessera.ops.blur(img, 31),
             "run": lambda: tessera.run("resize 150% | sharpen", img),
             }
    checked = 0
    for name, call in calls.items():
        notes = []
        stop = threading.Event()

        def spin():
            while not stop.is_set():
                notes.append(time.perf_counter())
                time.sleep(0.001)

        spinner = threading.Thread(target=spin)
        spinner.start()
        time.sleep(0.01)
        start = time.perf_counter()
        call()
        end = time.perf_counter()
        stop.set()
        spinner.join()
        if end - start < 0.06:
            continue  # too short to tell on this machine
        checked += 1
        inside = [t for t in notes if start + 0.02 < t < end - 0.02]
        assert inside, f"{name}: the spinner never ran during the call ({end - start:.3f} s)"
    assert checked >= 1, "no call was long enough to check"


def test_convert_without_a_pipeline_streams_in_bands(tmp_path, photo):
    """A plain transcode goes from the decoder to the encoder band by band: its peak is a few
    bands, not the 3840x2160 image (23.7 MiB), and a cap far below the image accepts it."""
    whole = 3840 * 2160 * 3
    tessera.memory.reset_peak()
    before = tessera.memory.counters()["live_bytes"]
    tessera.convert(photo, tmp_path / "copy.png")
    assert tessera.memory.counters()["peak_bytes"] - before < whole / 10
    assert tessera.read(tmp_path / "copy.png").shape == (2160, 3840, 3)
    tessera.convert(photo, tmp_path / "capped.jpg", memory="4M")
    with tessera.budget("64M") as budget:
        tessera.convert(photo, tmp_path / "budgeted.tif")
    assert 0 < budget.peak < whole / 10


def test_convert_inside_a_budget_is_held_to_its_own_estimate(tmp_path, photo):
    """A `with tessera.budget` holds a convert to what the job takes (blur 5 streams in a few MiB),
    not to a whole decode of the 3840x2160 photograph (23.7 MiB), as memory= does; one too small
    for the job refuses it before any work, naming the budget."""
    with tessera.budget("16M", "outer") as outer:
        tessera.convert(photo, tmp_path / "blurred.jpg", "blur 5")
        tessera.convert(photo, tmp_path / "capped.jpg", "blur 5", memory="12M")
    assert 0 < outer.peak < 16 << 20
    assert tessera.read(tmp_path / "blurred.jpg").shape == (2160, 3840, 3)
    with tessera.budget("1M", "outer"):
        with pytest.raises(tessera.OutOfBudget, match="the job needs about .* budget 'outer'"):
            tessera.convert(photo, tmp_path / "refused.jpg", "blur 5")
        with pytest.raises(tessera.OutOfBudget, match="budget 'outer'"):
            tessera.convert(photo, tmp_path / "refused.jpg", "blur 5", memory="12M")
    assert not (tmp_path / "refused.jpg").exists()
