// tessera.batch's engine: batch::run on a thread of its own, its results handed to Python one
// by one through a small bounded queue. python/tessera/__init__.py wraps it in a generator
// whose `finally` closes it, so a loop that breaks (or raises, or a Ctrl-C) stops the run:
// no file is started after, the files in flight finish, and no temporary is left.

#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "bindings.h"
#include "python_call.h"
#include "tessera/batch/batch.h"
#include "tessera/error.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/profiler.h"

namespace nb = nanobind;

namespace tessera::python {
namespace {

class BatchRun {
 public:
  // `budget_owner` owns options.within (the caller's `with tessera.budget`), kept alive while the
  // run charges it.
  BatchRun(batch::Options options, const std::optional<std::string>& text, nb::object budget_owner)
      : options_(std::move(options)), budget_owner_(std::move(budget_owner)) {
    if (text && !text->empty()) {
      pipeline_ = pipeline::parse(*text);
      options_.pipeline = &*pipeline_;
    }
    options_.stop = stop_.get_token();
    worker_ = std::thread([this] { work(); });
  }
  ~BatchRun() { close(); }
  BatchRun(const BatchRun&) = delete;
  BatchRun& operator=(const BatchRun&) = delete;

  // The next file's result, or None once the run is over. Waits with the GIL released, and
  // looks at Python's signals every 100 ms, so that Ctrl-C raises KeyboardInterrupt promptly.
  nb::object next() {
    std::optional<batch::FileResult> result;
    for (;;) {
      {
        const GilReleased unlocked;
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::milliseconds(100),
                          [&] { return !results_.empty() || finished_; });
        if (!results_.empty()) {
          result = std::move(results_.front());
          results_.pop_front();
          changed_.notify_all();
        } else if (finished_ && failure_) {
          std::rethrow_exception(std::exchange(failure_, nullptr));
        } else if (finished_ && totals_.output_full && !said_full_) {
          // The run stopped taking files, each of which would fail the same way: after the
          // results of those that finished, say so rather than end as if all were done.
          said_full_ = true;
          throw Error(ErrorCode::Io,
                      "the output device is full: the batch stopped taking files, and those "
                      "not yet reported were not processed; free some space and run it again "
                      "with resume=True",
                      {.path = options_.output.string(), .operation = "batch", .os_error = ENOSPC});
        } else if (finished_) {
          return nb::none();
        }
      }
      if (result) return as_dict(*result);
      if (PyErr_CheckSignals() != 0) throw nb::python_error();
    }
  }

  // Starts no more files, lets those in flight finish and waits for them.
  void close() {
    stop_.request_stop();
    {
      const std::lock_guard lock(mutex_);
      closing_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) {
      const GilReleased unlocked;
      worker_.join();
    }
  }

  const batch::Totals& totals() const { return totals_; }

 private:
  // Results waiting for Python, at most: past it the workers wait, so a loop that stops
  // taking results stops the run within a few files (whatever the machine's timing), and a
  // slow loop holds the batch back rather than letting results pile up.
  static constexpr std::size_t kQueued = 4;

  void work() {
    try {
      totals_ = batch::run(options_, [this](const batch::FileResult& result, const batch::Totals&) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return results_.size() < kQueued || closing_; });
        if (!closing_) results_.push_back(result);
        changed_.notify_all();
      });
    } catch (...) {
      const std::lock_guard lock(mutex_);
      failure_ = std::current_exception();
    }
    const std::lock_guard lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }

  static nb::object as_dict(const batch::FileResult& result) {
    nb::dict entry;
    // Names as os.fsdecode gives them: a file name that is not UTF-8 is still reported (and
    // opens the same file again).
    entry["input"] = path_str(result.input);
    // Only a file that is there: a failed input wrote none, a skipped one may have one (kept
    // by resume) or none (not an image).
    std::error_code missing;
    const bool written =
        result.status == batch::Status::Done ||
        (result.status != batch::Status::Failed && std::filesystem::exists(result.output, missing));
    entry["output"] = written ? nb::object(path_str(result.output)) : nb::none();
    entry["status"] = std::string(batch::to_string(result.status));
    entry["code"] = result.error_code.empty() ? nb::none() : nb::cast(result.error_code);
    const nb::object message = message_str(result.message);
    entry["error"] = result.status == batch::Status::Failed ? message : nb::none();
    entry["reason"] = result.status == batch::Status::Skipped ? message : nb::none();
    entry["seconds"] = result.seconds;
    entry["input_bytes"] = result.input_bytes;
    entry["output_bytes"] = result.output_bytes;
    nb::list warnings;
    for (const std::string& warning : result.warnings) warnings.append(message_str(warning));
    entry["warnings"] = warnings;
    entry["width"] = result.width;
    entry["height"] = result.height;
    entry["output_width"] = result.output_width;
    entry["output_height"] = result.output_height;
    // Where a done file's time went, as the report's records say it.
    entry["decode_seconds"] = result.decode_seconds;
    entry["pipeline_seconds"] = result.pipeline_seconds;
    entry["encode_seconds"] = result.encode_seconds;
    return entry;
  }

  batch::Options options_;
  nb::object budget_owner_;
  std::optional<pipeline::Pipeline> pipeline_;
  std::stop_source stop_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<batch::FileResult> results_;
  bool finished_ = false;
  bool closing_ = false;
  std::exception_ptr failure_;
  batch::Totals totals_;
  bool said_full_ = false;
  std::thread worker_;  // last: started once everything it uses exists
};

}  // namespace

