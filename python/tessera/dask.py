"""tessera on Dask: a batch spread over a cluster's workers, with nothing lost or done twice when
a worker dies.

    from dask.distributed import Client
    import tessera.dask as td
    client = Client("tcp://scheduler:8786")        # or Client(LocalCluster(...))
    report = td.batch("photos/", "edges/", "gray | blur 5 | canny 50 150 | rgb", client=client)
    print(report["totals"])                          # the schema of `tessera batch --report`
    bag = td.to_bag("photos/", "edges/", "resize 50%")   # a dask.bag of per-file result dicts

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
"""

import collections
import errno as _errno
import hashlib
import json
import os
import resource
import queue
import sys
import tempfile
import threading
import time
import uuid

import tessera

__all__ = ["batch", "to_bag", "task_budget"]

# Dask's own thresholds sit at 70% (spill), 80% (pause) and 95% (kill) of a worker's memory
# limit: tessera's buffers, which Dask cannot spill, are kept under the first.
WORKER_MEMORY_FRACTION = 0.7

# "auto" groups aim at about this much work per task: Dask costs ~1.5 ms per task here and
# gives no speed-up below ~100 ms of work (docs), while larger groups lose more to a worker's
# death and balance worse at the end of the run.
TASK_SECONDS = 1.0
# Input bytes a worker thread goes through per second on the seed batch (1920x1080 JPEGs through
# `gray | blur 5 | canny 50 150 | rgb`, measured by bench/dask_bench.py): how "auto" turns
# file sizes into seconds before any file has run. A pipeline that is slower per byte makes
# longer tasks; files_per_task= fixes the group size instead.
BYTES_PER_SECOND = 40e6
# And at least this many tasks per worker thread, so that the last ones end together.
TASKS_PER_THREAD = 4

_JOURNAL_PREFIX = ".tessera-dask-"
_TEMPORARY_MARKER = ".tessera-"  # tessera's writer: ".NAME.tessera-XXXXXX" beside NAME
_TEMPORARY_RANDOM = 6


# --- the plan: which files, in which groups, under which keys (on the driver) ------------------

class _File(collections.namedtuple("_File", "root name shown listed")):
    """One input: `name` relative to the absolute folder `root` (what tessera.batch(files=)
    takes, and what the output mirrors), `shown` as the user wrote it (the report's "input"),
    `listed` when named in a list (a file that is not an image then fails rather than being
    skipped, as in `tessera batch`)."""


def _walk(folder, recursive, exclude):
    """A folder's files as `tessera batch` walks them: hidden entries passed over, subfolders
    only when recursive, regular files and dangling links (which then fail with their
    reason)."""
    names = []
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(folder, relative)))
        except PermissionError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            name = os.path.join(relative, entry.name)
            if entry.is_dir():
                if recursive:
                    pending.append(name)
                continue
            dangling = entry.is_symlink() and not os.path.exists(entry.path)
            if not dangling and not entry.is_file():
                continue  # sockets, fifos
            if os.path.realpath(entry.path) in exclude:
                continue
            names.append(name)
    names.sort()  # the same groups, so the same keys, every time the folder is planned
    return names


def _listed(path):
    """A listed path as tessera names its output: a relative one keeps its folders without any
    leading "..", an absolute one keeps its file name. Returns the folder the name is relative
    to (absolute: workers have other working directories) and the name."""
    if os.path.isabs(path):
        return os.path.dirname(os.path.normpath(path)), os.path.basename(path)
    parts = os.path.normpath(path).split(os.sep)
    ups = 0
    while ups < len(parts) and parts[ups] == "..":
        ups += 1
    if ups == len(parts):
        return os.path.abspath(os.path.dirname(path) or "."), os.path.basename(path)
    return os.path.abspath(os.path.join(*([os.curdir] + parts[:ups]))), os.path.join(*parts[ups:])


