// Batches: every file on its own, outputs complete or absent, resume and shards, memory
// admitted per file, and each output the same as converting that file alone.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "support/corpora.h"
#include "tessera/batch/batch.h"
#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/pipeline/job.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;

std::string contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Every regular file under `root`, as relative names.
std::set<std::string> files_under(const fs::path& root) {
  std::set<std::string> names;
  if (!fs::exists(root)) return names;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) names.insert(entry.path().lexically_relative(root).string());
  }
  return names;
}

class Batch : public ::testing::Test {
 protected:
  void SetUp() override {
    TESSERA_REQUIRE_CORPORA();
    root_ = fs::temp_directory_path() / ("tessera-batch-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(input() / "sub");
    const fs::path images = testing::corpora() / "jpeg/libjpeg-turbo/testimages";
    fs::copy_file(images / "testorig.jpg", input() / "a.jpg");
    fs::copy_file(images / "testimgint.jpg", input() / "b.jpg");
    fs::copy_file(testing::corpora() / "vips/test/test-suite/images/ultra-hdr.jpg",
                  input() / "sub" / "big.jpg");
    std::ofstream(input() / "notes.txt") << "not an image\n";
    const std::string photo = contents(images / "testorig.jpg");
    std::ofstream(input() / "sub" / "cut.jpg", std::ios::binary)
        << photo.substr(0, 200);  // cut inside the headers
    stages_ = pipeline::parse("resize 50% | sharpen");
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path input() const { return root_ / "in"; }
  batch::Options options(const fs::path& output) const {
    return {.input = input(), .output = output, .pipeline = &stages_, .jobs = 2, .recursive = true};
  }

  fs::path root_;
  pipeline::Pipeline stages_;
};

TEST_F(Batch, bad_files_are_reported_and_the_rest_are_done) {
  std::vector<batch::FileResult> results;
  const auto totals = batch::run(
      options(root_ / "out"),
      [&](const batch::FileResult& file, const batch::Totals&) { results.push_back(file); });
  EXPECT_EQ(totals.done, 3);
  EXPECT_EQ(totals.failed, 1);
  EXPECT_EQ(totals.skipped, 1);  // notes.txt: met in a folder, not an image
  ASSERT_EQ(results.size(), 5u);
  for (const auto& file : results) {
    SCOPED_TRACE(file.input.string());
    if (file.input.filename() == "notes.txt") {
      EXPECT_EQ(file.status, batch::Status::Skipped);
      EXPECT_EQ(file.message, "not an image");
    } else if (file.input.filename() == "cut.jpg") {
      EXPECT_EQ(file.error_code, "CorruptData");
    } else {
      EXPECT_EQ(file.status, batch::Status::Done) << file.message;
    }
  }
  // Only complete outputs, named as the inputs, subfolders kept; nothing for the failures.
  EXPECT_EQ(files_under(root_ / "out"), (std::set<std::string>{"a.jpg", "b.jpg", "sub/big.jpg"}));
  EXPECT_EQ(totals.tracked_bytes, 0u);  // nothing left alive
}

// A TIFF whose samples libtiff cannot convert (half floats, 64-bit floats) is an image that
// failed, not a file to pass over as a readme.txt is (it was skipped as "not an image", exit 0).
TEST_F(Batch, an_image_tessera_cannot_decode_fails_with_its_reason_and_is_not_skipped) {
  const fs::path tiffs = testing::corpora() / "tiff/tests/images";
  fs::copy_file(tiffs / "random-fp16.tiff", input() / "half.tiff");
  fs::copy_file(tiffs / "gradient-1c-64b-float.tiff", input() / "double.tiff");
  std::map<std::string, batch::FileResult> results;
  const auto totals =
      batch::run(options(root_ / "out"), [&](const batch::FileResult& file, const batch::Totals&) {
        results[file.input.filename().string()] = file;
      });
  EXPECT_EQ(totals.failed, 3);   // cut.jpg, half.tiff, double.tiff
  EXPECT_EQ(totals.skipped, 1);  // notes.txt alone
  for (const char* name : {"half.tiff", "double.tiff"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(results[name].status, batch::Status::Failed);
    EXPECT_EQ(results[name].error_code, "UnsupportedFormat");
    EXPECT_NE(results[name].message.find("libtiff cannot convert"), std::string::npos)
        << results[name].message;
  }
  EXPECT_EQ(results["notes.txt"].status, batch::Status::Skipped);
}

TEST_F(Batch, started_is_called_for_each_file_before_its_progress_on_the_same_clock) {
  auto batched = options(root_ / "out");
  std::mutex mutex;
  std::map<std::string, double> started;  // input -> seconds
  batched.started = [&](const fs::path& input, double seconds) {
    const std::lock_guard lock(mutex);
    EXPECT_TRUE(started.emplace(input.string(), seconds).second) << input;
  };
  int finished = 0;
  batch::run(batched, [&](const batch::FileResult& file, const batch::Totals& so_far) {
    const std::lock_guard lock(mutex);
    ++finished;
    const auto it = started.find(file.input.string());
    ASSERT_NE(it, started.end()) << file.input;  // started before its progress
    EXPECT_GE(it->second, 0.0);
    EXPECT_LE(it->second, so_far.seconds) << file.input;  // the run's clock
  });
  EXPECT_EQ(finished, 5);
  EXPECT_EQ(started.size(), 5u);
}

TEST_F(Batch, each_output_equals_converting_that_file_alone) {
  auto batched = options(root_ / "out");
  batched.format = "png";
  batch::run(batched);
  auto job = pipeline::Job::prepare(input() / "sub" / "big.jpg", root_ / "alone.png",
                                    {.pipeline = &stages_});
  job.run();
  EXPECT_EQ(contents(root_ / "out" / "sub" / "big.png"), contents(root_ / "alone.png"));
}

TEST_F(Batch, resume_skips_what_is_done_and_redoes_the_rest) {
  batch::run(options(root_ / "out"));
  // As if killed while writing b: no b.jpg, and the temporary it was writing left behind.
  fs::remove(root_ / "out" / "b.jpg");
  std::ofstream(root_ / "out" / ".b.jpg.tessera-Ab3xYz") << "half a JPEG";
  std::ofstream(root_ / "out" / "sub" / ".big.jpg.tessera-q1w2e3") << "an old leftover";
  std::ofstream(root_ / "out" / ".b.jpg.tessera-notes") << "not one of ours (length)";
  std::ofstream(root_ / "out" / ".keep") << "the user's";
  const auto totals = batch::run([&] {
    auto again = options(root_ / "out");
    again.resume = true;
    return again;
  }());
  EXPECT_EQ(totals.skipped, 3);  // a and sub/big, and notes.txt (not an image)
  EXPECT_EQ(totals.done, 1);     // b
  EXPECT_EQ(totals.failed, 1);   // still bad
  EXPECT_TRUE(fs::exists(root_ / "out" / "b.jpg"));
  // The temporaries are gone; other files are left alone.
  EXPECT_EQ(files_under(root_ / "out"), (std::set<std::string>{".b.jpg.tessera-notes", ".keep",
                                                               "a.jpg", "b.jpg", "sub/big.jpg"}));
}

// Another run writing into the same folder (another shard, another batch) has temporaries that
// look like a killed run's: a resumed run removes only those under its own inputs' output
// names (on 091543c it removed them all, and the other run failed renaming its file).
TEST_F(Batch, resume_leaves_other_runs_temporaries_alone) {
  batch::run(options(root_ / "out"));
  fs::remove(root_ / "out" / "b.jpg");
  std::ofstream(root_ / "out" / ".b.jpg.tessera-Ab3xYz") << "ours: b is an input";
  // With two shards, b's shard resumes; the other shard's input's temporary stays.
  auto again = options(root_ / "out");
  again.resume = true;
  again.shards = 2;
  again.shard = batch::shard_of("b", 2);
  // Another batch's file, of no input of ours, under a name that falls in our shard (a shard
  // rule alone would take it).
  std::string other = "other0";
  while (batch::shard_of(other, 2) != again.shard) other.back()++;
  const fs::path another = root_ / "out" / ("." + other + ".jpg.tessera-Cd4eFg");
  std::ofstream(another) << "another batch's, in flight";
  const std::string other_shard = batch::shard_of("a", 2) != again.shard ? "a" : "sub/big";
  ASSERT_NE(batch::shard_of(other_shard, 2), again.shard) << "a fixture with both shards";
  fs::remove(root_ / "out" / (other_shard + ".jpg"));
  const fs::path theirs = root_ / "out" / fs::path(other_shard + ".jpg").parent_path() /
                          ("." + fs::path(other_shard).filename().string() + ".jpg.tessera-Hi5jKl");
  std::ofstream(theirs) << "the other shard's, in flight";
  batch::run(again);
  EXPECT_TRUE(fs::exists(root_ / "out" / "b.jpg"));
  EXPECT_FALSE(fs::exists(root_ / "out" / ".b.jpg.tessera-Ab3xYz"));
  EXPECT_TRUE(fs::exists(another)) << another;
  EXPECT_TRUE(fs::exists(theirs)) << theirs;
}

TEST_F(Batch, shards_split_the_inputs_disjointly_and_completely) {
  std::set<std::string> seen;
  int done = 0;
  for (int shard = 0; shard < 3; ++shard) {
    auto part = options(root_ / ("shard" + std::to_string(shard)));
    part.shard = shard;
    part.shards = 3;
    done += batch::run(part).done;
    for (const auto& name : files_under(part.output)) {
      EXPECT_TRUE(seen.insert(name).second) << name << " is in two shards";
    }
  }
  EXPECT_EQ(done, 3);
  EXPECT_EQ(seen, (std::set<std::string>{"a.jpg", "b.jpg", "sub/big.jpg"}));
  EXPECT_EQ(batch::shard_of("sub/big.jpg", 7), batch::shard_of("sub/big.jpg", 7));
}

TEST_F(Batch, a_file_that_alone_needs_more_than_the_budget_fails_and_the_rest_run) {
  auto tight = options(root_ / "out");
  tight.memory = 2 << 20;  // 2 MiB: the 3840x2160 photo's plan needs more, the others less
  std::string message;
  const auto totals = batch::run(tight, [&](const batch::FileResult& file, const batch::Totals&) {
    if (file.input.filename() == "big.jpg") message = file.error_code + ": " + file.message;
  });
  EXPECT_EQ(totals.done, 2);
  EXPECT_NE(message.find("OutOfBudget: needs about"), std::string::npos) << message;
  EXPECT_NE(message.find("more than the batch's whole memory cap 2.0 MiB"), std::string::npos)
      << message;
}

TEST_F(Batch, the_budget_the_batch_runs_within_holds_its_files) {
  // As budgets nest: the caller's current budget (or Options::within) is charged with every
  // file, and a file that cannot fit in what it has left is refused before it starts.
  MemoryBudget outer(2 << 20, "outer");
  std::string message;
  const auto record = [&](const batch::FileResult& file, const batch::Totals&) {
    if (file.input.filename() == "big.jpg") message = file.error_code + ": " + file.message;
  };
  batch::Totals totals;
  {
    const BudgetScope scope(outer);
    totals = batch::run(options(root_ / "out"), record);
  }
  EXPECT_EQ(totals.done, 2);
  EXPECT_NE(message.find("OutOfBudget: needs about"), std::string::npos) << message;
  EXPECT_NE(message.find("more than budget 'outer' had left when the batch began (2.0 MiB of its "
                         "2.0 MiB cap)"),
            std::string::npos)
      << message;
  EXPECT_GT(outer.peak(), 0u);
  EXPECT_EQ(outer.used(), 0u);
  // Handed over explicitly, from a thread that has no current budget.
  MemoryBudget roomy(64 << 20, "roomy");
  auto within = options(root_ / "out2");
  within.within = &roomy;
  EXPECT_EQ(batch::run(within).done, 3);
  EXPECT_GT(roomy.peak(), 2u << 20);  // the photo ran, charged here
  EXPECT_EQ(roomy.used(), 0u);
}

TEST_F(Batch, a_list_of_paths_is_an_input_too) {
  const fs::path list = root_ / "list.txt";
  std::ofstream(list) << (input() / "a.jpg").string() << "\n\n"
                      << (input() / "sub" / "big.jpg").string() << "\n";
  auto from_list = options(root_ / "out");
  from_list.input = list;
  const auto totals = batch::run(from_list);
  EXPECT_EQ(totals.done, 2);
  // Absolute paths are named by their file name.
  EXPECT_EQ(files_under(root_ / "out"), (std::set<std::string>{"a.jpg", "big.jpg"}));
}

TEST_F(Batch, chosen_files_are_taken_as_the_folders_walk_would_meet_them) {
  // Options::files, what a distributed run hands each task: only those, named as in the walk
  // (subfolders kept), a non-image skipped rather than failed; a name outside the folder is
  // refused before any file, and so is a list of chosen files for an input that is no folder.
  auto chosen = options(root_ / "out");
  chosen.files = {"sub/big.jpg", "notes.txt"};
  chosen.cores = 1;
  const auto totals = batch::run(chosen);
  EXPECT_EQ(totals.done, 1);
  EXPECT_EQ(totals.skipped, 1);
  EXPECT_EQ(files_under(root_ / "out"), (std::set<std::string>{"sub/big.jpg"}));
  auto outside = options(root_ / "other");
  outside.files = {"../elsewhere.jpg"};
  EXPECT_THROW(batch::run(outside), Error);
  const fs::path list = root_ / "list.txt";
  std::ofstream(list) << (input() / "a.jpg").string() << "\n";
  auto not_a_folder = options(root_ / "other");
  not_a_folder.input = list;
  not_a_folder.files = {"a.jpg"};
  EXPECT_THROW(batch::run(not_a_folder), Error);
  EXPECT_FALSE(fs::exists(root_ / "other"));
}

TEST_F(Batch, outputs_never_land_outside_the_output_folder_or_over_their_input) {
  // Relative paths in a list are read from the working folder; ".." does not lead the output
  // out of the output folder.
  const fs::path previous = fs::current_path();
  fs::current_path(input() / "sub");
  std::ofstream(root_ / "list.txt") << "../a.jpg\nbig.jpg\n";
  auto from_list = options(root_ / "out");
  from_list.input = root_ / "list.txt";
  const auto listed = batch::run(from_list);
  // An output that is its own input fails that file and leaves the input as it was.
  const std::string before = contents(input() / "sub" / "big.jpg");
  auto onto_itself = from_list;
  onto_itself.output = ".";
  std::vector<batch::FileResult> results;
  const auto replaced = batch::run(
      onto_itself,
      [&](const batch::FileResult& file, const batch::Totals&) { results.push_back(file); });
  fs::current_path(previous);

  EXPECT_EQ(listed.done, 2);
  EXPECT_EQ(files_under(root_ / "out"), (std::set<std::string>{"a.jpg", "big.jpg"}));
  EXPECT_EQ(replaced.failed, 1);
  for (const auto& file : results) {
    if (file.input != "big.jpg") continue;
    EXPECT_EQ(file.error_code, "InvalidArgument");
    EXPECT_NE(file.message.find("would replace it"), std::string::npos) << file.message;
  }
  EXPECT_EQ(contents(input() / "sub" / "big.jpg"), before);

  // A folder's outputs in the folder itself, or below it when walking subfolders, would be met
  // again as inputs: refused before anything runs.
  const auto inputs = files_under(input());
  EXPECT_THROW(batch::run(options(input())), Error);
  EXPECT_THROW(batch::run(options(input() / "sub")), Error);
  EXPECT_EQ(files_under(input()), inputs);
}

TEST_F(Batch, an_input_that_is_not_a_folder_or_a_list_is_refused_before_starting) {
  auto missing = options(root_ / "out");
  missing.input = root_ / "no-such-folder";
  EXPECT_THROW(batch::run(missing), Error);
  auto bad_shard = options(root_ / "out");
  bad_shard.shard = 3;
  bad_shard.shards = 3;
  EXPECT_THROW(batch::run(bad_shard), Error);
}

TEST(Shard, parses_k_of_n_and_refuses_everything_else_with_one_message) {
  const auto second_of_eight = batch::parse_shard("2/8");
  EXPECT_EQ(second_of_eight.shard, 1);
  EXPECT_EQ(second_of_eight.shards, 8);
  const auto only = batch::parse_shard("1/1");
  EXPECT_EQ(only.shard, 0);
  EXPECT_EQ(only.shards, 1);
  for (const char* bad : {"0/3", "4/3", "3/", "/3", "3", "", "a/b", "2/8x", " 2/8", "2 /8", "-1/3",
                          "2/0", "2/-8", "1/99999999999999999999", "2:8"}) {
    try {
      (void)batch::parse_shard(bad);
      ADD_FAILURE() << "'" << bad << "' was taken as a shard";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::InvalidArgument) << bad;
      EXPECT_EQ(error.message(),
                std::string("--shard ") + bad + " is not allowed: K/N with 1 <= K <= N, e.g. 2/8");
    }
  }
}

TEST_F(Batch, options_with_a_bad_shard_get_the_same_message_as_a_bad_shard_written) {
  auto bad_shard = options(root_ / "out");
  bad_shard.shard = 3;
  bad_shard.shards = 3;
  try {
    batch::run(bad_shard);
    ADD_FAILURE() << "shard 4 of 3 ran";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(error.message(), "--shard 4/3 is not allowed: K/N with 1 <= K <= N, e.g. 2/8");
  }
}

}  // namespace
}  // namespace tessera
