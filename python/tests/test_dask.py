"""tessera.dask on a LocalCluster of two worker processes on loopback: the same outputs as
tessera.batch, failures recorded once with their reason, a resubmitted batch that does nothing
twice, a worker killed with SIGKILL mid-batch that loses and duplicates nothing, and a file too
big for its worker that fails OutOfBudget instead of killing it.

TESSERA_DASK_KILL_RUNS sets how many times the fault test kills a worker (3 by default, to keep
CI short; the issue's 20: TESSERA_DASK_KILL_RUNS=20)."""

import collections
import hashlib
import os
import random
import shutil
import signal
import threading
import time

import pytest

import tessera

distributed = pytest.importorskip("distributed")
import dask  # noqa: E402 (after the skip)

import tessera.dask as td  # noqa: E402

SEED = "gray | blur 5 | canny 50 150 | rgb"
SAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "samples", "photos")
# Damaged files a batch meets in the wild, each failing with its reason.
HOSTILE = ["png/tests/images/xcrn0g04.png", "png/tests/crashers/badcrc.png",
           "vips/test/test-suite/images/truncated.jpg"]
KILL_RUNS = int(os.environ.get("TESSERA_DASK_KILL_RUNS", "3"))
WORKER_MEMORY = "300MiB"  # the memory test's limit; the samples run well inside it
KILLER = "kills-its-worker.jpg"  # the workers' fault hook kills a worker that takes it up


@pytest.fixture(scope="module")
def client():
    # Started by the test on 127.0.0.1 only; module-scoped, as a cluster takes seconds to start.
    with dask.config.set({"distributed.scheduler.allowed-failures": 3}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, host="127.0.0.1",
                                           memory_limit=WORKER_MEMORY,
                                           env={"TESSERA_DASK_TEST_KILL_ON": KILLER})
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    if not os.path.isdir(SAMPLES):
        pytest.skip(f"no samples at {SAMPLES} (bash scripts/samples.sh fetches them)")
    folder = tmp_path_factory.mktemp("photos")
    for name in sorted(os.listdir(SAMPLES)):
        shutil.copy(os.path.join(SAMPLES, name), folder / name)
    (folder / "notes.txt").write_text("not an image")
    return folder


@pytest.fixture(scope="module")
def mixed(photos, tmp_path_factory):
    """The samples, a text file and damaged files from the shared corpora."""
    from conftest import CORPORA
    if not CORPORA.is_dir():
        pytest.skip(f"no corpora at {CORPORA}")
    folder = tmp_path_factory.mktemp("mixed")
    for entry in os.scandir(photos):
        shutil.copy(entry.path, folder / entry.name)
    for path in HOSTILE:
        shutil.copy(CORPORA / path, folder / ("hostile-" + os.path.basename(path)))
    return folder


@pytest.fixture(scope="module")
def many(photos, tmp_path_factory):
    """40 photographs of 1024x1024 to 2048x2048: enough work (about a second on two workers)
    for a kill to land mid-batch."""
    folder = tmp_path_factory.mktemp("many")
    images = sorted(p for p in os.listdir(photos) if not p.endswith(".txt"))
    for i in range(40):
        name = images[i % len(images)]
        tessera.convert(os.path.join(photos, name), folder / f"{i:02}-{os.path.splitext(name)[0]}.jpg",
                        f"resize {200 + 100 * (i % 3)}%", quality=85)
    return folder


def two_workers(client):
    """Both workers up again after a kill. Now and then (1 kill in 10 to 15 here) the nanny of
    the killed worker restarts it and is then closed (\"Closing Nanny ... nanny-close\") and
    the LocalCluster stays at one worker: Dask's doing, not tessera's (the batch completed
    each time). The cluster is then given a new worker in its place."""
    try:
        client.wait_for_workers(2, timeout=15)
        return
    except distributed.exceptions.WorkerStartTimeoutError:
        pass
    from distributed.core import Status
    cluster = client.cluster
    for name, nanny in list(cluster.workers.items()):
        if nanny.status in (Status.closing, Status.closed, Status.failed):
            cluster.worker_spec.pop(name, None)
    cluster.scale(2)
    client.wait_for_workers(2, timeout=60)


