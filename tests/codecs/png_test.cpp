// PNG against the reference implementation: every valid PngSuite file decodes to exactly what
// libpng decodes (palette and low bit depths expanded, tRNS as alpha, 16 bits kept, no gamma,
// no sBIT shift: tessera's contract, as in libvips, OpenCV and Pillow). Every deliberately
// corrupt file and every crasher is CorruptData.
//
// Why libpng and not a command-line decoder: on PngSuite, netpbm 11's `pngtopnm -alpha` calls
// pixels of a truecolour tRNS colour opaque (tbrn2c08, tbbn2c16), and Pillow 9.4 calls those of
// a 4-bit grey tRNS value opaque (tbbn0g04); the PNG spec, libpng and tessera agree on both.

#include <gtest/gtest.h>

#include <cstring>

#include "support/corpora.h"
#include "support/libpng_reference.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

using testing::corpora;

std::uint32_t sample_of(const Image& image, int x, int y, int channel) {
  const std::size_t index = static_cast<std::size_t>(x) * image.format().channels() + channel;
  if (image.format().sample == SampleType::U16) {
    std::uint16_t value = 0;
    std::memcpy(&value, image.row(y) + index * 2, 2);
    return value;
  }
  return std::to_integer<std::uint32_t>(image.row(y)[index]);
}

// The first sample where tessera and libpng differ, or "".
std::string mismatch(const Image& image, const testing::ReferencePng& reference) {
  const int bits = image.format().sample == SampleType::U16 ? 16 : 8;
  if (reference.width != image.width() || reference.height != image.height() ||
      reference.channels != image.format().channels() || reference.bit_depth != bits) {
    return "format differs: tessera " + image.format().name() + ", libpng " +
           std::to_string(reference.channels) + " channels of " +
           std::to_string(reference.bit_depth) + " bits";
  }
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      for (int c = 0; c < reference.channels; ++c) {
        if (sample_of(image, x, y, c) != reference.at(x, y, c)) {
          return "pixel (" + std::to_string(x) + ", " + std::to_string(y) + ") channel " +
                 std::to_string(c) + ": tessera " + std::to_string(sample_of(image, x, y, c)) +
                 ", libpng " + std::to_string(reference.at(x, y, c));
        }
      }
    }
  }
  return "";
}

TEST(PngSuite, every_valid_file_decodes_identical_to_libpng) {
  TESSERA_REQUIRE_CORPORA();
  const auto files = testing::files_in(corpora() / "png/tests/images", [](const auto& path) {
    return path.extension() == ".png" && path.filename().string()[0] != 'x';
  });
  ASSERT_GE(files.size(), 150u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    const auto reference = testing::decode_with_libpng(file);
    ASSERT_TRUE(reference.has_value()) << "libpng refused a valid file";
    EXPECT_EQ(mismatch(read(file), *reference), "");
  }
}

TEST(PngSuite, every_corrupt_file_and_crasher_is_corrupt_data) {
  TESSERA_REQUIRE_CORPORA();
  auto files = testing::files_in(corpora() / "png/tests/images", [](const auto& path) {
    return path.extension() == ".png" && path.filename().string()[0] == 'x';
  });
  const auto crashers =
      testing::files_in(corpora() / "png/tests/crashers", [](const auto&) { return true; });
  files.insert(files.end(), crashers.begin(), crashers.end());
  ASSERT_GE(files.size(), 35u);
  for (const auto& file : files) {
    try {
      (void)read(file);
      ADD_FAILURE() << file << " decoded";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::CorruptData) << error.what();
      EXPECT_EQ(error.path(), file.string());
    }
  }
}

}  // namespace
}  // namespace tessera
