"""The third trial's findings: each test pins down one fixed behaviour."""

import errno
import warnings

import numpy as np
import pytest

import tessera


@pytest.fixture
def truncated(tmp_path, photo):
    cut = tmp_path / "trunc.jpg"
    data = photo.read_bytes()
    cut.write_bytes(data[:len(data) // 3])
    return cut


def test_damage_accepted_with_fail_on_none_is_a_python_warning(tmp_path, truncated, capfd):
    """fail_on="none" accepts a damaged file's decodable part, and says so through Python's
    warnings (tessera.DecodeWarning, a UserWarning) at the caller's line, not on stderr."""
    calls = {
        "read": lambda: tessera.read(truncated, fail_on="none"),
        "decode": lambda: tessera.decode(truncated.read_bytes(), fail_on="none"),
        "convert": lambda: tessera.convert(truncated, tmp_path / "out.png", "gray",
                                           fail_on="none"),
    }
    for name, call in calls.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        assert caught and all(w.category is tessera.DecodeWarning for w in caught), name
        assert issubclass(tessera.DecodeWarning, UserWarning)
        assert "truncated" in str(caught[0].message), name
        assert caught[0].filename == __file__, name
    assert "tessera: warning" not in capfd.readouterr().err
    with warnings.catch_warnings():
        warnings.simplefilter("error", tessera.DecodeWarning)
        with pytest.raises(tessera.DecodeWarning):
            tessera.read(truncated, fail_on="none")


def test_a_second_read_says_the_image_was_read_already(photo):
    with tessera.open(photo) as source:
        source.read()
        with pytest.raises(tessera.InvalidArgument, match="read already"):
            source.read()  # not "after bands were read": none were
        with pytest.raises(tessera.InvalidArgument, match="bands\\(\\) after read\\(\\)"):
            next(source.bands(100))


def test_a_folder_as_the_output_is_named_as_one_before_any_work(tmp_path, photo):
    img = tessera.Image(np.zeros((4, 4, 3), np.uint8))
    for folder in (tmp_path / "plain", tmp_path / "looks.png"):
        folder.mkdir()
        for call in (lambda: tessera.write(img, folder),
                     lambda: tessera.write(img, folder, quality=80),
                     lambda: tessera.convert(photo, folder, "gray")):
            with pytest.raises(IsADirectoryError, match="is a folder, not a file") as raised:
                call()
            assert isinstance(raised.value, tessera.IsADirectory)
            assert raised.value.filename == str(folder)
        assert list(folder.iterdir()) == []


def test_reading_a_folder_is_an_isadirectoryerror(tmp_path):
    with pytest.raises(IsADirectoryError) as raised:
        tessera.read(tmp_path)
    assert isinstance(raised.value, tessera.Io) and raised.value.errno == errno.EISDIR


def test_the_pixel_limit_error_names_the_python_keyword(photo):
    with pytest.raises(tessera.ImageTooLarge, match="max_pixels=0 in Python"):
        tessera.read(photo, max_pixels=1000)


def test_batch_of_a_list_says_it_takes_a_folder_or_a_file_of_paths(tmp_path, photo):
    with pytest.raises(TypeError, match="takes a folder, a file listing paths .* not a list"):
        list(tessera.batch([photo, photo], tmp_path / "out", "gray"))
    assert not (tmp_path / "out").exists()


def test_unknown_keywords_are_typeerrors_that_list_the_valid_ones(tmp_path, photo):
    for typo in ("report", "job"):
        with pytest.raises(TypeError, match=f"batch\\(\\) got an unexpected keyword argument "
                                            f"'{typo}'; it takes pipeline, jobs, cores, memory, "
                                            f"format, resume, recursive, files, and the encode "
                                            f"options quality"):
            list(tessera.batch(photo.parent, tmp_path / "out", "gray", **{typo: 2}))
    with pytest.raises(TypeError, match="convert\\(\\) got an unexpected keyword argument "
                                        "'estimate'; it takes pipeline, memory"):
        tessera.convert(photo, tmp_path / "x.png", estimate=True)
    img = tessera.Image(np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(TypeError, match="write\\(\\) got an unexpected keyword argument 'qualty'; "
                                        "it takes the encode options quality"):
        tessera.write(img, tmp_path / "x.jpg", qualty=80)
    with pytest.raises(TypeError, match="encode\\(\\) got an unexpected keyword argument"):
        tessera.encode(img, "jpg", qualty=80)
    # A known option with a wrong value is still the table's ValueError.
    with pytest.raises(tessera.InvalidArgument, match="quality 0 is not allowed"):
        tessera.convert(photo, tmp_path / "x.jpg", quality=0)
    assert not (tmp_path / "out").exists() and not list(tmp_path.iterdir())


def test_clone_and_copy_give_independent_pixels_and_pickle_says_what_to_do(photo):
    import copy
    import pickle

    img = tessera.read(photo).region(10, 20, 64, 32)
    for twin in (img.clone(), copy.copy(img), copy.deepcopy(img)):
        assert isinstance(twin, tessera.Image) and twin.shape == img.shape
        assert np.array_equal(np.asarray(twin), np.asarray(img))
        assert not np.shares_memory(np.asarray(twin), np.asarray(img))
        assert twin.storage_bytes < img.storage_bytes  # its own, compact: no pin on the photo
        np.asarray(twin)[0, 0] = 255 - np.asarray(img)[0, 0]
        assert not np.array_equal(np.asarray(twin)[0, 0], np.asarray(img)[0, 0])
    frozen = np.zeros((4, 4), np.uint8)
    frozen.flags.writeable = False
    assert tessera.Image(frozen).readonly and not tessera.Image(frozen).clone().readonly
    with pytest.raises(TypeError, match="np.asarray\\(img\\).*tessera.encode"):
        pickle.dumps(img)


def test_open_says_the_orientation_its_bands_are_stored_in(corpora):
    sideways = corpora / "vips/test/test-suite/images/rotation/6.jpg"
    with tessera.open(sideways) as source:
        assert (source.width, source.height, source.orientation) == (308, 231, 6)
        stored = np.concatenate([np.asarray(b) for b in source.bands(100)])
    assert np.array_equal(stored, np.asarray(tessera.read(sideways, orientation=False)))
    assert tessera.read(sideways).shape == (308, 231, 3)
