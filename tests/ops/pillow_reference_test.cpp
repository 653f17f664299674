// Lanczos3 resize against Pillow 9.4's LANCZOS (Debian's python3-pil), on real photographs.
//
// Reference command: python3 tests/ops/pillow_resize.py IN.png OUT.png WIDTH HEIGHT
// (Image.open(IN).resize((WIDTH, HEIGHT), Image.LANCZOS)); every sample within one level.

#include <gtest/gtest.h>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/codec.h"
#include "tessera/ops.h"

namespace tessera {
namespace {

class PillowReference : public testing::ScratchFolderTest {};

TEST_F(PillowReference, lanczos3_is_within_one_level_of_pillow_lanczos_shrinking_and_enlarging) {
  TESSERA_REQUIRE_CORPORA();
  const std::pair<const char*, int> photos[] = {
      {"vips/test/test-suite/images/sample.jpg", 0},
      {"jpeg/libjpeg-turbo/testimages/testorig.jpg", 0},
      {"vips/test/test-suite/images/ultra-hdr.jpg", 960},
  };
  for (const auto& [name, min_width] : photos) {
    DecodeOptions decode;
    decode.min_width = min_width;
    const Image photo = read(testing::corpora() / name, decode);
    const auto source = file("source.png");
    write(photo, source);
    for (const char* size : {"50%", "0.23", "x100", "333x", "171x250", "1.6"}) {
      SCOPED_TRACE(std::string(name) + " resized to " + size);
      const Image ours = ops::resize(photo.view(), ops::parse_resize_target(size));
      const auto theirs_file = file("pillow.png");
      const auto result = testing::run_command(
          "/usr/bin/python3 " + testing::shell_quote(PILLOW_RESIZE) + " " +
          testing::shell_quote(source) + " " + testing::shell_quote(theirs_file) + " " +
          std::to_string(ours.width()) + " " + std::to_string(ours.height()));
      ASSERT_EQ(result.status, 0) << result.output;
      const Image theirs = read(theirs_file);
      ASSERT_EQ(theirs.width(), ours.width());
      ASSERT_EQ(theirs.height(), ours.height());
      EXPECT_LE(testing::largest_difference(ours, theirs), 1);
    }
  }
}

}  // namespace
}  // namespace tessera
