// TIFF against Pillow: every TIFF picture of the shared corpora that both decode, in a layout
// both deliver the same way (grey, grey + alpha, RGB, RGBA at 8 bits, 16-bit grey, 32-bit
// float grey), decodes to the same samples (`pillow_pixels.py FILE`), associated alpha made
// straight as Pillow makes it. Then round trips through
// every compression, strips and tiles, and every pixel format.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using testing::corpora;

// Pillow's mode for each tessera format whose bytes it lays out identically.
const std::map<std::string, PixelFormat>& comparable_modes() {
  static const std::map<std::string, PixelFormat> modes = {
      {"L", PixelFormat::gray8()},
      {"LA", PixelFormat::gray_alpha8()},
      {"RGB", PixelFormat::rgb8()},
      {"RGBA", PixelFormat::rgba8()},
      {"I;16", {ChannelLayout::Gray, SampleType::U16}},
      {"F", {ChannelLayout::Gray, SampleType::F32}},
  };
  return modes;
}

TEST(TiffReference, pictures_decode_to_the_same_samples_as_pillow) {
  TESSERA_REQUIRE_CORPORA();
  int compared = 0;
  for (const auto& file : testing::files_in(corpora() / "tiff/tests", [](const auto& path) {
         const auto extension = path.extension();
         return (extension == ".tif" || extension == ".tiff") &&
                path.string().find("fuzz_images") == std::string::npos;
       })) {
    Image ours;
    try {
      ours = read(file, {.apply_orientation = false});
    } catch (const Error&) {
      continue;  // the corpus sweep holds failures to their own contract
    }
    const testing::PillowImage pillow = testing::pillow_decode(file);
    if (!pillow.decoded) continue;  // Pillow cannot read it
    const auto format = comparable_modes().find(pillow.mode);
    if (format == comparable_modes().end() || format->second != ours.format()) continue;
    // Both reduce deeper samples to 8 bits in 8-bit modes, libtiff rounding, Pillow truncating:
    // two fair answers, not a defect to compare.
    if (pillow.bits > 8 && format->second.sample == SampleType::U8) continue;
    SCOPED_TRACE(file.string() + " (" + pillow.mode + ")");
    EXPECT_EQ(testing::mismatch_with(ours, pillow), "");
    ++compared;
  }
  std::printf("  %d TIFF pictures compared with Pillow\n", compared);
  EXPECT_GE(compared, 40);
}

class TiffRoundTrip : public testing::ScratchFolderTest {};

TEST_F(TiffRoundTrip,
       every_format_through_every_lossless_compression_in_strips_and_tiles_is_exact) {
  const std::vector<PixelFormat> formats = {PixelFormat::gray8(),
                                            PixelFormat::gray_alpha8(),
                                            PixelFormat::rgb8(),
                                            PixelFormat::rgba8(),
                                            {ChannelLayout::Gray, SampleType::U16},
                                            {ChannelLayout::Rgb, SampleType::U16},
                                            {ChannelLayout::Rgba, SampleType::U16},
                                            {ChannelLayout::Rgb, SampleType::F32}};
  for (const auto compression :
       {TiffCompression::None, TiffCompression::Deflate, TiffCompression::Lzw}) {
    for (const bool tiled : {false, true}) {
      for (const PixelFormat format : formats) {
        SCOPED_TRACE(format.name() + (tiled ? " tiled" : " strips") + " compression " +
                     std::to_string(static_cast<int>(compression)));
        // 300x270: tiles of 256 leave partial tiles on both edges.
        const Image original = testing::pattern(300, 270, format);
        write(original, folder_ / "round.tiff", {.tiff_compression = compression, .tiled = tiled});
        EXPECT_TRUE(testing::same_pixels(original, read(folder_ / "round.tiff")));
      }
    }
  }
}

