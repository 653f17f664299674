"""tessera.open: headers first, then the pixels whole (upright) or in bands (as stored) that
together equal the whole, decoded band by band."""

import numpy as np
import pytest

import tessera


def test_headers_before_pixels_then_bands_equal_the_whole(photo):
    with tessera.open(photo) as src:
        assert (src.width, src.height, src.format) == (3840, 2160, "rgb8")
        assert src.file_format == "jpeg" and src.orientation == 1
        assert src.estimate >= 3840 * 2160 * 3
        bands = list(src.bands(500))
    assert [b.shape[0] for b in bands] == [500, 500, 500, 500, 160]
    whole = np.asarray(tessera.read(photo, orientation=False))
    assert np.array_equal(np.concatenate([np.asarray(b) for b in bands]), whole)


def test_read_is_upright_and_bands_are_as_stored(corpora):
    turned = corpora / "vips/test/test-suite/images/rotation/6.jpg"
    with tessera.open(turned) as src:
        assert (src.width, src.height, src.orientation) == (308, 231, 6)
        assert src.read().shape[:2] == (308, 231)  # upright: turned a quarter
    with tessera.open(turned) as src:
        assert sum(b.shape[0] for b in src.bands(100)) == 231


def test_misuse_says_what_to_do(photo, tmp_path):
    src = tessera.open(photo)
    next(src.bands(16))
    with pytest.raises(tessera.InvalidArgument, match="open the file again"):
        src.read()
    with pytest.raises(tessera.InvalidArgument, match="at least 1 row"):
        next(src.bands(0))
    src.close()
    with pytest.raises(tessera.InvalidArgument, match="closed"):
        src.width
    with pytest.raises(tessera.ImageTooLarge):
        tessera.open(photo, max_pixels=1000)
    with pytest.raises(FileNotFoundError):
        tessera.open(tmp_path / "none.jpg")
