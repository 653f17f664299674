#pragma once
// A folder of images through one pipeline: every file on its own (a bad one is reported and
// the rest go on), outputs written under a temporary name and renamed when complete, memory
// admitted file by file against one budget, several files at once.
//
//   tessera::batch::Options options{.input = "photos", .output = "edges", .pipeline = &stages};
//   options.jobs = 2;
//   options.memory = 512 << 20;
//   auto summary = tessera::batch::run(options, [](const FileResult& file, const Totals& so_far) {
//     ...progress...
//   });

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/budget.h"
#include "tessera/codec.h"
#include "tessera/pipeline/pipeline.h"

namespace tessera::batch {

struct Options {
  // A folder (walked as it goes, never listed whole), a file naming one path per line, or "-"
  // for paths on standard input.
  std::filesystem::path input{};
  std::filesystem::path output{};                // a folder; made if missing
  const pipeline::Pipeline* pipeline = nullptr;  // nullptr: convert only
  int jobs = 0;                                  // files at once; 0: one per core
  // The cores this run may use (its files' ops spread over cores / jobs each); 0: the
  // machine's. A process that shares the machine with others doing the same (a Dask worker
  // beside another) gives its share, so that their threads do not outnumber the cores.
  int cores = 0;
  std::size_t memory = 0;  // a cap on tracked memory for all files; 0: none
  // The budget the batch runs inside, as budgets nest: every file is charged to it too, and
  // the files are admitted against what it has left when the run begins (or `memory`, if that
  // is less). nullptr: the calling thread's current budget (BudgetScope), if any. It must
  // outlive the run.
  MemoryBudget* within = nullptr;
  std::string format{};  // output extension without the dot ("jpg", "png", ...); empty: the input's
  EncodeOptions encode{};
  Limits limits{};                 // per file (budget ignored: `memory` is the budget)
  bool apply_orientation = true;   // see DecodeOptions (`--no-rotate`)
  bool shrink_on_load = true;      // see DecodeOptions
  FailOn fail_on = FailOn::Error;  // see DecodeOptions
  // DecodeOptions::page (`--page`): the same page or frame of every input; a file without it
  // fails (InvalidArgument). nullopt: each file's default one.
  std::optional<int> page{};
  bool recursive = false;  // walk subfolders (their names are kept in the output)
  // Files a folder's walk passes over: what the run writes itself where it may be walked (a
  // report in the input folder, and the report's temporary while it is written).
  std::vector<std::filesystem::path> exclude{};
  // With a folder as `input`: take only these of its files (names relative to it), in this
  // order, instead of walking it; each as the walk would meet it, so its output keeps its name
  // under `output` and a file that is not an image is skipped, not failed. A distributed run
  // walks the folder once and hands each task its share this way. Empty: walk the folder.
  std::vector<std::filesystem::path> files{};
  // Skip inputs whose output already exists (outputs appear complete), after removing the
  // temporaries a killed run left behind.
  bool resume = false;
  // This process takes the inputs whose relative name, without its extension, has
  // shard_of(name, shards) == shard.
  int shard = 0;
  int shards = 1;
  // Once requested (Ctrl-C), no more inputs are taken; the files in flight finish, so each
  // output is complete or absent and no temporary stays.
  std::stop_token stop{};
  // Called as each input is taken, before anything of it is read, with the seconds since the
  // run began (Totals::seconds' clock); from the thread that runs it, so calls for several
  // files may come at once. With the Progress call for the same input it brackets the file: a
  // report sampling memory on time names the files in flight from the two.
  std::function<void(const std::filesystem::path& input, double seconds)> started{};
};

enum class Status { Done, Failed, Skipped };

struct FileResult {
  std::filesystem::path input;
  std::filesystem::path output;
  Status status = Status::Done;
  std::string error_code;  // Failed: "CorruptData", "OutOfBudget", ...
  std::string message;     // Failed: what went wrong; Skipped: why
  double seconds = 0;
  // Done: the part of `seconds` in the decoder, the pipeline and the encoder (see
  // pipeline::Job::stage_seconds).
  double decode_seconds = 0, pipeline_seconds = 0, encode_seconds = 0;
  std::uintmax_t input_bytes = 0;
  std::uintmax_t output_bytes = 0;
  // Known once the file's header was read: its upright size, and what was written.
  int width = 0, height = 0;
  int output_width = 0, output_height = 0;
  std::vector<std::string> warnings;  // what the decoder accepted with a warning
};

struct Totals {
  int done = 0;
  int failed = 0;
  int skipped = 0;
  double seconds = 0;  // since the run began
  std::uintmax_t input_bytes = 0;
  std::uintmax_t output_bytes = 0;
  std::size_t tracked_bytes = 0;       // live now
  std::size_t peak_tracked_bytes = 0;  // since the run began
  std::size_t rss = 0;
  std::size_t peak_rss = 0;
  bool interrupted = false;  // Options::stop was requested: inputs were left
  // An output could not be written for want of room (ENOSPC, EDQUOT): no more inputs were
  // taken, since every one would fail the same way. Run again with --resume when there is room.
  bool output_full = false;
};

// Called once per file as it finishes (from the thread that ran it, one call at a time).
using Progress = std::function<void(const FileResult&, const Totals&)>;

// Runs every input. Throws Error(InvalidArgument) before starting when the input cannot be read
// as a folder, a list or standard input, or the options are inconsistent; files fail one by
// one after that, in the results.
Totals run(const Options& options, const Progress& progress = {});

// How many inputs run() would take (this shard's), for a progress bar and its ETA: the folder
// walked or the list read once more, counting only. nullopt for standard input (it can be read
// once) or when `stop` is requested first.
std::optional<std::size_t> count_inputs(const Options& options, std::stop_token stop = {});

// Which of `shards` shards a relative input name belongs to: stable across runs and machines.
int shard_of(const std::string& name, int shards);

// A shard as people write it: "K/N", the K-th of N with 1 <= K <= N ("2/8"). Returns
// {shard = K - 1, shards = N} for Options; throws Error(InvalidArgument) naming the rule for
// anything else. run() checks Options' pair against the same rule, with the same message.
struct Shard {
  int shard = 0;
  int shards = 1;
};
Shard parse_shard(std::string_view text);

// "DONE", "FAILED", "SKIPPED".
std::string_view to_string(Status status);

}  // namespace tessera::batch
