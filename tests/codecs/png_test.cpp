// PNG against the reference implementation: every valid PngSuite file decodes to exactly what
// libpng decodes (palette and low bit depths expanded, tRNS as alpha, 16 bits kept, no gamma,
// no sBIT shift: tessera's contract, as in libvips, OpenCV and Pillow). Every deliberately
// corrupt file and every crasher is CorruptData.
//
// Why libpng and not a command-line decoder: on PngSuite, netpbm 11's `pngtopnm -alpha` calls
// pixels of a truecolour tRNS colour opaque (tbrn2c08, tbbn2c16), and Pillow 9.4 calls those of
// a 4-bit grey tRNS value opaque (tbbn0g04); the PNG spec, libpng and tessera agree on both.

#include <gtest/gtest.h>

#include <hwy/targets.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "support/corpora.h"
#include "support/libpng_reference.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

using testing::corpora;
namespace fs = std::filesystem;

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
    EXPECT_EQ(testing::mismatch_with_libpng(read(file), *reference), "");
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

// Plain PNGs (8 or 16 bits, no palette, no tRNS, not interlaced) are decoded by tessera's own
// reader (SIMD unfiltering): every filter type, and every pixel size it has a kernel for, equal
// libpng's on every SIMD target.
TEST(PngPlainData, every_simd_target_unfilters_as_libpng_does) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path images = corpora() / "png/tests/images";
  // Filters 0-4 on grey and colour; 16-bit grey, grey+alpha, colour and colour+alpha.
  const char* const names[] = {"f00n0g08.png", "f01n0g08.png", "f02n0g08.png", "f03n0g08.png",
                               "f04n0g08.png", "f00n2c08.png", "f01n2c08.png", "f02n2c08.png",
                               "f03n2c08.png", "f04n2c08.png", "basn0g16.png", "basn4a08.png",
                               "basn4a16.png", "basn2c16.png", "basn6a08.png", "basn6a16.png"};
  int compared = 0;
  for (const std::int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    for (const char* name : names) {
      SCOPED_TRACE(std::string(name) + " on " + hwy::TargetName(target));
      const auto reference = testing::decode_with_libpng(images / name);
      ASSERT_TRUE(reference.has_value());
      EXPECT_EQ(testing::mismatch_with_libpng(read(images / name), *reference), "");
      ++compared;
    }
  }
  hwy::SetSupportedTargetsForTest(0);
  EXPECT_GE(compared, 2 * 16);
}

// Every byte of a plain PNG damaged in turn, and the file cut at every length: a clean
// CorruptData naming the file or, where the damage is in a byte nothing checks (none here:
// every chunk has a CRC), a decoded image; never a crash, a hang or a read out of bounds (the
// sanitizer builds run this too).
TEST(PngPlainData, damage_or_a_cut_at_every_byte_is_a_clean_error) {
  const fs::path folder =
      fs::temp_directory_path() / ("tessera-png-damage-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  const fs::path whole = folder / "whole.png";
  Image image = Image::create(37, 23, {ChannelLayout::Rgba, SampleType::U16});
  for (int y = 0; y < image.height(); ++y) {
    for (std::size_t i = 0; i < image.view().row_bytes(); ++i) {
      image.row(y)[i] = static_cast<std::byte>((i * 7 + static_cast<std::size_t>(y) * 13) % 251);
    }
  }
  write(image, whole);
  std::ifstream in(whole, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const fs::path damaged = folder / "damaged.png";
  const auto expect_corrupt = [&](const std::string& content, const std::string& what) {
    std::ofstream(damaged, std::ios::binary | std::ios::trunc) << content;
    try {
      (void)read(damaged);
      ADD_FAILURE() << what << " decoded";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::CorruptData) << what << ": " << error.what();
      EXPECT_EQ(error.path(), damaged.string()) << what;
    }
  };
  for (std::size_t at = 8; at < bytes.size(); ++at) {
    std::string copy = bytes;
    copy[at] = static_cast<char>(copy[at] ^ 0x21);
    expect_corrupt(copy, "byte " + std::to_string(at) + " changed");
  }
  for (std::size_t size = 8; size < bytes.size(); ++size) {
    expect_corrupt(bytes.substr(0, size), "cut at " + std::to_string(size));
  }
  // Damage inside the IDAT chunk with its CRC made right again, so that zlib and the filter
  // bytes meet it: an error, or pixels (a changed literal is not detectable before the stream's
  // end, which PNG decoders do not read), never anything worse.
  const std::size_t idat = bytes.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  const auto length = static_cast<std::size_t>(
      (std::uint8_t(bytes[idat - 4]) << 24) | (std::uint8_t(bytes[idat - 3]) << 16) |
      (std::uint8_t(bytes[idat - 2]) << 8) | std::uint8_t(bytes[idat - 1]));
  int refused = 0;
  for (std::size_t at = idat + 4; at < idat + 4 + length; ++at) {
    std::string copy = bytes;
    copy[at] = static_cast<char>(copy[at] ^ 0x21);
    const auto crc = static_cast<std::uint32_t>(crc32(
        0, reinterpret_cast<const Bytef*>(copy.data() + idat), static_cast<uInt>(4 + length)));
    for (int i = 0; i < 4; ++i)
      copy[idat + 4 + length + i] = static_cast<char>(crc >> (24 - 8 * i));
    std::ofstream(damaged, std::ios::binary | std::ios::trunc) << copy;
    try {
      (void)read(damaged);
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::CorruptData) << error.what();
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);  // zlib's header, block types, the filter bytes
  fs::remove_all(folder);
}

}  // namespace
}  // namespace tessera
