"""What the second new-user trial of the Python package found (helper-11, on 7c2dc08), each
fixed and kept fixed here."""

import errno
import os
import pathlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

import tessera


def test_a_wrap_of_a_tessera_view_alive_at_exit_is_freed(tmp_path, photo):
    """The help(tessera) example at module level leaked at exit: the array's owner was let go
    only while Py_IsInitialized(), which is false as soon as the interpreter finalizes."""
    script = tmp_path / "example.py"
    script.write_text(f"import numpy as np, tessera\nimg = tessera.read({str(photo)!r})\n"
                      "a = np.asarray(img)\nw = tessera.Image(a)\n")
    done = subprocess.run([sys.executable, script], capture_output=True, text=True,
                          env=dict(os.environ, TESSERA_LEAK_CHECK="1"))
    assert done.returncode == 0, done.stderr
    assert "nanobind: leaked" not in done.stderr and "no leaks" in done.stderr


def test_numpy_kernels_and_images_of_images(photo):
    img = tessera.read(photo).region(0, 0, 40, 30).compact()
    kernel = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    assert np.array_equal(np.asarray(tessera.ops.convolve(img, kernel)),
                          np.asarray(tessera.ops.convolve(img, kernel.tolist())))
    again = tessera.Image(img)  # through np.asarray: the same pixels
    assert np.shares_memory(np.asarray(again), np.asarray(img))


def test_a_refused_dtype_is_named():
    for dtype in (np.int64, np.float64, bool, ">u2"):
        with pytest.raises(ValueError, match=f"dtype is {np.dtype(dtype)}, not one tessera holds"):
            tessera.Image(np.zeros((4, 4), dtype), copy=True)


def test_missing_inputs_and_folders_are_os_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        next(tessera.batch(tmp_path / "nope", tmp_path / "out", "gray"))
    with pytest.raises(OSError) as caught:
        tessera.read(tmp_path)
    assert caught.value.errno == errno.EISDIR


def test_the_profilers_views_warn_when_profiling_is_off(not_profiling):
    with pytest.warns(UserWarning, match="profiling is off"):
        tessera.memory.snapshot()
    with pytest.warns(UserWarning, match="set_profiling\\(True\\)"):
        tessera.memory.pinned()


def test_the_verdict_starts_from_the_import_not_from_nothing():
    # Before any baseline of the test's own, the figures are the import's, not zeros.
    text = tessera.memory.verdict()["text"]
    assert "baseline               0 B         0 B" not in text


def test_a_wrapped_array_names_the_python_line_that_wrapped_it(profiling):
    array = np.zeros((10, 10), np.uint8)
    wrapped = tessera.Image(array); line = sys._getframe().f_lineno  # noqa: E702
    (buffer,) = [b for b in tessera.memory.snapshot().buffers if b["wrapped"]]
    assert buffer["site"].startswith(f"{__file__}:{line} ("), buffer["site"]
    del wrapped


def test_one_budget_caps_a_thread_pools_workers_together(photo):
    """A budget could be entered by one thread only, so a ThreadPoolExecutor's total could not
    be capped."""
    from concurrent.futures import ThreadPoolExecutor
    import threading

    shared = tessera.budget("60M", "the pool")
    inside = threading.Barrier(2)
    images = []

    def work(_):
        with shared:
            image = tessera.read(photo)  # 23.7 MiB each: two fit, a third does not
            inside.wait()  # both inside at once
            images.append(image)
            inside.wait()
            if len(images) == 2 and image is images[0]:
                with pytest.raises(tessera.OutOfBudget, match="budget 'the pool'"):
                    tessera.read(photo)
            inside.wait()

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(work, range(2)))
    assert shared.used == sum(i.storage_bytes for i in images)
    images.clear()
    assert shared.used == 0 and shared.peak >= 2 * 3840 * 2160 * 3


