"""tracemalloc sees tessera's pixels (PyTraceMalloc_Track, in tessera.tracemalloc_domain) at the
Python line that asked for them, and tessera.memory names that line too, for buffers, regions
and budget errors."""

import gc
import inspect
import tracemalloc

import numpy as np
import pytest

import tessera

BIG = (4000, 3000)  # 36 MB of RGB: the size the issue names
BIG_BYTES = 4000 * 3000 * 3


def here():
    """The caller's line number."""
    return inspect.currentframe().f_back.f_lineno


@pytest.fixture
def traced():
    gc.collect()
    tracemalloc.start(1)  # one frame: what statistics('lineno') groups by
    try:
        yield
    finally:
        tracemalloc.stop()


def tessera_lines(after, before):
    """tracemalloc's per-line differences, tessera's domain only."""
    only = [tracemalloc.DomainFilter(True, tessera.tracemalloc_domain)]
    return after.filter_traces(only).compare_to(before.filter_traces(only), "lineno")


def test_a_36_mb_image_shows_at_the_calling_line(photo, traced):
    small = tessera.read(photo)
    before = tracemalloc.take_snapshot()
    traced_before = tracemalloc.get_traced_memory()[0]
    big = tessera.ops.resize(small, BIG); line = here()  # noqa: E702 (the line is the point)
    after = tracemalloc.take_snapshot()
    assert big.shape == (3000, 4000, 3)

    top = tessera_lines(after, before)[0]
    assert top.traceback[0].filename == __file__ and top.traceback[0].lineno == line
    assert top.size_diff >= BIG_BYTES and top.count_diff == 1
    # Unfiltered, as users call it, the same line leads; get_traced_memory counts the pixels.
    assert after.compare_to(before, "lineno")[0].traceback[0].lineno == line
    assert tracemalloc.get_traced_memory()[0] - traced_before >= BIG_BYTES

    del big
    gc.collect()
    assert tracemalloc.get_traced_memory()[0] - traced_before < 1 << 20  # untracked when freed
    gone = tessera_lines(tracemalloc.take_snapshot(), after)
    assert gone[0].traceback[0].lineno == line and gone[0].size_diff <= -BIG_BYTES


def test_each_call_that_allocates_is_traced_at_its_line(photo, traced):
    before = tracemalloc.take_snapshot()
    img = tessera.read(photo); read_line = here()  # noqa: E702
    gray = tessera.run("gray", img); run_line = here()  # noqa: E702
    with tessera.open(photo) as src:  # open() is Python of tessera's: its frame is skipped
        again = src.read(); source_line = here()  # noqa: E702
    copied = tessera.Image(np.zeros((100, 100, 3), np.uint8), copy=True); copy_line = here()  # noqa: E702,E501
    lines = {stat.traceback[0].lineno: stat.size_diff
             for stat in tessera_lines(tracemalloc.take_snapshot(), before)
             if stat.traceback[0].filename == __file__}
    assert lines[read_line] >= 3840 * 2160 * 3
    assert lines[run_line] >= 3840 * 2160
    assert lines[source_line] >= 3840 * 2160 * 3
    assert lines[copy_line] >= 100 * 100 * 3
    del img, gray, again, copied


def test_wrapped_arrays_are_numpys_to_trace(traced):
    array = np.zeros((500, 500, 3), np.uint8)
    before = tracemalloc.take_snapshot()
    wrapped = tessera.Image(array)
    assert not tessera_lines(tracemalloc.take_snapshot(), before)  # no second count of them
    del wrapped


def test_nothing_is_traced_while_tracemalloc_is_off(photo):
    assert not tracemalloc.is_tracing()
    img = tessera.read(photo)
    tracemalloc.start()
    try:
        del img  # freed after start: an untrack of what was never tracked is harmless
        gc.collect()
        assert tracemalloc.get_traced_memory()[0] < 1 << 20
    finally:
        tracemalloc.stop()


def test_threads_of_a_pool_are_traced_at_their_lines(photo, traced):
    from concurrent.futures import ThreadPoolExecutor

    def load(path):
        image = tessera.read(path); line = here()  # noqa: E702
        return image, line

    before = tracemalloc.take_snapshot()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(load, [photo] * 4))
    line = results[0][1]
    stats = [s for s in tessera_lines(tracemalloc.take_snapshot(), before)
             if s.traceback[0].lineno == line]
    assert stats and stats[0].count_diff == 4
    del results


def test_compare_and_the_leak_report_name_the_python_line(photo, profiling):
    before = tessera.memory.snapshot()
    img = tessera.read(photo); line = here()  # noqa: E702
    change = tessera.memory.compare(before, tessera.memory.snapshot())[0]
    assert change.site.startswith(f"{__file__}:{line} ("), change.site
    assert str(change).startswith(f"{__file__}:{line} (") and "MiB" in str(change)
    assert f"allocated at {__file__}:{line} (" in tessera.memory.leak_report()
    del img


def test_pins_name_the_line_that_cut_the_region(photo, profiling):
    img = tessera.read(photo)
    face = img.region(1200, 800, 64, 64); line = here()  # noqa: E702
    assert img.pins == face.pins
    (pin,) = img.pins
    assert (pin["x"], pin["y"], pin["width"], pin["height"]) == (1200, 800, 64, 64)
    assert pin["bytes"] == 64 * 64 * 3 and pin["handles"] == 1
    assert pin["site"].startswith(f"{__file__}:{line} (")
    del img
    (pinned,) = [p for p in tessera.memory.pinned() if p["bytes"] >= 3840 * 2160 * 3]
    assert pinned["pins"][0]["site"] == pin["site"]
    assert f"cut at {__file__}:{line} (" in tessera.memory.leak_report()
    face = face.compact()
    assert face.pins == []


def test_pins_work_without_profiling(photo, not_profiling):
    img = tessera.read(photo)
    assert img.pins == []
    regions = [img.region(0, 0, 10, 10), img.region(5, 5, 20, 20)]
    assert [(p["x"], p["width"]) for p in img.pins] == [(0, 10), (5, 20)]
    del regions


def test_budget_errors_name_the_python_line(photo, profiling):
    img = tessera.read(photo)
    with tessera.budget("32M", "small"):
        with pytest.raises(tessera.OutOfBudget) as caught:
            line = here() + 1
            tessera.ops.resize(img, BIG)
    assert f"requested at {__file__}:{line} (" in str(caught.value)
