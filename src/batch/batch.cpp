// The batch runner (see tessera/batch/batch.h).

#include "tessera/batch/batch.h"

#include <fmt/format.h>
#include <tbb/task_arena.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "batch/admission.h"
#include "batch/inputs.h"
#include "batch/output_names.h"
#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/formats.h"
#include "tessera/memory.h"
#include "tessera/pipeline/job.h"
#include "tessera/profiler.h"

namespace tessera::batch {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The output keeps the input's name and extension unless --format says otherwise (a GIF stays
// a GIF, quantised again: a pipeline's new colours are put back into 256).
fs::path output_for(const Options& options, const detail::Input& input) {
  fs::path name = options.output / input.relative;
  if (!options.format.empty()) name.replace_extension(options.format);
  return name;
}

std::uintmax_t size_of(const fs::path& path) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  return error ? 0 : size;
}

// A folder walked as it goes would meet the outputs written into it (or below it, with
// --recursive) and take them as inputs, or replace inputs with outputs of the same name.
void refuse_output_among_inputs(const Options& options) {
  std::error_code error;
  if (!fs::is_directory(options.input, error)) return;
  const fs::path input = fs::weakly_canonical(options.input, error);
  const fs::path output = fs::weakly_canonical(options.output, error);
  if (error) return;
  const auto [in_end, out_end] =
      std::mismatch(input.begin(), input.end(), output.begin(), output.end());
  const bool inside = in_end == input.end();
  if (output == input || (inside && options.recursive)) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("the output folder '{}' is {}: outputs would be taken as "
                            "inputs or replace them; choose another output folder",
                            options.output.string(),
                            output == input ? "the input folder" : "inside the input folder"),
                {.path = options.output.string(), .operation = "batch"});
  }
}

// A folder that exists but cannot take files (read-only, another user's) would fail every file
// after its decode: try a file in it before the first. The file has no name where the system
// allows it (O_TMPFILE), so a run killed during the check leaves nothing behind; a named one,
// made otherwise, would stay if the kill came before its unlink, and no resume removes it.
void refuse_unwritable_output(const fs::path& output) {
#ifdef O_TMPFILE
  const int unnamed = ::open(output.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (unnamed >= 0) {
    ::close(unnamed);
    return;
  }
  // EOPNOTSUPP, EISDIR or EINVAL: the file system has no unnamed files; EACCES, EROFS, ...:
  // the named check below fails the same way and says so.
#endif
  std::string name = (output / ".tessera-write-check-XXXXXX").string();
  const int descriptor = ::mkstemp(name.data());
  if (descriptor < 0) {
    const int reason = errno;
    throw Error(ErrorCode::Io,
                fmt::format("cannot write in the output folder: {}", std::strerror(reason)),
                {.path = output.string(), .operation = "batch", .os_error = reason});
  }
  ::close(descriptor);
  ::unlink(name.c_str());
}

// Whether this run's shard takes the input (or output) with this relative name. The name is
// hashed without its extension, so that an input and its output fall in the same shard
// whatever --format says.
bool in_shard(const Options& options, fs::path relative) {
  return options.shards <= 1 ||
         shard_of(relative.replace_extension().generic_string(), options.shards) == options.shard;
}

// One file, start to end. Errors become a Failed result; nothing escapes.
// Sets `output_full` when the output device has no room left.
FileResult run_file(const Options& options, const detail::Input& input,
                    detail::Admission& admission, const std::string& cap_text, MemoryBudget* budget,
                    pipeline::IoThreads io, detail::OutputClaims& claims,
                    detail::LeftoverTemporaries* leftovers, std::atomic<bool>& output_full) {
  FileResult result{input.path, output_for(options, input)};
  const auto start = Clock::now();
  result.input_bytes = size_of(input.path);
  std::size_t reserved = 0;
  bool output_unwritable = false;
  try {
    // A killed run's temporaries under this input's output name are stale, whether the output
    // is done (then skipped) or not (then redone).
    if (leftovers != nullptr) leftovers->remove_for(result.output);
    if (options.resume && fs::exists(result.output)) {
      // Outputs appear under their name only when complete, so one that exists is done.
      result.status = Status::Skipped;
      result.message = "output exists (--resume)";
      return result;
    }
    if (options.format.empty()) {
      // The output takes the input's extension: when tessera cannot write that, say first
      // what is wrong with the input if anything is (a text file is not an image at all).
      try {
        format_for_extension(result.output);
      } catch (const Error&) {
        probe(input.path);
        output_unwritable = true;  // an image, in a format tessera cannot write
        throw;
      }
    }
    std::error_code same_error;
    if (fs::equivalent(input.path, result.output, same_error)) {
      throw Error(ErrorCode::InvalidArgument,
                  "its output would replace it: choose an output folder apart from the inputs",
                  {.path = input.path.string(), .operation = "batch"});
    }
    pipeline::Job job = pipeline::Job::prepare(input.path, result.output,
                                               {.limits = options.limits,
                                                .apply_orientation = options.apply_orientation,
                                                .shrink_on_load = options.shrink_on_load,
                                                .fail_on = options.fail_on,
                                                .page = options.page,
                                                .encode = options.encode,
                                                .pipeline = options.pipeline,
                                                .io = io});
    // Claimed once the input is known to be an image (the job opened its decoder).
    claims.claim(result.output, input.path);
    result.width = job.input_size()[0];
    result.height = job.input_size()[1];
    result.output_width = job.output_shape().width;
    result.output_height = job.output_shape().height;
    if (!admission.fits(job.estimate())) {
      throw Error(ErrorCode::OutOfBudget,
                  fmt::format("needs about {}, more than {}", memory::format_bytes(job.estimate()),
                              cap_text),
                  {.path = input.path.string(), .operation = "admit"});
    }
    admission.reserve(job.estimate());
    reserved = job.estimate();
    std::optional<BudgetScope> scope;
    if (budget != nullptr) scope.emplace(*budget);
    // Made only now: an input refused before it runs leaves no empty folder behind.
    fs::create_directories(result.output.parent_path());
    job.run();
    const pipeline::Job::StageSeconds stages = job.stage_seconds();
    result.decode_seconds = stages.decode;
    result.pipeline_seconds = stages.pipeline;
    result.encode_seconds = stages.encode;
    result.warnings = job.warnings();
    result.output_bytes = size_of(result.output);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::UnsupportedFormat && !input.listed && !output_unwritable &&
        !is_unsupported_image(input.path) && !starts_as_a_read_format(input.path)) {
      // A folder's readme.txt is not an input that failed; a JPEG 2000 file is, and so is a
      // TIFF whose samples libtiff cannot convert.
      result.status = Status::Skipped;
      result.message = "not an image";
      admission.release(reserved);
      result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      return result;
    }
    result.status = Status::Failed;
    result.error_code = std::string(to_string(error.code()));
    result.message = error.message();
    if (error.code() == ErrorCode::Io &&
        (error.os_error() == ENOSPC || error.os_error() == EDQUOT)) {
      output_full = true;
    }
  } catch (const std::exception& error) {  // std::bad_alloc, filesystem errors
    result.status = Status::Failed;
    result.error_code = "Internal";
    result.message = error.what();
  }
  admission.release(reserved);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

// The one shard rule, for the K/N a user wrote and for Options filled in by code alike.
void check_shard(int shard, int shards, std::string_view as_written) {
  if (shards < 1 || shard < 0 || shard >= shards) {
    throw Error(
        ErrorCode::InvalidArgument,
        fmt::format("--shard {} is not allowed: K/N with 1 <= K <= N, e.g. 2/8", as_written),
        {.operation = "batch"});
  }
}

}  // namespace

