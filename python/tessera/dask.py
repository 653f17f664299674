"""tessera on Dask: a batch spread over a cluster's workers, with nothing lost or done twice when
a worker dies.

    from dask.distributed import Client
    import tessera.dask as td
    client = Client("tcp://scheduler:8786")        # or Client(LocalCluster(...))
    report = td.batch("photos/", "edges/", "gray | blur 5 | canny 50 150 | rgb", client=client)
    print(report["totals"])                          # the schema of `tessera batch --report`
    bag = td.to_bag("photos/", "edges/", "resize 50%")   # a dask.bag of per-file result dicts
    arr = td.imread("huge.tif", chunks=4096)       # a dask.array, chunks decoded by region
    blurred = td.map_pipeline(arr, "blur 5")       # chunk by chunk, equal to the whole image's

How it runs. The driver walks the input once and cuts the files into groups; each group is one
Dask task, which runs tessera.batch on its files on the worker (one file at a time per worker
thread) and returns one small record per file, never pixels. A file that fails (corrupt, too big
for the budget, ...) is a record with its reason, inside the task; the task goes on.

Memory. Each task runs under a budget derived from its worker, so that the worker stays below
Dask's thresholds (spill at 70% of its memory limit, pause at 80%, the nanny's kill at 95%):

    B = (0.7 * L - R0) / T

L is the worker's memory limit (`memory_limit`), T its threads (tasks at once), R0 its RSS when
the task starts (with T > 1, the lowest seen at a task's start on that worker, since the other
threads' tasks are running then). tessera's buffers are memory Dask cannot spill, so this
budget, not Dask, is what keeps the worker alive: a file whose estimate does not fit fails as
OutOfBudget with its estimate, before it is decoded, and the worker is not touched.

Exactly once, on an engine that runs a task at least once (a worker's death reruns its tasks,
and finished ones whose results it held). Every output is written under a temporary name and
renamed when complete (tessera's own writer), then fsynced, so an output that exists is
complete. Each task keeps a journal in the output folder (`.tessera-dask-<key>.journal`, one
line per finished file); a rerun of the task in the same run reuses the journal's records,
removes the temporaries its dead attempt left, and does only the rest. Task keys are a hash of
the files, the pipeline and the options, so a batch submitted twice at once is computed once.
Results are taken with `as_completed` and released as they come. A task whose worker died
too often (Dask's KilledWorker) does not end the run: its files not in its journal fail with
code "KilledWorker" and the reason.

The parts: _dask_plan.py (the driver's plan: files, groups, keys), _dask_task.py (a task on its
worker: budget, tessera.batch, records), _dask_journal.py (exactly once: the journal, outputs
finished by dead attempts, their temporaries, a run's stop mark), _dask_report.py (the report,
JSON or its page), _dask_array.py (imread and map_pipeline); this file drives the run: its
tasks as they come back, and its wind-down on Ctrl-C.
"""

import collections
import errno as _errno
import logging
import os
import time
import uuid

from ._dask_journal import (_journal_path, _output_path, _read_journal, _recovered,
                            _remove_journal, _remove_temporaries, _written_since,
                            driver_identity, remove_stop, request_stop, sweep_stale)
from ._dask_plan import _File, _key, _plan
from ._dask_report import build_report, check_report_path, write_report
from ._dask_task import _failed, _filled, _run_task, task_budget
from ._dask_array import imread, map_pipeline

__all__ = ["batch", "to_bag", "task_budget", "imread", "map_pipeline", "Interrupted"]


# --- the driver -----------------------------------------------------------------------------------

def _client_of(client):
    import distributed
    if client is None:
        try:
            return distributed.get_client()
        except ValueError:
            raise ValueError("tessera.dask.batch needs a Dask cluster: pass client=Client(...) "
                             "(a scheduler's address such as \"tcp://host:8786\", or a "
                             "LocalCluster), or make a Client first") from None
    if not isinstance(client, distributed.Client):
        raise TypeError(f"client is a dask.distributed.Client, not a {type(client).__name__}")
    return client


def _threads_of(client):
    workers = client.scheduler_info(n_workers=-1)["workers"]
    return max(1, sum(worker["nthreads"] for worker in workers.values()))


