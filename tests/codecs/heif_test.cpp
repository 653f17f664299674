// HEIF and AVIF against libheif's own tool: libheif's example images decode to exactly what
// `heif-convert FILE out.png` writes. Round trips through HEIC (x265) and AVIF (aom) are close,
// keep alpha and ICC. The 17000x17000 AVIF bomb (1,340 bytes, 827 MiB decoded) is refused by a
// 256 MiB budget from its header.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/budget.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using testing::corpora;

class Heif : public testing::ScratchFolderTest {};

TEST_F(Heif, examples_decode_identical_to_heif_convert) {
  TESSERA_REQUIRE_CORPORA();
  for (const char* name : {"example.heic", "example.avif"}) {
    SCOPED_TRACE(name);
    const fs::path file = corpora() / "heif/libheif/examples" / name;
    const fs::path reference = folder_ / (std::string(name) + ".png");
    const auto converted = testing::run_command("heif-convert " + testing::shell_quote(file) + " " +
                                                testing::shell_quote(reference));
    ASSERT_EQ(converted.status, 0) << converted.output;
    // With several top-level images, heif-convert numbers them; the primary comes first.
    fs::path written = reference;
    if (!fs::exists(written)) written = folder_ / (std::string(name) + "-1.png");
    EXPECT_TRUE(testing::same_pixels(read(file), read(written))) << converted.output;
  }
}

// A smooth colour image with a gradient alpha: lossy codecs' fair case.
Image smooth_rgba(int width, int height) {
  Image image = Image::create(width, height, PixelFormat::rgba8());
  for (int y = 0; y < height; ++y) {
    auto* row = image.mutable_view().row<std::uint8_t>(y);
    for (int x = 0; x < width; ++x) {
      row[x * 4] = static_cast<std::uint8_t>(x * 255 / width);
      row[x * 4 + 1] = static_cast<std::uint8_t>(y * 255 / height);
      row[x * 4 + 2] = static_cast<std::uint8_t>(128 + 100 * std::sin(x * 0.05));
      row[x * 4 + 3] = static_cast<std::uint8_t>(255 - x * 200 / width);
    }
  }
  return image;
}

TEST_F(Heif, heic_and_avif_round_trips_are_close_and_keep_alpha_and_icc) {
  const Image original = smooth_rgba(96, 64);
  const std::vector<std::byte> icc(400, std::byte{3});
  for (const char* name : {"round.heic", "round.avif"}) {
    SCOPED_TRACE(name);
    write(original, folder_ / name, {.quality = 90, .icc_profile = icc});
    const auto decoder = open_decoder(folder_ / name);
    EXPECT_EQ(decoder->info().format, FileFormat::Heif);
    EXPECT_EQ(decoder->icc_profile(), icc);
    const Image decoded = read(*decoder);
    ASSERT_EQ(decoded.format(), PixelFormat::rgba8());
    double error = 0;
    for (int y = 0; y < 64; ++y) {
      for (std::size_t i = 0; i < original.view().row_bytes(); ++i) {
        error += std::abs(std::to_integer<int>(original.row(y)[i]) -
                          std::to_integer<int>(decoded.row(y)[i]));
      }
    }
    EXPECT_LT(error / (96.0 * 64 * 4), 4.0) << "mean absolute error per sample";
  }
}

TEST_F(Heif, the_17000_square_avif_is_refused_from_its_header) {
  TESSERA_REQUIRE_CORPORA();
  MemoryBudget budget(std::size_t{256} << 20, "bomb");
  try {
    (void)read(corpora() / "vips/test/test-suite/images/17000x17000.avif",
               {.limits = {.budget = &budget}});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::OutOfBudget) << error.what();
    EXPECT_NE(error.message().find("17000x17000"), std::string::npos) << error.what();
  }
  EXPECT_LT(budget.peak(), std::size_t{4096}) << "only the 1,340-byte file was read";
}

}  // namespace
}  // namespace tessera
