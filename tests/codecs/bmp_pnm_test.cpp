// BMP and Netpbm, tessera's two hand-written codecs, against Pillow: every BMP, PBM, PGM and
// PPM in the shared corpora that Pillow decodes in tessera's layout decodes to the same
// samples; tessera may be stricter on corrupt files (CorruptData), never otherwise (PAM, which
// Pillow 9.4 cannot read, is checked by round trips). Then round trips of every layout and depth.

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <utility>
#include <vector>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/ops/color.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using testing::corpora;

std::string pillow_mode_for(PixelFormat format) {
  static const std::map<std::string, std::string> modes = {
      {"gray8", "L"}, {"graya8", "LA"}, {"rgb8", "RGB"}, {"rgba8", "RGBA"}, {"gray16", "I;16"}};
  const auto found = modes.find(format.name());
  return found == modes.end() ? "" : found->second;
}

TEST(BmpPnmReference, corpus_files_decode_to_the_same_samples_as_pillow) {
  TESSERA_REQUIRE_CORPORA();
  int compared = 0;
  for (const auto& file : testing::files_in(corpora(), [](const auto& path) {
         const auto extension = path.extension();
         return extension == ".bmp" || extension == ".pbm" || extension == ".pgm" ||
                extension == ".ppm";
       })) {
    SCOPED_TRACE(file.string());
    const testing::PillowImage pillow = testing::pillow_decode(file);
    Image ours;
    try {
      ours = read(file);
    } catch (const Error& error) {
      // Stricter than Pillow on a corrupt file is fine (it paints palette indices past the end
      // grey, tessera refuses them); refusing what Pillow reads for any other reason is not.
      EXPECT_TRUE(!pillow.decoded || error.code() == ErrorCode::CorruptData)
          << "Pillow decodes what tessera refuses: " << error.what();
      continue;
    }
    if (!pillow.decoded) continue;                                // tessera is the more lenient
    if (pillow.mode != pillow_mode_for(ours.format())) continue;  // 16-bit PPM: Pillow gives 8
    EXPECT_EQ(testing::mismatch_with(ours, pillow), "");
    ++compared;
  }
  std::printf("  %d BMP and Netpbm files compared with Pillow\n", compared);
  EXPECT_GE(compared, 20);
}

class BmpPnmRoundTrip : public testing::ScratchFolderTest {};

TEST_F(BmpPnmRoundTrip, netpbm_round_trips_every_layout_at_8_and_16_bits) {
  for (const auto layout :
       {ChannelLayout::Gray, ChannelLayout::GrayAlpha, ChannelLayout::Rgb, ChannelLayout::Rgba}) {
    for (const auto sample : {SampleType::U8, SampleType::U16}) {
      const PixelFormat format{layout, sample};
      SCOPED_TRACE(format.name());
      const Image original = testing::pattern(29, 13, format);
      const char* name = format.has_alpha()       ? "round.pam"
                         : format.channels() == 1 ? "round.pgm"
                                                  : "round.ppm";
      write(original, folder_ / name);
      EXPECT_TRUE(testing::same_pixels(original, read(folder_ / name)));
    }
  }
}

TEST_F(BmpPnmRoundTrip, bmp_round_trips_rgb_and_rgba_exactly_and_widens_grey) {
  for (const PixelFormat format : {PixelFormat::rgb8(), PixelFormat::rgba8()}) {
    SCOPED_TRACE(format.name());
    const Image original = testing::pattern(31, 17, format);  // odd width: row padding
    write(original, folder_ / "round.bmp");
    EXPECT_TRUE(testing::same_pixels(original, read(folder_ / "round.bmp")));
  }
  const Image grey = testing::pattern(8, 4, PixelFormat::gray8());
  write(grey, folder_ / "grey.bmp");
  const Image widened = read(folder_ / "grey.bmp");
  ASSERT_EQ(widened.format(), PixelFormat::rgb8());
  EXPECT_EQ(std::to_integer<int>(widened.row(2)[3 * 5 + 1]), std::to_integer<int>(grey.row(2)[5]));
}

// The encoder gathers rows into blocks of about 256 KiB per write: sizes below, at and across
// a block (3001x50 RGB is 29 rows a block, then 21), one row, one column, every layout, and
// 16-bit input (reduced to 8 bits first), read back by Pillow.
TEST_F(BmpPnmRoundTrip, bmp_written_in_blocks_is_read_by_pillow_as_written) {
  const std::vector<std::pair<int, int>> sizes = {{1, 1}, {1, 9}, {9, 1}, {31, 17}, {3001, 50}};
  for (const auto layout :
       {ChannelLayout::Gray, ChannelLayout::GrayAlpha, ChannelLayout::Rgb, ChannelLayout::Rgba}) {
    for (const auto sample : {SampleType::U8, SampleType::U16}) {
      for (const auto& [width, height] : sizes) {
        const PixelFormat format{layout, sample};
        SCOPED_TRACE(format.name() + " " + std::to_string(width) + "x" + std::to_string(height));
        const Image original = testing::pattern(width, height, format, width + height);
        write(original, folder_ / "blocks.bmp");
        const Image narrow = ops::convert_depth(original.view(), SampleType::U8);
        // BMP has no grey: it is stored as RGB (grey+alpha as RGBA), as Pillow reads it back.
        const PixelFormat stored{format.has_alpha() ? ChannelLayout::Rgba : ChannelLayout::Rgb,
                                 SampleType::U8};
        Image expected = Image::create(width, height, stored);
        for (int y = 0; y < height; ++y) {
          for (int x = 0; x < width; ++x) {
            for (int c = 0; c < stored.channels(); ++c) {
              const int source = format.channels() >= 3 ? c : c == 3 ? 1 : 0;
              expected.row(y)[x * stored.channels() + c] =
                  narrow.row(y)[x * format.channels() + source];
            }
          }
        }
        const testing::PillowImage pillow = testing::pillow_decode(folder_ / "blocks.bmp");
        ASSERT_TRUE(pillow.decoded);
        EXPECT_EQ(testing::mismatch_with(expected, pillow), "");
      }
    }
  }
}

TEST_F(BmpPnmRoundTrip, hostile_headers_are_corrupt_data) {
  const auto expect_corrupt = [this](const std::string& name, const std::string& bytes) {
    std::ofstream(folder_ / name, std::ios::binary) << bytes;
    try {
      (void)read(folder_ / name);
      ADD_FAILURE() << name << " decoded";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::CorruptData) << name << ": " << error.what();
    }
  };
  expect_corrupt("short.pgm", "P5\n4 4\n255\nab");
  expect_corrupt("over.pgm", "P2\n2 1\n10\n5 11\n");
  expect_corrupt("zero.ppm", "P6\n0 4\n255\n");
  expect_corrupt("letters.pbm", "P1\n2 1\n0 x\n");
  std::string bmp = "BM" + std::string(12, '\0');
  bmp[10] = 54;
  std::string dib(40, '\0');
  dib[0] = 40;
  dib[4] = 2;   // width 2
  dib[8] = 2;   // height 2
  dib[12] = 1;  // planes
  dib[14] = 7;  // 7 bits per pixel: not a BMP depth
  expect_corrupt("bits.bmp", bmp + dib);
  dib[14] = 24;
  expect_corrupt("truncated.bmp", bmp + dib);  // no pixel data
}

}  // namespace
}  // namespace tessera
