// DecodeOptions::page against independent references: every page of multi-page TIFFs (made by
// Pillow, and the corpora's) equals Pillow's Image.seek(n); every frame of animated GIFs (made
// with offsets, a transparent colour and disposals 1, 2 and 3, and the corpora's) and animated
// WebPs equals Pillow's composited seek(n).convert("RGBA"); a HEIF of two top-level images (made
// by heif-enc) gives each at its size. Pages past the last, negative ones and page 1 of a JPEG
// are refused with the count in the message; hostile GIFs (frames off the screen, no frames, a
// hundred thousand frames) decode or fail cleanly.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "support/corpora.h"
#include "support/images.h"
#include "support/run_command.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/memory.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using testing::corpora;

// The files make_pages.py writes, once for the whole suite.
class Pages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = fs::temp_directory_path() / ("tessera-pages-" + std::to_string(::getpid()));
    fs::create_directories(folder_);
    const fs::path script = fs::path(PILLOW_PIXELS).parent_path() / "make_pages.py";
    const auto made = testing::run_command("/usr/bin/python3 " + testing::shell_quote(script) +
                                           " " + testing::shell_quote(folder_));
    ASSERT_EQ(made.status, 0) << made.output;
    // heif-enc (libheif-examples) writes one top-level image per input, the first primary.
    heif_made_ =
        testing::run_command("heif-enc -q 90 -o " + testing::shell_quote(folder_ / "pages.heic") +
                             " " + testing::shell_quote(folder_ / "a.png") + " " +
                             testing::shell_quote(folder_ / "b.png"))
            .status == 0;
  }
  static void TearDownTestSuite() { fs::remove_all(folder_); }
  static fs::path file(const std::string& name) { return folder_ / name; }

  static inline fs::path folder_;
  static inline bool heif_made_ = false;
};

// The message and code a page the file does not have gives.
void expect_missing_page(const fs::path& path, int page, const std::string& message) {
  try {
    (void)read(path, {.page = page});
    ADD_FAILURE() << "page " << page << " of " << path << " was read";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
    EXPECT_EQ(error.message(), message);
    EXPECT_EQ(error.path(), path.string());
  }
}

// `ours` as 8-bit RGBA (opaque when it has no alpha) against Pillow's RGBA: equal, except that
// a pixel transparent in both may differ in colour (Pillow clears a disposed frame to the
// transparent palette entry's colour, tessera to transparent black; neither is ever seen).
std::string rgba_mismatch(const Image& ours, const testing::PillowImage& pillow) {
  if (pillow.mode != "RGBA" || pillow.width != ours.width() || pillow.height != ours.height())
    return "Pillow gave " + pillow.mode + " " + std::to_string(pillow.width) + "x" +
           std::to_string(pillow.height);
  const int channels = ours.format().channels();
  int differing = 0;
  std::string first;
  for (int y = 0; y < ours.height(); ++y) {
    const auto* row = ours.view().row<std::uint8_t>(y);
    for (int x = 0; x < ours.width(); ++x) {
      const auto* theirs = reinterpret_cast<const std::uint8_t*>(pillow.samples.data()) +
                           (static_cast<std::size_t>(y) * ours.width() + x) * 4;
      const std::uint8_t alpha = channels == 4 ? row[x * 4 + 3] : 255;
      if (alpha == 0 && theirs[3] == 0) continue;
      if (alpha == theirs[3] && std::memcmp(row + x * channels, theirs, 3) == 0) continue;
      if (differing++ == 0) {
        first = "first at (" + std::to_string(x) + ", " + std::to_string(y) + "): ours " +
                std::to_string(row[x * channels]) + "," + std::to_string(row[x * channels + 1]) +
                "," + std::to_string(row[x * channels + 2]) + "," + std::to_string(alpha) +
                " Pillow's " + std::to_string(theirs[0]) + "," + std::to_string(theirs[1]) + "," +
                std::to_string(theirs[2]) + "," + std::to_string(theirs[3]);
      }
    }
  }
  return differing == 0 ? "" : std::to_string(differing) + " pixels differ, " + first;
}

