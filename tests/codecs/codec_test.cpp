// The codec contract, format by format: round trips, ICC carried, formats sniffed by content,
// outputs that appear only when complete, limits checked before allocating, bad state after an
// error, and rows read in strips equal to a whole read.

#include "tessera/codec.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/profiler.h"

namespace tessera {
namespace {

using testing::corpora;
namespace fs = std::filesystem;

class Codec : public testing::ScratchFolderTest {
 protected:
  // Every file in the folder, temporaries included.
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder_))
      names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
};

// Random pixels of any format, from a fresh seed (printed on failure).
Image random_image(int width, int height, PixelFormat format, unsigned seed) {
  Image image = Image::create(width, height, format);
  std::mt19937 random(seed);
  for (int y = 0; y < height; ++y) {
    std::byte* row = image.row(y);
    if (format.sample == SampleType::F32) {
      auto* samples = reinterpret_cast<float*>(row);
      for (int i = 0; i < width * format.channels(); ++i)
        samples[i] = static_cast<float>(random() % 65536) / 65535.0f;
    } else {
      for (std::size_t i = 0; i < image.view().row_bytes(); ++i)
        row[i] = static_cast<std::byte>(random());
    }
  }
  return image;
}

TEST_F(Codec, png_round_trips_every_8_and_16_bit_format_exactly) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (const auto layout :
       {ChannelLayout::Gray, ChannelLayout::GrayAlpha, ChannelLayout::Rgb, ChannelLayout::Rgba}) {
    for (const auto sample : {SampleType::U8, SampleType::U16}) {
      const PixelFormat format{layout, sample};
      SCOPED_TRACE(format.name());
      const Image original = random_image(37, 23, format, seed);
      write(original, file("round.png"));
      const Image decoded = read(file("round.png"));
      EXPECT_TRUE(testing::same_pixels(original, decoded));
    }
  }
}

TEST_F(Codec, png_stores_float_samples_as_16_bits) {
  const Image original = random_image(9, 4, {ChannelLayout::Rgb, SampleType::F32}, 7);
  write(original, file("float.png"));
  const Image decoded = read(file("float.png"));
  ASSERT_EQ(decoded.format(), (PixelFormat{ChannelLayout::Rgb, SampleType::U16}));
  for (int y = 0; y < 4; ++y) {
    for (int i = 0; i < 27; ++i) {
      const float expected = original.view().row<float>(y)[i];
      EXPECT_EQ(decoded.view().row<std::uint16_t>(y)[i], std::lround(expected * 65535.0f));
    }
  }
}

TEST_F(Codec, jpeg_round_trip_keeps_size_and_grey_stays_one_channel) {
  const Image colour = testing::smooth_rgb(160, 90);
  write(colour, file("colour.jpg"), {.quality = 95, .subsampling = ChromaSubsampling::S444});
  const Image decoded = read(file("colour.jpg"));
  EXPECT_EQ(decoded.format(), PixelFormat::rgb8());
  EXPECT_LE(testing::largest_difference(colour, decoded), 8);

  Image grey = Image::create(50, 40, PixelFormat::gray8());
  for (int y = 0; y < 40; ++y) std::memset(grey.row(y), y * 6, 50);
  write(grey, file("grey.jpg"));
  EXPECT_EQ(probe(file("grey.jpg")).pixel_format, PixelFormat::gray8());
  EXPECT_LE(testing::largest_difference(grey, read(file("grey.jpg"))), 3);
}

TEST_F(Codec, jpeg_options_take_effect) {
  const Image colour = testing::smooth_rgb(200, 120);
  write(colour, file("progressive.jpg"), {.progressive = true});
  EXPECT_TRUE(probe(file("progressive.jpg")).progressive);
  write(colour, file("low.jpg"), {.quality = 10});
  write(colour, file("high.jpg"), {.quality = 98});
  EXPECT_LT(fs::file_size(file("low.jpg")), fs::file_size(file("high.jpg")));
  write(colour, file("444.jpg"), {.quality = 90, .subsampling = ChromaSubsampling::S444});
  write(colour, file("420.jpg"), {.quality = 90, .subsampling = ChromaSubsampling::S420});
  EXPECT_LT(testing::largest_difference(colour, read(file("444.jpg"))),
            testing::largest_difference(colour, read(file("420.jpg"))))
      << "full chroma resolution must be closer to the original";
  EXPECT_THROW(write(colour, file("bad.jpg"), {.quality = 0}), Error);
}

