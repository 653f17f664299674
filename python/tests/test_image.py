"""tessera.Image and numpy: zero copies both ways, each keeping the other's memory alive, the
deleter run once; read() and write() against OpenCV's own reading of the same files."""

import gc
import hashlib
import weakref

import cv2
import numpy as np
import pytest

import tessera


def png_suite(corpora, name):
    return corpora / "png/tests/images" / name


def test_numpy_view_shares_the_pixels_and_keeps_them_alive(corpora):
    img = tessera.read(png_suite(corpora, "basn2c08.png"))
    a = np.asarray(img)
    assert a.shape == img.shape == (32, 32, 3) and a.dtype == np.uint8 and img.dtype == "uint8"
    assert np.shares_memory(a, np.asarray(img))
    # The same pixels as OpenCV reads, in RGB order.
    theirs = cv2.imread(str(png_suite(corpora, "basn2c08.png")), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(a, theirs[..., ::-1])
    expected = a.copy()
    del img
    gc.collect()
    assert np.array_equal(a, expected)  # the view still holds the storage


@pytest.mark.parametrize("name, shape, dtype", [
    ("basn0g08.png", (32, 32), np.uint8),        # gray: HxW
    ("basn6a08.png", (32, 32, 4), np.uint8),     # RGBA
    ("basn2c16.png", (32, 32, 3), np.uint16),    # 16-bit
])
def test_every_layout_and_depth_matches_opencv(corpora, name, shape, dtype):
    a = np.asarray(tessera.read(png_suite(corpora, name)))
    assert a.shape == shape and a.dtype == dtype
    theirs = cv2.imread(str(png_suite(corpora, name)), cv2.IMREAD_UNCHANGED)
    if theirs.ndim == 3:
        theirs = cv2.cvtColor(theirs, cv2.COLOR_BGRA2RGBA if theirs.shape[2] == 4 else cv2.COLOR_BGR2RGB)
    assert np.array_equal(a, theirs)


def test_image_wraps_an_array_without_a_copy_and_keeps_it_alive():
    array = np.arange(6 * 5 * 3, dtype=np.uint8).reshape(6, 5, 3)
    alive = weakref.ref(array)
    img = tessera.Image(array)
    assert img.shape == (6, 5, 3) and img.format == "rgb8"
    assert np.shares_memory(np.asarray(img), array)
    view = np.asarray(img)
    del array
    gc.collect()
    assert alive() is not None  # tessera holds the array
    assert view[5, 4, 2] == 6 * 5 * 3 - 1
    del img, view
    gc.collect()
    assert alive() is None  # the deleter ran (once: a second run would crash the refcount)


def test_row_strided_arrays_wrap_and_other_layouts_need_copy():
    big = np.random.default_rng(7).integers(0, 255, (40, 50, 3), dtype=np.uint8)
    crop = big[5:25, 10:40]  # rows strided: wrapped as is
    img = tessera.Image(crop)
    assert np.shares_memory(np.asarray(img), big)
    assert np.array_equal(np.asarray(img), crop)
    stepped = big[:, ::2]  # pixels not side by side
    with pytest.raises(ValueError, match="copy=True"):
        tessera.Image(stepped)
    copied = tessera.Image(stepped, copy=True)
    assert not np.shares_memory(np.asarray(copied), big)
    assert np.array_equal(np.asarray(copied), stepped)
    with pytest.raises(tessera.InvalidArgument, match="uint8, uint16 or float32"):
        tessera.Image(np.zeros((4, 4), dtype=np.int32))
    with pytest.raises(ValueError, match="1 to 4 channels"):
        tessera.Image(np.zeros((4, 4, 5), dtype=np.uint8))


def test_read_only_arrays_wrap_read_only():
    array = np.zeros((4, 4), dtype=np.uint8)
    array.flags.writeable = False
    img = tessera.Image(array)
    assert img.readonly
    view = np.asarray(img)
    assert not view.flags.writeable
    with pytest.raises(ValueError):
        view[0, 0] = 1


def test_regions_share_storage_until_compacted(photo):
    img = tessera.read(photo)
    face = img.region(1200, 800, 64, 64)
    assert face.shape == (64, 64, 3)
    assert np.shares_memory(np.asarray(face), np.asarray(img))
    assert face.storage_bytes == img.storage_bytes  # the region pins the whole photo
    small = face.compact()
    assert small.storage_bytes < 64 * 64 * 3 * 2
    assert np.array_equal(np.asarray(small), np.asarray(img)[800:864, 1200:1264])
    with pytest.raises(tessera.InvalidArgument):
        img.region(3800, 2100, 100, 100)


def test_write_reads_back_and_takes_encode_options_by_name(tmp_path, photo):
    img = tessera.read(photo).region(0, 0, 640, 480).compact()
    tessera.write(img, tmp_path / "lossless.png")
    assert np.array_equal(np.asarray(tessera.read(tmp_path / "lossless.png")), np.asarray(img))
    tessera.write(img, tmp_path / "q30.jpg", quality=30)
    tessera.write(img, tmp_path / "q95.jpg", quality=95)
    assert (tmp_path / "q30.jpg").stat().st_size < (tmp_path / "q95.jpg").stat().st_size
    tessera.write(img, tmp_path / "exact.webp", lossless=True)
    assert np.array_equal(np.asarray(tessera.read(tmp_path / "exact.webp")), np.asarray(img))
    with pytest.raises(tessera.InvalidArgument, match="quality 101 is not allowed"):
        tessera.write(img, tmp_path / "bad.jpg", quality=101)
    assert not (tmp_path / "bad.jpg").exists()


def test_write_gif_and_palette_png_take_colors_and_dither(tmp_path, photo):
    from PIL import Image as Pillow

    img = tessera.read(photo).region(0, 0, 320, 240).compact()
    tessera.write(img, tmp_path / "photo.gif", colors=32, dither=0.5)
    tessera.write(img, tmp_path / "photo.png", palette=True, colors=32)
    for name in ("photo.gif", "photo.png"):
        written = Pillow.open(tmp_path / name)
        assert written.mode == "P" and written.size == (320, 240)
        assert len(written.convert("RGB").getcolors(1 << 24)) <= 32
        error = np.abs(np.asarray(written.convert("RGB"), dtype=int) - np.asarray(img)).mean()
        assert error < 8, (name, error)
    assert tessera.encode(img, "gif", colors=16)[:6] in (b"GIF87a", b"GIF89a")
    with pytest.raises(tessera.InvalidArgument, match="palette applies to PNG and GIF only"):
        tessera.write(img, tmp_path / "bad.jpg", palette=True)
    with pytest.raises(tessera.InvalidArgument, match="colors 300 is not allowed"):
        tessera.write(img, tmp_path / "bad.gif", colors=300)
    assert not (tmp_path / "bad.jpg").exists() and not (tmp_path / "bad.gif").exists()


def test_errors_are_classes_python_code_catches(tmp_path, corpora):
    with pytest.raises(FileNotFoundError) as missing:
        tessera.read(tmp_path / "nowhere.jpg")
    assert isinstance(missing.value, tessera.Io) and missing.value.code == "Io"
    assert missing.value.path == str(tmp_path / "nowhere.jpg")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes((corpora / "jpeg/libjpeg-turbo/testimages/testorig.jpg").read_bytes()[:3000])
    with pytest.raises(ValueError) as corrupt:
        tessera.read(cut)
    assert isinstance(corrupt.value, tessera.CorruptData) and corrupt.value.code == "CorruptData"
    assert "truncated" in str(corrupt.value) and str(cut) in str(corrupt.value)
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    with pytest.raises(tessera.UnsupportedFormat):
        tessera.read(text)


def test_memoryview_shares_the_pixels_and_keeps_them_alive(photo):
    img = tessera.read(photo)
    view = memoryview(img)
    assert view.shape == (2160, 3840, 3) and view.format == "B" and not view.readonly
    assert view.strides[1:] == (3, 1) and view.strides[0] >= 3840 * 3
    array = np.asarray(view)
    assert np.shares_memory(array, np.asarray(img))
    expected = np.asarray(img).copy()
    del img
    gc.collect()
    assert np.array_equal(np.asarray(view), expected)  # the view holds the image
    array[0, 0] = (1, 2, 3)
    assert (view[0, 0, 0], view[0, 0, 1], view[0, 0, 2]) == (1, 2, 3)
    view.release()
    del array


def test_memoryview_of_gray_16_bit_and_float_images():
    for dtype, code in ((np.uint8, "B"), (np.uint16, "H"), (np.float32, "f")):
        base = np.arange(6 * 5, dtype=dtype).reshape(6, 5)
        view = memoryview(tessera.Image(base))
        assert view.shape == (6, 5) and view.format == code
        assert np.array_equal(np.asarray(view), base)


def test_memoryview_of_a_read_only_wrap_is_read_only():
    base = np.zeros((4, 4, 3), np.uint8)
    base.flags.writeable = False
    view = memoryview(tessera.Image(base))
    assert view.readonly
    with pytest.raises(TypeError):
        view[0, 0, 0] = 1


def test_padded_rows_are_refused_to_a_contiguous_only_reader():
    img = tessera.Image(np.zeros((4, 5, 3), np.uint8), copy=True)  # rows padded to 64 bytes
    assert memoryview(img).strides[0] == 64
    with pytest.raises(BufferError, match="padded"):
        hashlib.sha256(img)  # asks for one contiguous block
    assert bytes(np.ascontiguousarray(img)) == bytes(4 * 5 * 3)
    exact = tessera.Image(np.full((2, 64, 3), 9, np.uint8), copy=True)  # 192-byte rows: no pad
    assert hashlib.sha256(exact).digest() == hashlib.sha256(bytes([9] * 2 * 64 * 3)).digest()


def test_bgr_arrays_from_cv2_come_in_and_go_out_in_cv2s_order(photo):
    cv2 = pytest.importorskip("cv2")
    bgr = cv2.imread(str(photo))
    img = tessera.Image(bgr, order="bgr")
    assert not np.shares_memory(np.asarray(img), bgr)  # a copy: tessera holds RGB
    assert np.array_equal(np.asarray(img), bgr[..., ::-1])
    back = img.to_numpy(order="bgr")
    assert np.array_equal(back, bgr)
    assert np.array_equal(cv2.cvtColor(back, cv2.COLOR_BGR2GRAY), cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))
    assert np.shares_memory(img.to_numpy(), np.asarray(img))  # rgb: the view itself
    rgba = np.dstack([bgr[:8, :8], np.full((8, 8), 7, np.uint8)])
    assert np.array_equal(np.asarray(tessera.Image(rgba, order="bgr"))[..., 3], rgba[..., 3])
    gray = np.zeros((3, 3), np.uint8)
    assert np.shares_memory(np.asarray(tessera.Image(gray, order="bgr")), gray)  # nothing to swap
    with pytest.raises(ValueError, match="bgr"):
        tessera.Image(bgr, order="BRG")
