"""A tessera.dask task, on a worker: its budget from the worker, tessera.batch on its group of
files, and one small record per file (the report's "files" entry), never pixels."""

import errno as _errno
import os
import resource
import signal
import sys
import time

import tessera

from ._dask_journal import (_Journal, _output_path, _recovered, _remove_temporaries,
                            _written_since, stop_requested)

# Dask's own thresholds sit at 70% (spill), 80% (pause) and 95% (kill) of a worker's memory
# limit: tessera's buffers, which Dask cannot spill, are kept under the first.
WORKER_MEMORY_FRACTION = 0.7

# A fault hook for the tests, as tessera's writers have theirs: a worker whose task holds a file of
# this name (and has not finished it) kills itself with SIGKILL once the task's journal has
# begun, every time, as a file that takes more memory than the worker has would. Unset: none.
_KILL_ON = os.environ.get("TESSERA_DASK_TEST_KILL_ON")

_lowest_rss_at_start = None
_allocator_tuned = False


def _tune_allocator():
    """Once per worker: glibc keeps up to 64 MiB of freed heap and serves blocks under 32 MiB
    from it. Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 for its workers, which hands every
    freed buffer back to the system (and, being set, stops glibc raising its mmap threshold):
    each file's buffers are then faulted in afresh: 200 seed files in one process took 4.68 s
    with that setting, 3.87 s without it and 4.03 s with these (measured one after the other
    on a busy machine). The memory kept is in the RSS the next task's budget starts from
    (R0), so the budget still holds."""
    global _allocator_tuned
    if _allocator_tuned:
        return
    _allocator_tuned = True
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return  # not glibc
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_trim_threshold, 64 << 20)
    libc.mallopt(m_mmap_threshold, 32 << 20)


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
        record["decode_seconds"] = result.decode_seconds
        record["pipeline_seconds"] = result.pipeline_seconds
        record["encode_seconds"] = result.encode_seconds
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
    reach). When the driver asks the run to stop (Ctrl-C), the task takes no more files: it
    returns the records of those finished, its "stopped" set."""
    started = time.monotonic()
    output = task["output"]
    if stop_requested(output, run):  # queued on this worker before the stop: nothing begun
        return _result(task, [], None, None, "not run (the run was stopped)", False, started,
                       stopped=True)
    _tune_allocator()
    budget, budget_text = task_budget(task["memory"])
    journal = _Journal(output, task["key"], run, task.get("driver"))
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
    if _KILL_ON is not None and any(os.path.basename(name) == _KILL_ON for name in todo):
        os.kill(os.getpid(), signal.SIGKILL)
    if journal.rerun:
        # The dead attempt's temporaries (tessera.batch removes them itself only when resuming).
        _remove_temporaries(_output_path(output, name, task["format"]) for name in todo)
    live_before = tessera.memory.counters()["live_bytes"]
    error, stopped = None, False
    results = () if not todo else tessera.batch(
        task["root"], output, task["pipeline"], jobs=1, cores=_core_share(task), memory=budget,
        format=task["format"], resume=task["resume"], recursive=task["recursive"], files=todo,
        **task["encode"])
    try:
        for result in results:
            name = os.path.relpath(result.input, task["root"])
            shown_input, listed = shown.get(name, (result.input, False))
            record = _record(result, shown_input, output, task["shown_output"], listed)
            if "t0" in task:  # when it ran in the run's seconds, on this worker's clock
                record["finished_seconds"] = max(0.0, time.time() - task["t0"])
                record["started_seconds"] = max(0.0, record["finished_seconds"] - result.seconds)
            if record.get("error", {}).get("code") == "OutOfBudget":
                # tessera.batch names its cap as a batch's (--memory): say where it came from.
                record["error"]["message"] += f"; the task's budget: {budget_text}"
            # On disk before the journal says it is done.
            journal.add(name, record, result.output if record["status"] == "DONE" else None)
            records.append(record)
            if stop_requested(output, run):
                stopped = True
                break
    except Exception as failure:  # the run itself (tessera.Io for a full device, ...)
        error = {"code": getattr(failure, "code", None) or type(failure).__name__,
                 "message": str(failure), "errno": getattr(failure, "errno", None)}
    finally:
        if hasattr(results, "close"):
            results.close()  # the file in flight finishes; no other starts
    if stopped:
        # The file that was in flight when the loop stopped finished, unseen: its output is
        # there and complete, written since the journal began.
        seen = {record["input"] for record in records}
        for name in todo:
            shown_input = shown[name][0]
            if shown_input not in seen and _written_since(
                    _output_path(output, name, task["format"]), journal.started_ns):
                record = _recovered(task, name, shown_input)
                journal.add(name, record)
                records.append(record)
    journal.close()
    if own_journal and error is None:
        os.unlink(journal.path)
    return _result(task, records, error, budget, budget_text, journal.rerun, started,
                   stopped=stopped, live_before=live_before)


def _result(task, records, error, budget, budget_text, rerun, started, stopped=False,
            live_before=None):
    """What a task hands back to the driver: its records and how the worker fared."""
    threads = 1
    worker_address = None
    try:
        from distributed import get_worker
        worker = get_worker()
        threads, worker_address = worker.state.nthreads, worker.address
    except (ImportError, ValueError):
        pass
    counters = tessera.memory.counters()
    return {"key": task["key"], "records": records, "error": error, "stopped": stopped,
            "worker": worker_address, "pid": os.getpid(),
            "budget_bytes": budget, "budget": budget_text,
            "rerun": rerun, "seconds": time.monotonic() - started,
            "rss_bytes": _rss(), "peak_rss_bytes": _peak_rss(),
            "tracked_bytes": counters["live_bytes"],
            "peak_tracked_bytes": counters["peak_bytes"],
            # Only one task at a time on the worker tells this task's leak from another's work.
            "leaked_bytes": (max(0, counters["live_bytes"] - live_before)
                             if threads == 1 and live_before is not None else 0)}


def _filled(task, result):
    """The task's records, with a failure record for each file it did not reach when the run
    itself failed (result["error"]), so that every file is in the report once; but not when the
    output device is full: then, as `tessera batch` has it, the files not reached were not
    tried, and the run's status says why (output_full)."""
    records = list(result["records"])
    if result["error"] is not None and result["error"].get("errno") != _errno.ENOSPC:
        reached = {record["input"] for record in records}
        records += [_failed(shown_input, result["error"]["code"], result["error"]["message"])
                    for _, shown_input, _ in task["files"] if shown_input not in reached]
    return records


def _failed(shown_input, code, message):
    return {"input": shown_input, "output": None, "status": "FAILED", "seconds": 0.0,
            "input_bytes": 0, "output_bytes": 0, "error": {"code": code, "message": message}}
