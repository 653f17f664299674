// GIF against Pillow: the first frame of every GIF in the shared corpora that Pillow reads is
// identical to Pillow's (palette converted to RGB, or RGBA when a colour is transparent), the
// canvas around a smaller first frame included. GIF is read-only: writing one is refused.

#include <gtest/gtest.h>

#include <cstring>

#include "support/corpora.h"
#include "support/run_command.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

using testing::corpora;

TEST(GifReference, first_frames_are_identical_to_pillows) {
  TESSERA_REQUIRE_CORPORA();
  int compared = 0;
  for (const auto& file :
       testing::files_in(corpora(), [](const auto& path) { return path.extension() == ".gif"; })) {
    const auto pillow =
        testing::run_command("/usr/bin/python3 " + testing::shell_quote(PILLOW_PIXELS) + " " +
                                 testing::shell_quote(file),
                             false);
    const std::size_t newline = pillow.output.find('\n');
    if (pillow.status != 0 || newline == std::string::npos) {
      EXPECT_THROW((void)read(file), Error) << file << ": Pillow refuses it, tessera must too";
      continue;
    }
    SCOPED_TRACE(file.string());
    const Image ours = read(file);
    const std::string mode = pillow.output.substr(0, pillow.output.find(' '));
    EXPECT_EQ(mode, ours.format().has_alpha() ? "RGBA" : "RGB");
    const std::string samples = pillow.output.substr(newline + 1);
    ASSERT_EQ(samples.size(), ours.view().row_bytes() * static_cast<std::size_t>(ours.height()));
    for (int y = 0; y < ours.height(); ++y) {
      ASSERT_EQ(std::memcmp(ours.row(y), samples.data() + ours.view().row_bytes() * y,
                            ours.view().row_bytes()),
                0)
          << "row " << y;
    }
    ++compared;
  }
  std::printf("  %d GIFs compared with Pillow\n", compared);
  EXPECT_GE(compared, 7);
}

TEST(GifReference, writing_a_gif_is_refused_with_an_alternative) {
  try {
    write(Image::create(4, 4, PixelFormat::rgb8()),
          std::filesystem::temp_directory_path() / "never.gif");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::UnsupportedFormat);
    EXPECT_NE(error.message().find("reads GIF but does not write it"), std::string::npos);
  }
}

}  // namespace
}  // namespace tessera