def digests(folder):
    """Every file under `folder` by its name relative to it, as sha256."""
    found = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(parent, name)
            with open(path, "rb") as file:
                found[os.path.relpath(path, folder)] = hashlib.sha256(file.read()).hexdigest()
    return found


def reference(folder, output, pipeline=SEED):
    results = {os.path.basename(r.input): r
               for r in tessera.batch(folder, output, pipeline, jobs=2)}
    return results, digests(output)


def big_jpeg(path):
    """An 8000x6000 JPEG of a few hundred KiB: 137 MiB decoded, twice that turned."""
    import numpy as np
    rows = np.linspace(0, 255, 8000, dtype=np.uint8)
    tessera.write(np.ascontiguousarray(np.broadcast_to(rows[None, :, None], (6000, 8000, 3))),
                  path, quality=50)


def by_input(report):
    counts = collections.Counter(os.path.basename(f["input"]) for f in report["files"])
    assert max(counts.values()) == 1, f"inputs reported twice: {counts.most_common(3)}"
    return {os.path.basename(f["input"]): f for f in report["files"]}


def test_outputs_equal_tessera_batch_and_failures_are_recorded_once(client, mixed, tmp_path):
    expected, expected_digests = reference(mixed, tmp_path / "ref")
    report = td.batch(mixed, tmp_path / "out", SEED, client=client, files_per_task=3,
                      report=tmp_path / "run.json")
    files = by_input(report)
    assert set(files) == set(expected)
    for name, result in expected.items():
        assert files[name]["status"] == result.status, name
        if result.status == "FAILED":
            assert files[name]["error"] == {"code": result.code, "message": result.error}
    assert files["notes.txt"] == {**files["notes.txt"], "status": "SKIPPED",
                                  "reason": "not an image"}
    assert sum(f["status"] == "FAILED" for f in report["files"]) == len(HOSTILE)
    assert digests(tmp_path / "out") == expected_digests  # no temporary, no journal, same bytes
    totals = report["totals"]
    assert (totals["done"], totals["failed"], totals["skipped"]) == (13, len(HOSTILE), 1)
    assert report["status"] == "complete" and report["dask"]["tasks"] == -(-17 // 3)
    assert report["settings"]["pipeline"] == SEED
    assert (tmp_path / "run.json").exists() and not (tmp_path / "run.json.part").exists()


def test_resubmitting_a_done_batch_touches_no_output(client, photos, tmp_path):
    first = td.batch(photos, tmp_path / "out", SEED, client=client)
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()}
    again = td.batch(photos, tmp_path / "out", SEED, client=client, resume=True)
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()}
    assert before == after and len(before) == first["totals"]["done"] == 13
    assert again["totals"]["done"] == 0 and again["totals"]["skipped"] == 14
    assert {f["reason"] for f in again["files"]} == {"output exists (--resume)", "not an image"}


