"""The Dask issue's figures: the seed batch (200 1920x1080 JPEGs through `gray | blur 5 | canny
50 150 | rgb` to JPEG q90, the inputs of bench/python_bench.py) run by tessera.dask.batch on a
LocalCluster of 1 worker and of 2 workers (1 thread each, processes, on 127.0.0.1), and by
`tessera batch --jobs 2` on the same files, in one run: the median of 3 timed rounds in which
the contenders take turns (after one untimed round that warms the workers), the speed-up of 2
workers over 1, the ratio of 2 workers to the CLI, Dask's overhead per task (2,000 no-op tasks,
and td.batch with one file per task against "auto"), and the workers' peak RSS.

    .venv/bin/python bench/dask_bench.py [--runs 3] [--keep] [--inputs DIR]

Run it on an idle machine (no build running): the figures are for 2 cores, and another
process's load shows in them (the load average before and after is printed with them).
"""

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from python_bench import COUNT, SEED, make_inputs  # noqa: E402 (the same 200 inputs)

CLI = ROOT / "build" / "tessera"
QUALITY = 90


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def mib(count):
    return f"{count / 2**20:.0f} MiB"


def run_td(client, folder, out, **options):
    import tessera.dask as td
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    report = td.batch(folder, out, SEED, client=client, quality=QUALITY, **options)
    elapsed = time.perf_counter() - start
    assert report["totals"]["done"] == COUNT, report["totals"]
    return elapsed, report


def run_cli(folder, out, work):
    import json
    shutil.rmtree(out, ignore_errors=True)
    report = work / "cli.json"
    start = time.perf_counter()
    subprocess.run([CLI, "batch", folder, out, "-p", SEED, "--jobs", "2", "-q", str(QUALITY),
                    "--report", report], check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    return elapsed, json.loads(report.read_text())


def cluster(workers):
    import distributed
    local = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                     dashboard_address=None, host="127.0.0.1",
                                     memory_limit="1GiB", silence_logs=40)
    return local, distributed.Client(local)


def noop(x):
    return x


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the inputs and outputs")
    parser.add_argument("--inputs", type=pathlib.Path,
                        help="the 200 inputs, made there if missing (and kept)")
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="tessera-dask-bench-"))
    print(f"load average before: {load()} (2 cores; another engineer may be loading them)")
    folder = args.inputs or work / "in"
    if not folder.is_dir():
        make_inputs(folder)
        (folder.parent / "list").unlink()
    size = sum(p.stat().st_size for p in folder.iterdir())
    # The contenders take turns, round after round, so that a load that comes and goes (another
    # engineer's build) falls on each of them alike.
    try:
        one_local, one = cluster(1)
        two_local, two = cluster(2)
        with one_local, one, two_local, two:
            times = {"1 worker": [], "2 workers": [], "cli": [], "1 file per task": []}
            reports = {name: [] for name in times}
            for round in range(args.runs + 1):  # the first warms the workers and the page cache
                for name, run in (("1 worker", lambda: run_td(one, folder, work / "td1")),
                                  ("2 workers", lambda: run_td(two, folder, work / "td2")),
                                  ("cli", lambda: run_cli(folder, work / "cli", work)),
                                  ("1 file per task", lambda: run_td(two, folder, work / "tdf",
                                                                     files_per_task=1))):
                    seconds, report = run()
                    if round:
                        times[name].append(seconds)
                        reports[name].append(report)
            start = time.perf_counter()
            two.gather(two.map(noop, range(2000), pure=False))
            noop_ms = (time.perf_counter() - start) / 2000 * 1000
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)  # (not --inputs: that is the caller's)
    median = {name: statistics.median(values) for name, values in times.items()}
    one_s, two_s, cli_s = median["1 worker"], median["2 workers"], median["cli"]
    auto_tasks = reports["2 workers"][0]["dask"]["tasks"]
    per_task_ms = (median["1 file per task"] - two_s) / (COUNT - auto_tasks) * 1000
    file_seconds = statistics.mean(f["seconds"] for f in reports["1 worker"][0]["files"])
    peak = {name: max(r["totals"]["peak_rss_bytes"] for r in reports[name]) for name in reports}
    print(f"{COUNT} files, {size / 2**20:.0f} MiB of JPEG; {SEED}, q{QUALITY}; median of "
          f"{args.runs}")
    print(f"td.batch, 1 worker : {one_s:6.2f} s  {COUNT / one_s:6.1f} images/s  "
          f"({reports['1 worker'][0]['dask']['tasks']} tasks)  worker's peak RSS "
          f"{mib(peak['1 worker'])}")
    print(f"td.batch, 2 workers: {two_s:6.2f} s  {COUNT / two_s:6.1f} images/s  ({auto_tasks} "
          f"tasks)  workers' peak RSS {mib(peak['2 workers'])} (the larger)")
    print(f"tessera batch -j 2 : {cli_s:6.2f} s  {COUNT / cli_s:6.1f} images/s  "
          f"peak RSS {mib(peak['cli'])}")
    print(f"speed-up 2 workers / 1 worker: {one_s / two_s:.2f}x")
    print(f"2 workers / tessera batch --jobs 2 (time): {two_s / cli_s:.2f}")
    print(f"overhead per task: {noop_ms:.2f} ms (2,000 no-op tasks); {per_task_ms:.2f} ms "
          f"(td.batch, {COUNT} tasks of 1 file: {median['1 file per task']:.2f} s, against "
          f"{auto_tasks} tasks)")
    print(f"per file on one worker: {file_seconds * 1000:.1f} ms, "
          f"{size / COUNT / file_seconds / 1e6:.0f} MB/s of input")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
