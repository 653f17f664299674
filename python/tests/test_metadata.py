"""Metadata kept by convert() and batch, strip=True and keep="icc" as on the command line; read
back by exiftool, the independent reader."""

import json
import shutil
import subprocess

import pytest

import tessera

exiftool = shutil.which("exiftool")
pytestmark = pytest.mark.skipif(exiftool is None, reason="exiftool (libimage-exiftool-perl) missing")


def tags(path):
    out = subprocess.run([exiftool, "-j", "-n", "-Orientation", "-ExifImageWidth",
                          "-ICC_Profile:ProfileDescription", "-XMPToolkit", str(path)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)[0]


@pytest.fixture
def rotated(corpora):
    return corpora / "vips/test/test-suite/images/rotation/6.jpg"


def test_convert_keeps_metadata_upright(tmp_path, rotated):
    out = tmp_path / "out.png"
    tessera.convert(str(rotated), str(out))
    kept = tags(out)
    assert kept["Orientation"] == 1
    assert kept["ProfileDescription"] == tags(rotated)["ProfileDescription"]


def test_strip_and_keep(tmp_path, rotated):
    stripped = tmp_path / "stripped.webp"
    tessera.convert(str(rotated), str(stripped), strip=True)
    assert set(tags(stripped)) == {"SourceFile"}
    icc = tmp_path / "icc.jpg"
    tessera.convert(str(rotated), str(icc), keep="icc")
    assert set(tags(icc)) == {"SourceFile", "ProfileDescription"}
    with pytest.raises(tessera.Error, match="'gps'"):
        tessera.convert(str(rotated), str(tmp_path / "x.png"), keep="gps")