def _inputs(input, recursive, exclude):
    """The batch's inputs as _Files, from a folder, a file listing paths, or a list of paths."""
    if isinstance(input, (list, tuple)):
        lines = [os.fspath(p) for p in input]
        if any(not isinstance(p, str) for p in lines):
            raise TypeError("a list of inputs holds paths as str or os.PathLike")
    elif isinstance(input, (str, bytes, os.PathLike)):
        path = os.fsdecode(input)
        if path == "-":
            raise ValueError("tessera.dask takes a folder, a file listing paths or a list of "
                             "paths, not '-': standard input cannot be handed to workers; "
                             "read it into a list first")
        if not os.path.exists(path):
            raise FileNotFoundError(_errno.ENOENT,
                                    "batch input not found: give a folder, a file listing "
                                    "paths, or a list of paths", path)
        if os.path.isdir(path):
            root = os.path.abspath(path)
            return [_File(root, name, os.path.join(path, name), False)
                    for name in _walk(root, recursive, exclude)]
        if _is_image(path):
            raise ValueError(f"batch input '{path}' is an image, not a folder or a list of "
                             f"paths: for one image use tessera.convert")
        with open(path, encoding="utf-8", errors="surrogateescape") as listing:
            lines = [line.strip(" \t\r\n") for line in listing]
        lines = [line for line in lines if line and not line.startswith("#")]
    else:
        raise TypeError(f"the input is a folder, a file listing paths (one per line) or a list "
                        f"of paths, not a {type(input).__name__}")
    files, seen = [], set()
    for line in lines:
        if os.path.normpath(line) in seen:
            continue  # listed twice, however spelled: taken once
        seen.add(os.path.normpath(line))
        root, name = _listed(line)
        files.append(_File(root, name, line, True))
    return files


def _is_image(path):
    try:
        with tessera.open(path):
            return True
    except (tessera.Error, OSError):
        return False