def _usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _core_shares(client):
    """The cores each task thread may use, by host: the host's cores over all the worker
    threads on it. tessera spreads a file's ops over every core of the machine unless told
    otherwise, and two workers on one machine, each doing so, oversubscribe it."""
    workers = client.scheduler_info(n_workers=-1)["workers"]
    threads = collections.Counter()
    for address, worker in workers.items():
        threads[worker["host"]] += worker["nthreads"]
    cores = {workers[address]["host"]: count
             for address, count in client.run(_usable_cores).items() if address in workers}
    return {host: max(1, cores[host] // threads[host]) for host in threads if host in cores}


def _lost(task, run, failure, alone):
    """The records of a task that ended in an exception rather than a result: KilledWorker
    (its worker died `allowed-failures` times, e.g. killed by the OS), or a failure of the task
    itself. The files its journal holds were done, and so were those whose output a dead
    attempt wrote after the journal began; the rest fail with the reason, and their
    temporaries are removed. Unless `alone` is False: then the rest are returned as the second
    value, to be tried again each in a task of its own, so that one file that kills its worker
    (memory=None and a file too big, a decoder crash) fails alone rather than with its group.
    A task of one file that never began (no journal of this run) was charged with the death of
    a worker it only waited on (Dask counts a death against every task the worker held): it is
    tried again, up to three times, rather than failed for another file's doing."""
    output = task["output"]
    code = type(failure).__name__
    records, unfinished, began = _journaled(task, run)
    if not began and alone and code == "KilledWorker" and task.get("again", 0) < 3:
        return [], [{**task, "again": task.get("again", 0) + 1,
                     "key": f"{task['key']}-again-{task.get('again', 0) + 1}"}]
    message = (f"its task {task['key']} did not finish: {failure}" if code != "KilledWorker" else
               f"the workers running its task {task['key']} died (killed by the OS or by "
               f"Dask's nanny, e.g. for memory, or crashed) as many times as Dask allows "
               f"(distributed.scheduler.allowed-failures): {failure}")
    _remove_temporaries(_output_path(output, name, task["format"]) for name, _, _ in unfinished)
    if not alone and unfinished:
        return records, [_alone(task, file) for file in unfinished]
    return records + [_failed(shown_input, code, message) for _, shown_input, _ in unfinished], []


def _alone(task, file):
    """A task of one file of `task`, keyed as the plan keys its groups."""
    group = [_File(task["root"], file[0], file[1], file[2])]
    options = {option: task[option] for option in ("memory", "resume", "format", "recursive",
                                                   "encode")}
    return {**task, "files": [file],
            "key": _key("batch", group, task["output"], task["pipeline"], options)}


class Interrupted(KeyboardInterrupt):
    """td.batch stopped by Ctrl-C (or by a KeyboardInterrupt raised in its thread): no task
    started after it, the files in flight finished, and `report` is the run's report so far
    (status "interrupted", written to report= as well). A KeyboardInterrupt, so that code
    which stops on Ctrl-C stops on it."""

    def __init__(self, report):
        super().__init__("the batch was interrupted: outputs that exist are complete (run "
                         "again with resume=True for the rest)")
        self.report = report


# The runs this process drives now: the sweep at a run's start leaves their marks alone.
_live_runs = set()
_log = logging.getLogger("tessera.dask")


def batch(input, output, pipeline=None, *, client=None, memory="auto", files_per_task="auto",
          resume=False, format="", recursive=False, report=None, progress=None,
          **encode_options):
    """Runs a folder (or a file listing paths, or a list of paths) through a pipeline into the
    folder `output` on a Dask cluster, and returns the run's report: a dict with the schema of
    `tessera batch --report` ("kind", "files": one record per input, "totals", "status", ...)
    and a "dask" section (workers, tasks, budgets, reruns). `report="run.json"` also writes it
    there (`"run.html"`: the page `tessera report` draws of it).

        report = td.batch("photos/", "edges/", "gray | blur 5 | canny 50 150 | rgb",
                          client=client, quality=90)
        failed = [f for f in report["files"] if f["status"] == "FAILED"]

    client: a distributed.Client (default: the current one). memory: "auto", a budget per task
    of (0.7 * memory_limit - worker RSS) / worker threads; a size per task ("256M"); or None.
    files_per_task: "auto" (about a second of work per task, at least four tasks per worker
    thread) or a number. resume: outputs that exist are kept (SKIPPED), as `--resume`;
    otherwise outputs left by an earlier run are replaced. Other keyword arguments are encode
    options (quality=90, ...). progress: called as progress(records, total, seconds) each time
    a task's files are in (records: every file record so far). Every input ends DONE, FAILED
    (with its reason) or SKIPPED once, whatever workers die; see the module's docstring for how.

    Ctrl-C: no task starts after it, the tasks running stop after their file in flight, whose
    output is complete (a second Ctrl-C leaves at once), and td.Interrupted (a
    KeyboardInterrupt) is raised with the report so far (status "interrupted").

    From a shell, with the options of `tessera batch`:
        python3 -m tessera.dask IN OUT -p "resize 50%" --scheduler tcp://host:8786
    """
    client = _client_of(client)
    check_report_path(report)
    threads = _threads_of(client)
    exclude = [os.fspath(report), os.fspath(report) + ".part"] if report is not None else []
    tasks = _plan("batch", input, output, pipeline, memory, files_per_task, resume, format,
                  recursive, encode_options, threads, exclude)
    output_folder = tasks[0]["output"] if tasks else os.path.abspath(output)
    # What runs over before left here (a driver killed, or left by a second Ctrl-C).
    sweep_stale(output_folder, _live_runs)
    run = uuid.uuid4().hex  # what tells a rerun of a task in this run from an earlier run's
    driver = driver_identity()
    started = time.monotonic()
    shares = _core_shares(client)
    t0 = time.time()  # the start on the wall clock, which the workers' clocks share
    for task in tasks:
        # Not in the key: the same work whatever the cluster's shape, the driver or the time.
        task["cores"], task["driver"], task["t0"] = shares, driver, t0
    by_key = {task["key"]: task for task in tasks}
    total = sum(len(task["files"]) for task in tasks)
    state = _RunState(run, by_key, total, started, progress)
    _live_runs.add(run)
    stopped_by = None
    try:
        try:
            state.run(client)
        except BaseException as caught:  # Ctrl-C, or an exception from progress()
            stopped_by = caught
        if stopped_by is not None or state.status == "output_full":
            # No task starts; those running stop after their file; the journals are read.
            state.wind_down(client, output_folder, driver,
                            waiting=stopped_by is not None or state.status != "output_full")
    finally:
        _live_runs.discard(run)
    status = "interrupted" if stopped_by is not None else state.status
    summary = build_report(input, output, pipeline, memory, files_per_task, resume, format,
                           recursive, encode_options, client, threads, tasks, state.files,
                           state.results, state.timeline, status, time.monotonic() - started)
    summary["dask"]["left_at_once"] = state.left_at_once
    if report is not None:
        write_report(report, summary)
    if isinstance(stopped_by, KeyboardInterrupt):
        raise Interrupted(summary) from stopped_by
    if stopped_by is not None:
        raise stopped_by
    return summary


class _RunState:
    """A run's tasks as they come back: the file records, the tasks' results, the timeline."""

    def __init__(self, run, by_key, total, started, progress):
        self.run_id, self.by_key, self.total = run, by_key, total
        self.started, self.progress = started, progress
        self.files, self.results, self.timeline = [], [], []
        self.finished = set()  # keys of the tasks whose records are in
        self.status = "complete"
        self.pending = None
        self.left_at_once = 0  # tasks left running by a second Ctrl-C

    def run(self, client):
        from distributed import as_completed
        futures = client.map(_run_task, list(self.by_key.values()), run=self.run_id,
                             key=list(self.by_key))
        self.pending = as_completed(futures)
        del futures  # only as_completed holds them: each is released once taken
        for future in self.pending:
            self._take(client, future)
            if self.status == "output_full":
                break  # batch() winds the run down

    def _take(self, client, future, retry=True):
        task = self.by_key[future.key]
        try:
            # (A result lost with its worker between the yield and here is computed again,
            # and waited for.)
            result = future.result()
        except Exception as failure:  # KilledWorker, or the task's own failure
            records, again = _lost(task, self.run_id, failure,
                                   alone=len(task["files"]) == 1 and retry)
            for extra in again if retry else ():  # each file not finished, in a task of its own
                self.by_key[extra["key"]] = extra
                self.pending.add(client.submit(_run_task, extra, run=self.run_id,
                                               key=extra["key"]))
        else:
            records = _filled(task, result)
            self.results.append(result)
            if (result["error"] or {}).get("errno") == _errno.ENOSPC:
                self.status = "output_full"  # every other file would fail the same way
            self.timeline.append({"seconds": time.monotonic() - self.started,
                                  "files_finished": len(self.files) + len(records),
                                  "files_processed": self._processed(records),
                                  "files_done": self._done(records),
                                  "tracked_bytes": result["tracked_bytes"],
                                  "rss_bytes": result["rss_bytes"], "in_flight": []})
        future.release()
        _remove_journal(task["output"], task["key"])
        self._add(task["key"], records)

    def _processed(self, records):
        return sum(r["status"] != "SKIPPED" for r in self.files + records)

    def _done(self, records):
        return sum(r["status"] == "DONE" for r in self.files + records)

    def _add(self, key, records):
        self.finished.add(key)
        self.files += records
        if self.progress is not None and records:
            self.progress(self.files, self.total, time.monotonic() - self.started)

    def wind_down(self, client, output, driver, waiting=True):
        """After Ctrl-C (or an exception from progress(), or a full output device): no task
        starts (those queued are cancelled, those begun see the stop mark after their file in
        flight), the running ones are waited for unless Ctrl-C comes again, and the records of
        every task that did not return are read from its journal."""
        request_stop(output, self.run_id, driver)
        self.progress = None  # it may be what raised
        left_at_once = False
        if self.pending is not None:
            try:
                processing = set()
                for keys in client.processing().values():
                    processing.update(keys)
                taken = list(self.pending.futures)
                queued = [f for f in taken if f.key not in processing]
                running = len(taken) - len(queued)
                client.cancel(queued)
                if running and waiting:
                    _log.warning("interrupted: no task starts from now; waiting for the %d "
                                 "task(s) on the workers to finish their file in flight "
                                 "(Ctrl-C again to leave at once)", running)
                for future in self.pending:
                    if future.cancelled():
                        continue
                    self._take(client, future, retry=False)
            except KeyboardInterrupt:
                left_at_once = True
                self.left_at_once = len(self.pending.futures)
                client.cancel(list(self.pending.futures))
        for key, task in self.by_key.items():
            if key in self.finished:
                continue
            records, _, _ = _journaled(task, self.run_id)
            _remove_journal(task["output"], key)
            self._add(key, records)
        if not left_at_once:
            # Left otherwise, so that tasks still running stop after their file (the next
            # run in this folder removes it).
            remove_stop(output, self.run_id)


def _journaled(task, run):
    """What a task that did not return left, from its journal in this run: the records of the
    files it finished and of those whose output it wrote after its journal began, the files it
    did not finish, and whether it began at all (no journal of this run: nothing done)."""
    journal_run, started_ns, journaled = _read_journal(_journal_path(task["output"],
                                                                     task["key"]))
    began = journal_run == run
    records, unfinished = [], []
    for file in task["files"]:
        name, shown_input, _ = file
        if began and name in journaled:
            records.append(journaled[name])
        elif began and _written_since(_output_path(task["output"], name, task["format"]),
                                      started_ns):
            records.append(_recovered(task, name, shown_input))
        else:
            unfinished.append(file)
    return records, unfinished, began


def _bag_partition(task):
    """A bag's partition: one task's records. The task's journal is its own (run = its key)
    and removed when it ends: a bag has no driver to do it."""
    return _filled(task, _run_task(task, task["key"], own_journal=True))


def to_bag(inputs, output, pipeline=None, *, memory="auto", files_per_task="auto",
           resume=False, format="", recursive=False, **encode_options):
    """The same batch as a dask.bag of per-file result dicts (the report's "files" records),
    for composing with other Dask work: nothing runs until it is computed.

        bag = td.to_bag("photos/", "thumbs/", "resize 500x")
        failed = bag.filter(lambda r: r["status"] == "FAILED").compute()

    inputs: a folder, a file listing paths, or a list of paths (each output named by the path
    as a list given to `tessera batch` names it). The options are td.batch's. Each partition is
    one task with a deterministic key, exactly-once outputs and its budget; but a task whose
    workers die too often ends the compute with KilledWorker, as in any bag: td.batch records
    that against the files instead.
    """
    import dask
    import dask.bag as db
    try:
        threads = _threads_of(_client_of(None))
    except ValueError:
        threads = os.cpu_count() or 1  # computed without a cluster (the threaded scheduler)
    tasks = _plan("bag", inputs, output, pipeline, memory, files_per_task, resume, format,
                  recursive, encode_options, threads)
    if not tasks:
        return db.from_sequence([], npartitions=1)
    return db.from_delayed([dask.delayed(_bag_partition, pure=True)(task,
                                                                    dask_key_name=task["key"])
                            for task in tasks])


if __name__ == "__main__":
    from ._dask_cli import main
    raise SystemExit(main())
