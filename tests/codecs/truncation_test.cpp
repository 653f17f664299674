// Truncated files (issue 14, item 8): a real file cut at several lengths is CorruptData by
// default ("truncated: N of M rows" where the format's rows stream), and DecodeOptions::fail_on
// = FailOn::None gives the partial image, full size, where the format has one.

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "support/corpora.h"
#include "support/images.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using testing::corpora;

class Truncation : public testing::ScratchFolderTest {
 protected:
  // The photo every format is written from: a real image, so that its compressed data is
  // spread over the file as in the wild.
  static Image photo() { return read(corpora() / "jpeg/libjpeg-turbo/testimages/testorig.jpg"); }

  std::vector<char> bytes_of(const fs::path& file) const {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path cut(const fs::path& file, double fraction) const {
    const std::vector<char> bytes = bytes_of(file);
    const fs::path out = this->file(fmt_name(file, fraction));
    std::ofstream(out, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size() * fraction));
    return out;
  }

  static std::string fmt_name(const fs::path& file, double fraction) {
    return "cut" + std::to_string(static_cast<int>(fraction * 100)) + "-" +
           file.filename().string();
  }

  // Cut at 40%, 70% and 95%: every cut fails by default; under FailOn::None it decodes to the
  // full size when `partial_image`, and fails otherwise.
  void check(const fs::path& whole, bool partial_image, bool says_rows) {
    const ImageInfo info = probe(whole);
    for (const double fraction : {0.4, 0.7, 0.95}) {
      const fs::path truncated = cut(whole, fraction);
      SCOPED_TRACE(truncated.string());
      try {
        (void)read(truncated);
        ADD_FAILURE() << "a truncated file decoded without an error";
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::CorruptData) << error.what();
        EXPECT_EQ(error.path(), truncated.string());
        if (says_rows) {
          EXPECT_NE(error.message().find("truncated: "), std::string::npos) << error.what();
          EXPECT_NE(error.message().find(fmt_rows(info.height)), std::string::npos) << error.what();
        }
      }
      if (partial_image) {
        const Image image = read(truncated, {.apply_orientation = false, .fail_on = FailOn::None});
        EXPECT_EQ(image.width(), info.width);
        EXPECT_EQ(image.height(), info.height);
      } else {
        EXPECT_THROW((void)read(truncated, {.fail_on = FailOn::None}), Error);
      }
    }
  }

  static std::string fmt_rows(int height) { return " of " + std::to_string(height) + " rows"; }
};

TEST_F(Truncation, truncated_jpeg_is_corrupt_data_error) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path whole = file("photo.jpg");
  write(photo(), whole, {.quality = 95});
  check(whole, true, true);
  const fs::path progressive = file("progressive.jpg");
  write(photo(), progressive, {.quality = 95, .progressive = true});
  check(progressive, true, false);
}

TEST_F(Truncation, truncated_jpeg_under_fail_on_none_keeps_the_rows_it_has) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path whole = file("photo.jpg");
  write(photo(), whole, {.quality = 95});
  const Image full = read(whole);
  const Image partial = read(cut(whole, 0.5), {.fail_on = FailOn::None});
  // The top rows are the file's own; the bottom ones libjpeg's grey.
  EXPECT_EQ(std::memcmp(full.row(0), partial.row(0), full.view().row_bytes()), 0);
  const auto* last = partial.view().row<std::uint8_t>(partial.height() - 1);
  EXPECT_EQ(last[0], 128);
}

TEST_F(Truncation, fail_on_warning_also_ends_at_what_libjpeg_only_warns_about) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path whole = file("photo.jpg");
  write(photo(), whole);
  // Two junk bytes before SOS: libjpeg warns "extraneous bytes before marker 0xda" (as djpeg
  // does, exit 2) and the image is whole, so only FailOn::Warning refuses it.
  std::vector<char> bytes = bytes_of(whole);
  const std::string_view view(bytes.data(), bytes.size());
  const std::size_t sos = view.find("\xFF\xDA");
  ASSERT_NE(sos, std::string_view::npos);
  bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(sos), {'\x12', '\x34'});
  const fs::path junk = file("junk.jpg");
  std::ofstream(junk, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_EQ(read(junk).height(), photo().height());
  EXPECT_EQ(read(junk, {.fail_on = FailOn::None}).height(), photo().height());
  try {
    (void)read(junk, {.fail_on = FailOn::Warning});
    ADD_FAILURE() << "FailOn::Warning let a warning through";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::CorruptData) << error.what();
    EXPECT_NE(error.message().find("extraneous bytes"), std::string::npos) << error.what();
  }
}

TEST_F(Truncation, truncated_png_is_corrupt_data_error) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path whole = file("photo.png");
  write(photo(), whole);
  check(whole, true, true);
}

TEST_F(Truncation, truncated_tiff_is_corrupt_data_error) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path whole = file("photo.tif");
  // Uncompressed strips, written before the directory: a cut loses rows, not the header.
  write(photo(), whole, {.tiff_compression = TiffCompression::None});
  // libtiff writes the directory at the end: a cut file has none, whatever the policy.
  check(whole, false, false);
}

TEST_F(Truncation, truncated_bmp_is_corrupt_data_error) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path whole = file("photo.bmp");
  write(photo(), whole);
  check(whole, true, true);
}

TEST_F(Truncation, truncated_netpbm_is_corrupt_data_error) {
  TESSERA_REQUIRE_CORPORA();
  const fs::path whole = file("photo.ppm");
  write(photo(), whole);
  check(whole, true, true);
}

TEST_F(Truncation, truncated_gif_is_corrupt_data_error) {
  TESSERA_REQUIRE_CORPORA();
  // libvips' own truncated GIF (one frame, 575x800), and shorter cuts of it: only the first
  // frame is decoded, so a cut animated GIF whose first frame is whole is not truncated.
  const fs::path whole = file("truncated.gif");
  fs::copy_file(corpora() / "vips/test/test-suite/images/truncated.gif", whole);
  EXPECT_THROW((void)read(whole), Error);
  check(whole, true, false);
}

TEST_F(Truncation, truncated_webp_and_heif_fail_whatever_the_policy) {
  TESSERA_REQUIRE_CORPORA();
  for (const char* name : {"photo.webp", "photo.avif"}) {
    const fs::path whole = file(name);
    write(photo(), whole);
    check(whole, false, false);
  }
}

}  // namespace
}  // namespace tessera
