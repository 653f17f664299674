// GIF output and palette PNG output (quantise.h, libimagequant), read back by independent
// readers: Pillow (tests/codecs/pillow_palette.py) and giflib's own giftext. Sizes, palette size
// within --colors, transparency, degenerate sizes (1x1, 1xN, Nx1, odd), one colour, two colours
// exact with colors 2, gray, 16-bit and RGBA input; bad options refused before any file exists.
// The error against the input on real photos, beside pngquant's, is tests/cli/palette_test.sh's.

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>

#include "support/corpora.h"
#include "support/images.h"
#include "support/run_command.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/formats.h"

namespace tessera {
namespace {

// What Pillow reads of a palette image (pillow_palette.py).
struct PillowPalette {
  bool read = false;
  std::string format, mode;
  int width = 0, height = 0, entries = 0, distinct = 0;
  std::string transparency;
  std::string rgba;  // the pixels, 4 bytes each
};

PillowPalette pillow_palette(const std::filesystem::path& file) {
  const auto result = testing::run_command(
      "/usr/bin/python3 " + testing::shell_quote(PILLOW_PALETTE) + " " + testing::shell_quote(file),
      false);
  PillowPalette image;
  const std::size_t newline = result.output.find('\n');
  if (result.status != 0 || newline == std::string::npos) return image;
  std::istringstream header(result.output.substr(0, newline));
  header >> image.format >> image.mode >> image.width >> image.height >> image.entries >>
      image.distinct >> image.transparency;
  image.rgba = result.output.substr(newline + 1);
  image.read = true;
  return image;
}

// The mean absolute difference per colour sample (0..255) between an 8-bit image and Pillow's
// RGBA pixels of its written file; only pixels Pillow reads as opaque are compared.
double mean_error(const Image& input, const PillowPalette& pillow) {
  const int channels = input.format().channels();
  const bool gray = channels <= 2;
  double total = 0;
  long long samples = 0;
  for (int y = 0; y < input.height(); ++y) {
    const auto* row = input.view().row<std::uint8_t>(y);
    for (int x = 0; x < input.width(); ++x) {
      const auto* theirs = reinterpret_cast<const std::uint8_t*>(pillow.rgba.data()) +
                           4 * (static_cast<std::size_t>(y) * input.width() + x);
      if (theirs[3] == 0) continue;
      for (int c = 0; c < 3; ++c) {
        total += std::abs(int(row[x * channels + (gray ? 0 : c)]) - int(theirs[c]));
        ++samples;
      }
    }
  }
  return samples == 0 ? 0 : total / static_cast<double>(samples);
}

class Palette : public testing::ScratchFolderTest {};

TEST_F(Palette, gif_is_read_back_by_pillow_and_giftext_at_every_degenerate_size) {
  for (const auto& [width, height] :
       {std::pair{1, 1}, {1, 9}, {9, 1}, {13, 7}, {64, 48}, {257, 3}}) {
    SCOPED_TRACE(std::to_string(width) + "x" + std::to_string(height));
    const Image image = testing::pattern(width, height, PixelFormat::rgb8());
    const auto path = file("out.gif");
    write(image, path, {.colors = 16});
    const PillowPalette pillow = pillow_palette(path);
    ASSERT_TRUE(pillow.read);
    EXPECT_EQ(pillow.format, "GIF");
    EXPECT_EQ(pillow.width, width);
    EXPECT_EQ(pillow.height, height);
    EXPECT_LE(pillow.distinct, 16);
    EXPECT_LE(pillow.entries, 16);
    EXPECT_EQ(pillow.transparency, "-1");  // an opaque image has no transparent index
    // tessera reads what it wrote as Pillow does.
    const Image back = read(path);
    ASSERT_EQ(back.format(), PixelFormat::rgb8());
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        for (int c = 0; c < 3; ++c) {
          ASSERT_EQ(back.view().row<std::uint8_t>(y)[3 * x + c],
                    static_cast<std::uint8_t>(pillow.rgba[4 * (y * width + x) + c]));
        }
      }
    }
    const auto giftext = testing::run_command("giftext " + testing::shell_quote(path));
    ASSERT_EQ(giftext.status, 0) << giftext.output;
    EXPECT_NE(giftext.output.find("Screen Size - Width = " + std::to_string(width) +
                                  ", Height = " + std::to_string(height) + "."),
              std::string::npos)
        << giftext.output;
  }
}

