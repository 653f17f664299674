"""What the first new-user trial of the Python package found (helper-10, on 4add567), each
fixed and kept fixed here."""

import gc
import threading
import warnings

import numpy as np
import pytest

import tessera


def test_a_budget_exited_on_another_thread_or_out_of_order_is_an_error_not_a_crash(photo):
    img = tessera.read(photo).region(0, 0, 64, 64).compact()
    budget = tessera.budget("4M", "elsewhere")
    budget.__enter__()
    failures = []

    def exit_elsewhere():
        try:
            budget.__exit__(None, None, None)
        except tessera.InvalidArgument as error:
            failures.append(str(error))

    worker = threading.Thread(target=exit_elsewhere)
    worker.start()
    worker.join()
    assert failures and "a thread that did not enter it" in failures[0]
    tessera.ops.resize(img, "400%")  # on 4add567: a segfault here
    budget.__exit__(None, None, None)  # on its own thread: fine
    outer, inner = tessera.budget("64M", "outer"), tessera.budget("64M", "inner")
    outer.__enter__()
    inner.__enter__()
    with pytest.raises(tessera.InvalidArgument, match="innermost first"):
        outer.__exit__(None, None, None)
    inner.__exit__(None, None, None)
    outer.__exit__(None, None, None)
    tessera.ops.resize(img, "400%")


def test_a_budget_keeps_counting_what_was_made_inside_it(photo):
    corner = tessera.read(photo).region(0, 0, 256, 256).compact()
    with tessera.budget("1M", "kept") as budget:
        kept = tessera.ops.resize(corner, (300, 300))  # 264 KiB
    assert budget.used >= 300 * 300 * 3  # still alive, still counted
    with budget:
        more = tessera.ops.resize(corner, (400, 400))  # 469 KiB: fits beside what is kept
        with pytest.raises(tessera.OutOfBudget):
            tessera.ops.resize(corner, (400, 400))  # twice would fit a fresh budget, not this
    del kept, more


def test_copy_true_always_copies():
    a = np.zeros((10, 10), np.uint8)
    c = tessera.Image(a, copy=True)
    assert not np.shares_memory(a, np.asarray(c))
    a[:] = 7
    assert np.asarray(c).max() == 0


def test_numpy_scalars_and_booleans_are_values(photo):
    img = tessera.read(photo).region(0, 0, 64, 48).compact()
    assert np.array_equal(np.asarray(tessera.ops.blur(img, np.int64(5))),
                          np.asarray(tessera.ops.blur(img, 5)))
    assert tessera.ops.contrast(img, np.float32(1.5)).shape == img.shape
    assert tessera.ops.rotate(img, 30, expand=False).shape == img.shape
    assert tessera.ops.rotate(img, 30, expand=True).shape != img.shape


def test_wrong_values_are_errors_in_words(tmp_path, photo):
    for bad in (-1, 1.5, 0, "lots"):
        with pytest.raises(tessera.InvalidArgument):
            tessera.budget(bad)
    with pytest.raises(ValueError, match="native byte order"):
        tessera.Image(np.zeros((4, 4), dtype=">u2"))
    with pytest.raises(ValueError):
        tessera.Image([[1, 2]])


def test_convert_does_not_replace_its_input_unless_asked(tmp_path, photo):
    own = tmp_path / "own.jpg"
    own.write_bytes(photo.read_bytes())
    with pytest.raises(tessera.InvalidArgument, match="overwrite=True"):
        tessera.convert(own, own, "resize 10%")
    assert own.read_bytes() == photo.read_bytes()
    tessera.convert(own, own, "resize 10%", overwrite=True)
    assert tessera.read(own).shape == (216, 384, 3)


