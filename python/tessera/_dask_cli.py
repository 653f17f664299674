"""python3 -m tessera.dask: `tessera batch` on a Dask cluster from a shell, with its options, its
progress line on stderr and its report (the same exit status: 0 when every file is done or
skipped, 1 when some failed, 2 for a wrong command line, 130 on Ctrl-C, 143 on SIGTERM)."""

import argparse
import logging
import os
import signal
import sys

_FORMATS = ["jpg", "jpeg", "png", "webp", "heic", "heif", "avif", "tif", "tiff", "bmp", "pgm",
            "ppm", "pnm", "pam"]


def _parser():
    parser = argparse.ArgumentParser(
        prog="python3 -m tessera.dask",
        description="Run a folder of images (or a file listing paths) through a pipeline on a "
                    "Dask cluster, as `tessera batch` runs it on one machine: every input ends "
                    "DONE, FAILED with its reason, or SKIPPED, once, whatever workers die.")
    parser.add_argument("input", help="folder, or a file of paths (one per line)")
    parser.add_argument("output", help="output folder (made if missing)")
    parser.add_argument("-p", "--pipeline", default=None,
                        help="ops to run, e.g. 'resize 50%% | sharpen' (see `tessera ops`)")
    parser.add_argument("--scheduler", "--dask", dest="scheduler", metavar="ADDRESS",
                        help="the cluster's scheduler, e.g. tcp://host:8786 (default: a local "
                             "cluster of one worker process per core, on 127.0.0.1)")
    parser.add_argument("--memory", default="auto",
                        help="budget per task: auto ((0.7 x worker memory limit - its RSS) / "
                             "its threads), a size such as 256M, or none")
    parser.add_argument("--files-per-task", default="auto",
                        help="files per Dask task: auto (about a second of work each) or a number")
    parser.add_argument("--format", default="", choices=[""] + _FORMATS, metavar="FORMAT",
                        help="output format: " + ", ".join(_FORMATS) + " (default: the input's)")
    parser.add_argument("-q", "--quality", type=int, default=None,
                        help="quality of lossy compression, 1..100 (default 90)")
    parser.add_argument("--progressive", action="store_true", help="progressive scans (JPEG)")
    parser.add_argument("--subsampling", choices=["444", "422", "420"], default=None,
                        help="chroma subsampling (JPEG; default 420)")
    parser.add_argument("--compression", type=int, default=None,
                        help="zlib level, 0..9 (PNG; default 6)")
    parser.add_argument("--lossless", action="store_true", help="lossless compression (WebP)")
    parser.add_argument("--tiff-compression", choices=["none", "deflate", "lzw", "jpeg"],
                        default=None, help="compression (TIFF; default deflate)")
    parser.add_argument("--tiled", action="store_true", help="256x256 tiles (TIFF)")
    parser.add_argument("--strip", action="store_true",
                        help="write no metadata (EXIF, XMP, IPTC, ICC profile, resolution)")
    parser.add_argument("--keep", metavar="KINDS",
                        help="keep only these kinds of metadata: exif,xmp,iptc,icc,dpi, all or "
                             "none (default all)")
    parser.add_argument("--resume", action="store_true",
                        help="keep outputs that exist (SKIPPED), as `tessera batch --resume`")
    parser.add_argument("-r", "--recursive", action="store_true", help="walk subfolders too")
    parser.add_argument("--report", metavar="FILE",
                        help="write the run's report here: FILE.json (the schema of `tessera "
                             "batch --report`) or FILE.html (its page)")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    return parser


def _encode_options(arguments):
    options = {}
    for name in ("quality", "subsampling", "compression", "tiff_compression"):
        value = getattr(arguments, name)
        if value is not None:
            options[name] = value
    for name in ("progressive", "lossless", "tiled", "strip"):
        if getattr(arguments, name):
            options[name] = True
    if arguments.keep is not None:
        options["keep"] = arguments.keep
    return options


def _progress_line(stream):
    def show(records, total, seconds):
        done = sum(r["status"] != "FAILED" for r in records)
        failed = len(records) - done
        rate = len(records) / seconds if seconds > 0 else 0.0
        left = f", ETA {(total - len(records)) / rate:.0f} s" if rate > 0 and records else ""
        stream.write(f"\r{len(records)}/{total} files, {failed} failed, {rate:.1f} files/s{left}"
                     "   ")
        stream.flush()
    return show


