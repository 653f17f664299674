// tessera.convert (one file through a pipeline, as `tessera convert` runs it) and
// tessera.budget (a memory budget for this thread's allocations, as a context manager).

#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bindings.h"
#include "interrupt.h"
#include "python_call.h"
#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/pipeline/job.h"
#include "tessera/profiler.h"

namespace nb = nanobind;

namespace tessera::python {
namespace {

// `with tessera.budget("512M", "thumbnails"):` charges this thread's allocations to a budget
// of that size; one that would cross it raises tessera.OutOfBudget before allocating. Inside
// another budget's `with`, it is charged to that one too.
//
// One budget may be entered by several threads at once (a ThreadPoolExecutor's workers each
// doing `with shared_budget:`): the cap is then theirs together. tessera's current budget is a
// per-thread pointer, so each thread has its own scope on it, and budgets leave innermost
// first on each thread. Exiting on a thread that did not enter it (a generator finished
// elsewhere) or out of order is refused with an error, and a scope is never torn down from the
// wrong place: if a budget is dropped while a thread is still inside it, its budget and scopes
// are kept (a small leak for a misuse) rather than leave a thread pointing at freed memory.
class Budget {
 public:
  Budget(nb::handle cap, std::string name)
      : cap_(bytes_of(cap, "budget")), name_(std::move(name)) {}
  ~Budget() {
    const std::lock_guard lock(mutex_);
    const auto here = scopes_.find(std::this_thread::get_id());
    if (here != scopes_.end() && !entered().empty() && entered().back() == this) {
      entered().pop_back();
      scopes_.erase(here);
    }
    if (scopes_.empty()) return;
    for (auto& [thread, scope] : scopes_) (void)scope.release();  // still installed: never freed
    (void)budget_.release();                                      // the scopes point at it
  }
  Budget(const Budget&) = delete;
  Budget& operator=(const Budget&) = delete;

  Budget& enter() {
    const std::lock_guard lock(mutex_);
    const std::thread::id thread = std::this_thread::get_id();
    if (scopes_.contains(thread)) {
      throw Error(ErrorCode::InvalidArgument,
                  "budget: already entered on this thread; use one `with` at a time");
    }
    // Made at the first entry, so that it lies inside the budget current there (budgets nest:
    // what this one holds counts in the enclosing one too), wherever the object was made.
    if (!budget_) budget_ = std::make_unique<MemoryBudget>(cap_, name_);
    scopes_.emplace(thread, std::make_unique<BudgetScope>(*budget_));
    entered().push_back(this);
    return *this;
  }
  void exit() {
    const std::lock_guard lock(mutex_);
    const auto here = scopes_.find(std::this_thread::get_id());
    if (here == scopes_.end()) {
      if (scopes_.empty()) return;
      throw Error(ErrorCode::InvalidArgument,
                  "budget: exited on a thread that did not enter it: a budget charges the "
                  "threads that entered it (a generator suspended inside `with` must finish "
                  "on its own thread)");
    }
    if (entered().back() != this) {
      throw Error(ErrorCode::InvalidArgument,
                  "budget: exited before a budget entered inside it: exit the innermost first");
    }
    entered().pop_back();
    scopes_.erase(here);
  }
  // The budget lives as long as this object, so its figures stay true after the `with`: the
  // images made inside still count, and entering it again charges on from there.
  std::size_t cap() const { return cap_; }
  std::size_t used() const { return budget_ ? budget_->used() : 0; }
  std::size_t peak() const { return budget_ ? budget_->peak() : 0; }

  // The budgets entered on this thread, innermost last.
  static const std::vector<Budget*>& entered_here() { return entered(); }
  MemoryBudget* memory_budget() const { return budget_.get(); }

 private:
  static std::vector<Budget*>& entered() {
    thread_local std::vector<Budget*> stack;
    return stack;
  }

