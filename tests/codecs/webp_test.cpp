// WebP against the reference decoder: every conformance vector in ../shared/corpora/webp decodes
// to the exact bytes libwebp's dwebp wrote, as recorded in libwebp_tests.md5 (the md5 of
// `dwebp -ppm`'s output: "P6\n<w> <h>\n255\n" then RGB, alpha dropped). Then round trips:
// lossless is exact, lossy is close, alpha and ICC are kept, shrink-on-load keeps the aspect.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using testing::corpora;

std::map<std::string, std::string> reference_md5s() {
  std::map<std::string, std::string> md5s;
  std::ifstream list(corpora() / "webp/libwebp_tests.md5");
  std::string md5;
  std::string name;
  while (list >> md5 >> name) md5s[name] = md5;
  return md5s;
}

// What `dwebp -ppm` writes for an image tessera decoded.
std::string as_ppm(const Image& image) {
  std::string ppm =
      "P6\n" + std::to_string(image.width()) + " " + std::to_string(image.height()) + "\n255\n";
  const int channels = image.format().channels();
  for (int y = 0; y < image.height(); ++y) {
    const auto* row = image.view().row<std::uint8_t>(y);
    for (int x = 0; x < image.width(); ++x)
      ppm.append(reinterpret_cast<const char*>(row + x * channels), 3);
  }
  return ppm;
}

std::string md5_of(const std::string& bytes) {
  const fs::path scratch =
      fs::temp_directory_path() / ("tessera-webp-" + std::to_string(::getpid()) + ".ppm");
  std::ofstream(scratch, std::ios::binary) << bytes;
  const auto result = testing::run_command("md5sum " + testing::shell_quote(scratch), false);
  fs::remove(scratch);
  return result.output.substr(0, 32);
}

TEST(WebpConformance, every_vector_decodes_to_the_reference_decoders_bytes) {
  TESSERA_REQUIRE_CORPORA();
  const auto md5s = reference_md5s();
  int compared = 0;
  for (const auto& file : testing::files_in(
           corpora() / "webp", [](const auto& path) { return path.extension() == ".webp"; })) {
    const auto expected = md5s.find(file.filename().string() + ".ppm");
    if (expected == md5s.end()) continue;
    SCOPED_TRACE(file.filename().string());
    const Image image = read(file, {.apply_orientation = false});
    EXPECT_EQ(md5_of(as_ppm(image)), expected->second);
    ++compared;
  }
  EXPECT_EQ(compared, 96);  // every .webp.ppm entry of libwebp_tests.md5
  std::printf("  %d WebP conformance vectors compared with dwebp's md5s\n", compared);
}

class WebpRoundTrip : public testing::ScratchFolderTest {};

TEST_F(WebpRoundTrip, lossless_is_exact_with_and_without_alpha) {
  for (const PixelFormat format : {PixelFormat::rgb8(), PixelFormat::rgba8()}) {
    SCOPED_TRACE(format.name());
    const Image original = testing::pattern(45, 31, format);
    write(original, folder_ / "exact.webp", {.lossless = true});
    EXPECT_TRUE(testing::same_pixels(original, read(folder_ / "exact.webp")));
  }
}

TEST_F(WebpRoundTrip, grey_is_stored_as_rgb_and_lossy_quality_takes_effect) {
  const Image grey = testing::pattern(64, 64, PixelFormat::gray8());
  write(grey, folder_ / "grey.webp", {.lossless = true});
  const Image decoded = read(folder_ / "grey.webp");
  ASSERT_EQ(decoded.format(), PixelFormat::rgb8());
  EXPECT_EQ(decoded.view().row<std::uint8_t>(10)[3 * 7 + 1], grey.view().row<std::uint8_t>(10)[7]);
  const Image colour = testing::pattern(128, 96, PixelFormat::rgb8());
  write(colour, folder_ / "low.webp", {.quality = 10});
  write(colour, folder_ / "high.webp", {.quality = 95});
  EXPECT_LT(fs::file_size(folder_ / "low.webp"), fs::file_size(folder_ / "high.webp"));
}

TEST_F(WebpRoundTrip, icc_is_carried_and_shrink_on_load_keeps_the_aspect) {
  const std::vector<std::byte> icc(300, std::byte{42});
  write(testing::pattern(400, 200, PixelFormat::rgb8()), folder_ / "icc.webp",
        {.icc_profile = icc});
  const auto decoder = open_decoder(folder_ / "icc.webp", {.min_width = 100});
  EXPECT_EQ(decoder->icc_profile(), icc);
  EXPECT_EQ(decoder->width(), 100);
  EXPECT_EQ(decoder->height(), 50);
  EXPECT_EQ(read(folder_ / "icc.webp", {.min_height = 150}).width(), 300);
}

TEST_F(WebpRoundTrip, a_truncated_webp_is_corrupt_data) {
  write(testing::pattern(64, 64, PixelFormat::rgb8()), folder_ / "whole.webp");
  fs::copy_file(folder_ / "whole.webp", folder_ / "cut.webp");
  fs::resize_file(folder_ / "cut.webp", fs::file_size(folder_ / "whole.webp") / 2);
  try {
    (void)read(folder_ / "cut.webp");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::CorruptData) << error.what();
  }
}

}  // namespace
}  // namespace tessera
