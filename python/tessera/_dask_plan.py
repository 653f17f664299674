"""tessera.dask's plan, on the driver: the batch's files as `tessera batch` would take them, cut
into groups of about a second of work, each under a key that is a hash of what it does."""

import collections
import errno as _errno
import hashlib
import json
import os
import tempfile

import tessera

# "auto" groups aim at about this much work per task: Dask costs ~1.5 ms per task here and
# gives no speed-up below ~100 ms of work (docs), while larger groups lose more to a worker's
# death and balance worse at the end of the run.
TASK_SECONDS = 1.0
# Input bytes a worker thread goes through per second on the seed batch (1920x1080 JPEGs of
# ~330 KB through `gray | blur 5 | canny 50 150 | rgb` at ~10 ms a file on an idle core: the
# Python benchmark's 201 images/s on 2 cores; bench/dask_bench.py prints the rate it sees): how
# "auto" turns file sizes into seconds before any file has run. A pipeline slower per byte
# makes longer tasks; files_per_task= fixes the group size instead.
BYTES_PER_SECOND = 33e6
# And at least this many tasks per worker thread, so that the last ones end together.
TASKS_PER_THREAD = 4


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
