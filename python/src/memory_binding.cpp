// tessera.memory: what tessera's profiler sees (include/tessera/profiler.h), for Python code:
// counters, snapshots and their differences by allocating line, pinned buffers, the leak
// report and the verdict that tells a leak from allocator retention.

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <string>
#include <vector>

#include "bindings.h"
#include "tessera/profiler.h"

namespace nb = nanobind;

namespace tessera::python {
namespace {

nb::dict counters_dict() {
  const memory::Counters counters = memory::counters();
  nb::dict entry;
  entry["live_bytes"] = counters.live_bytes;
  entry["live_buffers"] = counters.live_buffers;
  entry["peak_bytes"] = counters.peak_bytes;
  entry["total_allocations"] = counters.total_allocations;
  entry["total_bytes"] = counters.total_bytes;
  entry["wrapped_bytes"] = counters.wrapped_bytes;
  return entry;
}

}  // namespace

nb::dict region_dict(const memory::RegionInfo& region) {
  nb::dict entry;
  entry["x"] = region.rect.x;
  entry["y"] = region.rect.y;
  entry["width"] = region.rect.width;
  entry["height"] = region.rect.height;
  entry["bytes"] = region.view_bytes;
  entry["handles"] = region.handles;
  entry["site"] = region.site.to_string();  // the Python line that cut it, first
  return entry;
}

nb::list region_list(const memory::BufferInfo& buffer) {
  nb::list regions;
  for (const memory::RegionInfo& region : buffer.regions) regions.append(region_dict(region));
  return regions;
}

namespace {

nb::dict buffer_dict(const memory::BufferInfo& buffer) {
  nb::dict entry;
  entry["id"] = buffer.id;  // registration order: later buffers have larger ids
  entry["bytes"] = buffer.bytes;
  entry["label"] = buffer.label;
  entry["site"] = buffer.site.to_string();
  entry["wrapped"] = buffer.wrapped;
  entry["handles"] = buffer.direct_handles;
  entry["regions"] = buffer.regions.size();
  entry["pinned_by_regions"] = buffer.pinned_by_regions();
  entry["region_bytes"] = buffer.region_bytes();
  entry["pins"] = region_list(buffer);
  return entry;
}

// The registry is empty while profiling is off: an empty answer would look like "nothing".
void warn_if_not_profiling(const char* what) {
  if (memory::profiling()) return;
  const std::string message = std::string("tessera.memory.") + what +
                              ": profiling is off, so no buffer is recorded; call "
                              "tessera.memory.set_profiling(True) first (or run with "
                              "TESSERA_PROFILE=1)";
  if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), 1) != 0) throw nb::python_error();
}

}  // namespace

void bind_memory(nb::module_& module) {
  // The verdict's baseline is the import, not the empty process of before it.
  if (!memory::profiling()) memory::set_baseline();
  nb::module_ memory = module.def_submodule("memory", "tessera's profiler");
  memory.def("set_profiling", &memory::set_profiling, nb::arg("enabled"),
             "Records each buffer's allocating line from now on (TESSERA_LEAK_CHECK=1 does too).");
  memory.def("profiling", &memory::profiling);
  memory.def("counters", &counters_dict,
             "Live and peak bytes and buffers tessera holds now, and totals ever allocated.");
  memory.def("reset_peak", &memory::reset_peak);

  nb::class_<memory::Snapshot>(memory, "Snapshot", "The buffers alive at one moment.")
      .def_prop_ro("live_bytes", [](const memory::Snapshot& s) { return s.counters.live_bytes; })
      .def_prop_ro("buffers", [](const memory::Snapshot& s) {
        nb::list buffers;
        for (const memory::BufferInfo& buffer : s.buffers) buffers.append(buffer_dict(buffer));
        return buffers;
      });
  memory.def("snapshot", [] {
    warn_if_not_profiling("snapshot()");
    return memory::snapshot();
  });

  nb::class_<memory::SiteDelta>(memory, "SiteDelta",
                                "How one allocating line's live bytes changed between snapshots.")
      .def_prop_ro("site", [](const memory::SiteDelta& d) { return d.site.to_string(); })
      .def_ro("label", &memory::SiteDelta::label)
      .def_ro("bytes_delta", &memory::SiteDelta::bytes_delta)
      .def_ro("buffers_delta", &memory::SiteDelta::buffers_delta)
      .def_ro("bytes_after", &memory::SiteDelta::bytes_after)
      .def_ro("buffers_after", &memory::SiteDelta::buffers_after)
      .def("__str__", &memory::SiteDelta::to_string)
      .def("__repr__",
           [](const memory::SiteDelta& d) { return "<SiteDelta " + d.to_string() + ">"; });
  memory.def("compare", &memory::compare, nb::arg("before"), nb::arg("after"),
             "The lines whose live bytes changed, largest change first.");
  memory.def(
      "pinned",
      [] {
        warn_if_not_profiling("pinned()");
        nb::list pinned;
        for (const memory::BufferInfo& buffer : memory::pinned_buffers()) {
          pinned.append(buffer_dict(buffer));
        }
        return pinned;
      },
      "Buffers kept alive only by small regions of them: their other bytes are dead weight "
      "(compact() the regions).");
  memory.def(
      "leak_report", [] { return memory::leak_report().to_string(); },
      "Every buffer still alive with its line, size, label and sharing, and the verdict.");
  memory.def("set_baseline", &memory::set_baseline,
             "The reading verdict() compares with (taken when profiling starts).");
  memory.def(
      "verdict",
      [] {
        const memory::MemoryVerdict verdict =
            memory::classify(memory::baseline_reading(), memory::read_memory());
        nb::dict entry;
        entry["verdict"] = std::string(memory::to_string(verdict.verdict));
        entry["tracked_live"] = verdict.now.tracked_live;
        entry["rss"] = verdict.now.process.rss;
        entry["malloc_in_use"] = verdict.now.process.malloc_in_use;
        entry["malloc_free_held"] = verdict.now.process.malloc_free_held;
        entry["text"] = verdict.to_string();
        return entry;
      },
      "Since the baseline: stable, a tessera leak, untracked heap growth, allocator retention or "
      "growth outside malloc, with the figures; 'text' is the readable form.");
}

}  // namespace tessera::python