  const std::size_t cap_;
  const std::string name_;
  std::mutex mutex_;  // the GIL serialises callers today; free-threaded Python would not
  std::unique_ptr<MemoryBudget> budget_;
  std::map<std::thread::id, std::unique_ptr<BudgetScope>> scopes_;  // one per thread inside
};

}  // namespace

EnteredBudget entered_budget() {
  const std::vector<Budget*>& entered = Budget::entered_here();
  if (entered.empty()) return {};
  Budget* const innermost = entered.back();
  return {innermost->memory_budget(), nb::find(innermost)};
}

// A size as Python gives it: bytes as an int, or text ("512M", "1.5G"); anything else, or 0,
// is refused in words.
std::size_t bytes_of(nb::handle size, std::string_view what) {
  std::size_t bytes = 0;
  if (nb::isinstance<nb::str>(size)) {
    bytes = memory::parse_bytes(nb::cast<std::string>(size));
  } else if (nb::isinstance<nb::int_>(size) && !nb::isinstance<nb::bool_>(size)) {
    const unsigned long long value = PyLong_AsUnsignedLongLong(size.ptr());
    if (PyErr_Occurred() != nullptr) {
      PyErr_Clear();
      bytes = 0;  // negative or past 64 bits
    } else {
      bytes = static_cast<std::size_t>(value);
    }
  }
  if (bytes == 0) {
    throw Error(
        ErrorCode::InvalidArgument,
        std::string(what) + " needs a positive size: bytes as an int, or text such as \"512M\"");
  }
  return bytes;
}

void bind_convert(nb::module_& module) {
  module.def(
      "convert",
      [](const std::filesystem::path& input, const std::filesystem::path& output,
         const std::optional<std::string>& text, nb::handle memory, bool orientation,
         bool overwrite, nb::handle max_pixels, const std::string& fail_on,
         const nb::kwargs& options) {
        std::error_code not_same;
        if (!overwrite && std::filesystem::equivalent(input, output, not_same)) {
          throw Error(ErrorCode::InvalidArgument,
                      "the output is the input itself: give another output, or overwrite=True "
                      "to replace it",
                      {.path = input.string(), .operation = "convert"});
        }
        const EncodeOptions encode = encode_options_of(
            options, "convert", "pipeline, memory, orientation, overwrite, max_pixels, fail_on");
        if (output != "-") warn_of_unused_options(output, options, encode);
        std::optional<pipeline::Pipeline> stages;
        if (text && !text->empty()) stages = pipeline::parse(*text);
        const std::size_t cap = memory.is_none() ? 0 : bytes_of(memory, "memory");
        Interruptible interruptible;
        std::vector<std::string> warnings;
        interruptible.run([&] {
          const PixelCall call;
          pipeline::Job job = pipeline::Job::prepare(input, output,
                                                     {.limits = limits_of(max_pixels),
                                                      .apply_orientation = orientation,
                                                      .fail_on = fail_on_of(fail_on),
                                                      .print_warnings = false,
                                                      .encode = encode,
                                                      .pipeline = stages ? &*stages : nullptr,
                                                      .check_interrupt = interruptible.check()});
          job.run_within(cap, "memory=");
          warnings = job.warnings();
        });
        warn_of_damage(input, warnings);
      },
      nb::arg("input"), nb::arg("output"), nb::arg("pipeline") = nb::none(), nb::kw_only(),
      nb::arg("memory") = nb::none(), nb::arg("orientation") = true, nb::arg("overwrite") = false,
      nb::arg("max_pixels").none() = nb::none(), nb::arg("fail_on") = "error", nb::arg("options"),
      "One file through a pipeline, streamed in bands as `tessera convert` runs it; the output "
      "appears only when complete. memory=\"64M\" caps it (tessera.OutOfBudget past it); other "
      "keyword arguments are encode options (quality=80, palette=True, colors=64, dither=0.5, "
      "...: tessera.write() says them). The input's EXIF, XMP, IPTC, ICC "
      "profile and DPI are kept (Orientation 1 once turned upright); strip=True drops them, "
      "keep=\"exif,icc\" keeps only those kinds.");

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
