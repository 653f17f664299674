// End to end at 16 bits: a folder of 16-bit TIFF and PNG files through `tessera batch` (the
// CLI itself, with the leak check on) to 16-bit PNG, each output 16-bit and equal to the
// library's run of the same pipeline on the decoded input (issue 21).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include <unistd.h>

#include "support/corpora.h"
#include "support/run_command.h"
#include "tessera/codec.h"
#include "tessera/pipeline/pipeline.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using testing::shell_quote;

TEST(BatchDepth, a_16_bit_folder_stays_16_bit_end_to_end_and_equals_the_library) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path work = fs::temp_directory_path() / fmt::format("tessera-depth-{}", ::getpid());
  fs::remove_all(work);
  fs::create_directories(work / "in");
  const char* files[] = {"tiff/tests/images/rgb-3c-16b.tiff",
                         "tiff/tests/images/minisblack-1c-16b.tiff",
                         "png/tests/images/basn2c16.png", "png/tests/images/basn0g16.png",
                         "png/tests/images/basn6a16.png"};
  for (const char* file : files) {
    fs::copy_file(testing::corpora() / file, work / "in" / fs::path(file).filename());
  }
  const std::string text = "resize 50% | blur 3";
  const auto run = testing::run_command(
      fmt::format("TESSERA_LEAK_CHECK=1 {} batch {} {} -p {} --format png",
                  shell_quote(TESSERA_CLI), shell_quote((work / "in").string()),
                  shell_quote((work / "out").string()), shell_quote(text)));
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("batch: 5 done, 0 failed"), std::string::npos) << run.output;

  const pipeline::Pipeline stages = pipeline::parse(text);
  for (const char* file : files) {
    const fs::path name = fs::path(file).filename();
    SCOPED_TRACE(name.string());
    const fs::path output = (work / "out" / name).replace_extension(".png");
    ASSERT_TRUE(fs::exists(output));
    const Image input = read(work / "in" / name);
    ASSERT_EQ(input.format().sample, SampleType::U16);
    const Image expected = pipeline::run_whole(stages, input.view());
    const Image written = read(output);
    EXPECT_EQ(written.format(), input.format()) << written.format().name();  // still 16-bit
    ASSERT_EQ(written.format(), expected.format());
    ASSERT_EQ(written.width(), expected.width());
    ASSERT_EQ(written.height(), expected.height());
    for (int y = 0; y < expected.height(); ++y) {
      ASSERT_EQ(std::memcmp(written.row(y), expected.row(y), expected.view().row_bytes()), 0)
          << "row " << y;
    }
  }
  fs::remove_all(work);
}

}  // namespace
}  // namespace tessera