// Every frame of `path` against Pillow's composite; returns how many were compared.
int compare_frames_with_pillow(const fs::path& path, const std::vector<int>& only = {}) {
  SCOPED_TRACE(path.string());
  const auto decoder = open_decoder(path, {.count_frames = true});
  const int frames = decoder->info().frames;
  EXPECT_GT(frames, 1);
  int compared = 0;
  for (int page = 0; page < frames; ++page) {
    if (!only.empty() && std::find(only.begin(), only.end(), page) == only.end()) continue;
    SCOPED_TRACE("frame " + std::to_string(page));
    const Image ours = read(path, {.page = page});
    EXPECT_EQ(rgba_mismatch(ours, testing::pillow_decode(path, page)), "");
    ++compared;
  }
  return compared;
}

TEST_F(Pages, each_tiff_page_equals_pillows_seek) {
  const fs::path path = file("pages.tif");
  const PixelFormat formats[] = {
      PixelFormat::rgb8(), {ChannelLayout::Gray, SampleType::U16}, PixelFormat::rgba8()};
  for (int page = 0; page < 3; ++page) {
    SCOPED_TRACE("page " + std::to_string(page));
    const Image ours = read(path, {.page = page});
    const testing::PillowImage pillow = testing::pillow_decode(path, page);
    ASSERT_TRUE(pillow.decoded);
    EXPECT_EQ(ours.width(), pillow.width);
    EXPECT_EQ(ours.height(), pillow.height);
    EXPECT_EQ(ours.format(), formats[page]);
    EXPECT_EQ(testing::mismatch_with(ours, pillow), "");
    EXPECT_EQ(open_decoder(path, {.page = page})->info().page, page);
  }
  // The default is page 0, and page 0 asked for is the same.
  EXPECT_EQ(testing::mismatch_with(read(path), testing::pillow_decode(path, 0)), "");
}

TEST_F(Pages, tiff_pages_are_counted_with_their_sizes_when_asked) {
  const auto decoder = open_decoder(file("pages.tif"), {.count_frames = true, .page = 1});
  EXPECT_EQ(decoder->info().pages, 3);
  const std::vector<ImageInfo::PageSize> sizes = {{64, 48}, {40, 30}, {50, 70}};
  EXPECT_EQ(decoder->info().page_sizes, sizes);
  EXPECT_EQ(decoder->width(), 40) << "the page asked for is still the one decoded";
  EXPECT_EQ(open_decoder(file("pages.tif"))->info().pages, 0) << "counted without being asked";
}

TEST_F(Pages, read_region_of_tiff_page_2_is_the_crop_of_page_2) {
  const fs::path path = file("pages.tif");
  const Image page = read(path, {.page = 2});
  const Rect region{7, 23, 31, 40};
  const Image part = read_region(path, region, {.page = 2});
  ASSERT_EQ(part.width(), region.width);
  ASSERT_EQ(part.height(), region.height);
  for (int y = 0; y < region.height; ++y) {
    EXPECT_EQ(std::memcmp(part.row(y), page.view().subview(region).row(y), part.view().row_bytes()),
              0)
        << "row " << y;
  }
  // Page 1 is smaller: a region inside page 2 but outside page 1 is refused on page 1.
  EXPECT_THROW((void)read_region(path, {30, 40, 10, 10}, {.page = 1}), Error);
}

