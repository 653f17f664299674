"""A worker plugin of `python3 -m tessera.dask`'s local cluster: each worker process leaves the
command's process group, so that a signal to the group (a terminal's Ctrl-C, timeout(1)'s or a
job runner's SIGTERM) reaches the command alone, which winds the run down, and not the workers,
which would die in the middle of their file."""

import os

from distributed.diagnostics.plugin import WorkerPlugin


class OwnProcessGroup(WorkerPlugin):
    idempotent = True

    def setup(self, worker):
        try:
            os.setpgid(0, 0)
        except OSError:
            pass  # a group leader already
