// tessera.h is true to its word: every public layer (images and memory, codecs, ops, pipelines,
// batches) is reachable through it alone, and the version it states is project(VERSION)'s.

#include <gtest/gtest.h>

#include "tessera/tessera.h"

namespace tessera {
namespace {

TEST(PublicHeaders, the_umbrella_header_reaches_every_layer) {
  const Image image = Image::create(4, 3, PixelFormat::rgb8());
  EXPECT_EQ(ops::gray(image.view()).format(), PixelFormat::gray8());
  EXPECT_EQ(ops::find_op("canny").name, "canny");
  EXPECT_EQ(pipeline::parse("gray | blur 5").stages.size(), 2u);
  EXPECT_EQ(format_for_extension("x.png"), FileFormat::Png);
  EXPECT_EQ(batch::Options{}.jobs, 0);
  ImageSource rows(image.view());
  EXPECT_EQ(rows.height(), 3);
}

TEST(PublicHeaders, the_version_is_the_projects) {
  EXPECT_STREQ(kVersion, TESSERA_PROJECT_VERSION);
  EXPECT_EQ(std::to_string(TESSERA_VERSION_MAJOR) + "." + std::to_string(TESSERA_VERSION_MINOR) +
                "." + std::to_string(TESSERA_VERSION_PATCH),
            kVersion);
}

}  // namespace
}  // namespace tessera
