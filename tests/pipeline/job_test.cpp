// pipeline::Job, one file through a pipeline as `tessera convert` and tessera.convert run it:
// what a stop asked for late does (JobOptions::check_interrupt), and the memory it takes.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/images.h"
#include "tessera/budget.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/pipeline/job.h"
#include "tessera/pipeline/pipeline.h"

namespace tessera {
namespace {

using JobTest = testing::ScratchFolderTest;

struct Stopped : std::runtime_error {
  Stopped() : std::runtime_error("stopped") {}
};

// The hidden temporaries an encoder writes beside its output.
std::vector<std::filesystem::path> temporaries_in(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().filename().string().find(".tessera-") != std::string::npos) {
      found.push_back(entry.path());
    }
  }
  return found;
}

// Runs a job whose check_interrupt counts its calls, and throws on call `stop_at` (0: never).
// Returns the number of calls, and the bytes of the temporary beside the output at the last
// call (none if there was no temporary).
struct Checks {
  int calls = 0;
  std::optional<std::uintmax_t> temporary_bytes_at_last_call;
};
Checks run_stopping_at(const std::filesystem::path& input, const std::filesystem::path& output,
                       const std::string& text, int stop_at) {
  Checks checks;
  std::optional<pipeline::Pipeline> stages;
  if (!text.empty()) stages = pipeline::parse(text);
  pipeline::JobOptions options{.pipeline = stages ? &*stages : nullptr};
  // Called from the threads that read and write at once (JobOptions::check_interrupt).
  std::mutex calls;
  options.check_interrupt = [&] {
    const std::lock_guard lock(calls);
    ++checks.calls;
    checks.temporary_bytes_at_last_call.reset();
    for (const auto& temporary : temporaries_in(output.parent_path())) {
      checks.temporary_bytes_at_last_call = std::filesystem::file_size(temporary);
    }
    if (checks.calls == stop_at) throw Stopped();
  };
  pipeline::Job::prepare(input, output, options).run();
  return checks;
}

// A stop asked for after the last row was read (during a whole-image stage, or while the encoder
// finishes the file) used to come too late: the complete output was committed, and then the
// caller (Python's Ctrl-C) raised. The last check comes once the file is encoded, just before it
// is renamed into place (the temporary then holds all of it but what stdio still buffers), and a
// stop there leaves nothing.
TEST_F(JobTest, a_stop_before_the_output_is_committed_leaves_no_output) {
  constexpr std::uintmax_t kBuffered = 64 << 10;  // more than stdio's buffer
  const std::filesystem::path input = file("in.png");
  write(testing::noise(600, 400, PixelFormat::rgb8(), 7u), input);  // 700 KB that do not compress
  for (const std::string text : {"", "equalize", "rotate 90", "gray | blur 5 | canny 50 150 | rgb",
                                 "invert", "resize 50%"}) {
    for (const std::string extension : {"png", "jpg", "webp", "tif"}) {
      SCOPED_TRACE("'" + text + "' to " + extension);
      const std::filesystem::path output = file("out." + extension);
      const Checks whole = run_stopping_at(input, output, text, 0);
      ASSERT_TRUE(std::filesystem::exists(output));
      ASSERT_TRUE(whole.temporary_bytes_at_last_call.has_value())
          << "the last check came before the output was opened";
      EXPECT_LE(std::filesystem::file_size(output), *whole.temporary_bytes_at_last_call + kBuffered)
          << "the last check came before the file was encoded";
      std::filesystem::remove(output);
      EXPECT_THROW(run_stopping_at(input, output, text, whole.calls), Stopped);
      EXPECT_FALSE(std::filesystem::exists(output));
      EXPECT_TRUE(temporaries_in(folder_).empty());
    }
  }
}

// Without stages the rows go from the decoder to the encoder a band at a time: the estimate and
// the peak are a band's, not the image's, and a cap far below the image takes the job.
TEST_F(JobTest, without_stages_the_rows_stream_in_bands) {
  const std::filesystem::path input = file("in.png");
  const Image image = testing::smooth_rgb(1600, 1200);
  write(image, input);
  const std::size_t whole = image.storage_bytes();
  pipeline::Job job = pipeline::Job::prepare(input, file("out.tif"), {});
  EXPECT_LT(job.estimate(), whole / 10);
  MemoryBudget budget(whole / 10, "cap");
  {
    const BudgetScope scope(budget);
    job.run_within(whole / 10, "--memory");
  }
  EXPECT_GT(budget.peak(), 0u);
  EXPECT_LT(budget.peak(), whole / 10);
  EXPECT_TRUE(testing::same_pixels(read(file("out.tif")), image));
}

// A job under a budget is held to its own estimate: a streamed blur of an image whose whole
// decode is over the budget runs, and one whose estimate is over what the budget has left is
// refused before any work, naming the budget.
TEST_F(JobTest, a_job_under_a_budget_is_held_to_its_own_estimate) {
  const std::filesystem::path input = file("in.png");
  const Image image = testing::smooth_rgb(1600, 3200);
  write(image, input);
  const pipeline::Pipeline blur = pipeline::parse("blur 5");
  MemoryBudget outer(image.storage_bytes() / 2, "outer");
  {
    const BudgetScope scope(outer);
    pipeline::Job job = pipeline::Job::prepare(input, file("blurred.png"), {.pipeline = &blur});
    EXPECT_LT(job.estimate(), outer.cap());
    job.run();
    pipeline::Job::prepare(input, file("capped.png"), {.pipeline = &blur})
        .run_within(outer.cap(), "--memory");
  }
  EXPECT_TRUE(std::filesystem::exists(file("blurred.png")));
  EXPECT_TRUE(std::filesystem::exists(file("capped.png")));
  MemoryBudget tight(64 << 10, "tight");
  const BudgetScope scope(tight);
  for (const std::size_t cap : {std::size_t{0}, std::size_t{64} << 20}) {
    pipeline::Job job = pipeline::Job::prepare(input, file("refused.png"), {.pipeline = &blur});
    try {
      job.run_within(cap, "--memory");
      ADD_FAILURE() << "a job over its budget ran";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::OutOfBudget);
      EXPECT_NE(error.message().find("the job needs about"), std::string::npos) << error.what();
      EXPECT_NE(error.message().find("budget 'tight' has 64.0 KiB left"), std::string::npos)
          << error.what();
    }
    EXPECT_FALSE(std::filesystem::exists(file("refused.png")));
  }
}

}  // namespace
}  // namespace tessera
