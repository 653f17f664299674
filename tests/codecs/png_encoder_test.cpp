// The PNG encoder (tessera's own, to deflate on every core): libpng, libspng and OpenCV read
// back exactly what it wrote, for every layout, depth and awkward size; its zlib stream is whole
// (zlib inflates it and checks its Adler-32); one core and all cores, and every SIMD target, write
// the same bytes; and files stay within 1% of the size libspng, which wrote them before, gives at
// each level.

#include <gtest/gtest.h>
#include <hwy/targets.h>
#include <spng.h>
#include <tbb/global_control.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/corpora.h"
#include "support/images.h"
#include "support/libpng_reference.h"
#include "tessera/codec.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class PngEncoder : public testing::ScratchFolderTest {
 protected:
  // The repository's sample photograph tiled to `width` x `height` in `format`: 16-bit samples
  // get random low bytes, so that both bytes of a sample matter to the filters; alpha is the
  // photograph's green channel reversed.
  Image photo(int width, int height, PixelFormat format) const;

  const Image source_ = read(fs::path(TESSERA_SAMPLES) / "photos/astronaut.png");
};

Image PngEncoder::photo(int width, int height, PixelFormat format) const {
  const Image& source = source_;
  std::mt19937 random(7);
  Image image = Image::create(width, height, format);
  const int channels = format.channels();
  const bool has_alpha = channels == 2 || channels == 4;
  for (int y = 0; y < height; ++y) {
    const auto* in = source.view().row<std::uint8_t>(y % source.height());
    for (int x = 0; x < width; ++x) {
      const std::uint8_t* pixel = in + (x % source.width()) * 3;
      for (int c = 0; c < channels; ++c) {
        const bool alpha = has_alpha && c == channels - 1;
        const int value = alpha ? 255 - pixel[1] : pixel[c % 3];
        const std::size_t index = static_cast<std::size_t>(x) * channels + c;
        if (format.sample == SampleType::U16) {
          image.mutable_view().row<std::uint16_t>(y)[index] =
              static_cast<std::uint16_t>(value * 256 + random() % 256);
        } else {
          image.mutable_view().row<std::uint8_t>(y)[index] = static_cast<std::uint8_t>(value);
        }
      }
    }
  }
  return image;
}

// The image data of a PNG file: its IDAT chunks joined and inflated by zlib, which checks the
// stream's Adler-32; empty if zlib refuses it.
std::vector<std::uint8_t> inflated_image_data(const fs::path& file, std::size_t expected_size) {
  const std::vector<std::uint8_t> png = bytes_of(file);
  std::vector<std::uint8_t> stream;
  for (std::size_t at = 8; at + 12 <= png.size();) {
    const std::size_t length = (std::size_t{png[at]} << 24) | (std::size_t{png[at + 1]} << 16) |
                               (std::size_t{png[at + 2]} << 8) | png[at + 3];
    if (std::string(png.begin() + at + 4, png.begin() + at + 8) == "IDAT") {
      stream.insert(stream.end(), png.begin() + at + 8, png.begin() + at + 8 + length);
    }
    at += 12 + length;
  }
  std::vector<std::uint8_t> data(expected_size + 1);
  uLongf size = data.size();
  if (uncompress(data.data(), &size, stream.data(), stream.size()) != Z_OK) return {};
  data.resize(size);
  return data;
}

// The size of `image` as libspng writes it at `level`, with its default filtering.
std::size_t libspng_size(const Image& image, int level) {
  const std::size_t row_bytes = image.view().row_bytes();
  std::vector<std::uint8_t> pixels(row_bytes * image.height());
  for (int y = 0; y < image.height(); ++y) {
    std::memcpy(pixels.data() + y * row_bytes, image.row(y), row_bytes);
  }
  spng_ctx* context = spng_ctx_new(SPNG_CTX_ENCODER);
  spng_set_option(context, SPNG_ENCODE_TO_BUFFER, 1);
  spng_ihdr header{};
  header.width = static_cast<std::uint32_t>(image.width());
  header.height = static_cast<std::uint32_t>(image.height());
  header.bit_depth = image.format().sample == SampleType::U16 ? 16 : 8;
  header.color_type =
      image.format().channels() == 4 ? SPNG_COLOR_TYPE_TRUECOLOR_ALPHA : SPNG_COLOR_TYPE_TRUECOLOR;
  spng_set_ihdr(context, &header);
  spng_set_option(context, SPNG_IMG_COMPRESSION_LEVEL, level);
  std::size_t size = 0;
  if (spng_encode_image(context, pixels.data(), pixels.size(), SPNG_FMT_PNG,
                        SPNG_ENCODE_FINALIZE) == 0) {
    int error = 0;
    std::free(spng_get_png_buffer(context, &size, &error));
  }
  spng_ctx_free(context);
  return size;
}

