"""page= in Python: a TIFF's page, a GIF's frame composited as a viewer shows it, an animated
WebP's frame, each equal to Pillow's seek(n) (the venv's Pillow, an independent decoder);
open() tells how many there are; a page past the last is refused with the count."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

import tessera


def pattern(size, seed, mode="RGB"):
    y, x = np.mgrid[0:size[1], 0:size[0]]
    rgb = np.stack([(x * 7 + seed * 40) % 256, (y * 11 + seed * 13) % 256,
                    (x * y + seed * 91) % 256], axis=-1).astype(np.uint8)
    return Image.fromarray(rgb).convert(mode)


@pytest.fixture
def pages_tif(tmp_path):
    path = tmp_path / "pages.tif"
    first, second, third = pattern((64, 48), 1), pattern((40, 30), 2, "L"), pattern((50, 70), 3)
    first.save(path, save_all=True, append_images=[second, third])
    return path, [first, second, third]


def test_a_tiff_page_is_pillows_page(pages_tif):
    path, images = pages_tif
    with tessera.open(path) as source:
        assert source.pages == 3 and source.page == 0
    for number, expected in enumerate(images):
        got = tessera.read(path, page=number).to_numpy()
        np.testing.assert_array_equal(got.squeeze(), np.asarray(expected))
    with tessera.open(path, page=2) as source:
        assert (source.width, source.height, source.page) == (50, 70, 2)
    region = tessera.read_region(path, 10, 20, 30, 40, page=2).to_numpy()
    np.testing.assert_array_equal(region, np.asarray(images[2])[20:60, 10:40])


def test_a_gif_frame_is_composited_as_pillow_shows_it(tmp_path):
    path = tmp_path / "frames.gif"
    frames = []
    for seed in range(4):
        frame = Image.new("RGB", (60, 40), (255, 255, 255))
        ImageDraw.Draw(frame).rectangle([seed * 10, 5, seed * 10 + 20, 30], fill=(200, 30 * seed, 0))
        frames.append(frame)
    frames[0].save(path, save_all=True, append_images=frames[1:], disposal=1, duration=50)
    reference = Image.open(path)
    assert tessera.open(path).pages == 4
    for number in range(4):
        reference.seek(number)
        expected = np.asarray(reference.convert("RGB"))
        got = tessera.read(path, page=number).to_numpy()[..., :3]
        np.testing.assert_array_equal(got, expected)


def test_an_animated_webp_frame_is_pillows(tmp_path):
    path = tmp_path / "frames.webp"
    frames = [pattern((48, 32), seed) for seed in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:], lossless=True, duration=40)
    reference = Image.open(path)
    for number in range(3):
        reference.seek(number)
        got = tessera.read(path, page=number).to_numpy()[..., :3]
        np.testing.assert_array_equal(got, np.asarray(reference.convert("RGB")))


def test_a_page_past_the_last_is_refused_with_the_count(pages_tif, tmp_path):
    path, _ = pages_tif
    with pytest.raises(tessera.InvalidArgument, match=r"3 pages \(0\.\.2\); asked for page 5"):
        tessera.read(path, page=5)
    single = tmp_path / "one.png"
    pattern((8, 8), 0).save(single)
    with pytest.raises(tessera.InvalidArgument):
        tessera.read(single, page=1)
    np.testing.assert_array_equal(tessera.read(single, page=0).to_numpy(),
                                  np.asarray(Image.open(single)))
