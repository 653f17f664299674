"""The third trial's findings: each test pins down one fixed behaviour."""

import warnings

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