void bind_batch(nb::module_& module) {
  nb::class_<BatchRun>(module, "BatchRun", "tessera.batch's engine; use tessera.batch().")
      .def(
          "__init__",
          [](BatchRun* self, const std::filesystem::path& input,
             const std::filesystem::path& output, const std::optional<std::string>& text, int jobs,
             int cores, nb::handle memory, const std::string& format, bool resume, bool recursive,
             std::vector<std::filesystem::path> files, const nb::kwargs& options) {
            if (cores < 0) {
              throw Error(ErrorCode::InvalidArgument,
                          "cores is the number of cores the batch may use: 1 or more, or 0 for "
                          "all of the machine's; not " +
                              std::to_string(cores),
                          {.operation = "batch"});
            }
            if (jobs < 0) {
              throw Error(ErrorCode::InvalidArgument,
                          "jobs is the number of files processed at once: 1 or more, or 0 for "
                          "one per core; not " +
                              std::to_string(jobs),
                          {.operation = "batch"});
            }
            std::error_code missing;
            if (input != "-" && !std::filesystem::exists(input, missing)) {
              // As open() of a missing file is, a FileNotFoundError in Python.
              throw Error(ErrorCode::Io,
                          "batch input not found: give a folder, a file listing paths, or '-'",
                          {.path = input.string(), .operation = "batch", .os_error = ENOENT});
            }
            batch::Options run{
                .input = input,
                .output = output,
                .jobs = jobs,
                .cores = cores,
                .format = format,
                .encode = encode_options_of(
                    options, "batch",
                    "pipeline, jobs, cores, memory, format, resume, recursive, files"),
                .recursive = recursive,
                .files = std::move(files),
                .resume = resume};
            if (!memory.is_none()) run.memory = bytes_of(memory, "memory");
            // The run's threads are not this one: an enclosing `with tessera.budget` is handed
            // to them, as budgets nest (the files are charged to it, and admitted against it).
            EnteredBudget ambient = entered_budget();
            run.within = ambient.budget;
            new (self) BatchRun(std::move(run), text, std::move(ambient.owner));
          },
          nb::arg("input"), nb::arg("output"), nb::arg("pipeline") = nb::none(), nb::kw_only(),
          nb::arg("jobs") = 0, nb::arg("cores") = 0, nb::arg("memory") = nb::none(),
          nb::arg("format") = "", nb::arg("resume") = false, nb::arg("recursive") = false,
          nb::arg("files") = std::vector<std::filesystem::path>{}, nb::arg("options"))
      .def("next", &BatchRun::next)
      .def("close", &BatchRun::close)
      .def_prop_ro("totals", [](const BatchRun& self) {
        const batch::Totals& totals = self.totals();
        nb::dict entry;
        entry["done"] = totals.done;
        entry["failed"] = totals.failed;
        entry["skipped"] = totals.skipped;
        entry["seconds"] = totals.seconds;
        entry["interrupted"] = totals.interrupted;
        entry["output_full"] = totals.output_full;
        entry["peak_tracked_bytes"] = totals.peak_tracked_bytes;
        entry["peak_rss"] = totals.peak_rss;
        return entry;
      });
}

}  // namespace tessera::python