TEST_F(Pages, corpora_tiff_pages_equal_pillows) {
  TESSERA_REQUIRE_CORPORA();
  int compared = 0;
  for (const char* name : {"tiff/tests/images/seq/seq-1c-8b-multipage-adeefdcc.tiff",
                           "tiff/tests/libtiffpic/text.tif"}) {
    const fs::path path = corpora() / name;
    SCOPED_TRACE(path.string());
    const int pages = open_decoder(path, {.count_frames = true})->info().pages;
    EXPECT_GT(pages, 1);
    for (int page = 0; page < pages; ++page) {
      const testing::PillowImage pillow = testing::pillow_decode(path, page);
      if (!pillow.decoded || (pillow.mode != "L" && pillow.mode != "RGB" && pillow.mode != "I;16" &&
                              pillow.mode != "RGBA"))
        continue;
      EXPECT_EQ(testing::mismatch_with(read(path, {.page = page}), pillow), "") << page;
      ++compared;
    }
    expect_missing_page(path, pages,
                        "file has " + std::to_string(pages) + " pages (0.." +
                            std::to_string(pages - 1) + "); asked for page " +
                            std::to_string(pages));
  }
  std::printf("  %d corpora TIFF pages compared with Pillow\n", compared);
  EXPECT_GE(compared, 4);
}

TEST_F(Pages, gif_frames_equal_pillows_composite_with_every_disposal) {
  int compared = compare_frames_with_pillow(file("dispose.gif"));
  compared += compare_frames_with_pillow(file("interlaced.gif"));
  std::printf("  %d made GIF frames compared with Pillow\n", compared);
  EXPECT_EQ(compared, 8);
}

TEST_F(Pages, corpora_gif_frames_equal_pillows_composite) {
  TESSERA_REQUIRE_CORPORA();
  int compared = 0;
  for (const char* name : {"cogs.gif", "dispose-previous.gif", "dispose-background.gif"}) {
    compared += compare_frames_with_pillow(corpora() / "vips/test/test-suite/images" / name);
  }
  std::printf("  %d corpora GIF frames compared with Pillow\n", compared);
  EXPECT_EQ(compared, 11);
}

TEST_F(Pages, gif_and_webp_pages_past_the_last_are_refused) {
  expect_missing_page(file("dispose.gif"), 5, "file has 5 frames (0..4); asked for page 5");
  expect_missing_page(file("dispose.gif"), 1000000,
                      "file has 5 frames (0..4); asked for page 1000000");
  expect_missing_page(file("anim.webp"), 4, "file has 4 frames (0..3); asked for page 4");
  expect_missing_page(file("a.png"), 1, "file has 1 page (0); asked for page 1");
  EXPECT_EQ(open_decoder(file("anim.webp"))->info().frames, 4);
}

TEST_F(Pages, webp_frames_equal_pillows_composite) {
  int compared = compare_frames_with_pillow(file("anim.webp"));
  if (fs::exists(corpora() / "vips/test/test-suite/images/big-height.webp")) {
    compared += compare_frames_with_pillow(
        corpora() / "vips/test/test-suite/images/big-height.webp", {0, 1, 2, 50, 98});
  }
  std::printf("  %d WebP frames compared with Pillow\n", compared);
  EXPECT_GE(compared, 4);
}

TEST_F(Pages, heif_top_level_images_are_pages_in_file_order) {
  if (!heif_made_) GTEST_SKIP() << "heif-enc (libheif-examples) is not installed";
  const fs::path path = file("pages.heic");
  const auto decoder = open_decoder(path);
  EXPECT_EQ(decoder->info().pages, 2);
  EXPECT_EQ(decoder->info().page, 0) << "the primary image is the first";
  const std::vector<ImageInfo::PageSize> sizes = {{64, 48}, {32, 80}};
  EXPECT_EQ(decoder->info().page_sizes, sizes);
  const Image second = read(path, {.page = 1});
  EXPECT_EQ(second.width(), 32);
  EXPECT_EQ(second.height(), 80);
  // Lossy (and b.png's pattern has sharp edges), so each channel's mean is compared with
  // b.png's: page 0 (another pattern) is far from it.
  const Image original = read(file("b.png"));
  for (int channel = 0; channel < 3; ++channel) {
    double ours = 0;
    double theirs = 0;
    for (int y = 0; y < 80; ++y) {
      for (int x = 0; x < 32; ++x) {
        ours += second.view().row<std::uint8_t>(y)[x * 3 + channel];
        theirs += original.view().row<std::uint8_t>(y)[x * 3 + channel];
      }
    }
    EXPECT_NEAR(ours / (32 * 80), theirs / (32 * 80), 3.0) << "channel " << channel;
  }
  EXPECT_EQ(read(path, {.page = 0}).width(), 64);
  expect_missing_page(path, 2, "file has 2 pages (0..1); asked for page 2");
}

