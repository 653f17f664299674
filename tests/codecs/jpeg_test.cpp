// JPEG against the reference decoder: libjpeg-turbo's test images decode to exactly what
// `djpeg -pnm` prints, at full size and at each DCT scale (`djpeg -scale 1/N -pnm`).

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/corpora.h"
#include "support/pnm.h"
#include "support/run_command.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

using testing::corpora;
using testing::run_command;
using testing::shell_quote;

// The first differing sample between a decoded 8-bit image and djpeg's output, or "".
std::string mismatch(const Image& image, const testing::Pnm& pnm) {
  if (pnm.width != image.width() || pnm.height != image.height() ||
      pnm.channels != image.format().channels()) {
    return "size or channels differ: tessera " + std::to_string(image.width()) + "x" +
           std::to_string(image.height()) + ", djpeg " + std::to_string(pnm.width) + "x" +
           std::to_string(pnm.height);
  }
  for (int y = 0; y < image.height(); ++y) {
    const auto* row = image.view().row<std::uint8_t>(y);
    for (int x = 0; x < image.width() * pnm.channels; ++x) {
      if (row[x] != pnm.samples[static_cast<std::size_t>(y) * image.width() * pnm.channels + x]) {
        return "first difference at row " + std::to_string(y) + ", sample " + std::to_string(x);
      }
    }
  }
  return "";
}

std::vector<std::filesystem::path> test_images() {
  return testing::files_in(corpora() / "jpeg/libjpeg-turbo/testimages", [](const auto& path) {
    return path.extension() == ".jpg" && path.filename() != "monkey12.jpg";
  });
}

TEST(JpegReference, test_images_decode_identical_to_djpeg) {
  TESSERA_REQUIRE_CORPORA();
  const auto files = test_images();
  ASSERT_GE(files.size(), 3u);  // baseline, progressive, arithmetic-coded
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    const auto reference =
        testing::parse_pnm(run_command("djpeg -pnm " + shell_quote(file), false).output);
    ASSERT_TRUE(reference.has_value());
    EXPECT_EQ(mismatch(read(file), *reference), "");
  }
}

TEST(JpegReference, shrink_on_load_matches_djpeg_scaling) {
  TESSERA_REQUIRE_CORPORA();
  // A baseline file, and progressive ones made by the reference encoder from the same pixels,
  // in colour (4:2:0) and grey: their scaled decodes stop once the coefficients they need
  // have arrived (grey at 1/8: after the DC scans).
  const auto baseline = corpora() / "jpeg/libjpeg-turbo/testimages/testorig.jpg";  // 227x149
  const auto progressive = std::filesystem::temp_directory_path() /
                           ("tessera-progressive-" + std::to_string(::getpid()) + ".jpg");
  ASSERT_EQ(run_command("cjpeg -progressive -quality 90 -outfile " + shell_quote(progressive) +
                        " " + shell_quote(corpora() / "jpeg/libjpeg-turbo/testimages/testorig.ppm"))
                .status,
            0);
  ASSERT_TRUE(probe(progressive).progressive);
  const auto progressive_grey = std::filesystem::temp_directory_path() /
                                ("tessera-progressive-grey-" + std::to_string(::getpid()) + ".jpg");
  ASSERT_EQ(run_command("cjpeg -progressive -grayscale -quality 90 -outfile " +
                        shell_quote(progressive_grey) + " " +
                        shell_quote(corpora() / "jpeg/libjpeg-turbo/testimages/testorig.ppm"))
                .status,
            0);
  for (const auto& file : {baseline, progressive, progressive_grey}) {
    for (const int denominator : {2, 4, 8}) {
      SCOPED_TRACE(file.filename().string() + " 1/" + std::to_string(denominator));
      const int min_width = (227 + denominator - 1) / denominator;
      const auto decoder = open_decoder(file, {.min_width = min_width});
      EXPECT_EQ(decoder->width(), min_width);
      const Image image = read(file, {.min_width = min_width});
      const auto reference = testing::parse_pnm(
          run_command(
              "djpeg -scale 1/" + std::to_string(denominator) + " -pnm " + shell_quote(file), false)
              .output);
      ASSERT_TRUE(reference.has_value());
      EXPECT_EQ(mismatch(image, *reference), "");
    }
  }
  std::filesystem::remove(progressive);
  std::filesystem::remove(progressive_grey);
  // A hint larger than half the image gives the full size.
  EXPECT_EQ(open_decoder(baseline, {.min_width = 200})->width(), 227);
}

TEST(JpegReference, twelve_bit_and_lossless_jpegs_are_unsupported_not_corrupt) {
  TESSERA_REQUIRE_CORPORA();
  auto files = testing::files_in(corpora() / "jpeg/seed-corpora/bugs/decompress/12bit",
                                 [](const auto&) { return true; });
  files.push_back(corpora() / "jpeg/libjpeg-turbo/testimages/monkey12.jpg");
  int unsupported = 0;
  for (const auto& file : files) {
    try {
      (void)read(file);
    } catch (const Error& error) {
      if (error.code() == ErrorCode::UnsupportedFormat) ++unsupported;
      EXPECT_NE(error.code(), ErrorCode::Internal) << error.what();
    }
  }
  EXPECT_GT(unsupported, 0);
  try {
    (void)read(corpora() / "jpeg/libjpeg-turbo/testimages/monkey12.jpg");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::UnsupportedFormat) << error.what();
    EXPECT_NE(error.message().find("12"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace tessera