def test_ops_and_run_are_held_to_the_pixel_limit(photo):
    small = tessera.read(photo).region(0, 0, 50, 40).compact()
    with pytest.raises(tessera.InvalidArgument, match="pixel limit"):
        tessera.ops.resize(small, "100000x")  # on 4add567: 7.45 GiB asked for
    with pytest.raises(tessera.InvalidArgument, match="pixel limit"):
        tessera.run("resize 100000x", small)
    assert tessera.ops.resize(small, "200%").shape == (80, 100, 3)


def test_errors_raised_by_python_code_carry_their_class_code():
    assert tessera.CorruptData("x").code == "CorruptData"
    assert tessera.FileNotFound("y").code == "Io"
    assert tessera.OutOfBudget("z").code == "OutOfBudget"


def test_non_numbers_and_fractions_are_refused_as_op_values(photo):
    """Found by helper-10: convolve("nan ...") blanked the image; crop((0.5, ...)) cut 0.5 to 0."""
    img = tessera.read(photo).region(0, 0, 64, 64)
    for kernel in ([[float("nan"), 0, 0], [0, 1, 0], [0, 0, 0]], "nan 0 0; 0 1 0; 0 0 0",
                   [[float("inf")]], [1, 2, 3]):
        with pytest.raises(tessera.InvalidArgument, match="kernel"):
            tessera.ops.convolve(img, kernel)
    for rect in ((0.5, 0, 10, 10), (0, 0, 10, float("nan")), (0, 0, 10)):
        with pytest.raises(tessera.InvalidArgument, match="rect"):
            tessera.ops.crop(img, rect)
    assert tessera.ops.crop(img, (1.0, 2, 10, 10)).shape == (10, 10, 3)  # a whole float is fine


def test_batch_refuses_negative_jobs(tmp_path):
    with pytest.raises(tessera.InvalidArgument, match="jobs"):
        next(tessera.batch(tmp_path, tmp_path / "out", "gray", jobs=-1))


def test_memoryviews_and_buffers_wrap_without_a_copy():
    base = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    img = tessera.Image(memoryview(base))
    assert np.shares_memory(np.asarray(img), base)
    del base
    gc.collect()
    assert np.asarray(img)[3, 5, 2] == 4 * 6 * 3 - 1  # the buffer is kept alive
    gray = tessera.Image(memoryview(bytearray(range(12))).cast("B", (3, 4)))
    assert gray.shape == (3, 4) and np.asarray(gray)[2, 3] == 11


def test_encode_options_the_format_does_not_read_are_warned_of(tmp_path, photo):
    img = tessera.read(photo).region(0, 0, 32, 32)
    with pytest.warns(UserWarning, match=r"quality= does not apply to writing PNG \(a.png\)"):
        tessera.write(img, tmp_path / "a.png", quality=80)
    with pytest.warns(UserWarning, match="compression= does not apply"):
        tessera.convert(photo, tmp_path / "b.jpg", "resize 10%", compression=9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tessera.write(img, tmp_path / "c.jpg", quality=80)  # used: no warning


def test_nested_budgets_charge_the_outer_one_too(photo):
    """Found by helper-10: an inner budget replaced the outer, so the outer cap could be crossed."""
    with tessera.budget("40M", "whole job") as outer:
        kept = tessera.read(photo)  # 24 MiB, the outer's
        with tessera.budget("30M", "one step") as inner:
            small = tessera.ops.resize(kept, "50%")  # 6 MiB: both
            assert inner.used == small.storage_bytes
            assert outer.used == inner.used + kept.storage_bytes
            with pytest.raises(tessera.OutOfBudget, match="budget 'whole job'"):
                tessera.ops.resize(kept, "70%")  # fits the inner cap, not the outer's
        assert inner.used > 0  # `small` is alive, in both
        del small
        assert inner.used == 0 and outer.used == kept.storage_bytes
    late = tessera.budget("8M", "made outside")
    with tessera.budget("1G", "outer") as outer:
        with late:  # lies inside the budget current at its first entry
            tiny = tessera.ops.resize(kept, "10%")
        assert late.used == tiny.storage_bytes and outer.used == late.used
    del kept, tiny