def test_the_same_batch_twice_is_one_set_of_tasks(client, photos, tmp_path):
    # Deterministic keys: the same files, pipeline and options are the same tasks (computed
    # once when both are in the graph), another pipeline other tasks.
    bag = td.to_bag(photos, tmp_path / "out", SEED, files_per_task=2)
    twice = dask.base.collections_to_expr([bag, td.to_bag(photos, tmp_path / "out", SEED,
                                                          files_per_task=2)])
    assert len(dict(twice.__dask_graph__())) == len(dict(bag.__dask_graph__()))
    other = td.to_bag(photos, tmp_path / "out", "gray", files_per_task=2)
    assert not set(dict(other.__dask_graph__())) & set(dict(bag.__dask_graph__()))
    records = bag.compute()
    assert sorted(os.path.basename(r["input"]) for r in records) == sorted(os.listdir(photos))
    assert not [p for p in os.listdir(tmp_path / "out") if p.startswith(".")]  # journals gone


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(client, many, tmp_path):
    _, expected = reference(many, tmp_path / "ref")
    chance = random.Random(os.environ.get("TESSERA_DASK_KILL_SEED"))
    for run in range(KILL_RUNS):
        two_workers(client)
        output = tmp_path / f"out{run}"
        outcome = {}
        batch = threading.Thread(target=lambda: outcome.update(
            report=td.batch(many, output, SEED, client=client, files_per_task=2)))
        pids = list(client.run(os.getpid).values())
        batch.start()
        # A random moment: after a random number of outputs, and a few milliseconds more.
        wanted = chance.randint(1, len(expected) // 2)
        while batch.is_alive() and sum(1 for p in _listing(output) if not p.startswith(".")) < wanted:
            time.sleep(0.002)
        time.sleep(chance.uniform(0, 0.03))
        killed_mid_batch = batch.is_alive()
        os.kill(chance.choice(pids), signal.SIGKILL)
        batch.join(timeout=120)
        assert not batch.is_alive(), "the batch did not finish after a worker was killed"
        report = outcome["report"]
        files = by_input(report)
        assert len(files) == len(expected) and report["totals"]["done"] == len(expected), (
            [f for f in report["files"] if f["status"] != "DONE"])
        assert digests(output) == expected, f"run {run}: outputs differ or temporaries remain"
        print(f"run {run}: killed {'mid-batch' if killed_mid_batch else 'after the batch'} "
              f"after {wanted} outputs, {report['dask']['reruns']} task(s) rerun")


def test_a_file_that_kills_its_worker_fails_alone_and_the_run_goes_on(client, photos, tmp_path):
    # The workers' fault hook (TESSERA_DASK_TEST_KILL_ON) kills a worker whenever a task takes
    # up KILLER, as a file too big for it would without a budget. With allowed-failures 1 its
    # group's task ends in KilledWorker at the second death; the group's unfinished files are
    # tried again one per task, and only KILLER's dies again (twice) and fails, with
    # KilledWorker (a task that only waited on the dying worker is tried again: it never
    # began). Not 0: now and then Dask closes a restarted worker (see two_workers), and the
    # task running there would be charged with that at once.
    folder = tmp_path / "in"
    shutil.copytree(photos, folder)
    shutil.copy(folder / "rocket.jpg", folder / KILLER)
    expected, expected_digests = reference(photos, tmp_path / "ref")
    client.run_on_scheduler(_set_allowed_failures, 1)
    try:
        report = td.batch(folder, tmp_path / "out", SEED, client=client, files_per_task=5)
    finally:
        client.run_on_scheduler(_set_allowed_failures, 3)
        two_workers(client)
    files = by_input(report)
    assert set(files) == set(expected) | {KILLER}  # every input once: done, or failed
    assert [name for name, f in files.items() if f["status"] == "FAILED"] == [KILLER]
    assert files[KILLER]["error"]["code"] == "KilledWorker"
    assert "allowed-failures" in files[KILLER]["error"]["message"]
    assert report["totals"]["done"] == 13
    assert digests(tmp_path / "out") == expected_digests  # complete, no temporaries or journals


def _set_allowed_failures(count, dask_scheduler=None):
    dask_scheduler.allowed_failures = count


def _listing(folder):
    try:
        return os.listdir(folder)
    except FileNotFoundError:
        return []


def test_a_file_too_big_for_its_worker_fails_out_of_budget_and_kills_no_worker(
        client, photos, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(photos, folder)
    big_jpeg(folder / "big.jpg")  # on workers of 300 MiB
    workers = client.run(os.getpid)
    report = td.batch(folder, tmp_path / "out", "rotate 90", client=client)
    assert client.run(os.getpid) == workers  # the same processes: none was killed
    files = by_input(report)
    assert files["big.jpg"]["status"] == "FAILED"
    assert files["big.jpg"]["error"]["code"] == "OutOfBudget"
    assert "needs about" in files["big.jpg"]["error"]["message"]
    assert "(0.7 x 314572800 - " in files["big.jpg"]["error"]["message"]  # B = (0.7 L - R0) / T
    assert report["totals"]["done"] == 13 and report["totals"]["failed"] == 1
    assert report["totals"]["peak_rss_bytes"] < 0.8 * 300 * 2**20  # below Dask's pause


def test_wrong_arguments_say_what_to_do(client, photos, tmp_path):
    with pytest.raises(FileNotFoundError, match="batch input not found"):
        td.batch(tmp_path / "missing", tmp_path / "out", SEED, client=client)
    with pytest.raises(ValueError, match="is an image"):
        td.batch(photos / "astronaut.png", tmp_path / "out", SEED, client=client)
    with pytest.raises(tessera.InvalidArgument):
        td.batch(photos, tmp_path / "out", "gray | blurr 5", client=client)
    with pytest.raises(TypeError, match="quality"):
        td.batch(photos, tmp_path / "out", SEED, client=client, qualty=80)
    with pytest.raises(ValueError, match="files_per_task"):
        td.batch(photos, tmp_path / "out", SEED, client=client, files_per_task=0)
    with pytest.raises(TypeError, match="Client"):
        td.batch(photos, tmp_path / "out", SEED, client="tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="output folder"):
        td.batch(photos, photos, SEED, client=client)
    assert not (tmp_path / "out").exists()  # refused before any task


def test_the_command_line_entry_point(client, photos, tmp_path):
    """python3 -m tessera.dask: tessera batch's options on the cluster, a progress line, the
    report, FAILED lines and exit 1 for a damaged file, exit 2 for a wrong command line."""
    import subprocess
    import sys
    corpora = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "corpora")
    folder = tmp_path / "in"
    shutil.copytree(photos, folder)
    if os.path.isdir(corpora):
        shutil.copy(os.path.join(corpora, HOSTILE[1]), folder / "bad.png")
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(tessera.__file__))] + sys.path))
    command = [sys.executable, "-m", "tessera.dask", str(folder), str(tmp_path / "out"), "-p",
               "resize 50% | sharpen", "--format", "png", "--compression", "1",
               "--scheduler", client.scheduler.address, "--report", str(tmp_path / "run.json")]
    run = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    damaged = os.path.isdir(corpora)
    assert run.returncode == (1 if damaged else 0), run.stderr
    assert "files/s" in run.stderr and " done, " in run.stderr
    import json
    report = json.loads((tmp_path / "run.json").read_text())
    done = [f for f in report["files"] if f["status"] == "DONE"]
    assert len(done) == len([n for n in os.listdir(photos) if not n.endswith(".txt")])
    for record in done:
        assert os.path.exists(record["output"]) and record["output"].endswith(".png")
    if damaged:
        assert f"FAILED {folder / 'bad.png'}: CorruptData: not a valid PNG" in run.stderr, \
            run.stderr
    wrong = subprocess.run([sys.executable, "-m", "tessera.dask", str(folder)], env=environment,
                           capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 2 and "usage:" in wrong.stderr
    # Wrong inputs and outputs are said in words with exit 2, before any file: no traceback.
    for arguments in ([str(tmp_path / "missing"), str(tmp_path / "o2")],
                      [str(folder), str(tmp_path / "o3"), "--report", "/nonexistent/r.json"],
                      [str(folder), str(tmp_path / "o4"), "--files-per-task", "0"]):
        refused = subprocess.run([sys.executable, "-m", "tessera.dask", *arguments,
                                  "--scheduler", client.scheduler.address],
                                 env=environment, capture_output=True, text=True, timeout=120)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr


def _entry_point(arguments, **popen):
    import subprocess
    import sys
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(tessera.__file__))] + sys.path))
    return subprocess.Popen([sys.executable, "-m", "tessera.dask", *map(str, arguments)],
                            env=environment, stderr=subprocess.PIPE, text=True, **popen)


