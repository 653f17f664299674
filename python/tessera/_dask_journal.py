"""tessera.dask's exactly-once outputs: a task's journal of finished files, the outputs a dead
attempt finished without saying so, and the temporaries it left; and a run's marks in the
output folder (its stop request on Ctrl-C), swept by a later run once the run is over."""

import collections
import json
import os
import queue
import socket
import threading

import tessera

_JOURNAL_PREFIX = ".tessera-dask-"
_STOP_PREFIX = ".tessera-dask-stop-"
_TEMPORARY_MARKER = ".tessera-"  # tessera's writer: ".NAME.tessera-XXXXXX" beside NAME
_TEMPORARY_RANDOM = 6


class _Journal:
    """A task's finished files, one JSON line each, in the output folder: a rerun of the task in
    the same run (its worker died) reuses them. Flushed line by line, which a killed process
    cannot undo (the kernel holds what was written). Its second line is the time its first
    attempt began, on the output file system's clock: an output written after it and not in
    the journal was finished by a dead attempt that did not live to say so.

    A done file's line is written once its output is fsynced. The fsyncs (4 ms a file on this
    machine's disk, a third of a seed file's work) run on a thread of the journal's own, while
    the task's thread computes the next file; close() waits for them."""

    def __init__(self, output, key, run, driver=None):
        self.path = _journal_path(output, key)
        found_run, self.started_ns, self.records = _read_journal(self.path)
        self.rerun = found_run == run
        if not self.rerun:  # none, or another run's: this attempt starts it afresh
            self.records = {}
            os.makedirs(output, exist_ok=True)
            with open(self.path, "w", encoding="utf-8") as fresh:
                # The driver's process: a later run removes the journal once it is gone.
                fresh.write(json.dumps({"run": run, "driver": driver}) + "\n")
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
    if format:
        return os.path.splitext(path)[0] + "." + format.lstrip(".")
    return path


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


def _remove_journal(output, key):
    try:
        os.unlink(_journal_path(output, key))
    except FileNotFoundError:
        pass


# --- a run's marks, and the sweep of those a run that is over left ------------------------------

def driver_identity():
    """This process as a run's driver: its host, pid and start time (so that a pid the system
    has given to another process since is not taken for it)."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "started": _start_time(os.getpid())}


def _start_time(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            # The 22nd field, after the command's parentheses (which may hold spaces).
            return int(stat.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _stop_path(output, run):
    return os.path.join(output, f"{_STOP_PREFIX}{run}")


def request_stop(output, run, driver):
    """Asks the run's tasks to take no more files: each looks for this mark at its start and
    after each file (the output folder is where every worker writes already)."""
    os.makedirs(output, exist_ok=True)
    with open(_stop_path(output, run), "w", encoding="utf-8") as mark:
        mark.write(json.dumps({"run": run, "driver": driver}) + "\n")


def stop_requested(output, run):
    return os.path.exists(_stop_path(output, run))


def remove_stop(output, run):
    try:
        os.unlink(_stop_path(output, run))
    except FileNotFoundError:
        pass


def sweep_stale(output, live_runs):
    """Removes the journals and stop marks that runs now over left in `output` (a driver killed,
    or left at once by a second Ctrl-C): those whose driver ran on this host and is gone, or is
    this process and the run is not one of `live_runs`. A run's outputs are complete whatever
    its end, so its journal is of no use once its driver is gone. Marks of a driver on another
    host are left: nothing here tells whether it still runs."""
    try:
        entries = [entry for entry in os.scandir(output) if entry.name.startswith(_JOURNAL_PREFIX)
                   and (entry.name.endswith(".journal") or entry.name.startswith(_STOP_PREFIX))]
    except OSError:
        return 0
    swept = 0
    for entry in entries:
        try:
            with open(entry.path, encoding="utf-8") as mark:
                first = json.loads(mark.readline())
        except (OSError, ValueError):
            continue  # being written, or not ours
        if isinstance(first, dict) and _driver_gone(first.get("driver"), first.get("run"),
                                                    live_runs):
            try:
                os.unlink(entry.path)
                swept += 1
            except OSError:
                pass
    return swept


def _driver_gone(driver, run, live_runs):
    if not isinstance(driver, dict) or driver.get("host") != socket.gethostname():
        return False  # a bag's task (no driver), or another host's
    pid = driver.get("pid")
    if pid == os.getpid():
        return run not in live_runs
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # another user's process by that pid: alive, unless it started at another time
    started = _start_time(pid)
    return started is not None and driver.get("started") not in (None, started)
