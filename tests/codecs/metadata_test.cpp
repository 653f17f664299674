// Metadata carried from decoder to encoder: EXIF, XMP, IPTC and resolution read from each
// format and written back through its own library; libexif's check of hostile EXIF (truncated,
// huge counts, mutated bytes) never crashes or leaks and at worst drops the blob; the two EXIF
// edits a conversion makes; `--keep`'s list. The exiftool round trips are cli.metadata.

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "codecs/exif_orientation.h"
#include "codecs/metadata/exif_edit.h"
#include "support/corpora.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

std::filesystem::path rotation(int n) {
  return testing::corpora() / "vips/test/test-suite/images/rotation" / (std::to_string(n) + ".jpg");
}

std::vector<std::byte> exif_of(const std::filesystem::path& path) {
  return open_decoder(path, {.print_warnings = false})->metadata().exif;
}

int orientation_in(const std::vector<std::byte>& exif) {
  return codecs::exif_orientation(reinterpret_cast<const unsigned char*>(exif.data()), exif.size());
}

class TempFolder {
 public:
  TempFolder() : path_(std::filesystem::temp_directory_path() / "tessera-metadata-XXXXXX") {
    std::string pattern = path_.string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempFolder() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(Metadata, jpeg_decoder_reads_exif_and_xmp_as_stored) {
  TESSERA_REQUIRE_CORPORA();
  const auto decoder = open_decoder(rotation(1), {.print_warnings = false});
  const Metadata& metadata = decoder->metadata();
  ASSERT_FALSE(metadata.exif.empty());
  // The blob is the TIFF structure, without JPEG's "Exif\0\0".
  EXPECT_TRUE(std::memcmp(metadata.exif.data(), "MM\0*", 4) == 0 ||
              std::memcmp(metadata.exif.data(), "II*\0", 4) == 0);
  ASSERT_FALSE(metadata.xmp.empty());
  const std::string xmp(reinterpret_cast<const char*>(metadata.xmp.data()), metadata.xmp.size());
  EXPECT_NE(xmp.find("Adobe Photoshop CS5"), std::string::npos);
  EXPECT_TRUE(decoder->warnings().empty());
}

// rotation/1.jpg decoded, and encode options carrying its ICC profile and metadata.
struct Carried {
  Image image;
  EncodeOptions options;
};
Carried read_with_its_metadata() {
  const auto decoder = open_decoder(rotation(1), {.print_warnings = false});
  Carried carried{read(*decoder), {}};
  carried.options.icc_profile = decoder->icc_profile();
  carried.options.metadata = decoder->metadata();
  return carried;
}

TEST(Metadata, every_format_that_can_hold_it_gives_back_what_was_written) {
  TESSERA_REQUIRE_CORPORA();
  auto [image, options] = read_with_its_metadata();
  options.metadata.iptc = {std::byte{'8'}, std::byte{'B'}, std::byte{'I'}, std::byte{'M'},
                           std::byte{4},   std::byte{4},   std::byte{0},   std::byte{0},
                           std::byte{0},   std::byte{0},   std::byte{0},   std::byte{0}};
  options.metadata.dpi_x = 300;
  options.metadata.dpi_y = 150;
  const TempFolder folder;
  for (const char* name : {"out.jpg", "out.png", "out.webp", "out.tif", "out.avif"}) {
    SCOPED_TRACE(name);
    const std::filesystem::path path = folder.path() / name;
    write(image, path, options);
    const auto written = open_decoder(path, {.print_warnings = false});
    const Metadata& back = written->metadata();
    EXPECT_EQ(back.xmp, options.metadata.xmp);
    EXPECT_EQ(written->icc_profile(), options.icc_profile);
    const std::string format = path.extension().string();
    if (format != ".tif") {
      EXPECT_EQ(back.exif, options.metadata.exif);
    }
    if (format == ".jpg" || format == ".tif") {
      EXPECT_EQ(back.iptc, options.metadata.iptc);
    }
    if (format == ".jpg" || format == ".png" || format == ".tif") {
      EXPECT_NEAR(back.dpi_x, 300, 0.5);
      EXPECT_NEAR(back.dpi_y, 150, 0.5);
    }
  }
}

TEST(Metadata, strip_writes_none_and_keep_chooses_the_kinds) {
  TESSERA_REQUIRE_CORPORA();
  auto [image, options] = read_with_its_metadata();
  options.metadata.dpi_x = options.metadata.dpi_y = 72;
  const TempFolder folder;
  const std::filesystem::path path = folder.path() / "out.png";
  options.keep_metadata = MetadataKinds::none();
  write(image, path, options);
  auto back = open_decoder(path);
  EXPECT_TRUE(back->metadata().empty());
  EXPECT_TRUE(back->icc_profile().empty());
  options.keep_metadata = MetadataKinds::parse("icc");
  write(image, path, options);
  back = open_decoder(path);
  EXPECT_TRUE(back->metadata().empty());
  EXPECT_EQ(back->icc_profile(), options.icc_profile);
  options.keep_metadata = MetadataKinds::parse("exif, xmp");
  write(image, path, options);
  back = open_decoder(path);
  EXPECT_EQ(back->metadata().exif, options.metadata.exif);
  EXPECT_EQ(back->metadata().xmp, options.metadata.xmp);
  EXPECT_EQ(back->metadata().dpi_x, 0);
  EXPECT_TRUE(back->icc_profile().empty());
}

TEST(Metadata, heif_exif_says_upright_since_libheif_turns_the_pixels) {
  TESSERA_REQUIRE_CORPORA();
  // An AVIF whose EXIF says Orientation 6 (an iPhone's, beside a container rotation): libheif
  // delivers the pixels upright, so what the decoder hands on says 1, the rest unchanged.
  const auto decoder = open_decoder(rotation(6), {.print_warnings = false});
  const Image image = read(*decoder, {.apply_orientation = false});
  EncodeOptions options;
  options.metadata.exif = decoder->metadata().exif;
  ASSERT_EQ(orientation_in(options.metadata.exif), 6);
  const TempFolder folder;
  const std::filesystem::path path = folder.path() / "phone.avif";
  write(image, path, options);
  const std::vector<std::byte> exif = open_decoder(path)->metadata().exif;
  ASSERT_FALSE(exif.empty());
  EXPECT_EQ(orientation_in(exif), 1);
  EXPECT_EQ(codecs::exif_ifd0_texts(exif).size(),
            codecs::exif_ifd0_texts(options.metadata.exif).size());
}

TEST(MetadataKinds, parses_lists_and_names_an_unknown_kind) {
  EXPECT_EQ(MetadataKinds::parse("all"), MetadataKinds{});
  EXPECT_EQ(MetadataKinds::parse("none"), MetadataKinds::none());
  EXPECT_EQ(MetadataKinds::parse("exif,icc").names(), "exif,icc");
  EXPECT_EQ(MetadataKinds::parse("dpi").names(), "dpi");
  try {
    (void)MetadataKinds::parse("exif,gps");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(error.message().find("'gps'"), std::string::npos) << error.message();
  }
}

TEST(ExifEdit, resets_orientation_and_sets_the_pixel_dimensions) {
  TESSERA_REQUIRE_CORPORA();
  const std::vector<std::byte> exif = exif_of(rotation(6));
  ASSERT_EQ(orientation_in(exif), 6);
  const std::vector<std::byte> edited = codecs::edited_exif(exif, 1, 154, 102);
  EXPECT_EQ(orientation_in(edited), 1);
  // What libexif reads back from the edited blob: the new dimensions, the tags it had.
  EXPECT_EQ(codecs::exif_ifd0_texts(edited).size(), codecs::exif_ifd0_texts(exif).size());
  const std::vector<std::byte> again = codecs::edited_exif(edited, 1, 154, 102);
  EXPECT_EQ(again, edited);  // nothing to change: the same bytes
  // Left alone: the same bytes.
  EXPECT_EQ(codecs::edited_exif(exif, 0, 0, 0), exif);
}

TEST(ExifEdit, a_clean_blob_is_carried_byte_for_byte) {
  TESSERA_REQUIRE_CORPORA();
  const std::vector<std::byte> exif = exif_of(rotation(3));
  const codecs::CheckedExif checked = codecs::checked_exif(exif);
  EXPECT_EQ(checked.exif, exif);
  EXPECT_TRUE(checked.problem.empty()) << checked.problem;
}

TEST(ExifEdit, hostile_blobs_never_crash_and_at_worst_are_dropped) {
  TESSERA_REQUIRE_CORPORA();
  const std::vector<std::byte> exif = exif_of(rotation(6));
  ASSERT_GT(exif.size(), 64U);
  // Truncated at every length.
  for (std::size_t size = 0; size < exif.size(); size += 7) {
    const std::span<const std::byte> cut(exif.data(), size);
    const codecs::CheckedExif checked = codecs::checked_exif(cut);
    if (checked.exif.empty() && size > 0) {
      EXPECT_FALSE(checked.problem.empty()) << size;
    }
    (void)codecs::edited_exif(checked.exif, 1, 10, 10);
  }
  // An IFD that claims 65535 entries, and one whose entry claims 2^32-1 values.
  std::vector<std::byte> huge = exif;
  const bool little = std::memcmp(huge.data(), "II", 2) == 0;
  const std::size_t ifd0 =
      little ? std::to_integer<std::size_t>(huge[4]) : std::to_integer<std::size_t>(huge[7]);
  huge[ifd0] = huge[ifd0 + 1] = std::byte{0xFF};
  (void)codecs::edited_exif(codecs::checked_exif(huge).exif, 1, 10, 10);
  huge = exif;
  for (int i = 0; i < 4; ++i) huge[ifd0 + 2 + 4 + static_cast<std::size_t>(i)] = std::byte{0xFF};
  (void)codecs::edited_exif(codecs::checked_exif(huge).exif, 1, 10, 10);
  // Fuzz-style: random bytes flipped, many times over (a fixed seed: the same every run).
  std::mt19937 random(20);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::byte> mutated = exif;
    const int flips = 1 + static_cast<int>(random() % 8);
    for (int i = 0; i < flips; ++i) {
      mutated[random() % mutated.size()] = static_cast<std::byte>(random() & 0xFF);
    }
    const codecs::CheckedExif checked = codecs::checked_exif(mutated);
    (void)codecs::edited_exif(checked.exif, 1, 100, 100);
    (void)codecs::exif_ifd0_texts(checked.exif);
  }
  // Not EXIF at all.
  const std::vector<std::byte> text(100, std::byte{'x'});
  const codecs::CheckedExif checked = codecs::checked_exif(text);
  EXPECT_TRUE(checked.exif.empty());
  EXPECT_FALSE(checked.problem.empty());
}

}  // namespace
}  // namespace tessera
