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

}  // namespace
}  // namespace tessera