def _outputs(folder):
    return sorted(n for n in os.listdir(folder) if not n.startswith(".")) \
        if os.path.isdir(folder) else []


def _interrupt_once_outputs_exist(process, folder, signal_number, count=4):
    """Sends the signal once `count` outputs are in (not after a time: the machine is busy),
    and returns the command's exit status and stderr."""
    while len(_outputs(folder)) < count and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=300)
    return process.returncode, stderr


def _stale_journal(folder, name, host, pid):
    import json
    import socket
    with open(folder / f".tessera-dask-{name}.journal", "w") as journal:
        journal.write(json.dumps({"run": name, "driver": {"host": host or socket.gethostname(),
                                                          "pid": pid, "started": None}}) + "\n")


def test_ctrl_c_and_sigterm_wind_the_run_down_and_leave_nothing_behind(client, many, tmp_path):
    """python3 -m tessera.dask stopped by SIGINT (the terminal's Ctrl-C) and by SIGTERM: no
    task starts after it, the tasks running finish their file in flight and nothing more,
    exit 130 / 143, the report (its page with --report x.html) says "interrupted" and lists
    every output that exists, once, and no journal, stop mark or temporary is left. A later
    run removes what a driver that is gone left (its journals), and --resume does the rest:
    the outputs then equal an uninterrupted run's."""
    import json
    import subprocess
    import sys
    out = tmp_path / "out"
    out.mkdir()
    # What a killed driver leaves: its journal. Gone (a process that ended), and another
    # host's, which nothing here can tell is over: that one stays.
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    _stale_journal(out, "gone", None, int(ended.stdout))
    _stale_journal(out, "elsewhere", "another-host.example", 1)
    pipeline = "median 5 | blur 9"  # streamed in bands: within the 300 MiB workers' budget
    common = [many, out, "-p", pipeline, "--files-per-task", "2", "--scheduler",
              client.scheduler.address, "--quiet"]

    # Ctrl-C, with the report as a page.
    first = _entry_point(common + ["--report", tmp_path / "first.html"],
                         stdout=subprocess.DEVNULL)
    status, stderr = _interrupt_once_outputs_exist(first, out, signal.SIGINT)
    assert status == 130, stderr
    assert "interrupted: " in stderr and "Traceback" not in stderr, stderr
    page = (tmp_path / "first.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "interrupted" in page
    after_first = _outputs(out)
    assert 4 <= len(after_first) < 40
    hidden = sorted(n for n in os.listdir(out) if n.startswith("."))
    assert hidden == [".tessera-dask-elsewhere.journal"], hidden  # the gone driver's swept
    time.sleep(1.0)
    assert _outputs(out) == after_first, "a worker went on writing after the command ended"

    # SIGTERM, with the JSON report: the files of this run and the earlier one's, once each.
    second = _entry_point(common + ["--resume", "--report", tmp_path / "second.json"],
                          stdout=subprocess.DEVNULL)
    status, stderr = _interrupt_once_outputs_exist(second, out, signal.SIGTERM,
                                                   count=len(after_first) + 4)
    assert status == 143, stderr
    report = json.loads((tmp_path / "second.json").read_text())
    assert report["kind"] == "batch" and report["status"] == "interrupted"
    assert report["totals"]["inputs"] == 40
    records = by_input(report)
    skipped = {n for n, r in records.items() if r["status"] == "SKIPPED"}
    done = {n for n, r in records.items() if r["status"] == "DONE"}
    assert skipped == set(after_first)
    assert skipped | done == set(_outputs(out)), "an output not in the report, or missing"
    assert sorted(n for n in os.listdir(out) if n.startswith(".")) == [
        ".tessera-dask-elsewhere.journal"]

    # The rest, resumed: every output equal to an uninterrupted run's.
    last = _entry_point(common + ["--resume"], stdout=subprocess.DEVNULL)
    _, stderr = last.communicate(timeout=600)
    assert last.returncode == 0, stderr
    (out / ".tessera-dask-elsewhere.journal").unlink()
    _, expected = reference(many, tmp_path / "reference", pipeline)
    assert digests(out) == expected


def test_interrupted_td_batch_raises_with_the_report_so_far(client, many, tmp_path):
    """td.batch in Python code: a KeyboardInterrupt in its thread (Ctrl-C) ends it with
    td.Interrupted, a KeyboardInterrupt holding the report so far, also written to report=."""
    import _thread
    import json
    out = tmp_path / "out"

    def interrupt_when_outputs_exist():
        while len(_outputs(out)) < 2:
            time.sleep(0.02)
        _thread.interrupt_main()

    threading.Thread(target=interrupt_when_outputs_exist, daemon=True).start()
    with pytest.raises(KeyboardInterrupt) as caught:
        td.batch(many, out, "median 5 | blur 9", client=client, files_per_task=2,
                 report=tmp_path / "run.json")
    assert isinstance(caught.value, td.Interrupted)
    report = caught.value.report
    assert report["status"] == "interrupted" and report["totals"]["inputs"] == 40
    assert json.loads((tmp_path / "run.json").read_text())["status"] == "interrupted"
    done = {os.path.basename(r["output"]) for r in report["files"] if r["status"] == "DONE"}
    assert done == set(_outputs(out)) and len(done) >= 2
    assert not [n for n in os.listdir(out) if n.startswith(".")]


def test_the_report_has_tessera_batch_s_schema(client, photos, tmp_path):
    """The report's fields are those of `tessera batch --report` on the same folder (kind,
    settings with every encode option, totals with inputs, each file's stage seconds and when
    it ran), plus the "dask" section; a report path that is neither .json nor .html is refused
    before any file."""
    import json
    import subprocess
    cli = os.environ.get("TESSERA_CLI")
    if not cli:
        pytest.skip("TESSERA_CLI is not set (ctest sets it)")
    subprocess.run([cli, "batch", photos, tmp_path / "cli", "-p", "resize 50%", "--report",
                    tmp_path / "cli.json", "-q", "80"], check=True, capture_output=True)
    expected = json.loads((tmp_path / "cli.json").read_text())
    td.batch(photos, tmp_path / "dask", "resize 50%", client=client, quality=80,
             report=tmp_path / "dask.json")
    report = json.loads((tmp_path / "dask.json").read_text())
    # leaked_sites name the CLI's own allocations; the workers' stay in their processes.
    assert set(expected) - {"leaked_sites"} <= set(report)
    assert report["kind"] == expected["kind"] == "batch"
    assert set(expected["settings"]) <= set(report["settings"])
    assert report["settings"]["quality"] == expected["settings"]["quality"] == 80
    assert set(report["totals"]) == set(expected["totals"])
    assert report["totals"]["inputs"] == expected["totals"]["inputs"]
    done = [r for r in expected["files"] if r["status"] == "DONE"]
    done_here = [r for r in report["files"] if r["status"] == "DONE"]
    assert len(done_here) == len(done)
    for record in done_here:
        assert set(done[0]) <= set(record), set(done[0]) - set(record)
        assert record["started_seconds"] <= record["finished_seconds"]
    assert set(expected["memory_timeline"][0]) <= set(report["memory_timeline"][0])
    with pytest.raises(tessera.InvalidArgument, match=r"\.json or \.html"):
        td.batch(photos, tmp_path / "never", "resize 50%", client=client,
                 report=tmp_path / "run.txt")
    assert not (tmp_path / "never").exists()


def test_an_exception_from_progress_winds_the_run_down(client, many, tmp_path):
    """A progress callback that raises (a script's own stop, or a callback of the wrong shape)
    ends td.batch with that exception, as Ctrl-C does: no task starts after it, the running
    ones stop after their file, the report (status interrupted) is written, and nothing is
    left in the output folder or written after td.batch has returned."""
    import json
    out = tmp_path / "out"

    class Enough(Exception):
        pass

    def progress(records, total, seconds):
        if len(records) >= 4:
            raise Enough

    with pytest.raises(Enough):
        td.batch(many, out, "median 5 | blur 9", client=client, files_per_task=2,
                 report=tmp_path / "run.json", progress=progress)
    report = json.loads((tmp_path / "run.json").read_text())
    assert report["status"] == "interrupted"
    done = {os.path.basename(r["output"]) for r in report["files"] if r["status"] == "DONE"}
    assert done == set(_outputs(out)) and len(done) < 40
    assert not [n for n in os.listdir(out) if n.startswith(".")]
    time.sleep(1.0)
    assert set(_outputs(out)) == done, "a worker went on writing after td.batch returned"


def test_a_full_output_device_stops_the_run_as_tessera_batch_does(client, photos, tmp_path):
    """A full output device: status output_full, exit 1 with tessera batch's words, only the
    file that met the full device FAILED (the files not reached are not tried, not failed),
    and no journal left."""
    import json
    import subprocess
    full = tmp_path / "full"
    full.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "none",
                                            str(full)], capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a tiny tmpfs")
    try:
        command = _entry_point([photos, full / "out", "-p", "resize 150%", "--format", "png",
                                "--files-per-task", "2", "--scheduler", client.scheduler.address,
                                "--quiet", "--report", tmp_path / "run.json"],
                               stdout=subprocess.DEVNULL)
        _, stderr = command.communicate(timeout=300)
        assert command.returncode == 1, stderr
        assert "output device full" in stderr and "--resume when there is room" in stderr
        report = json.loads((tmp_path / "run.json").read_text())
        assert report["status"] == "output_full"
        failed = [r for r in report["files"] if r["status"] == "FAILED"]
        assert failed and all("space" in r["error"]["message"] for r in failed), failed
        assert report["totals"]["done"] + len(failed) < report["totals"]["inputs"]
        assert not [n for n in os.listdir(full / "out") if n.startswith(".tessera-dask")]
    finally:
        subprocess.run(["umount", str(full)], check=False)


