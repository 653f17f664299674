"""10,000 iterations of the calls a Python loop makes: reference counts, tessera's live buffers
and the process's RSS come back to where they were after warm-up (RSS within 5%)."""

import gc
import os
import sys

import numpy as np
import pytest

import tessera

ITERATIONS = 10_000
WARM_UP = 1_000


def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.fixture(scope="module")
def small_jpeg(tmp_path_factory, photo_path):
    path = tmp_path_factory.mktemp("loops") / "small.jpg"
    tessera.write(tessera.ops.resize(tessera.read(photo_path), (320, 240)), path, quality=90)
    return path


@pytest.fixture(scope="module")
def photo_path():
    from conftest import CORPORA
    path = CORPORA / "vips/test/test-suite/images/ultra-hdr.jpg"
    if not path.exists():
        pytest.skip(f"no corpora at {CORPORA}")
    return path


def steady(step, *watched):
    """Runs `step` WARM_UP times, takes the baseline, runs it ITERATIONS times more and checks
    that nothing grew: the watched objects' reference counts, live tessera buffers, gc objects
    and RSS."""
    for i in range(WARM_UP):
        step(i)
    gc.collect()
    refs = [sys.getrefcount(obj) for obj in watched]
    buffers = tessera.memory.counters()["live_buffers"]
    objects = len(gc.get_objects())
    before = rss()
    for i in range(ITERATIONS):
        step(i)
    gc.collect()
    assert [sys.getrefcount(obj) for obj in watched] == refs
    assert tessera.memory.counters()["live_buffers"] == buffers
    assert len(gc.get_objects()) <= objects + 10  # a few of pytest's or the allocator's own
    grown = rss() - before
    assert grown <= 0.05 * before, f"RSS grew {grown / 2**20:.1f} MiB over {before / 2**20:.0f}"


def test_read_region_ops_numpy_loop(small_jpeg):
    path = str(small_jpeg)

    def step(i):
        img = tessera.read(path)
        face = img.region(i % 200, i % 100, 64, 64)
        edges = tessera.ops.canny(tessera.ops.blur(tessera.ops.gray(face), 5), 50, 150)
        view = np.asarray(edges)
        assert view.shape == (64, 64)
        wrapped = tessera.Image(view)  # an Image on an array on an Image
        del img, face, edges, view, wrapped

    steady(step, small_jpeg)


def test_convert_loop(small_jpeg, tmp_path):
    out = str(tmp_path / "out.jpg")
    path = str(small_jpeg)

    def step(i):
        tessera.convert(path, out, "gray | blur 3", overwrite=True)

    steady(step)


def test_wrap_and_view_loop():
    base = np.zeros((120, 160, 3), np.uint8)

    def step(i):
        img = tessera.Image(base[i % 20:])  # a strided view's rows
        back = np.asarray(img)
        assert np.shares_memory(back, base)
        memoryview(img).release()
        del img, back

    steady(step, base)


def test_errors_in_a_loop_leak_nothing(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 200)

    def step(i):
        with pytest.raises(tessera.CorruptData):
            tessera.read(broken)

    steady(step, broken)
