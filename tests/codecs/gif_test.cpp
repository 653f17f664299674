// GIF against Pillow: the first frame of every GIF in the shared corpora that Pillow reads is
// identical to Pillow's (palette converted to RGB, or RGBA when a colour is transparent), the
// canvas around a smaller first frame included. (Writing: palette_test.cpp.)
// Frames are counted (for `tessera info`) as Pillow counts them, and only when asked: a file of
// a hundred thousand tiny frames is counted without decoding them.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "support/corpora.h"
#include "support/images.h"
#include "support/run_command.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

using testing::corpora;

TEST(GifReference, first_frames_are_identical_to_pillows) {
  TESSERA_REQUIRE_CORPORA();
  int compared = 0;
  for (const auto& file :
       testing::files_in(corpora(), [](const auto& path) { return path.extension() == ".gif"; })) {
    SCOPED_TRACE(file.string());
    const testing::PillowImage pillow = testing::pillow_decode(file);
    if (!pillow.decoded) {
      EXPECT_THROW((void)read(file), Error) << "Pillow refuses it, tessera must too";
      continue;
    }
    const Image ours = read(file);
    EXPECT_EQ(pillow.mode, ours.format().has_alpha() ? "RGBA" : "RGB");
    EXPECT_EQ(testing::mismatch_with(ours, pillow), "");
    ++compared;
  }
  std::printf("  %d GIFs compared with Pillow\n", compared);
  EXPECT_GE(compared, 7);
}

TEST(GifFrames, counted_as_pillow_counts_them_when_asked) {
  TESSERA_REQUIRE_CORPORA();
  int compared = 0;
  for (const auto& file :
       testing::files_in(corpora(), [](const auto& path) { return path.extension() == ".gif"; })) {
    SCOPED_TRACE(file.string());
    const auto pillow = testing::run_command(
        "/usr/bin/python3 -c 'import sys; from PIL import Image; "
        "print(Image.open(sys.argv[1]).n_frames)' " +
            testing::shell_quote(file.string()),
        false);
    if (pillow.status != 0) continue;
    std::unique_ptr<Decoder> decoder;
    try {
      decoder = open_decoder(file, {.count_frames = true});
    } catch (const Error&) {
      continue;  // refused whole: the reference test above holds it to Pillow
    }
    EXPECT_EQ(decoder->info().frames, std::stoi(pillow.output));
    EXPECT_EQ(decoder->info().animated, std::stoi(pillow.output) > 1);
    EXPECT_EQ(open_decoder(file)->info().frames, 0) << "counted without being asked";
    ++compared;
  }
  std::printf("  %d GIF frame counts compared with Pillow\n", compared);
  EXPECT_GE(compared, 7);
}

// A GIF89a of `frames` 1x1 frames on a 1x1 screen with a 2-colour global table; `tail` is
// appended after the last frame (the trailer, or nothing for a file cut short).
std::string gif_of_tiny_frames(int frames, const std::string& tail) {
  std::string gif = std::string("GIF89a\x01\x00\x01\x00\x80\x00\x00", 13);
  gif += std::string("\x00\x00\x00\xff\xff\xff", 6);
  const std::string frame("\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00", 15);
  for (int i = 0; i < frames; ++i) gif += frame;
  return gif + tail;
}

using GifFrameFiles = testing::ScratchFolderTest;

TEST_F(GifFrameFiles, a_hundred_thousand_tiny_frames_are_all_counted) {
  const auto path = file("many.gif");
  std::ofstream(path, std::ios::binary) << gif_of_tiny_frames(100000, "\x3b");
  const auto decoder = open_decoder(path, {.count_frames = true});
  EXPECT_EQ(decoder->info().frames, 100000);
  EXPECT_TRUE(decoder->info().animated);
  EXPECT_EQ(read(path).width(), 1);
}

TEST_F(GifFrameFiles, a_file_cut_in_a_frame_counts_the_frames_begun) {
  const auto path = file("cut.gif");
  std::string gif = gif_of_tiny_frames(3, "");
  gif.resize(gif.size() - 4);  // inside the third frame's data
  std::ofstream(path, std::ios::binary) << gif;
  EXPECT_EQ(open_decoder(path, {.count_frames = true})->info().frames, 3);
  std::ofstream(path, std::ios::binary) << gif_of_tiny_frames(2, "garbage");
  EXPECT_EQ(open_decoder(path, {.count_frames = true})->info().frames, 2);
}

}  // namespace
}  // namespace tessera