def test_the_entry_point_refuses_a_scheduler_address_in_words_and_takes_strip(client, photos,
                                                                              tmp_path):
    """--scheduler foo is a usage error in words (exit 2), not a traceback; --strip and --keep
    reach the encoders (exiftool reads the outputs: the camera's Make kept, or not)."""
    import shutil as shell_tools
    import subprocess
    wrong = _entry_point([photos, tmp_path / "o1", "--scheduler", "foo"],
                         stdout=subprocess.DEVNULL)
    _, stderr = wrong.communicate(timeout=120)
    assert wrong.returncode == 2 and "Traceback" not in stderr and "--scheduler foo" in stderr
    if shell_tools.which("exiftool") is None:
        pytest.skip("exiftool is missing (libimage-exiftool-perl)")
    tagged = tmp_path / "in"
    tagged.mkdir()
    first = sorted(n for n in os.listdir(photos) if n.endswith(".jpg"))[0]
    subprocess.run(["exiftool", "-q", "-o", str(tagged / first), "-Make=Tessera Camera Co.",
                    str(photos / first)], check=True)

    def make_of(options, name):
        run = _entry_point([tagged, tmp_path / name, "--quiet", "--scheduler",
                            client.scheduler.address, *options], stdout=subprocess.DEVNULL)
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
        return subprocess.run(["exiftool", "-s3", "-Make", str(tmp_path / name / first)],
                              capture_output=True, text=True, check=True).stdout.strip()

    assert make_of([], "kept") == "Tessera Camera Co."
    assert make_of(["--strip"], "stripped") == ""
    assert make_of(["--keep", "icc"], "icc-only") == ""
