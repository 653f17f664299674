"""Peak RSS and time of each seed 001 scenario, cv2 original beside tessera rewrite, on the
bundled samples repeated to COPIES files (symbolic links with names of their own). Prints the
table the README shows.

    .venv/bin/python examples/python/measure.py [COPIES]      # default 200
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCENARIOS = ["folder_loop", "generator", "context_manager"]


def run(command, env):
    """(seconds, peak RSS in MiB) of a child process, from wait4's resource usage."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(map(str, command))} failed: {child.stderr.read().decode()[-500:]}")
    child.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def main(copies=200):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "build" / "python"))
    samples = sorted((ROOT / "samples" / "photos").iterdir())
    work = pathlib.Path(tempfile.mkdtemp(prefix="seed001."))
    try:
        inputs = work / "in"
        inputs.mkdir()
        for i in range(copies):
            sample = samples[i % len(samples)]
            (inputs / f"{i:04d}_{sample.name}").symlink_to(sample)
        print(f"seed 001's scenarios on {copies} files (the {len(samples)} samples repeated), "
              f"gray | blur 5 | canny 50 150 | rgb to PNG\n")
        print("| scenario | cv2 original: time | peak RSS | tessera: time | peak RSS |")
        print("|---|---|---|---|---|")
        for scenario in SCENARIOS:
            shutil.rmtree(work / "out", ignore_errors=True)
            theirs = run([sys.executable, HERE / "cv2_originals.py", scenario, inputs,
                          work / "out"], env)
            shutil.rmtree(work / "out", ignore_errors=True)
            ours = run([sys.executable, HERE / f"{scenario}.py", inputs, work / "out"], env)
            print(f"| {scenario} | {theirs[0]:.1f} s | {theirs[1]:.0f} MiB | {ours[0]:.1f} s | "
                  f"{ours[1]:.0f} MiB |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(*map(int, sys.argv[1:2]))
