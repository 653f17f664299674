"""tessera.dask's report: the schema of `tessera batch --report` (kind, command, settings, files,
status, totals, memory_timeline), with a "dask" section, written as JSON or as the page the
CLI draws (`--report run.html`), by the path's extension."""

import collections
import json
import os
import shlex
import sys

import tessera
from tessera import _tessera


def check_report_path(report):
    """Refuses, before any work, a report path whose extension is neither .json nor .html (in
    the CLI's words), or that is a folder."""
    if report is None:
        return
    if not isinstance(report, (str, os.PathLike)):
        raise TypeError(f"report is a path to write the JSON report (or its page, .html) to, "
                        f"not a {type(report).__name__}")
    if os.path.isdir(report):
        raise tessera.InvalidArgument(
            f"the report path is a folder: give a file name (e.g. "
            f"{os.path.join(os.fspath(report), 'report.json')} or "
            f"{os.path.join(os.fspath(report), 'report.html')})")
    _tessera._report_format(os.fspath(report))


def write_report(report, summary):
    """The report at `report`, whole or not at all (written beside it, then renamed)."""
    path = os.fspath(report)
    text = _tessera._report_text(path, json.dumps(summary, indent=1))
    part = path + ".part"
    try:
        with open(part, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(part, path)
    except BaseException:
        try:
            os.unlink(part)
        except OSError:
            pass
        raise


def _thinned(samples, most=1024):
    step = -(-len(samples) // most)
    return samples[::step] if step > 1 else samples


def _command(input, output, pipeline, options):
    """The command line that ran this batch, when it was one (python3 -m tessera.dask ...),
    else the call, as the CLI's report gives its own command line."""
    if sys.argv and sys.argv[0].endswith(os.path.join("tessera", "dask.py")):
        # The interpreter that imports tessera (a virtual environment's), so that it runs again.
        return shlex.join([sys.executable, "-m", "tessera.dask"] + sys.argv[1:])
    shown_input = (repr(os.fspath(input)) if not isinstance(input, (list, tuple))
                   else f"[{len(input)} paths]")
    arguments = [shown_input, repr(os.fspath(output)), repr(pipeline)]
    arguments += [f"{name}={value!r}" for name, value in options.items()]
    return f"tessera.dask.batch({', '.join(arguments)})"


def build_report(input, output, pipeline, memory, files_per_task, resume, format, recursive,
                 encode_options, client, threads, tasks, files, results, timeline, status,
                 seconds):
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
                "shrink_on_load": True, "apply_orientation": True, "page": None,
                # Every encode option, given or not, as the CLI lists them: what the outputs
                # were written with.
                **_tessera._encode_settings(**encode_options)}
    options = {"memory": memory, "files_per_task": files_per_task, "resume": resume,
               "format": format, "recursive": recursive, **encode_options}
    return {
        "kind": "batch",
        "tessera": {"version": tessera.__version__},
        "command": _command(input, output, pipeline, options),
        "settings": settings,
        "files": files,
        "status": status,
        "warnings": [],
        "totals": {"inputs": sum(len(task["files"]) for task in tasks),
                   "done": counts["DONE"], "failed": counts["FAILED"],
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