def test_read_and_convert_take_the_clis_decoding_rules(tmp_path, photo, corpora):
    """The messages named --max-pixels and --fail-on, which Python did not have."""
    with pytest.raises(tessera.ImageTooLarge, match="max_pixels= in Python"):
        tessera.read(photo, max_pixels=1000)
    assert tessera.read(photo, max_pixels=0).shape == (2160, 3840, 3)  # 0: no limit
    with pytest.raises(tessera.ImageTooLarge):
        tessera.convert(photo, tmp_path / "a.png", max_pixels=1000)
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(photo.read_bytes()[:200_000])
    with pytest.raises(tessera.CorruptData, match='fail_on="none" in Python'):
        tessera.read(truncated)
    with pytest.warns(tessera.DecodeWarning, match="truncated"):
        partial = tessera.read(truncated, fail_on="none")
    assert partial.shape == (2160, 3840, 3)
    with pytest.warns(tessera.DecodeWarning, match="truncated"):
        tessera.convert(truncated, tmp_path / "partial.png", "resize 10%", fail_on="none")
    assert tessera.read(tmp_path / "partial.png").shape == (216, 384, 3)
    for bad in ({"fail_on": "never"}, {"max_pixels": -1}, {"max_pixels": "lots"}):
        with pytest.raises(tessera.InvalidArgument):
            tessera.read(photo, **bad)


def test_write_takes_arrays_and_open_says_what_it_is(tmp_path, photo):
    array = np.zeros((20, 30, 3), np.uint8)
    array[5:10] = 200
    tessera.write(array, tmp_path / "a.png")
    assert np.array_equal(np.asarray(tessera.read(tmp_path / "a.png")), array)
    with pytest.raises(TypeError, match="write\\(\\) needs an image"):
        tessera.write(None, tmp_path / "b.png")
    with tessera.open(photo) as src:
        assert repr(src) == f"<tessera.open '{photo}' 3840x2160 rgb8>"
        assert sum(band.height for band in src.bands(1000)) == 2160
        with pytest.raises(tessera.InvalidArgument, match="every row was read already"):
            next(src.bands(1000))  # a second loop over a read file is not silently empty
    assert "closed" in repr(src)


def test_batch_results_name_an_output_only_when_there_is_one(tmp_path, photo):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.jpg").write_bytes(photo.read_bytes())
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    (folder / "notes.txt").write_text("not an image")
    results = {pathlib.Path(r.input).name: r for r in
               tessera.batch(folder, tmp_path / "out", "resize 10%", jobs=1)}
    assert pathlib.Path(results["good.jpg"].output).is_file()
    assert results["broken.jpg"].status == "FAILED" and results["broken.jpg"].output is None
    if "notes.txt" in results:  # listed as skipped, with no output
        assert results["notes.txt"].output is None
    again = {pathlib.Path(r.input).name: r for r in
             tessera.batch(folder, tmp_path / "out", "resize 10%", jobs=1, resume=True)}
    assert again["good.jpg"].status == "SKIPPED" and pathlib.Path(again["good.jpg"].output).is_file()


def test_images_decode_from_and_encode_to_bytes(photo):
    """No decode or encode in memory (an HTTP body, a blob store) was found missing."""
    data = photo.read_bytes()
    from_bytes = tessera.decode(data)
    assert np.array_equal(np.asarray(from_bytes), np.asarray(tessera.read(photo)))
    assert tessera.decode(memoryview(bytearray(data))).shape == (2160, 3840, 3)
    small = tessera.ops.resize(from_bytes, "10%")
    png = tessera.encode(small, "png", compression=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert np.array_equal(np.asarray(tessera.decode(png)), np.asarray(small))
    jpeg = tessera.encode(np.asarray(small), ".jpg", quality=80)
    assert jpeg[:2] == b"\xff\xd8" and tessera.decode(jpeg).shape == small.shape
    with pytest.raises(tessera.CorruptData, match="<bytes>"):
        tessera.decode(data[:5000])
    with pytest.raises(tessera.UnsupportedFormat):
        tessera.decode(b"hello, not an image at all")
    with pytest.raises(TypeError, match="bytes"):
        tessera.decode("photo.jpg")  # a path is read()'s
    with pytest.raises(tessera.UnsupportedFormat):
        tessera.encode(small, "xyz")
    with pytest.warns(UserWarning, match="quality= does not apply"):
        tessera.encode(small, "png", quality=80)