TEST_F(TiffRoundTrip, jpeg_compression_is_close_and_takes_8_bits_only) {
  for (const bool tiled : {false, true}) {
    const Image original = testing::smooth_rgb(200, 130);
    write(original, folder_ / "jpeg.tif",
          {.quality = 95, .tiff_compression = TiffCompression::Jpeg, .tiled = tiled});
    const Image decoded = read(folder_ / "jpeg.tif");
    ASSERT_EQ(decoded.format(), PixelFormat::rgb8());
    int worst = 0;
    for (int y = 0; y < 130; ++y) {
      for (std::size_t i = 0; i < original.view().row_bytes(); ++i) {
        worst = std::max(worst, std::abs(std::to_integer<int>(original.row(y)[i]) -
                                         std::to_integer<int>(decoded.row(y)[i])));
      }
    }
    EXPECT_LE(worst, 8) << (tiled ? "tiled" : "strips");
  }
  EXPECT_THROW(write(testing::pattern(8, 8, {ChannelLayout::Rgb, SampleType::U16}),
                     folder_ / "deep.tif", {.tiff_compression = TiffCompression::Jpeg}),
               Error);
  EXPECT_FALSE(fs::exists(folder_ / "deep.tif"));
  // Alpha is refused before any file is made, with what to do instead: libjpeg would fail on
  // the first strip ("Bogus input colorspace").
  for (const ChannelLayout layout : {ChannelLayout::Rgba, ChannelLayout::GrayAlpha}) {
    try {
      write(testing::pattern(8, 8, {layout, SampleType::U8}), folder_ / "alpha.tif",
            {.tiff_compression = TiffCompression::Jpeg});
      ADD_FAILURE() << "JPEG-in-TIFF with alpha was written";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(std::string(error.what()).find("without alpha"), std::string::npos) << error.what();
    }
    EXPECT_FALSE(fs::exists(folder_ / "alpha.tif"));
  }
  // Gray without alpha is one of the two it takes.
  write(testing::pattern(16, 16, PixelFormat::gray8()), folder_ / "gray.tif",
        {.tiff_compression = TiffCompression::Jpeg});
  EXPECT_EQ(read(folder_ / "gray.tif").format(), PixelFormat::gray8());
}

TEST_F(TiffRoundTrip, icc_is_carried_and_strips_equal_whole) {
  const std::vector<std::byte> icc(500, std::byte{9});
  const Image original = testing::pattern(123, 77, PixelFormat::rgba8());
  write(original, folder_ / "icc.tif", {.tiled = true, .icc_profile = icc});
  const auto decoder = open_decoder(folder_ / "icc.tif");
  EXPECT_EQ(decoder->icc_profile(), icc);
  const Image assembled = Image::create(123, 77, PixelFormat::rgba8());
  for (int y = 0; y < 77; y += 5)
    decoder->read(assembled.mutable_view().subview({0, y, 123, std::min(5, 77 - y)}));
  EXPECT_TRUE(testing::same_pixels(original, assembled));
}

// Signed samples (elevation models, some microscopes) have no tessera type; libtiff's RGBA
// conversion read them as unsigned (-1 came out white, with exit 0). They are refused from the
// headers, by probe as by read, saying what to do.
TEST(TiffDecoder, signed_samples_are_refused_with_the_headers_not_read_as_unsigned) {
  TESSERA_REQUIRE_CORPORA();
  for (const char* name :
       {"tiff/tests/images/int8.tif", "tiff/tests/images/int16.tif",
        "tiff/tests/images/int16_rgb.tif", "tiff/tests/images/minisblack-1c-i16b.tiff",
        "vips/test/test-suite/images/multi-channel-z-series.ome.tif"}) {  // 15 pages of int8
    SCOPED_TRACE(name);
    for (const bool whole : {false, true}) {
      try {
        if (whole) {
          (void)read(corpora() / name);
        } else {
          (void)probe(corpora() / name);
        }
        ADD_FAILURE() << "read as an image";
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::UnsupportedFormat) << error.what();
        EXPECT_NE(std::string(error.what()).find("signed"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("32-bit float"), std::string::npos)
            << error.what();
      }
    }
  }
}

}  // namespace
}  // namespace tessera
