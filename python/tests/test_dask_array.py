"""tessera.dask.imread and map_pipeline: a file as a lazy dask.array whose chunks equal the
whole image's pixels (every sample type, orientation, odd chunk sizes, slices), computed in worker
processes of a LocalCluster; a pipeline run chunk by chunk equal to the whole image's run; stages
that cannot run by chunks refused in words; and the corner of a 40000 x 30000 tiled JPEG-in-TIFF
read with the worker's peak RSS under 100 MiB."""

import os
import shutil
import subprocess

import numpy as np
import pytest

import tessera

distributed = pytest.importorskip("distributed")
import dask  # noqa: E402 (after the skip)
import dask.array as da  # noqa: E402

import tessera.dask as td  # noqa: E402


def photo_like(height, width, channels, dtype):
    rng = np.random.default_rng(5)
    y, x = np.mgrid[0:height, 0:width]
    base = (x * 150 // width + y * 90 // height + ((x // 17 + y // 13) % 2) * 60)
    pixels = np.stack([base + rng.integers(0, 15, base.shape) for _ in range(channels)], axis=-1)
    pixels = pixels.astype(np.uint8)
    if dtype == np.uint16:
        return pixels.astype(np.uint16) * 257 + rng.integers(0, 200, pixels.shape, dtype=np.uint16)
    if dtype == np.float32:
        return pixels.astype(np.float32) / 255
    return pixels


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("arrays")
    made = {}
    for name, (channels, dtype, options) in {
        "rgb-tiles.tif": (3, np.uint8, {"tiled": True}),
        "gray16-strips.tif": (1, np.uint16, {}),
        "rgba-f32-tiles.tif": (4, np.float32, {"tiled": True}),
        "rgb.png": (3, np.uint8, {}),
    }.items():
        pixels = photo_like(611, 777, channels, dtype)
        image = tessera.Image(pixels if channels > 1 else pixels[:, :, 0])
        tessera.write(image, str(folder / name), **options)
        made[name] = str(folder / name)
    return made


@pytest.mark.parametrize("name", ["rgb-tiles.tif", "gray16-strips.tif", "rgba-f32-tiles.tif",
                                  "rgb.png"])
def test_chunks_equal_the_whole_image(files, name):
    whole = np.asarray(tessera.read(files[name]))
    for chunks in (256, 100, (300, 777)):
        arr = td.imread(files[name], chunks=chunks)
        assert arr.shape == whole.shape and arr.dtype == whole.dtype
        np.testing.assert_array_equal(arr.compute(scheduler="threads"), whole)
        np.testing.assert_array_equal(arr[123:457, 301:302].compute(scheduler="threads"),
                                      whole[123:457, 301:302])
        np.testing.assert_array_equal(arr[::7, -50:].compute(scheduler="threads"),
                                      whole[::7, -50:])


def test_upright_for_an_exif_orientation(tmp_path):
    # A JPEG whose EXIF says 6 (turn 90 clockwise): the array is the upright image.
    plain = tmp_path / "plain.jpg"
    tessera.write(tessera.Image(photo_like(120, 200, 3, np.uint8)), str(plain), quality=95)
    data = plain.read_bytes()
    exif = (b"Exif\0\0MM\0*" + (8).to_bytes(4, "big") + (1).to_bytes(2, "big") +
            (0x0112).to_bytes(2, "big") + (3).to_bytes(2, "big") + (1).to_bytes(4, "big") +
            (6).to_bytes(2, "big") + b"\0\0" + (0).to_bytes(4, "big"))
    tagged = tmp_path / "tagged.jpg"
    tagged.write_bytes(data[:2] + b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif + data[2:])
    whole = np.asarray(tessera.read(str(tagged)))
    assert whole.shape[:2] == (200, 120)
    arr = td.imread(str(tagged), chunks=64)
    np.testing.assert_array_equal(arr.compute(scheduler="threads"), whole)
    stored = td.imread(str(tagged), chunks=64, orientation=False)
    assert stored.shape[:2] == (120, 200)


@pytest.mark.parametrize("pipeline", ["blur 5", "median 5 | sharpen 2", "erode 7 3 | dilate 3 9",
                                      "blur 9 | convolve '1 2 3 2 1' divisor=9"])
def test_map_pipeline_equals_the_whole_image_run(files, pipeline):
    name = "rgb-tiles.tif"
    whole = tessera.run(pipeline, tessera.read(files[name]))
    arr = td.imread(files[name], chunks=(97, 130))
    result = td.map_pipeline(arr, pipeline).compute(scheduler="threads")
    np.testing.assert_array_equal(result, np.asarray(whole))


def test_map_pipeline_on_u16_and_float(files):
    for name, pipeline in (("gray16-strips.tif", "blur 5 | median 3"),
                           ("rgba-f32-tiles.tif", "sharpen | gamma 1.8")):
        whole = np.asarray(tessera.run(pipeline, tessera.read(files[name])))
        result = td.map_pipeline(td.imread(files[name], chunks=128), pipeline)
        np.testing.assert_array_equal(result.compute(scheduler="threads"), whole)


def test_stages_that_cannot_run_by_chunks_are_refused(files):
    arr = td.imread(files["rgb-tiles.tif"], chunks=256)
    for pipeline, says in (("resize 50%", "changes the image's size"),
                           ("crop 0,0,10,10", "changes the image's size"),  # not "8x8 image"
                           ("equalize", "needs the whole image"),
                           ("gray", "keeps the channels")):
        with pytest.raises(tessera.InvalidArgument, match=says):
            td.map_pipeline(arr, pipeline)
    with pytest.raises(TypeError, match="takes a dask.array"):
        td.map_pipeline(np.zeros((10, 10, 3), np.uint8), "blur 3")


def test_wrong_chunks_relative_paths_and_changed_files(files, tmp_path, monkeypatch):
    for chunks in (0, (0, 5), [5, -1], (5, 5, 3, 1)):
        with pytest.raises(tessera.InvalidArgument, match="chunks"):
            td.imread(files["rgb.png"], chunks=chunks)
    # Channels stay whole whatever chunks says of them.
    assert td.imread(files["rgb.png"], chunks=(100, 100, 1)).chunks[2] == (3,)
    # A relative path is the file it names where imread() ran, wherever the chunks are computed.
    monkeypatch.chdir(os.path.dirname(files["rgb.png"]))
    arr = td.imread("rgb.png", chunks=200)
    monkeypatch.chdir(tmp_path)
    np.testing.assert_array_equal(arr.compute(scheduler="threads"),
                                  np.asarray(tessera.read(files["rgb.png"])))
    # Another file under the name before compute(): refused, never mixed into the array.
    changing = tmp_path / "changing.png"
    shutil.copy(files["rgb.png"], changing)
    arr = td.imread(str(changing), chunks=200)
    tessera.write(tessera.Image(photo_like(611, 777, 3, np.uint8)[::-1].copy()), str(changing),
                  compression=1)
    with pytest.raises(tessera.InvalidArgument, match="changed after td.imread"):
        arr.compute(scheduler="threads")


def test_chunks_computed_in_worker_processes(files):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as cluster, \
            distributed.Client(cluster) as client:
        arr = td.imread(files["rgb-tiles.tif"], chunks=200)
        whole = np.asarray(tessera.read(files["rgb-tiles.tif"]))
        np.testing.assert_array_equal(client.compute(arr).result(), whole)
        blurred = client.compute(td.map_pipeline(arr, "blur 5")).result()
        np.testing.assert_array_equal(blurred, np.asarray(tessera.run("blur 5", whole)))


def _status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def _reset_peak_rss():
    """Starts the worker's high-water mark afresh at its RSS now (Linux: clear_refs 5), so the
    peak measured after is of this test's work, not of the worker's start."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    return _status_kib("VmRSS")


def _peak_rss_kib():
    return _status_kib("VmHWM")


@pytest.mark.skipif(shutil.which("vips") is None, reason="libvips-tools makes the huge file")
def test_a_corner_of_a_huge_tiled_jpeg_tiff_in_a_small_worker(tmp_path):
    # 40000 x 30000 grey sine waves, JPEG-in-TIFF in 256 x 256 tiles, written by libvips as it
    # makes them (15 MB, some 20 s).
    huge = tmp_path / "huge.tif"
    subprocess.run(["vips", "sines", f"{huge}[tile,tile-width=256,tile-height=256,compression=jpeg,"
                    "Q=85]", "40000", "30000", "--uchar", "--hfreq", "0.013", "--vfreq", "0.007"],
                   check=True)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as cluster, \
            distributed.Client(cluster) as client:
        before = client.run(_reset_peak_rss)
        arr = td.imread(str(huge), chunks=1024, max_pixels=0)
        assert arr.shape == (30000, 40000)
        corner = client.compute(arr[:1024, :1024]).result()
        peak = client.run(_peak_rss_kib)
    (worker,) = peak
    print(f"worker RSS {before[worker] / 1024:.1f} MiB before, peak {peak[worker] / 1024:.1f} MiB "
          f"while reading the corner")
    assert peak[worker] < 100 * 1024
    expected = np.asarray(tessera.read_region(str(huge), 0, 0, 1024, 1024, max_pixels=0))
    np.testing.assert_array_equal(corner, expected)