TEST_F(Pages, single_image_formats_have_page_0_only) {
  const fs::path jpeg = file("one.jpg");
  write(read(file("a.png")), jpeg);
  EXPECT_EQ(read(jpeg, {.page = 0}).width(), 64);
  expect_missing_page(jpeg, 1, "file has 1 page (0); asked for page 1");
  expect_missing_page(file("pages.tif"), 3, "file has 3 pages (0..2); asked for page 3");
  try {
    (void)read(jpeg, {.page = -1});
    ADD_FAILURE();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(error.message().find("pages count from 0"), std::string::npos);
  }
  EXPECT_THROW((void)read(file("pages.tif"), {.page = -2}), Error);
}

// A GIF89a on a 2x2 screen with a 2-colour global table (black, white) and the given frames,
// each 1x1 at (left, top) of colour 1, then the trailer.
std::string gif_with_frames(const std::vector<std::pair<int, int>>& places) {
  std::string gif = std::string("GIF89a\x02\x00\x02\x00\x80\x00\x00", 13);
  gif += std::string("\x00\x00\x00\xff\xff\xff", 6);
  for (const auto& [left, top] : places) {
    gif += '\x2c';
    gif += static_cast<char>(left & 0xff);
    gif += static_cast<char>(left >> 8);
    gif += static_cast<char>(top & 0xff);
    gif += static_cast<char>(top >> 8);
    gif += std::string("\x01\x00\x01\x00\x00", 5);
    gif += std::string("\x02\x02\x4c\x01\x00", 5);  // LZW: clear, 1, end
  }
  return gif + "\x3b";
}

using HostileGifs = testing::ScratchFolderTest;

TEST_F(HostileGifs, frames_off_the_screen_are_clipped) {
  const auto path = file("off.gif");
  std::ofstream(path, std::ios::binary) << gif_with_frames({{0, 0}, {60000, 3}, {1, 1}, {1, 5}});
  for (int page = 0; page < 4; ++page) {
    const Image image = read(path, {.page = page});
    ASSERT_EQ(image.width(), 2);
    const auto* top = image.view().row<std::uint8_t>(0);
    const auto* bottom = image.view().row<std::uint8_t>(1);
    EXPECT_EQ(top[0], 255) << page;                     // frame 0, kept
    EXPECT_EQ(bottom[3], page >= 2 ? 255 : 0) << page;  // frame 2 at (1, 1)
  }
  const testing::PillowImage pillow = testing::pillow_decode(path, 2);
  if (pillow.decoded) {
    EXPECT_EQ(rgba_mismatch(read(path, {.page = 2}), pillow), "");
  }
}

TEST_F(HostileGifs, a_file_of_no_frames_has_no_page) {
  const auto path = file("none.gif");
  std::ofstream(path, std::ios::binary) << gif_with_frames({});
  EXPECT_THROW((void)read(path), Error);
  expect_missing_page(path, 1, "file has no frames; asked for page 1");
}

TEST_F(HostileGifs, the_last_of_a_hundred_thousand_frames_holds_only_the_canvas) {
  const auto path = file("many.gif");
  std::vector<std::pair<int, int>> places(100000, {0, 0});
  places.back() = {1, 1};
  std::ofstream(path, std::ios::binary) << gif_with_frames(places);
  const std::size_t before = memory::counters().live_bytes;
  memory::reset_peak();
  const Image image = read(path, {.page = 99999});
  EXPECT_EQ(image.view().row<std::uint8_t>(1)[3], 255);
  // The canvas (2x2 RGB, padded rows) and the image returned: nothing per frame.
  EXPECT_LT(memory::counters().peak_bytes - before, std::size_t{4096});
  expect_missing_page(path, 100000, "file has 100000 frames (0..99999); asked for page 100000");
}

}  // namespace
}  // namespace tessera