TEST_F(Palette, two_colours_with_colors_2_are_exact_in_gif_and_png) {
  Image image = Image::create(11, 5, PixelFormat::rgb8());
  for (int y = 0; y < 5; ++y) {
    auto* row = image.mutable_view().row<std::uint8_t>(y);
    for (int x = 0; x < 11; ++x) {
      const bool first = (x + y) % 3 == 0;
      row[3 * x] = first ? 200 : 10;
      row[3 * x + 1] = first ? 30 : 120;
      row[3 * x + 2] = first ? 90 : 250;
    }
  }
  for (const char* name : {"two.gif", "two.png"}) {
    SCOPED_TRACE(name);
    write(image, file(name), {.palette = true, .colors = 2});
    const PillowPalette pillow = pillow_palette(file(name));
    ASSERT_TRUE(pillow.read);
    EXPECT_EQ(pillow.mode, "P");
    EXPECT_EQ(pillow.distinct, 2);
    EXPECT_EQ(mean_error(image, pillow), 0.0);
    EXPECT_TRUE(testing::same_pixels(read(file(name)), image));
  }
}

TEST_F(Palette, one_colour_is_exact_and_gray_stays_gray) {
  Image flat = Image::create(6, 4, PixelFormat::rgb8());
  for (int y = 0; y < 4; ++y) {
    auto* row = flat.mutable_view().row<std::uint8_t>(y);
    for (int x = 0; x < 18; ++x) row[x] = static_cast<std::uint8_t>(x % 3 == 0 ? 77 : 140);
  }
  for (const char* name : {"flat.gif", "flat.png"}) {
    write(flat, file(name), {.palette = true});
    EXPECT_TRUE(testing::same_pixels(read(file(name)), flat)) << name;
    EXPECT_EQ(pillow_palette(file(name)).distinct, 1) << name;
  }
  // A gray ramp of 256 levels in 256 colours: within a level of the input.
  Image ramp = Image::create(256, 3, PixelFormat::gray8());
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 256; ++x) ramp.mutable_view().row<std::uint8_t>(y)[x] = std::uint8_t(x);
  }
  for (const char* name : {"ramp.gif", "ramp.png"}) {
    write(ramp, file(name), {.palette = true});
    const PillowPalette pillow = pillow_palette(file(name));
    ASSERT_TRUE(pillow.read) << name;
    EXPECT_LE(mean_error(ramp, pillow), 1.0) << name;
    const auto* rgba = reinterpret_cast<const std::uint8_t*>(pillow.rgba.data());
    for (std::size_t i = 0; i + 3 < pillow.rgba.size(); i += 4) {  // every colour a gray
      ASSERT_LE(std::abs(rgba[i] - rgba[i + 1]), 1) << name;
      ASSERT_LE(std::abs(rgba[i] - rgba[i + 2]), 1) << name;
    }
  }
}

TEST_F(Palette, alpha_below_128_is_the_gifs_transparent_index_and_pngs_trns_keeps_alpha) {
  Image image = testing::pattern(20, 10, PixelFormat::rgba8());
  for (int y = 0; y < 10; ++y) {
    auto* row = image.mutable_view().row<std::uint8_t>(y);
    for (int x = 0; x < 20; ++x) row[4 * x + 3] = x < 5 ? 0 : x < 10 ? 100 : x < 15 ? 200 : 255;
  }
  write(image, file("alpha.gif"), {.colors = 32});
  const PillowPalette gif = pillow_palette(file("alpha.gif"));
  ASSERT_TRUE(gif.read);
  EXPECT_NE(gif.transparency, "-1");
  const auto giftext = testing::run_command("giftext " + testing::shell_quote(file("alpha.gif")));
  EXPECT_NE(giftext.output.find("Transparent Index: " + gif.transparency), std::string::npos)
      << giftext.output;
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 20; ++x) {
      const auto alpha = static_cast<std::uint8_t>(gif.rgba[4 * (y * 20 + x) + 3]);
      ASSERT_EQ(alpha, x < 10 ? 0 : 255) << x << "," << y;
    }
  }
  EXPECT_EQ(read(file("alpha.gif")).format(), PixelFormat::rgba8());

  write(image, file("alpha.png"), {.palette = true, .colors = 32});
  const PillowPalette png = pillow_palette(file("alpha.png"));
  ASSERT_TRUE(png.read);
  EXPECT_EQ(png.mode, "P");
  EXPECT_EQ(png.transparency.rfind("trns:", 0), 0u) << png.transparency;
  // libimagequant quantises alpha with the colours (32 entries for 4 levels x many colours
  // here): alpha 0 stays exact, the rest is close on average, as pngquant gives it.
  double alpha_error = 0;
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 20; ++x) {
      const int alpha = static_cast<std::uint8_t>(png.rgba[4 * (y * 20 + x) + 3]);
      const int expected = x < 5 ? 0 : x < 10 ? 100 : x < 15 ? 200 : 255;
      if (expected == 0) {
        ASSERT_EQ(alpha, 0) << x << "," << y;
      }
      alpha_error += std::abs(alpha - expected) / 200.0;
    }
  }
  EXPECT_LE(alpha_error, 10.0);
}

