"""tessera.batch as a generator: a result per file as it finishes, the same outputs as the CLI's
batch, failures as results not exceptions, and a loop that breaks stops the run cleanly."""

import shutil
import subprocess

import pytest

import tessera

SEED = "gray | blur 5 | canny 50 150 | rgb"


@pytest.fixture
def folder(tmp_path, corpora):
    images = corpora / "jpeg/libjpeg-turbo/testimages"
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(12):
        shutil.copy(images / "testorig.jpg", inputs / f"p{i:02}.jpg")
    (inputs / "cut.jpg").write_bytes((images / "testorig.jpg").read_bytes()[:3000])
    (inputs / "notes.txt").write_text("not an image")
    return inputs


def test_results_come_per_file_and_outputs_equal_the_clis(tmp_path, folder, cli):
    results = list(tessera.batch(folder, tmp_path / "py", SEED, jobs=2, quality=80))
    by_name = {r.input.rsplit("/", 1)[1]: r for r in results}
    assert len(results) == 14
    assert by_name["cut.jpg"].status == "FAILED" and by_name["cut.jpg"].code == "CorruptData"
    assert "truncated" in by_name["cut.jpg"].error
    assert by_name["notes.txt"].status == "SKIPPED" and by_name["notes.txt"].reason == "not an image"
    assert all(by_name[f"p{i:02}.jpg"].status == "DONE" for i in range(12))
    assert by_name["p00.jpg"].output_width == 227
    subprocess.run([cli, "batch", str(folder), str(tmp_path / "cli"), "-p", SEED, "-q", "80"],
                   check=False, capture_output=True)
    for i in range(12):
        name = f"p{i:02}.jpg"
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()


def test_breaking_out_of_the_loop_stops_the_run_cleanly(tmp_path, folder):
    results = tessera.batch(folder, tmp_path / "out", "resize 300% | sharpen", jobs=1)
    for first in results:
        break
    results.close()  # what the garbage collector does after a break; here without waiting on it
    written = [p for p in (tmp_path / "out").iterdir()]
    assert not [p for p in written if p.name.startswith(".")], "a temporary was left"
    # At most 4 results wait for Python, then the worker waits: with jobs=1 the run cannot get
    # past 4 queued + 1 taken + 1 waiting + 1 in flight files, however slow this thread is.
    assert len(written) <= 7, "the run went on after the loop stopped"


def test_a_plain_break_stops_the_run_when_the_generator_goes(tmp_path, folder):
    for result in tessera.batch(folder, tmp_path / "out", "resize 300% | sharpen", jobs=1):
        break  # the generator is dropped here, and its `finally` closes the run
    written = [p for p in (tmp_path / "out").iterdir()]
    assert not [p for p in written if p.name.startswith(".")], "a temporary was left"
    # At most 4 results wait for Python, then the worker waits: with jobs=1 the run cannot get
    # past 4 queued + 1 taken + 1 waiting + 1 in flight files, however slow this thread is.
    assert len(written) <= 7, "the run went on after the loop stopped"


def test_bad_arguments_raise_before_any_file(tmp_path, folder):
    with pytest.raises(tessera.InvalidArgument):
        list(tessera.batch(folder / "p00.jpg", tmp_path / "out"))  # an image, not a folder
    with pytest.raises(tessera.InvalidArgument):
        list(tessera.batch(folder, tmp_path / "out", "blur 4"))
    with pytest.raises(tessera.InvalidArgument):
        list(tessera.batch(folder, tmp_path / "out", quality=101))


def test_a_file_name_that_is_not_utf8_is_processed_and_reported(tmp_path):
    """Linux file names are bytes: b"b\\xff.png" comes back as os.fsdecode gives it (a str that
    opens the same file again), and every file of the folder is processed and reported."""
    import os

    import numpy as np

    inputs = tmp_path / "in"
    inputs.mkdir()
    pixels = np.full((8, 8, 3), 200, np.uint8)
    for i in range(6):
        tessera.write(pixels, inputs / f"a{i}.png")
    odd = os.fsdecode(b"b\xff.png")
    tessera.write(pixels, inputs / odd)
    (inputs / os.fsdecode(b"c\xfe.jpg")).write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    results = list(tessera.batch(inputs, tmp_path / "out", "gray", jobs=1))
    by_name = {os.path.basename(r.input): r for r in results}
    assert sorted(by_name) == sorted([f"a{i}.png" for i in range(6)] + [odd,
                                                                        os.fsdecode(b"c\xfe.jpg")])
    assert by_name[odd].status == "DONE"
    assert by_name[odd].output == os.fsdecode(os.fsencode(tmp_path / "out" / odd))
    assert tessera.read(by_name[odd].output).shape == (8, 8)
    broken = by_name[os.fsdecode(b"c\xfe.jpg")]
    assert broken.status == "FAILED" and broken.code == "CorruptData"
    # An error naming such a file is raised as itself, and prints.
    with pytest.raises(tessera.CorruptData) as raised:
        tessera.read(inputs / os.fsdecode(b"c\xfe.jpg"))
    assert raised.value.path == os.fsdecode(os.fsencode(inputs / os.fsdecode(b"c\xfe.jpg")))
    assert "c\\xfe.jpg" in str(raised.value)


