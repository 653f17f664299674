#pragma once
// Helpers the tests share: test images, pixel comparison, a scratch folder per test, and
// an image as Pillow decodes it.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>

#include "support/run_command.h"
#include "tessera/image.h"

namespace tessera::testing {

// A deterministic pattern in any format: bytes vary with position (floats stay in 0..1).
inline Image pattern(int width, int height, PixelFormat format, int seed = 0) {
  Image image = Image::create(width, height, format);
  for (int y = 0; y < height; ++y) {
    if (format.sample == SampleType::F32) {
      for (int i = 0; i < width * format.channels(); ++i) {
        image.mutable_view().row<float>(y)[i] = static_cast<float>((i + y * 3 + seed) % 97) / 96.0f;
      }
      continue;
    }
    for (std::size_t i = 0; i < image.view().row_bytes(); ++i) {
      image.row(y)[i] =
          static_cast<std::byte>((i * 11 + static_cast<std::size_t>(y) * 5 + seed) % 256);
    }
  }
  return image;
}

// A smooth colour image: lossy codecs' fair case (a sawtooth would measure chroma subsampling).
inline Image smooth_rgb(int width, int height) {
  Image image = Image::create(width, height, PixelFormat::rgb8());
  for (int y = 0; y < height; ++y) {
    auto* row = image.mutable_view().row<std::uint8_t>(y);
    for (int x = 0; x < width; ++x) {
      row[x * 3] = static_cast<std::uint8_t>(x * 255 / width);
      row[x * 3 + 1] = static_cast<std::uint8_t>(y * 255 / height);
      row[x * 3 + 2] = static_cast<std::uint8_t>(128 + 100 * std::sin((x + y) * 0.05));
    }
  }
  return image;
}

// Random 8-bit samples: every sample differs from its neighbours, so a shifted or mirrored row
// or column cannot go unnoticed, and nothing compresses.
inline Image noise(int width, int height, PixelFormat format, std::mt19937& random) {
  Image image = Image::create(width, height, format);
  std::uniform_int_distribution<int> sample(0, 255);
  for (int y = 0; y < height; ++y) {
    auto* row = image.mutable_view().row<std::uint8_t>(y);
    for (std::size_t i = 0; i < image.view().row_bytes(); ++i)
      row[i] = static_cast<std::uint8_t>(sample(random));
  }
  return image;
}

inline Image noise(int width, int height, PixelFormat format, unsigned seed) {
  std::mt19937 random(seed);
  return noise(width, height, format, random);
}

// The largest difference between two images' bytes (8-bit samples; same size and format).
inline int largest_difference(const Image& a, const Image& b) {
  int largest = 0;
  for (int y = 0; y < a.height(); ++y) {
    const auto* p = a.view().row<std::uint8_t>(y);
    const auto* q = b.view().row<std::uint8_t>(y);
    for (std::size_t i = 0; i < a.view().row_bytes(); ++i)
      largest = std::max(largest, std::abs(p[i] - q[i]));
  }
  return largest;
}

// Same size, format and pixels (row padding ignored).
inline bool same_pixels(const Image& a, const Image& b) {
  if (a.width() != b.width() || a.height() != b.height() || a.format() != b.format()) return false;
  for (int y = 0; y < a.height(); ++y) {
    if (std::memcmp(a.row(y), b.row(y), a.view().row_bytes()) != 0) return false;
  }
  return true;
}

// A fresh folder for each test, removed afterwards.
class ScratchFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("tessera-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  std::filesystem::path file(const std::string& name) const { return folder_ / name; }

  std::filesystem::path folder_;
};

// An image as Pillow decodes it (tests/codecs/pillow_pixels.py), or decoded == false.
struct PillowImage {
  bool decoded = false;
  std::string mode;
  int width = 0, height = 0, bits = 0;
  std::string samples;
};

// With `page` >= 0, that page or frame (a GIF's or WebP's composited, as RGBA).
inline PillowImage pillow_decode(const std::filesystem::path& file, int page = -1) {
  std::string command = "/usr/bin/python3 " + shell_quote(PILLOW_PIXELS) + " " + shell_quote(file);
  if (page >= 0) command.append(" ").append(std::to_string(page));
  const auto result = run_command(command, false);
  PillowImage image;
  const std::size_t newline = result.output.find('\n');
  if (result.status != 0 || newline == std::string::npos) return image;
  std::istringstream header(result.output.substr(0, newline));
  header >> image.mode >> image.width >> image.height >> image.bits;
  image.samples = result.output.substr(newline + 1);
  image.decoded = true;
  return image;
}

// The first row where `ours` differs from Pillow's samples, or "" when all are equal.
inline std::string mismatch_with(const Image& ours, const PillowImage& pillow) {
  const std::size_t row_bytes = ours.view().row_bytes();
  if (pillow.samples.size() != row_bytes * static_cast<std::size_t>(ours.height()))
    return "sizes differ";
  for (int y = 0; y < ours.height(); ++y) {
    if (std::memcmp(ours.row(y), pillow.samples.data() + row_bytes * y, row_bytes) != 0) {
      return "row " + std::to_string(y) + " differs";
    }
  }
  return "";
}

}  // namespace tessera::testing