def _groups(files, files_per_task, threads):
    """Consecutive files of one folder, cut into tasks: `files_per_task` each, or for "auto",
    about TASK_SECONDS of work each (from their sizes) and at least TASKS_PER_THREAD tasks per
    worker thread."""
    if files_per_task == "auto":
        most = max(1, -(-len(files) // (TASKS_PER_THREAD * max(1, threads))))
        target_bytes = BYTES_PER_SECOND * TASK_SECONDS
    else:
        most, target_bytes = files_per_task, float("inf")
    groups, group, group_bytes = [], [], 0
    for file in files:
        if group and (file.root != group[0].root or len(group) >= most or
                      group_bytes >= target_bytes):
            groups.append(group)
            group, group_bytes = [], 0
        group.append(file)
        try:
            group_bytes += os.stat(os.path.join(file.root, file.name)).st_size
        except OSError:
            pass  # a dangling link: it fails with its reason in the task
    if group:
        groups.append(group)
    return groups


def _check(input, output, pipeline, memory, files_per_task, format, encode_options):
    """Wrong arguments are errors on the driver, before any task: the same checks tessera.batch
    makes (the pipeline's text, the format, each encode option), run on an empty folder."""
    if not isinstance(output, (str, bytes, os.PathLike)):
        raise TypeError(f"output is a folder's path (made if missing), not a "
                        f"{type(output).__name__}")
    if pipeline is not None and not isinstance(pipeline, str):
        raise TypeError(f"pipeline is the pipeline's text, e.g. \"gray | blur 5\", not a "
                        f"{type(pipeline).__name__}")
    if not (memory in ("auto", None) or isinstance(memory, (int, str))) or isinstance(memory, bool):
        raise TypeError(f"memory is \"auto\" (a budget per task from its worker), None (no "
                        f"budget) or a size per task such as \"256M\", not {memory!r}")
    if files_per_task != "auto" and (not isinstance(files_per_task, int) or
                                     isinstance(files_per_task, bool) or files_per_task < 1):
        raise ValueError(f"files_per_task is \"auto\" or a whole number of files, 1 or more, "
                         f"not {files_per_task!r}")
    if os.path.isfile(output):
        raise ValueError(f"output '{os.fsdecode(output)}' is a file, not a folder: give a "
                         f"folder (it is made if missing)")
    with tempfile.TemporaryDirectory(prefix="tessera-dask-check-") as scratch:
        os.mkdir(os.path.join(scratch, "in"))
        budget = None if memory in ("auto", None) else memory
        for _ in tessera.batch(os.path.join(scratch, "in"), os.path.join(scratch, "out"),
                               pipeline, jobs=1, memory=budget, format=format, **encode_options):
            pass


def _refuse_output_among_inputs(input, output, recursive):
    if not isinstance(input, (str, bytes, os.PathLike)) or not os.path.isdir(input):
        return
    folder, out = os.path.realpath(input), os.path.realpath(output)
    if out == folder or (recursive and out.startswith(folder + os.sep)):
        where = "the input folder" if out == folder else "inside the input folder"
        raise ValueError(f"the output folder '{os.fsdecode(output)}' is {where}: outputs would "
                         f"be taken as inputs or replace them; choose another output folder")


def _key(kind, group, output, pipeline, options):
    """Deterministic: the same files, output, pipeline and options give the same key, so Dask
    computes a batch submitted twice at once only once."""
    text = json.dumps([kind, [[f.root, f.name] for f in group], os.path.abspath(output), pipeline,
                       options], sort_keys=True, default=str)
    return f"tessera-{kind}-{hashlib.sha256(text.encode('utf-8', 'surrogateescape')).hexdigest()[:32]}"


def _plan(kind, input, output, pipeline, memory, files_per_task, resume, format, recursive,
          encode_options, threads, exclude=()):
    _check(input, output, pipeline, memory, files_per_task, format, encode_options)
    _refuse_output_among_inputs(input, output, recursive)
    files = _inputs(input, recursive, {os.path.realpath(p) for p in exclude})
    options = {"memory": memory, "resume": resume, "format": format, "recursive": recursive,
               "encode": encode_options}
    tasks = []
    for group in _groups(files, files_per_task, threads):
        tasks.append({"key": _key(kind, group, output, pipeline, options),
                      "root": group[0].root,
                      "files": [[f.name, f.shown, f.listed] for f in group],
                      "output": os.path.abspath(output), "shown_output": os.fspath(output),
                      "pipeline": pipeline, **options})
    return tasks


# --- a task, on a worker ------------------------------------------------------------------------

_lowest_rss_at_start = None


def _rss():
    try:
        import psutil
        return psutil.Process().memory_info().rss
    except Exception:  # no psutil: /proc
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss():
    """This process's peak RSS. On Linux from VmHWM: getrusage's ru_maxrss survives exec, so a
    worker spawned by a large process would report that process's peak as its own."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def task_budget(memory="auto"):
    """The budget a task running now on this worker gets, in bytes (None: no budget), and how
    it was reached: B = (0.7 * L - R0) / T for memory="auto" (see the module's docstring); a size
    ("256M", or bytes) is taken as it is. Outside a Dask worker, or on a worker without a memory
    limit, "auto" is no budget."""
    global _lowest_rss_at_start
    if memory is None:
        return None, "no budget (memory=None)"
    if memory != "auto":
        return memory, f"memory={memory!r} per task"
    try:
        from distributed import get_worker
        worker = get_worker()
    except (ImportError, ValueError):
        return None, "no budget (not on a Dask worker)"
    limit = worker.memory_manager.memory_limit
    if not limit:
        return None, "no budget (the worker has no memory limit)"
    threads = max(1, worker.state.nthreads)
    rss = _rss()
    if threads > 1:
        _lowest_rss_at_start = min(rss, _lowest_rss_at_start or rss)
        rss = _lowest_rss_at_start
    budget = max(1, int((WORKER_MEMORY_FRACTION * limit - rss) / threads))
    return budget, (f"(0.7 x {limit} - {rss}) / {threads} = {budget} bytes per task "
                    f"(memory_limit, RSS, threads)")


class _Journal:
    """A task's finished files, one JSON line each, in the output folder: a rerun of the task in
    the same run (its worker died) reuses them. Flushed line by line, which a killed process
    cannot undo (the kernel holds what was written). Its second line is the time its first
    attempt began, on the output file system's clock: an output written after it and not in
    the journal was finished by a dead attempt that did not live to say so.

    A done file's line is written once its output is fsynced. The fsyncs (4 ms a file on this
    machine's disk, a third of a seed file's work) run on a thread of the journal's own, while
    the task's thread computes the next file; close() waits for them."""

    def __init__(self, output, key, run):
        self.path = _journal_path(output, key)
        found_run, self.started_ns, self.records = _read_journal(self.path)
        self.rerun = found_run == run
        if not self.rerun:  # none, or another run's: this attempt starts it afresh
            self.records = {}
            os.makedirs(output, exist_ok=True)
            with open(self.path, "w", encoding="utf-8") as fresh:
                fresh.write(json.dumps({"run": run}) + "\n")
            self.started_ns = os.stat(self.path).st_mtime_ns
            with open(self.path, "a", encoding="utf-8") as fresh:
                fresh.write(json.dumps({"started_ns": self.started_ns}) + "\n")
        self._file = open(self.path, "a", encoding="utf-8")
        self._queue = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write, name="tessera-journal", daemon=True)
        self._writer.start()

    def add(self, name, record, written=None):
        """Journals `record`, after fsyncing the output `written` if given. A failed fsync
        makes the record a failure (Io): the output may not be on disk."""
        self._queue.put((name, record, written))

    def _write(self):
        while (entry := self._queue.get()) is not None:
            name, record, written = entry
            if written is not None:
                try:
                    _fsync(written)
                except OSError as failure:
                    record.pop("output_width", None)
                    record.pop("output_height", None)
                    record.update(status="FAILED", error={
                        "code": "Io", "message": f"cannot fsync the output: {failure.strerror}"})
            self._file.write(json.dumps({"name": name, "record": record}) + "\n")
            self._file.flush()

    def close(self):
        self._queue.put(None)
        self._writer.join()
        self._file.close()


def _read_journal(path):
    """(run, started_ns, records by input name) of a journal; (None, None, {}) if none."""
    run, started_ns, records = None, None, {}
    try:
        with open(path, encoding="utf-8") as journal:
            lines = journal.read().split("\n")
    except OSError:
        return run, started_ns, records
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # the last line, cut by the kill
        if "run" in entry:
            run = entry["run"]
        elif "started_ns" in entry:
            started_ns = entry["started_ns"]
        elif "name" in entry:
            records[entry["name"]] = entry["record"]
    return run, started_ns, records


def _journal_path(output, key):
    return os.path.join(output, f"{_JOURNAL_PREFIX}{key}.journal")


def _written_since(path, started_ns):
    """Whether the output `path` exists and was written after `started_ns`: by an attempt of
    this task in this run (an earlier run's is older). It is complete, being there."""
    try:
        return started_ns is not None and os.stat(path).st_mtime_ns >= started_ns
    except OSError:
        return False


def _recovered(task, name, shown_input):
    """The record of a file a dead attempt finished without journaling it: what a DONE record
    holds, from the files' headers (the time it took died with the attempt)."""
    output = task["output"]
    path, written = os.path.join(task["root"], name), _output_path(output, name, task["format"])
    record = {"input": shown_input,
              "output": os.path.join(task["shown_output"], os.path.relpath(written, output)),
              "status": "DONE", "seconds": 0.0,
              "input_bytes": os.stat(path).st_size, "output_bytes": os.stat(written).st_size}
    try:
        with tessera.open(path) as source, tessera.open(written) as result:
            turned = source.orientation in (5, 6, 7, 8)
            record["width"] = source.height if turned else source.width
            record["height"] = source.width if turned else source.height
            record["output_width"], record["output_height"] = result.width, result.height
    except (tessera.Error, OSError):
        pass  # the sizes are unknown; the output is there and complete
    return record


def _output_path(output, name, format):
    """Where tessera.batch writes a file's output (batch.cpp's output_for)."""
    path = os.path.join(output, name)
    stem, extension = os.path.splitext(path)
    if format:
        return stem + "." + format.lstrip(".")
    return stem + ".png" if extension.lower() == ".gif" else path


def _remove_temporaries(outputs):
    """Removes the temporaries a dead attempt left under these outputs' names
    (".NAME.tessera-XXXXXX" beside NAME), and no other: another run's look the same."""
    by_folder = collections.defaultdict(set)
    for output in outputs:
        by_folder[os.path.dirname(output)].add(os.path.basename(output))
    for folder, names in by_folder.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            at = entry.name.rfind(_TEMPORARY_MARKER)
            if (entry.name.startswith(".") and at > 1 and
                    at + len(_TEMPORARY_MARKER) + _TEMPORARY_RANDOM == len(entry.name) and
                    entry.name[1:at] in names):
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass  # gone already


def _fsync(path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _record(result, shown_input, output, shown_output, listed):
    """A tessera.BatchResult as the report's "files" entry (batch_report.cpp's schema)."""
    status, code, message = result.status, result.code, result.error
    if listed and status == "SKIPPED" and result.reason == "not an image":
        # Named explicitly, as in a list given to `tessera batch`: a failure.
        status, code, message = "FAILED", "UnsupportedFormat", "not an image"
    record = {"input": shown_input,
              "output": (os.path.join(shown_output, os.path.relpath(result.output, output))
                         if result.output else None),
              "status": status, "seconds": result.seconds,
              "input_bytes": result.input_bytes, "output_bytes": result.output_bytes}
    if result.width > 0:
        record["width"], record["height"] = result.width, result.height
    if status == "DONE":
        record["output_width"] = result.output_width
        record["output_height"] = result.output_height
    if result.warnings:
        record["warnings"] = list(result.warnings)
    if code:
        record["error"] = {"code": code, "message": message}
    if status == "SKIPPED":
        record["reason"] = result.reason
    return record


def _core_share(task):
    """This worker's share of its host's cores per task (0: all, when unknown)."""
    try:
        from distributed import get_worker
        return task.get("cores", {}).get(get_worker().ip, 0)
    except (ImportError, ValueError):
        return 0


def _run_task(task, run, own_journal=False):
    """One group of files, start to end, on a worker. Returns small records only; never raises
    for a file (each failure is its record) nor for the group (a failure of tessera.batch itself,
    such as a full output device, is the "error" of the result, with the files it did not
    reach)."""
    started = time.monotonic()
    budget, budget_text = task_budget(task["memory"])
    output = task["output"]
    journal = _Journal(output, task["key"], run)
    shown = {name: (shown_input, listed) for name, shown_input, listed in task["files"]}
    records, todo = [], []
    for name, shown_input, _ in task["files"]:
        if name in journal.records:
            records.append(journal.records[name])
        elif journal.rerun and _written_since(_output_path(output, name, task["format"]),
                                              journal.started_ns):
            # Exists, so done: by the dead attempt, after its journal began.
            record = _recovered(task, name, shown_input)
            journal.add(name, record)
            records.append(record)
        else:
            todo.append(name)
    if journal.rerun:
        # The dead attempt's temporaries (tessera.batch removes them itself only when resuming).
        _remove_temporaries(_output_path(output, name, task["format"]) for name in todo)
    live_before = tessera.memory.counters()["live_bytes"]
    error = None
    try:
        for result in () if not todo else tessera.batch(
                task["root"], output, task["pipeline"], jobs=1, cores=_core_share(task),
                memory=budget,
                format=task["format"], resume=task["resume"], recursive=task["recursive"],
                files=todo, **task["encode"]):
            name = os.path.relpath(result.input, task["root"])
            shown_input, listed = shown.get(name, (result.input, False))
            record = _record(result, shown_input, output, task["shown_output"], listed)
            # On disk before the journal says it is done.
            journal.add(name, record, result.output if record["status"] == "DONE" else None)
            records.append(record)
    except Exception as failure:  # the run itself (tessera.Io for a full device, ...)
        error = {"code": getattr(failure, "code", None) or type(failure).__name__,
                 "message": str(failure), "errno": getattr(failure, "errno", None)}
    finally:
        journal.close()
    threads = 1
    worker_address = None
    try:
        from distributed import get_worker
        worker = get_worker()
        threads, worker_address = worker.state.nthreads, worker.address
    except (ImportError, ValueError):
        pass
    if own_journal and error is None:
        os.unlink(journal.path)
    counters = tessera.memory.counters()
    return {"key": task["key"], "records": records, "error": error,
            "worker": worker_address, "pid": os.getpid(),
            "budget_bytes": budget, "budget": budget_text,
            "rerun": journal.rerun, "seconds": time.monotonic() - started,
            "rss_bytes": _rss(), "peak_rss_bytes": _peak_rss(),
            "tracked_bytes": counters["live_bytes"],
            "peak_tracked_bytes": counters["peak_bytes"],
            # Only one task at a time on the worker tells this task's leak from another's work.
            "leaked_bytes": (max(0, counters["live_bytes"] - live_before)
                             if threads == 1 else 0)}


def _filled(task, result):
    """The task's records, with a failure record for each file it did not reach when the run
    itself failed (result["error"]), so that every file is in the report once."""
    records = list(result["records"])
    if result["error"] is not None:
        reached = {record["input"] for record in records}
        records += [_failed(shown_input, result["error"]["code"], result["error"]["message"])
                    for _, shown_input, _ in task["files"] if shown_input not in reached]
    return records


def _failed(shown_input, code, message):
    return {"input": shown_input, "output": None, "status": "FAILED", "seconds": 0.0,
            "input_bytes": 0, "output_bytes": 0, "error": {"code": code, "message": message}}


def _remove_journal(output, key):
    try:
        os.unlink(_journal_path(output, key))
    except FileNotFoundError:
        pass


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


def _lost(task, run, failure):
    """The records of a task that ended in an exception rather than a result: KilledWorker
    (its worker died `allowed-failures` times, e.g. killed by the OS), or a failure of the task
    itself. The files its journal holds were done, and so were those whose output a dead
    attempt wrote after the journal began; the rest fail with the reason, and their
    temporaries are removed."""
    output = task["output"]
    journal_run, started_ns, journaled = _read_journal(_journal_path(output, task["key"]))
    if journal_run != run:
        started_ns, journaled = None, {}  # an earlier run's, or none
    code = type(failure).__name__
    message = (f"its task {task['key']} did not finish: {failure}" if code != "KilledWorker" else
               f"the workers running its task {task['key']} died (killed by the OS or by "
               f"Dask's nanny, e.g. for memory, or crashed) as many times as Dask allows "
               f"(distributed.scheduler.allowed-failures): {failure}")
    records, failed = [], []
    for name, shown_input, _ in task["files"]:
        if name in journaled:
            records.append(journaled[name])
        elif _written_since(_output_path(output, name, task["format"]), started_ns):
            records.append(_recovered(task, name, shown_input))
        else:
            records.append(_failed(shown_input, code, message))
            failed.append(_output_path(output, name, task["format"]))
    _remove_temporaries(failed)
    return records


def _thinned(samples, most=1024):
    step = -(-len(samples) // most)
    return samples[::step] if step > 1 else samples


def batch(input, output, pipeline=None, *, client=None, memory="auto", files_per_task="auto",
          resume=False, format="", recursive=False, report=None, **encode_options):
    """Runs a folder (or a file listing paths, or a list of paths) through a pipeline into the
    folder `output` on a Dask cluster, and returns the run's report: a dict with the schema of
    `tessera batch --report` ("files": one record per input, "totals", "status", ...) and a
    "dask" section (workers, tasks, budgets, reruns). `report="run.json"` also writes it there.

        report = td.batch("photos/", "edges/", "gray | blur 5 | canny 50 150 | rgb",
                          client=client, quality=90)
        failed = [f for f in report["files"] if f["status"] == "FAILED"]

    client: a distributed.Client (default: the current one). memory: "auto", a budget per task
    of (0.7 * memory_limit - worker RSS) / worker threads; a size per task ("256M"); or None.
    files_per_task: "auto" (about a second of work per task, at least four tasks per worker
    thread) or a number. resume: outputs that exist are kept (SKIPPED), as `--resume`;
    otherwise outputs left by an earlier run are replaced. Other keyword arguments are encode
    options (quality=90, ...). Every input ends DONE, FAILED (with its reason) or SKIPPED once,
    whatever workers die; see the module's docstring for how.
    """
    client = _client_of(client)
    if report is not None and not isinstance(report, (str, os.PathLike)):
        raise TypeError(f"report is a path to write the JSON report to, not a "
                        f"{type(report).__name__}")
    threads = _threads_of(client)
    exclude = [os.fspath(report), os.fspath(report) + ".part"] if report is not None else []
    tasks = _plan("batch", input, output, pipeline, memory, files_per_task, resume, format,
                  recursive, encode_options, threads, exclude)
    from distributed import as_completed

    run = uuid.uuid4().hex  # what tells a rerun of a task in this run from an earlier run's
    started = time.monotonic()
    shares = _core_shares(client)
    for task in tasks:
        task["cores"] = shares  # not in the key: the same work whatever the cluster's shape
    by_key = {task["key"]: task for task in tasks}
    futures = client.map(_run_task, tasks, run=run, key=list(by_key))
    pending = as_completed(futures)
    del futures  # only as_completed holds them: each is released once taken
    files, timeline, results = [], [], []
    status = "complete"
    try:
        for future in pending:
            task = by_key[future.key]
            try:
                # (A result lost with its worker between the yield and here is computed again,
                # and waited for.)
                result = future.result()
            except Exception as failure:  # KilledWorker, or the task's own failure
                records = _lost(task, run, failure)
            else:
                records = _filled(task, result)
                results.append(result)
                if (result["error"] or {}).get("errno") == _errno.ENOSPC:
                    status = "output_full"  # every other file would fail the same way
            future.release()
            _remove_journal(task["output"], task["key"])
            files += records
            if results and results[-1]["key"] == task["key"]:
                timeline.append({"seconds": time.monotonic() - started,
                                 "files_finished": len(files),
                                 "tracked_bytes": results[-1]["tracked_bytes"],
                                 "rss_bytes": results[-1]["rss_bytes"]})
            if status == "output_full":
                client.cancel(list(pending.futures))
                for left in pending.futures:
                    _remove_journal(task["output"], left.key)
                break
    except BaseException:
        client.cancel(list(pending.futures))  # Ctrl-C: no more tasks start
        raise
    summary = _report(input, output, pipeline, memory, files_per_task, resume, format,
                      recursive, encode_options, client, threads, tasks, files, results,
                      timeline, status, time.monotonic() - started)
    if report is not None:
        part = os.fspath(report) + ".part"
        with open(part, "w", encoding="utf-8") as out:
            json.dump(summary, out, indent=1)
        os.replace(part, report)
    return summary


def _report(input, output, pipeline, memory, files_per_task, resume, format, recursive,
            encode_options, client, threads, tasks, files, results, timeline, status, seconds):
    arguments = ", ".join([repr(os.fspath(input)) if not isinstance(input, (list, tuple))
                           else f"[{len(input)} paths]", repr(os.fspath(output)), repr(pipeline)]
                          + [f"{k}={v!r}" for k, v in
                             [("memory", memory), ("files_per_task", files_per_task),
                              ("resume", resume), ("format", format),
                              ("recursive", recursive), *encode_options.items()]])
    counts = collections.Counter(record["status"] for record in files)
    budgets = {}
    for result in results:
        budgets.setdefault(result["worker"], result["budget"])
    settings = {"input": os.fspath(input) if not isinstance(input, (list, tuple)) else
                [os.fspath(p) for p in input],
                "output": os.fspath(output), "pipeline": pipeline or "", "jobs": threads,
                # A cap for all files together, as `--memory`: there is none; each task has
                # its own budget (memory, and "dask"."budgets").
                "memory_bytes": 0, "memory": memory, "format": format or "the input's",
                "resume": resume, "shard": "1/1", "recursive": recursive, "fail_on": "error",
                "shrink_on_load": True, "apply_orientation": True, **encode_options}
    return {
        "tessera": {"version": tessera.__version__},
        "command": f"tessera.dask.batch({arguments})",
        "settings": settings,
        "files": files,
        "status": status,
        "warnings": [],
        "totals": {"done": counts["DONE"], "failed": counts["FAILED"],
                   "skipped": counts["SKIPPED"], "seconds": seconds,
                   "input_bytes": sum(r["input_bytes"] for r in files if r["status"] == "DONE"),
                   "output_bytes": sum(r["output_bytes"] for r in files),
                   # The largest of the workers' (each a process of its own).
                   "peak_rss_bytes": max((r["peak_rss_bytes"] for r in results), default=0),
                   "peak_tracked_bytes": max((r["peak_tracked_bytes"] for r in results),
                                             default=0),
                   "leaked_bytes": sum(r["leaked_bytes"] for r in results)},
        "memory_timeline": _thinned(timeline),
        "dask": {"scheduler": client.scheduler.address, "threads": threads,
                 "tasks": len(tasks), "files_per_task": files_per_task,
                 "workers": sorted({r["worker"] for r in results if r["worker"]}),
                 "budgets": budgets,
                 "reruns": sum(1 for r in results if r["rerun"]),
                 "lost_tasks": sum(1 for r in files
                                   if (r.get("error") or {}).get("code") == "KilledWorker")},
    }


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