// The samples of a PNG file as libspng decodes it (its own format, host byte order), or empty
// if libspng refuses it. tessera's reader no longer goes through libspng for these files.
std::vector<std::uint8_t> decode_with_libspng(const fs::path& file) {
  const std::vector<std::uint8_t> png = bytes_of(file);
  spng_ctx* context = spng_ctx_new(0);
  std::vector<std::uint8_t> pixels;
  std::size_t size = 0;
  if (spng_set_png_buffer(context, png.data(), png.size()) == 0 &&
      spng_decoded_image_size(context, SPNG_FMT_PNG, &size) == 0) {
    pixels.resize(size);
    if (spng_decode_image(context, pixels.data(), size, SPNG_FMT_PNG, 0) != 0) pixels.clear();
  }
  spng_ctx_free(context);
  return pixels;
}

// Whether `pixels` (rows packed, no padding) hold exactly `image`'s samples.
bool same_samples(const Image& image, const std::vector<std::uint8_t>& pixels) {
  const std::size_t row_bytes = image.view().row_bytes();
  if (pixels.size() != row_bytes * image.height()) return false;
  for (int y = 0; y < image.height(); ++y) {
    if (std::memcmp(image.row(y), pixels.data() + y * row_bytes, row_bytes) != 0) return false;
  }
  return true;
}

// Whether OpenCV's decoding of a file (opencv_pixels.py's: BGR order, grey+alpha widened to
// BGRA, depth kept), read from `output` at `at`, gives `image`'s samples; moves `at` past it.
bool opencv_reads(const std::string& output, std::size_t& at, const Image& image) {
  const std::size_t newline = output.find('\n', at);
  if (newline == std::string::npos) return false;
  std::istringstream header(output.substr(at, newline - at));
  int mat_channels = 0, sample_bytes = 0, width = 0, height = 0;
  header >> mat_channels >> sample_bytes >> width >> height;
  at = newline + 1;
  const std::size_t bytes = static_cast<std::size_t>(mat_channels) * sample_bytes * width * height;
  const char* samples = output.data() + at;
  at += bytes;
  const int channels = image.format().channels();
  const bool sixteen = image.format().sample == SampleType::U16;
  if (at > output.size() || width != image.width() || height != image.height() ||
      mat_channels != (channels == 2 ? 4 : channels) || sample_bytes != (sixteen ? 2 : 1)) {
    return false;
  }
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      for (int c = 0; c < mat_channels; ++c) {
        // The image's channel that OpenCV's channel c shows.
        const int source = channels <= 2 ? (c == 3 ? 1 : 0) : (c < 3 ? 2 - c : 3);
        const std::size_t ours = static_cast<std::size_t>(x) * channels + source;
        const std::size_t theirs =
            (static_cast<std::size_t>(y) * width + x) * mat_channels + static_cast<std::size_t>(c);
        int their_value = static_cast<unsigned char>(samples[theirs * sample_bytes]);
        if (sixteen) their_value |= static_cast<unsigned char>(samples[theirs * 2 + 1]) << 8;
        const int ours_value = sixteen ? image.view().row<std::uint16_t>(y)[ours]
                                       : image.view().row<std::uint8_t>(y)[ours];
        if (ours_value != their_value) return false;
      }
    }
  }
  return true;
}