def main(argv=None):
    arguments = _parser().parse_args(argv)
    memory = None if arguments.memory.lower() == "none" else arguments.memory
    files_per_task = arguments.files_per_task
    if files_per_task != "auto":
        try:
            files_per_task = int(files_per_task)
        except ValueError:
            files_per_task = 0
        if files_per_task < 1:
            _parser().error(f"--files-per-task takes auto or a number from 1, not "
                            f"{arguments.files_per_task!r}")
    import tessera
    from ._dask_report import check_report_path

    if arguments.report:
        # Checked before any file is run, as `tessera batch --report` checks it.
        folder = os.path.dirname(os.path.abspath(arguments.report))
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            _parser().error(f"--report {arguments.report}: its folder {folder} does not exist or "
                            f"cannot be written")
        try:
            check_report_path(arguments.report)
        except tessera.Error as error:
            _parser().error(f"--report {arguments.report}: {error.message}")
    import distributed

    from . import dask as td

    if arguments.strip and arguments.keep is not None:
        _parser().error("--strip writes no metadata and --keep chooses what to write: give one")
    _say_the_runs_words(sys.stderr)
    terminated = _terminate_as_interrupt()
    if arguments.scheduler and not arguments.quiet:
        print(f"tessera.dask: connecting to the scheduler {arguments.scheduler} (up to 30 s)",
              file=sys.stderr)
    try:
        cluster, client = _connect(distributed, arguments.scheduler)
    except ValueError as error:  # an address Dask cannot parse
        _parser().error(f"--scheduler {arguments.scheduler}: {error} (e.g. tcp://host:8786)")
    except OSError as error:
        print(f"tessera.dask: cannot reach the scheduler {arguments.scheduler}: {error}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 143 if terminated() else 130
    progress = None if arguments.quiet else _progress_line(sys.stderr)
    try:
        with client:
            report = td.batch(arguments.input, arguments.output, arguments.pipeline,
                              client=client, memory=memory, files_per_task=files_per_task,
                              resume=arguments.resume, format=arguments.format,
                              recursive=arguments.recursive, report=arguments.report,
                              progress=progress, **_encode_options(arguments))
    except td.Interrupted as interrupted:
        # Another signal now would end the process in the middle of its report.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _summary(interrupted.report, progress, "interrupted: ")
        left = interrupted.report["dask"].get("left_at_once", 0)
        if left:
            print(f"tessera.dask: left at once: {left} task(s) may still be finishing their "
                  f"file on the workers; those outputs will be complete but are not in the "
                  f"report (run again with --resume for the rest)", file=sys.stderr)
        else:
            print("tessera.dask: no task started after the interrupt; the outputs that exist "
                  "are complete (run again with --resume for the rest)", file=sys.stderr)
        return 143 if terminated() else 130
    except KeyboardInterrupt:  # before the run began
        print("\ntessera.dask: interrupted before any file", file=sys.stderr)
        return 143 if terminated() else 130
    except tessera.Error as error:
        print(f"\ntessera.dask: {error}", file=sys.stderr)
        return 2 if isinstance(error, tessera.InvalidArgument) else 1
    except (ValueError, TypeError, OSError) as error:
        # The run's own checks of its input and output (a folder that is a file, an input that
        # does not exist, the output inside the input): words and exit 2, not a traceback.
        print(f"\ntessera.dask: {error}", file=sys.stderr)
        return 2
    finally:
        if cluster is not None:
            # Not to be cut short by another Ctrl-C: its workers would be left behind.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            cluster.close()
    _summary(report, progress)
    if report["status"] == "output_full":
        print(f"tessera: output device full: stopped taking files (no space left on the device "
              f"of {arguments.output}); run again with --resume when there is room",
              file=sys.stderr)
        return 1
    return 1 if report["totals"]["failed"] else 0


def _summary(report, progress, prefix=""):
    totals = report["totals"]
    if progress is not None:
        sys.stderr.write("\n")
    print(f"{prefix}{totals['done']} done, {totals['failed']} failed, {totals['skipped']} "
          f"skipped of {totals['inputs']} in {totals['seconds']:.1f} s", file=sys.stderr)
    for record in report["files"]:
        if record["status"] == "FAILED":
            error = record.get("error") or {}
            print(f"FAILED {record['input']}: {error.get('code', '')}: {error.get('message', '')}",
                  file=sys.stderr)


def _connect(distributed, scheduler):
    """A client of the scheduler given, or of a local cluster of one worker process per core
    (started with Ctrl-C ignored, which its processes keep: a Ctrl-C at the terminal goes to
    every process of the group, and the workers must finish their file in flight rather than
    die with a traceback each; the command stops them when the run has wound down)."""
    if scheduler:
        return None, distributed.Client(scheduler, timeout="30s")
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        # No dashboard; the scheduler's HTTP server (health, metrics), which it starts anyway,
        # on a free port rather than 8787, which another cluster may hold. Dask's own log (a
        # heartbeat missed as the cluster closes) is not the run's: only what is critical.
        cluster = distributed.LocalCluster(host="127.0.0.1", dashboard_address=None,
                                           scheduler_kwargs={"dashboard_address": ":0"},
                                           threads_per_worker=1, silence_logs=logging.CRITICAL)
    finally:
        signal.signal(signal.SIGINT, previous)
    client = distributed.Client(cluster)
    # And out of the command's process group: a SIGTERM to the group (timeout(1), a job
    # runner) then reaches the command alone, which winds the run down.
    from ._dask_worker_group import OwnProcessGroup
    client.register_plugin(OwnProcessGroup(), name="tessera-own-process-group")
    return cluster, client


def _terminate_as_interrupt():
    """SIGTERM winds the run down as Ctrl-C does (exit 143 rather than 130). Returns whether
    it came."""
    came = []

    def on_terminate(signal_number, frame):
        came.append(signal_number)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_terminate)
    return lambda: bool(came)


def _say_the_runs_words(stream):
    """td.batch's own messages (the wind-down after Ctrl-C) on stderr, as the command's."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("\ntessera.dask: %(message)s"))
    log = logging.getLogger("tessera.dask")
    log.addHandler(handler)
    log.propagate = False
