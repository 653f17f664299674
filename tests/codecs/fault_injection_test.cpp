// Fault injection along whole decodes and encodes: for every N, the N-th fault point (an
// allocation by tessera or inside libjpeg/libspng, a library call (libwebp's included), a file
// operation) fails, and
// every run must end in a clean tessera::Error with nothing left behind: no live buffer, no
// output file, no temporary. Under the sanitizer build, LeakSanitizer checks the libraries'
// own memory too (it runs at exit, after all of these runs).

#include "tessera/testing/fault_injection.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>

#include "support/corpora.h"
#include "support/fail_every_point.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/profiler.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using testing::FaultInjection;

class FaultInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("tessera-faults-" + std::to_string(::getpid()));
    fs::create_directories(folder_ / "out");
  }
  void TearDown() override {
    FaultInjection::off();
    fs::remove_all(folder_);
  }

  // Runs `operation` once per fault point it passes, failing that point; returns how many.
  std::uint64_t fail_every_point(const std::string& name, const std::function<void()>& operation) {
    SCOPED_TRACE(name);
    return testing::fail_every_point(operation, folder_ / "out");
  }

  fs::path output(const std::string& name) const { return folder_ / "out" / name; }

  fs::path folder_;
};

Image photo_like(int width, int height, PixelFormat format) {
  Image image = Image::create(width, height, format);
  for (int y = 0; y < height; ++y) {
    for (std::size_t i = 0; i < image.view().row_bytes(); ++i) {
      image.row(y)[i] = static_cast<std::byte>((i * 7 + static_cast<std::size_t>(y) * 3) % 251);
    }
  }
  return image;
}

TEST_F(FaultInjectionTest, every_fault_along_jpeg_and_png_decodes_ends_in_a_clean_error) {
  TESSERA_REQUIRE_CORPORA();
  const Image rgb = photo_like(96, 64, PixelFormat::rgb8());
  write(rgb, folder_ / "baseline.jpg");
  write(rgb, folder_ / "progressive.jpg", {.progressive = true});
  write(photo_like(40, 30, {ChannelLayout::Rgba, SampleType::U16}), folder_ / "deep.png");
  write(rgb, folder_ / "lossy.webp");
  write(photo_like(40, 30, PixelFormat::rgba8()), folder_ / "alpha.webp", {.lossless = true});
  write(rgb, folder_ / "strips.tif");
  write(photo_like(300, 40, {ChannelLayout::Rgba, SampleType::U16}), folder_ / "tiles.tif",
        {.tiled = true});
  const fs::path interlaced = testing::corpora() / "png/tests/images/basi6a08.png";
  const std::vector<std::pair<std::string, fs::path>> inputs = {
      {"baseline JPEG", folder_ / "baseline.jpg"},
      {"progressive JPEG", folder_ / "progressive.jpg"},
      {"16-bit RGBA PNG", folder_ / "deep.png"},
      {"interlaced PNG", interlaced},
      {"lossy WebP", folder_ / "lossy.webp"},
      {"lossless WebP", folder_ / "alpha.webp"},
      {"TIFF strips", folder_ / "strips.tif"},
      {"TIFF tiles", folder_ / "tiles.tif"},
      {"TIFF palette", testing::corpora() / "tiff/tests/libtiffpic/depth/flower-palette-08.tif"},
      {"interlaced GIF", testing::corpora() / "vips/test/test-suite/images/cogs.gif"},
      {"GIF", testing::corpora() / "vips/test/test-suite/images/cramps.gif"},
      {"HEIC", testing::corpora() / "heif/libheif/examples/example.heic"},
      {"AVIF", testing::corpora() / "heif/libheif/examples/example.avif"},
      {"BMP", testing::corpora() / "jpeg/libjpeg-turbo/testimages/vgl_6434_0018a.bmp"},
      {"PPM", testing::corpora() / "jpeg/libjpeg-turbo/testimages/testorig.ppm"}};
  for (const auto& [name, path] : inputs) {
    const std::uint64_t points = fail_every_point(name, [&path] { (void)read(path); });
    EXPECT_GE(points, 4u) << name;  // an operation that passed no fault point would test nothing
    std::printf("  %-18s decode: %3llu fault points, each failed once\n", name.c_str(),
                static_cast<unsigned long long>(points));
  }
  const std::uint64_t scaled = fail_every_point(
      "scaled JPEG", [this] { (void)read(folder_ / "baseline.jpg", {.min_width = 12}); });
  EXPECT_GT(scaled, 5u);
  const std::uint64_t dc_only = fail_every_point("progressive JPEG at 1/8", [this] {
    (void)read(folder_ / "progressive.jpg", {.min_width = 12});
  });
  EXPECT_GT(dc_only, 5u);
}

TEST_F(FaultInjectionTest,
       every_fault_along_jpeg_and_png_encodes_ends_in_a_clean_error_and_no_file) {
  const Image rgba = photo_like(80, 48, PixelFormat::rgba8());
  const std::vector<std::byte> icc(600, std::byte{7});
  for (const char* name :
       {"photo.jpg", "photo.png", "photo.webp", "photo.tif", "strips.tif", "photo.heic",
        "photo.avif", "photo.bmp", "photo.pam", "photo.gif", "palette.png"}) {
    const bool tiled = std::string_view(name) != "strips.tif";
    // palette.png: the quantiser (libimagequant's allocations are fault points) and PLTE/tRNS.
    const bool palette = std::string_view(name) == "palette.png";
    const std::uint64_t points = fail_every_point(name, [&] {
      write(rgba, output(name),
            {.progressive = true,
             .lossless = true,
             .tiled = tiled,
             .palette = palette,
             .colors = 64,
             .icc_profile = icc});
    });
    EXPECT_GT(points, 3u) << name;
    std::printf("  %-18s encode: %3llu fault points, each failed once\n", name,
                static_cast<unsigned long long>(points));
  }
}

}  // namespace
}  // namespace tessera