Shard parse_shard(std::string_view text) {
  int k = 0;
  int n = 0;
  const char* const end = text.data() + text.size();
  const auto [after_k, k_error] = std::from_chars(text.data(), end, k);
  if (k_error == std::errc{} && after_k != end && *after_k == '/') {
    const auto [after_n, n_error] = std::from_chars(after_k + 1, end, n);
    if (n_error != std::errc{} || after_n != end) n = 0;
  }
  check_shard(k - 1, n, text);
  return {.shard = k - 1, .shards = n};
}

int shard_of(const std::string& name, int shards) {
  // FNV-1a: the same on every machine and every run, unlike std::hash.
  std::uint64_t hash = 1469598103934665603ULL;
  for (const unsigned char c : name) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return static_cast<int>(hash % static_cast<std::uint64_t>(shards));
}

std::optional<std::size_t> count_inputs(const Options& options, std::stop_token stop) {
  if (options.input == "-") return std::nullopt;
  detail::Inputs inputs(options.input, options.recursive, options.exclude, options.files);
  std::size_t count = 0;
  while (const auto input = inputs.next()) {
    if (stop.stop_requested()) return std::nullopt;
    if (in_shard(options, input->relative)) ++count;
  }
  return count;
}

std::string_view to_string(Status status) {
  switch (status) {
    case Status::Done:
      return "DONE";
    case Status::Failed:
      return "FAILED";
    case Status::Skipped:
      return "SKIPPED";
  }
  return "?";
}