def test_an_enclosing_budget_holds_the_batch(tmp_path, folder):
    """The batch's threads are not the caller's, but a `with tessera.budget` around the loop
    holds them: files that cannot fit in what it has left are refused before they start, and
    those that run are charged to it."""
    with tessera.budget("20K", "outer") as tight:
        results = list(tessera.batch(folder, tmp_path / "refused", SEED, jobs=2))
    photos = [r for r in results if r.input.endswith(".jpg") and "cut" not in r.input]
    assert len(photos) == 12
    assert all(r.status == "FAILED" and r.code == "OutOfBudget" for r in photos), photos[0]
    assert "budget 'outer'" in photos[0].error
    assert tight.peak == 0
    with tessera.budget("64M", "outer") as roomy:
        results = list(tessera.batch(folder, tmp_path / "done", SEED, jobs=2))
    assert sum(r.status == "DONE" for r in results) == 12
    assert 0 < roomy.peak < 64 << 20
    assert roomy.used == 0


def test_a_full_output_device_ends_the_loop_with_an_oserror(tmp_path):
    """Once the output device is full the batch takes no more files (each would fail the same
    way); the loop gets the results of the files that finished, then OSError(ENOSPC) naming the
    output folder, rather than ending as though every file was done."""
    import errno
    import os

    import numpy as np

    full = tmp_path / "full"
    full.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "none",
                                            str(full)], capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a tiny tmpfs")
    try:
        inputs = tmp_path / "in"
        inputs.mkdir()
        noise = np.random.default_rng(1).integers(0, 256, (256, 256, 3), np.uint8)  # ~197 KB as PNG
        for i in range(8):
            tessera.write(noise, inputs / f"n{i}.png")
        results = []
        with pytest.raises(OSError) as raised:
            for result in tessera.batch(inputs, full / "out", "invert", jobs=1):
                results.append(result)
        assert isinstance(raised.value, tessera.Io) and raised.value.errno == errno.ENOSPC
        assert raised.value.filename == str(full / "out")
        assert "resume=True" in str(raised.value)
        assert 1 <= len(results) < 8
        assert results[-1].status == "FAILED" and "no space left" in results[-1].error
        assert not [p for p in (full / "out").iterdir() if p.name.startswith(".")]
    finally:
        subprocess.run(["umount", str(full)], check=True)


def test_chosen_files_are_taken_as_the_folders_walk_would_meet_them(tmp_path, folder):
    # files= (what tessera.dask hands each task): only those, a non-image skipped as in a walk,
    # outputs named as the walk names them; none chosen is nothing to do, not the whole folder.
    results = list(tessera.batch(folder, tmp_path / "out", SEED, files=["p03.jpg", "notes.txt"]))
    assert sorted((r.input.rsplit("/", 1)[1], r.status) for r in results) == [
        ("notes.txt", "SKIPPED"), ("p03.jpg", "DONE")]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["p03.jpg"]
    assert results[0].input_bytes > 0 and isinstance(results[0].warnings, list)
    assert list(tessera.batch(folder, tmp_path / "none", SEED, files=[])) == []
    with pytest.raises(tessera.InvalidArgument, match="not a name inside the input folder"):
        list(tessera.batch(folder, tmp_path / "out", SEED, files=["../elsewhere.jpg"]))
    with pytest.raises(TypeError, match="files=\\[name\\]"):
        list(tessera.batch(folder, tmp_path / "out", SEED, files="p03.jpg"))


def test_cores_is_a_share_of_the_machine_and_must_be_sensible(tmp_path, folder):
    # cores= (a process beside others, such as a Dask worker): the same outputs on one core.
    one = {r.input: r.status for r in tessera.batch(folder, tmp_path / "one", SEED, jobs=1,
                                                       cores=1)}
    assert list(one.values()).count("DONE") == 12
    list(tessera.batch(folder, tmp_path / "all", SEED, jobs=1))
    for i in range(12):
        name = f"p{i:02}.jpg"
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "all" / name).read_bytes()
    with pytest.raises(tessera.InvalidArgument, match="cores is the number of cores"):
        list(tessera.batch(folder, tmp_path / "out", SEED, cores=-1))