TEST_F(Palette, sixteen_bit_and_float_input_is_brought_to_8_bits_first) {
  for (const PixelFormat format : {PixelFormat{ChannelLayout::Rgb, SampleType::U16},
                                   PixelFormat{ChannelLayout::Rgb, SampleType::F32}}) {
    SCOPED_TRACE(format.name());
    const Image image = testing::pattern(17, 9, format);
    write(image, file("wide.gif"));
    write(image, file("wide.png"), {.palette = true});
    EXPECT_EQ(read(file("wide.gif")).format(), PixelFormat::rgb8());
    EXPECT_EQ(read(file("wide.png")).format(), PixelFormat::rgb8());
  }
}

TEST_F(Palette, bad_options_are_refused_naming_the_option_and_nothing_is_left) {
  const Image image = testing::pattern(8, 8, PixelFormat::rgb8());
  const auto refused = [&](const std::string& name, const EncodeOptions& options,
                           const std::string& words) {
    SCOPED_TRACE(name);
    try {
      write(image, file(name), options);
      ADD_FAILURE() << "written";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(error.message().find(words), std::string::npos) << error.message();
    }
  };
  refused("a.gif", {.colors = 1}, "colors 1 is outside 2..256");
  refused("a.gif", {.colors = 300}, "colors 300 is outside 2..256");
  refused("a.png", {.palette = true, .colors = 300}, "colors 300 is outside 2..256");
  refused("a.gif", {.dither = -1}, "dither -1 is outside 0..1");
  refused("a.png", {.palette = true, .dither = 1.5}, "dither 1.5 is outside 0..1");
  refused("a.jpg", {.palette = true}, "palette applies to PNG and GIF only, not to JPEG");
  refused("a.webp", {.palette = true}, "not to WebP");
  EXPECT_TRUE(std::filesystem::is_empty(folder_));
  // The option's own check says it in the same words for the CLI and Python.
  EncodeOptions options;
  EXPECT_THROW(set_encode_option(options, "colors", "1"), Error);
  EXPECT_THROW(set_encode_option(options, "dither", "-1"), Error);
  set_encode_option(options, "dither", "0.5");
  EXPECT_EQ(options.dither, 0.5);
}

TEST_F(Palette, dithering_off_gives_fewer_distinct_neighbours_than_full) {
  // A smooth gradient in 8 colours: dithered, neighbours alternate; undithered, bands.
  const Image image = testing::smooth_rgb(96, 32);
  const auto changes = [&](double dither) {
    write(image, file("d.gif"), {.colors = 8, .dither = dither});
    const Image back = read(file("d.gif"));
    int count = 0;
    for (int y = 0; y < back.height(); ++y) {
      const auto* row = back.view().row<std::uint8_t>(y);
      for (int x = 1; x < back.width(); ++x) count += row[3 * x] != row[3 * x - 3];
    }
    return count;
  };
  EXPECT_LT(changes(0.0), changes(1.0));
}

TEST_F(Palette, a_palette_png_carries_the_metadata_a_png_does_and_a_gif_none) {
  TESSERA_REQUIRE_CORPORA();
  const auto decoder = open_decoder(
      testing::corpora() / "vips/test/test-suite/images/rotation/1.jpg", {.print_warnings = false});
  const Image image = read(*decoder);
  EncodeOptions options{.palette = true, .colors = 64};
  options.icc_profile = decoder->icc_profile();
  options.metadata = decoder->metadata();
  ASSERT_FALSE(options.icc_profile.empty());
  ASSERT_FALSE(options.metadata.exif.empty());
  write(image, file("meta.png"), options);
  const auto png = open_decoder(file("meta.png"), {.print_warnings = false});
  EXPECT_EQ(png->icc_profile(), options.icc_profile);
  EXPECT_EQ(png->metadata().exif, options.metadata.exif);
  EXPECT_EQ(png->metadata().xmp, options.metadata.xmp);
  EXPECT_EQ(pillow_palette(file("meta.png")).mode, "P");
  // GIF has no place for them (README, "Metadata"): written without, not refused.
  write(image, file("meta.gif"), options);
  const auto gif = open_decoder(file("meta.gif"), {.print_warnings = false});
  EXPECT_TRUE(gif->icc_profile().empty());
  EXPECT_TRUE(gif->metadata().empty());
}

TEST_F(Palette, the_encoders_working_memory_counts_the_gathered_image) {
  EXPECT_GE(encoder_working_bytes(FileFormat::Gif, 1000, 1000), std::size_t{1000} * 1000 * 5);
  const std::size_t plain = encoder_working_bytes(FileFormat::Png, 1000, 1000);
  EXPECT_GE(encoder_working_bytes(FileFormat::Png, 1000, 1000, {.palette = true}),
            plain + std::size_t{1000} * 1000 * 5);
}

}  // namespace
}  // namespace tessera
