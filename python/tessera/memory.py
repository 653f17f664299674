"""What tessera's profiler sees, which tracemalloc and memory_profiler do not: every pixel
buffer tessera holds, by the line that allocated it.

    tessera.memory.set_profiling(True)
    before = tessera.memory.snapshot()
    ...
    for change in tessera.memory.compare(before, tessera.memory.snapshot())[:10]:
        print(change)      # "file:line: size=+36.0 MiB (+3 buffers), live=... 'decoded'"
    print(tessera.memory.verdict()["text"])   # a leak, or the allocator keeping freed memory
"""

from ._tessera.memory import (Snapshot, SiteDelta, compare, counters, leak_report, pinned,
                              profiling, reset_peak, set_baseline, set_profiling, snapshot,
                              verdict)

__all__ = ["Snapshot", "SiteDelta", "compare", "counters", "leak_report", "pinned", "profiling",
           "reset_peak", "set_baseline", "set_profiling", "snapshot", "verdict"]