TEST_F(PngEncoder,
       libpng_libspng_and_opencv_read_back_every_layout_and_depth_at_every_awkward_size) {
  struct Size {
    int width, height;
  };
  // One pixel, a column, a row, odd sizes inside one 256 KiB block, many blocks, and rows each
  // wider than a block.
  const Size sizes[] = {{1, 1}, {1, 9}, {9, 1}, {31, 17}, {700, 400}, {40000, 3}};
  int compared = 0;
  std::vector<std::pair<fs::path, Image>> written;  // read back by OpenCV at the end, at once
  for (const ChannelLayout layout :
       {ChannelLayout::Gray, ChannelLayout::GrayAlpha, ChannelLayout::Rgb, ChannelLayout::Rgba}) {
    for (const SampleType sample : {SampleType::U8, SampleType::U16}) {
      for (const Size size : sizes) {
        const PixelFormat format{layout, sample};
        SCOPED_TRACE(format.name() + " " + std::to_string(size.width) + "x" +
                     std::to_string(size.height));
        Image image = photo(size.width, size.height, format);
        const fs::path out = file("out" + std::to_string(compared) + ".png");
        write(image, out);
        const auto reference = testing::decode_with_libpng(out);
        ASSERT_TRUE(reference.has_value()) << "libpng refused the file";
        EXPECT_EQ(testing::mismatch_with_libpng(image, *reference), "");
        EXPECT_TRUE(same_samples(image, decode_with_libspng(out))) << "libspng's decoding differs";
        EXPECT_TRUE(testing::same_pixels(read(out), image)) << "tessera's decoding differs";
        written.emplace_back(out, std::move(image));
        ++compared;
      }
    }
  }
  std::string command = "/usr/bin/python3 " + testing::shell_quote(OPENCV_PIXELS);
  for (const auto& [path, image] : written) {
    // (append, not " " + a temporary: GCC 12's -Wrestrict misreads that at -O3)
    command.append(" ").append(testing::shell_quote(path.string()));
  }
  const auto opencv = testing::run_command(command, false);
  ASSERT_EQ(opencv.status, 0) << opencv.output.substr(0, 500);
  std::size_t at = 0;
  for (const auto& [path, image] : written) {
    EXPECT_TRUE(opencv_reads(opencv.output, at, image))
        << "OpenCV's decoding of " << path.filename() << " (" << image.format().name() << " "
        << image.width() << "x" << image.height() << ") differs";
  }
  EXPECT_EQ(compared, 4 * 2 * 6);
}

TEST_F(PngEncoder, its_zlib_stream_is_whole_at_every_level) {
  const Image image = photo(900, 700, PixelFormat::rgb8());  // 1.9 MB: 8 blocks
  const std::size_t filtered_bytes = (900 * 3 + 1) * 700;
  for (int level = 0; level <= 9; level += 3) {
    SCOPED_TRACE("level " + std::to_string(level));
    write(image, file("out.png"), {.png_compression = level});
    EXPECT_EQ(inflated_image_data(file("out.png"), filtered_bytes).size(), filtered_bytes);
  }
}

TEST_F(PngEncoder, one_core_and_every_core_write_the_same_bytes) {
  const Image image = photo(1500, 1000, PixelFormat::rgba8());  // 6 MB: 23 blocks
  {
    const tbb::global_control one_core(tbb::global_control::max_allowed_parallelism, 1);
    write(image, file("one.png"));
  }
  write(image, file("all.png"));
  const auto one = bytes_of(file("one.png"));
  EXPECT_GT(one.size(), 1000u);
  EXPECT_EQ(one, bytes_of(file("all.png")));
}

TEST_F(PngEncoder, every_simd_target_writes_the_bytes_of_the_best_one) {
  const Image image = photo(333, 120, PixelFormat{ChannelLayout::Rgba, SampleType::U16});
  write(image, file("best.png"));
  const auto best = bytes_of(file("best.png"));
  int compared = 0;
  for (const std::int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    write(image, file("target.png"));
    EXPECT_EQ(bytes_of(file("target.png")), best) << hwy::TargetName(target);
    ++compared;
  }
  hwy::SetSupportedTargetsForTest(0);
  EXPECT_GE(compared, 2);
}

TEST_F(PngEncoder, files_are_within_one_percent_of_libspngs_at_every_level) {
  const Image photo16 = photo(200, 200, PixelFormat{ChannelLayout::Rgba, SampleType::U16});
  for (const Image* image : {&source_, &photo16}) {
    for (int level = 0; level <= 9; ++level) {
      SCOPED_TRACE(image->format().name() + " level " + std::to_string(level));
      write(*image, file("out.png"), {.png_compression = level});
      const double ours = static_cast<double>(fs::file_size(file("out.png")));
      const double theirs = static_cast<double>(libspng_size(*image, level));
      ASSERT_GT(theirs, 0) << "libspng failed";
      EXPECT_LE(std::abs(ours - theirs) / theirs, 0.01) << ours << " vs libspng " << theirs;
      std::printf("  %-12s level %d: tessera %8.0f B, libspng %8.0f B (%+.2f%%)\n",
                  image->format().name().c_str(), level, ours, theirs,
                  100 * (ours - theirs) / theirs);
    }
  }
}

}  // namespace
}  // namespace tessera
