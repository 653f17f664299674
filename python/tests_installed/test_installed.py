"""The package as `pip install .` leaves it in a fresh virtual environment (scripts/test.sh
installs it and runs this from outside the repository): the module, the Python files, the type
stub and the pytest plugin's entry point are all there and work."""

import pathlib
import sys
import sysconfig

import numpy as np

import tessera

pytest_plugins = ["pytester"]
SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "samples" / "photos"


def test_it_is_the_installed_package():
    installed = pathlib.Path(sysconfig.get_paths()["platlib"]) / "tessera"
    assert pathlib.Path(tessera.__file__).parent == installed
    assert (installed / "ops.pyi").is_file() and (installed / "testing.py").is_file()
    assert tessera.__version__ and sys.prefix != sys.base_prefix


def test_it_reads_runs_and_writes(tmp_path):
    img = tessera.read(SAMPLES / "astronaut.png")
    edges = tessera.run("gray | blur 5 | canny 50 150 | rgb", img)
    tessera.write(edges, tmp_path / "edges.webp", quality=80)
    back = tessera.read(tmp_path / "edges.webp")
    assert back.shape == (512, 512, 3) and np.asarray(back).dtype == np.uint8


def test_the_pytest_plugin_loads_by_its_entry_point(pytester):
    pytester.makepyfile(test_leak="""
import numpy as np, tessera
KEPT = []
def test_leaks():
    KEPT.append(tessera.Image(np.zeros((8, 8), np.uint8), copy=True))
""")
    result = pytester.runpytest_subprocess("--tessera-leak-check")  # no -p: the entry point
    result.assert_outcomes(passed=1, errors=1)
    assert "test_leak.py:4 (" in result.stdout.str()  # the line of the append


def test_video_loads_from_the_package_alone():
    """_tessera_video and the shared libraries both modules use are inside the package, found
    through RPATH $ORIGIN (no symbolic links: a wheel has none)."""
    import tessera.video
    installed = pathlib.Path(tessera.__file__).parent
    names = {p.name for p in installed.iterdir()}
    assert {"libtessera.so." + tessera.__version__, "libtessera_video.so." + tessera.__version__,
            "libtessera_python.so", "libnanobind.so", "video.py"} <= names, names
    loaded = {line.split()[-1] for line in pathlib.Path("/proc/self/maps").read_text().splitlines()
              if "libtessera" in line or "libnanobind" in line}
    assert len(loaded) == 4 and all(pathlib.Path(path).parent == installed for path in loaded)
    clip = SAMPLES.parent / "video" / "motion.mov"
    if clip.exists():
        with tessera.video.frames(clip, every=100, format="gray") as frames:
            assert [f.index for f in frames] == [0, 100, 200]