Totals run(const Options& options, const Progress& progress) {
  check_shard(options.shard, options.shards,
              fmt::format("{}/{}", options.shard + 1, options.shards));
  if (!options.format.empty()) {
    // Said before any file: a --format tessera cannot write, or options it cannot take.
    check_encode_options(format_for_option(options.format), options.encode,
                         fmt::format("--format {}", options.format));
  }
  detail::Inputs inputs(options.input, options.recursive, options.exclude, options.files);
  refuse_output_among_inputs(options);
  std::error_code error;
  if (fs::exists(options.output, error) && !fs::is_directory(options.output, error)) {
    throw Error(ErrorCode::InvalidArgument,
                "OUTPUT is a file, not a folder: give a folder (it is made if missing)",
                {.path = options.output.string(), .operation = "batch"});
  }
  fs::create_directories(options.output, error);
  if (error || !fs::is_directory(options.output)) {
    throw Error(ErrorCode::Io, fmt::format("cannot make the output folder: {}", error.message()),
                {.path = options.output.string(), .operation = "batch"});
  }
  refuse_unwritable_output(options.output);
  std::optional<detail::LeftoverTemporaries> leftovers;
  if (options.resume) leftovers.emplace(options.output);
  // The files' budget: `memory`, and inside the budget the run is within (Options::within), the
  // room that one has now; admission holds the files to the smaller.
  MemoryBudget* const within = options.within != nullptr ? options.within : current_budget();
  std::size_t cap = options.memory;
  std::string cap_text = fmt::format("the batch's whole memory cap {} (--memory, memory=)",
                                     memory::format_bytes(options.memory));
  if (within != nullptr) {
    const std::size_t room = within->cap() - std::min(within->used(), within->cap());
    if (cap == 0 || room < cap) {
      cap = std::max<std::size_t>(room, 1);
      cap_text = fmt::format("budget '{}' had left when the batch began ({} of its {} cap)",
                             within->name(), memory::format_bytes(room),
                             memory::format_bytes(within->cap()));
    }
  }
  std::optional<MemoryBudget> budget;
  if (cap != 0) {
    // Made inside `within`, so that what the files hold is charged there too.
    std::optional<BudgetScope> inside;
    if (within != nullptr) inside.emplace(*within);
    budget.emplace(cap, options.memory != 0 ? "--memory" : "batch in '" + within->name() + "'");
  }
  detail::Admission admission(cap);
  detail::OutputClaims claims;
  std::atomic<bool> output_full{false};

  const auto start = Clock::now();
  const std::size_t tracked_before = memory::counters().live_bytes;
  memory::reset_peak();
  std::mutex reporting;
  Totals totals;
  auto record = [&](const FileResult& result) {
    const std::lock_guard lock(reporting);
    switch (result.status) {
      case Status::Done:
        ++totals.done;
        break;
      case Status::Failed:
        ++totals.failed;
        break;
      case Status::Skipped:
        ++totals.skipped;
        break;
    }
    totals.input_bytes += result.status == Status::Done ? result.input_bytes : 0;
    totals.output_bytes += result.output_bytes;
    totals.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const memory::Counters counters = memory::counters();
    totals.tracked_bytes = counters.live_bytes - std::min(counters.live_bytes, tracked_before);
    totals.peak_tracked_bytes =
        std::max(totals.peak_tracked_bytes,
                 counters.peak_bytes - std::min(counters.peak_bytes, tracked_before));
    const memory::ProcessMemory process = memory::read_process_memory();
    totals.rss = process.rss;
    totals.peak_rss = process.peak_rss;
    if (progress) progress(result, totals);
  };

  const int cores = options.cores > 0
                        ? options.cores
                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int jobs = options.jobs > 0 ? options.jobs : cores;
  auto worker = [&] {
    // Each worker's ops spread over its share of the cores only: with a file in flight per
    // core, splitting one file's rows over every core adds scheduling and no speed (12% slower
    // on the batch benchmark). For the same reason each file then decodes and encodes on its
    // worker's thread rather than on two of its own (8% slower).
    const auto io = jobs >= cores ? pipeline::IoThreads::Caller : pipeline::IoThreads::Own;
    const auto work = [&] {
      while (!options.stop.stop_requested() && !output_full) {
        const auto input = inputs.next();
        if (!input) break;
        if (!in_shard(options, input->relative)) continue;  // another shard's
        if (options.started) {
          options.started(input->path, std::chrono::duration<double>(Clock::now() - start).count());
        }
        record(run_file(options, *input, admission, cap_text, budget ? &*budget : nullptr, io,
                        claims, leftovers ? &*leftovers : nullptr, output_full));
      }
    };
#ifdef TESSERA_PLAIN_THREADS
    // Under ThreadSanitizer the ops run on plain threads (op_support.h), so there is no TBB
    // work to confine; an arena would only have Debian's uninstrumented libtbb set itself up in
    // memory another worker's arena used, which TSan reports as a race it cannot see ordered.
    work();
#else
    tbb::task_arena share(std::max(1, cores / jobs));
    share.execute(work);
#endif
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < jobs; ++i) threads.emplace_back(worker);
  worker();
  for (auto& thread : threads) thread.join();
  totals.interrupted = options.stop.stop_requested();
  totals.output_full = output_full;
  totals.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const memory::ProcessMemory process = memory::read_process_memory();
  totals.rss = process.rss;
  totals.peak_rss = process.peak_rss;
  return totals;
}

}  // namespace tessera::batch