TEST_F(Codec, jpeg_drops_alpha_and_reduces_16_bits) {
  const Image rgba = random_image(16, 16, PixelFormat::rgba8(), 3);
  write(rgba, file("alpha.jpg"), {.quality = 100, .subsampling = ChromaSubsampling::S444});
  EXPECT_EQ(probe(file("alpha.jpg")).pixel_format, PixelFormat::rgb8());
  write(random_image(16, 16, {ChannelLayout::Gray, SampleType::U16}, 4), file("deep.jpg"));
  EXPECT_EQ(probe(file("deep.jpg")).pixel_format, PixelFormat::gray8());
}

TEST_F(Codec, icc_profiles_are_carried_by_jpeg_and_png) {
  TESSERA_REQUIRE_CORPORA();
  // An RGB profile (test1.icc is CMYK, which no longer goes beside RGB pixels: Cmyk tests).
  std::ifstream stream(corpora() / "jpeg/libjpeg-turbo/testimages/test3.icc", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(stream)),
                          std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 100u);
  const std::vector<std::byte> profile(
      reinterpret_cast<const std::byte*>(bytes.data()),
      reinterpret_cast<const std::byte*>(bytes.data()) + bytes.size());
  const Image image = testing::smooth_rgb(32, 32);
  for (const char* name : {"icc.jpg", "icc.png"}) {
    SCOPED_TRACE(name);
    write(image, file(name), {.icc_profile = profile});
    const auto decoder = open_decoder(file(name));
    EXPECT_TRUE(decoder->info().has_icc_profile);
    EXPECT_EQ(decoder->icc_profile(), profile);
  }
}

TEST_F(Codec, the_format_comes_from_the_content_not_the_name) {
  const Image image = testing::smooth_rgb(20, 10);
  write(image, file("real.jpg"));
  fs::copy_file(file("real.jpg"), file("lies.png"));
  EXPECT_EQ(probe(file("lies.png")).format, FileFormat::Jpeg);
  EXPECT_EQ(read(file("lies.png")).width(), 20);
}

TEST_F(Codec, unknown_and_unsupported_inputs_are_named) {
  const auto expect_error = [](const fs::path& path, ErrorCode code, const std::string& words) {
    try {
      (void)read(path);
      ADD_FAILURE() << path << " was read";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), code) << error.what();
      EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
      EXPECT_EQ(error.path(), path.string());
    }
  };
  std::ofstream(file("notes.txt")) << "hello, not an image";
  expect_error(file("notes.txt"), ErrorCode::UnsupportedFormat, "68 65 6c 6c");
  std::ofstream(file("drawing.svg")) << "<?xml version";
  expect_error(file("drawing.svg"), ErrorCode::UnsupportedFormat,
               "XML or SVG files are not supported");
  std::ofstream(file("layers.psd")) << "8BPS\x00\x01....";
  expect_error(file("layers.psd"), ErrorCode::UnsupportedFormat,
               "Photoshop (PSD) files are not supported");
  std::ofstream(file("empty.jpg")).flush();
  expect_error(file("empty.jpg"), ErrorCode::CorruptData, "empty");
  expect_error(file("missing.jpg"), ErrorCode::Io, "No such file");
  expect_error(folder_, ErrorCode::Io, "directory");
}

TEST_F(Codec, an_unknown_output_extension_is_refused_before_anything_is_written) {
  try {
    write(testing::smooth_rgb(4, 4), file("out.jp2"));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::UnsupportedFormat);
    EXPECT_NE(error.message().find(".jp2"), std::string::npos);
  }
  EXPECT_TRUE(listing().empty());
}

TEST_F(Codec, an_unfinished_encode_leaves_no_file_and_no_temporary) {
  const Image image = testing::smooth_rgb(64, 64);
  for (const char* name : {"partial.jpg", "partial.png"}) {
    auto encoder = open_encoder(file(name), 64, 64, PixelFormat::rgb8());
    encoder->write(image.view().subview({0, 0, 64, 32}));
    EXPECT_THROW(encoder->finish(), Error) << "finish() before every row";
    encoder.reset();
  }
  EXPECT_TRUE(listing().empty()) << listing().front();
}

TEST_F(Codec, a_failed_encode_keeps_the_previous_file_untouched) {
  std::ofstream(file("keep.png")) << "precious";
  {
    auto encoder = open_encoder(file("keep.png"), 8, 8, PixelFormat::rgb8());
    EXPECT_THROW(encoder->write(Image::create(9, 8, PixelFormat::rgb8()).view()), Error);
    // A mismatched view is refused before anything is written, so the encoder stays usable;
    // it is then dropped unfinished.
    encoder->write(testing::smooth_rgb(8, 4).view());
  }
  std::ifstream stream(file("keep.png"));
  std::string content;
  stream >> content;
  EXPECT_EQ(content, "precious");
  EXPECT_EQ(listing(), std::vector<std::string>{"keep.png"});
}

