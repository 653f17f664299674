// tessera.convert (one file through a pipeline, as `tessera convert` runs it) and
// tessera.budget (a memory budget for this thread's allocations, as a context manager).

#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "bindings.h"
#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/pipeline/job.h"
#include "tessera/profiler.h"

namespace nb = nanobind;

namespace tessera::python {
namespace {

// A size as Python gives it: bytes as an int, or text ("512M", "1.5G").
std::size_t bytes_of(nb::handle size, std::string_view what) {
  const std::size_t bytes = nb::isinstance<nb::int_>(size)
                                ? nb::cast<std::size_t>(size)
                                : memory::parse_bytes(nb::cast<std::string>(size));
  if (bytes == 0) {
    throw Error(
        ErrorCode::InvalidArgument,
        std::string(what) + " 0 leaves no room for any image: give a size such as \"512M\"");
  }
  return bytes;
}

// `with tessera.budget("512M", "thumbnails"):` charges this thread's allocations to a budget
// of that size; one that would cross it raises tessera.OutOfBudget before allocating.
class Budget {
 public:
  Budget(nb::handle cap, std::string name)
      : cap_(bytes_of(cap, "budget")), name_(std::move(name)) {}
  Budget& enter() {
    if (scope_)
      throw Error(ErrorCode::InvalidArgument, "budget: already entered; use one `with` at a time");
    budget_ = std::make_unique<MemoryBudget>(cap_, name_);
    scope_ = std::make_unique<BudgetScope>(*budget_);
    return *this;
  }
  void exit() {
    scope_.reset();
    peak_ = budget_ ? budget_->peak() : peak_;
    budget_.reset();
  }
  std::size_t cap() const { return cap_; }
  std::size_t used() const { return budget_ ? budget_->used() : 0; }
  std::size_t peak() const { return budget_ ? budget_->peak() : peak_; }

 private:
  std::size_t cap_;
  std::string name_;
  std::unique_ptr<MemoryBudget> budget_;
  std::unique_ptr<BudgetScope> scope_;
  std::size_t peak_ = 0;
};

}  // namespace

void bind_convert(nb::module_& module) {
  module.def(
      "convert",
      [](const std::filesystem::path& input, const std::filesystem::path& output,
         const std::optional<std::string>& text, nb::handle memory, bool orientation,
         const nb::kwargs& options) {
        const EncodeOptions encode = encode_options_of(options);
        std::optional<pipeline::Pipeline> stages;
        if (text && !text->empty()) stages = pipeline::parse(*text);
        const std::size_t cap = memory.is_none() ? 0 : bytes_of(memory, "memory");
        const nb::gil_scoped_release unlocked;
        pipeline::Job job = pipeline::Job::prepare(input, output,
                                                   {.apply_orientation = orientation,
                                                    .encode = encode,
                                                    .pipeline = stages ? &*stages : nullptr});
        std::optional<MemoryBudget> budget;
        std::optional<BudgetScope> scope;
        if (cap != 0) {
          if (job.estimate() > cap) {
            throw Error(ErrorCode::OutOfBudget,
                        "the job needs about " + memory::format_bytes(job.estimate()) +
                            ", more than memory=" + memory::format_bytes(cap) +
                            ": raise it, or shrink early in the pipeline (resize first)",
                        {.path = input.string(), .operation = "plan"});
          }
          budget.emplace(cap, "memory=");
          scope.emplace(*budget);
        }
        job.run();
      },
      nb::arg("input"), nb::arg("output"), nb::arg("pipeline") = nb::none(), nb::kw_only(),
      nb::arg("memory") = nb::none(), nb::arg("orientation") = true, nb::arg("options"),
      "One file through a pipeline, streamed in bands as `tessera convert` runs it; the output "
      "appears only when complete. memory=\"64M\" caps it (tessera.OutOfBudget past it); other "
      "keyword arguments are encode options (quality=80, ...).");

  nb::class_<Budget>(module, "budget",
                     "with tessera.budget(\"512M\", \"name\"): this thread's allocations are "
                     "charged to a budget of that size; one that would cross it raises "
                     "tessera.OutOfBudget before anything is allocated.")
      .def(nb::init<nb::handle, std::string>(), nb::arg("cap"), nb::arg("name") = "budget")
      .def("__enter__", &Budget::enter, nb::rv_policy::reference)
      .def("__exit__", [](Budget& self, nb::args) { self.exit(); })
      .def_prop_ro("cap", &Budget::cap)
      .def_prop_ro("used", &Budget::used)
      .def_prop_ro("peak", &Budget::peak);
}

}  // namespace tessera::python
