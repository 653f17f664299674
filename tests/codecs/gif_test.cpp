// GIF against Pillow: the first frame of every GIF in the shared corpora that Pillow reads is
// identical to Pillow's (palette converted to RGB, or RGBA when a colour is transparent), the
// canvas around a smaller first frame included. GIF is read-only: writing one is refused.

#include <gtest/gtest.h>

#include "support/corpora.h"
#include "support/images.h"
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
    SCOPED_TRACE(file.string());
    const testing::PillowImage pillow = testing::pillow_decode(file);
    if (!pillow.decoded) {
      EXPECT_THROW((void)read(file), Error) << "Pillow refuses it, tessera must too";
      continue;
    }
    const Image ours = read(file);
    EXPECT_EQ(pillow.mode, ours.format().has_alpha() ? "RGBA" : "RGB");
    EXPECT_EQ(testing::mismatch_with(ours, pillow), "");
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