TEST_F(Codec, a_finished_file_is_an_ordinary_file_with_no_temporary_left) {
  write(testing::smooth_rgb(8, 8), file("done.png"));
  EXPECT_EQ(listing(), std::vector<std::string>{"done.png"});
  struct stat status {};
  ASSERT_EQ(::stat(file("done.png").c_str(), &status), 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(status.st_mode & 0777, 0666 & ~mask);
}

TEST_F(Codec, the_pixel_limit_is_checked_before_allocating) {
  write(testing::smooth_rgb(300, 200), file("big.png"));
  const auto before = memory::counters();
  try {
    (void)read(file("big.png"), {.limits = {.max_pixels = 50'000}});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::ImageTooLarge);
    EXPECT_NE(error.message().find("300x200 = 60000 pixels, over the limit of 50000"),
              std::string::npos)
        << error.what();
  }
  EXPECT_EQ(memory::counters().total_allocations, before.total_allocations);
  EXPECT_EQ(read(file("big.png"), {.limits = Limits::unlimited()}).width(), 300);
}

TEST_F(Codec, the_decode_estimate_is_checked_against_the_budget_before_allocating) {
  write(testing::smooth_rgb(300, 200), file("big.jpg"));
  MemoryBudget budget(64 << 10, "small job");
  const auto before = memory::counters();
  try {
    (void)read(file("big.jpg"), {.limits = {.budget = &budget}});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::OutOfBudget);
    EXPECT_NE(error.message().find("needs about 187.5 KiB"), std::string::npos) << error.what();
    EXPECT_NE(error.message().find("budget 'small job' has 64.0 KiB left"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(memory::counters().total_allocations, before.total_allocations);
  MemoryBudget enough(1 << 20, "enough");
  const Image image = read(file("big.jpg"), {.limits = {.budget = &enough}});
  EXPECT_EQ(enough.used(), image.storage_bytes()) << "the pixels are charged to the budget";
}

TEST_F(Codec, reading_in_strips_equals_reading_whole) {
  const Image original = random_image(61, 47, PixelFormat::rgba8(), 11);
  write(original, file("strips.png"));
  write(testing::smooth_rgb(61, 47), file("strips.jpg"));
  write(original, file("strips.webp"), {.lossless = true});
  for (const char* name : {"strips.png", "strips.jpg", "strips.webp"}) {
    SCOPED_TRACE(name);
    const Image whole = read(file(name));
    const auto decoder = open_decoder(file(name));
    const Image assembled = Image::create(decoder->width(), decoder->height(), decoder->format());
    for (int y = 0; y < decoder->height(); y += 7) {
      decoder->read(assembled.mutable_view().subview({0, y, 61, std::min(7, 47 - y)}));
    }
    EXPECT_TRUE(testing::same_pixels(whole, assembled));
    EXPECT_THROW(decoder->read(assembled.mutable_view().subview({0, 0, 61, 1})), Error)
        << "reading past the end";
  }
}

TEST_F(Codec, a_decoder_refuses_every_call_after_an_error) {
  write(random_image(64, 64, PixelFormat::rgb8(), 5), file("whole.png"));
  const auto size = fs::file_size(file("whole.png"));
  fs::copy_file(file("whole.png"), file("cut.png"));
  fs::resize_file(file("cut.png"), size / 2);
  const auto decoder = open_decoder(file("cut.png"));
  const Image rows = Image::create(64, 64, PixelFormat::rgb8());
  try {
    decoder->read(rows.mutable_view());
    FAIL() << "a truncated PNG decoded";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::CorruptData) << error.what();
  }
  try {
    decoder->read(rows.mutable_view().subview({0, 0, 64, 1}));
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(error.message().find("bad state"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace tessera

namespace tessera {
namespace {

TEST_F(Codec, decoding_from_memory_equals_decoding_the_file) {
  write(random_image(33, 17, PixelFormat::rgba8(), 21), file("memory.png"));
  write(testing::smooth_rgb(40, 30), file("memory.jpg"));
  for (const char* name : {"memory.png", "memory.jpg"}) {
    SCOPED_TRACE(name);
    std::ifstream stream(file(name), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(stream)),
                            std::istreambuf_iterator<char>());
    const std::span<const std::byte> span(reinterpret_cast<const std::byte*>(bytes.data()),
                                          bytes.size());
    const auto decoder = open_decoder(span, "upload");
    EXPECT_TRUE(testing::same_pixels(read(*decoder), read(file(name))));
  }
  const std::string junk = "not an image at all";
  try {
    (void)open_decoder(std::span(reinterpret_cast<const std::byte*>(junk.data()), junk.size()),
                       "upload");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::UnsupportedFormat);
    EXPECT_EQ(error.path(), "upload");
  }
  EXPECT_THROW((void)open_decoder(std::span<const std::byte>{}, "empty upload"), Error);
}

}  // namespace
}  // namespace tessera
