// Decoding only what a pipeline needs: luma for a gray pipeline, fewer pixels for a shrinking
// one; taken only where it saves decoding, and a shrunk decode looks the same as decoding the
// whole image and resizing it.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "support/corpora.h"
#include "tessera/codec.h"
#include "tessera/pipeline/load_plan.h"
#include "tessera/pipeline/stream.h"

namespace tessera {
namespace {

std::filesystem::path photo() {
  return std::filesystem::path(TESSERA_CORPORA) / "vips/test/test-suite/images/ultra-hdr.jpg";
}

// Peak signal-to-noise ratio of b against a, in dB.
double psnr(ImageView a, ImageView b) {
  double squared = 0;
  for (int y = 0; y < a.height(); ++y) {
    const auto* pa = a.row<std::uint8_t>(y);
    const auto* pb = b.row<std::uint8_t>(y);
    for (std::size_t i = 0; i < a.row_bytes(); ++i) {
      const double d = static_cast<double>(pa[i]) - pb[i];
      squared += d * d;
    }
  }
  const double mean = squared / (static_cast<double>(a.height()) * a.row_bytes());
  return 10 * std::log10(255.0 * 255.0 / std::max(mean, 1e-12));
}

TEST(LoadPlan, a_leading_shrink_decodes_fewer_pixels_and_looks_the_same) {
  TESSERA_REQUIRE_CORPORA();
  for (const char* text : {"resize 500x", "resize 10% | sharpen", "resize 800x400 area"}) {
    SCOPED_TRACE(text);
    const auto stages = pipeline::parse(text);
    auto full = open_decoder(photo());
    const auto load = pipeline::plan_load(stages, full->info(), {});
    ASSERT_TRUE(load.shrinks);
    auto small = open_decoder(photo(), load.options);
    EXPECT_LE(small->width(), full->width() / 2);  // the decoder skipped most pixels
    pipeline::ImageSink sink;
    pipeline::run_streaming(load.pipeline, *small, sink);
    const Image whole = read(*full);
    const Image reference = pipeline::run_whole(stages, whole.view());
    ASSERT_EQ(sink.image().width(), reference.width());
    ASSERT_EQ(sink.image().height(), reference.height());
    // The DCT-domain shrink differs from a full decode by sub-level noise; 35 dB is well past
    // what an eye can tell apart.
    EXPECT_GT(psnr(reference.view(), sink.image().view()), 35.0);
  }
}

TEST(LoadPlan, webp_decodes_at_twice_the_output_size_and_looks_the_same) {
  TESSERA_REQUIRE_CORPORA();
  const auto webp = std::filesystem::temp_directory_path() /
                    ("tessera-load-plan-" + std::to_string(::getpid()) + ".webp");
  write(read(photo()), webp, {.quality = 90});
  const auto stages = pipeline::parse("resize 20% | sharpen");
  auto full = open_decoder(webp);
  const auto load = pipeline::plan_load(stages, full->info(), {});
  ASSERT_TRUE(load.shrinks);
  auto small = open_decoder(webp, load.options);
  EXPECT_LT(small->width(), full->width() / 2);
  pipeline::ImageSink sink;
  pipeline::run_streaming(load.pipeline, *small, sink);
  const Image whole = read(*full);
  const Image reference = pipeline::run_whole(stages, whole.view());
  std::filesystem::remove(webp);
  ASSERT_EQ(sink.image().width(), reference.width());
  EXPECT_GT(psnr(reference.view(), sink.image().view()), 35.0);
}

TEST(LoadPlan, is_not_taken_where_it_would_not_help_or_would_change_the_result) {
  TESSERA_REQUIRE_CORPORA();
  auto decoder = open_decoder(photo());
  // Not a leading resize, not by half, or a kernel that samples rather than averages (its
  // result from a smaller decode would alias less than from the full one: a different picture).
  for (const char* text : {"invert | resize 500x", "blur 3", "resize 60%", "crop 0,0,100,100",
                           "resize 10% linear", "resize 10% nearest", "resize 10% cubic"}) {
    EXPECT_FALSE(pipeline::plan_load(pipeline::parse(text), decoder->info(), {}).shrinks) << text;
  }
  // A leading gray comes from the decoder, and a resize after it can still shrink; a lone
  // gray stays a stage (the pipeline needs one).
  const auto both = pipeline::plan_load(pipeline::parse("gray | resize 500x"), decoder->info(), {});
  EXPECT_TRUE(both.luma && both.shrinks && both.options.luma_only);
  EXPECT_EQ(both.pipeline.stages.size(), 1u);
  EXPECT_FALSE(pipeline::plan_load(pipeline::parse("gray"), decoder->info(), {}).luma);
  // Not a format whose decoder can shrink.
  ImageInfo png = decoder->info();
  png.format = FileFormat::Png;
  const auto for_png = pipeline::plan_load(pipeline::parse("gray | resize 10%"), png, {});
  EXPECT_FALSE(for_png.changed());
}

}  // namespace
}  // namespace tessera
