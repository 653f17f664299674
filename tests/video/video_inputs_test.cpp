// Videos that are not the usual 8-bit, upright, constant-rate stream, each made with FFmpeg
// from the real footage: display rotation, 10-bit samples, variable frame rate, degenerate
// sizes (1xN, odd, 2x2); and files that hold nothing or lie: no frames, a header's frame count
// or size that is wrong, a codec no decoder knows. Each is checked against FFmpeg's own
// decode, or ends in a clear Error naming the file.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_command.h"
#include "tessera/error.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/video.h"
#include "video/video_reference.h"

namespace {

using tessera::ErrorCode;
using tessera::PixelFormat;
using tessera::SampleType;
using tessera::testing::compare;
using tessera::testing::Difference;
using tessera::testing::ffmpeg_frames;
using tessera::testing::kPedestrians;
using tessera::testing::kPhoneClip;
using tessera::testing::run_command;
using tessera::testing::same_pixels;
namespace video = tessera::video;
namespace fs = std::filesystem;

class VideoInputsTest : public tessera::testing::FootageTest {
 protected:
  // Runs FFmpeg with `arguments` (its input and options) writing `name` in the scratch folder.
  fs::path make(const std::string& name, const std::string& arguments) {
    const fs::path path = file(name);
    const auto made =
        run_command(fmt::format("ffmpeg -v error -y {} '{}' 2>&1", arguments, path.string()));
    EXPECT_EQ(made.status, 0) << made.output;
    return path;
  }

  // The presentation times of a file's video frames, as ffprobe reads them.
  static std::vector<double> ffprobe_times(const fs::path& path) {
    const auto probed = run_command(fmt::format(
        "ffprobe -v error -select_streams v -show_entries frame=pts_time -of csv=p=0 '{}'",
        path.string()));
    std::vector<double> times;
    std::istringstream lines(probed.output);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) times.push_back(std::stod(line));  // "0.100000" or "0.000000,"
    }
    return times;
  }

  static std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void write_bytes(const std::string& name, const std::string& bytes) {
    std::ofstream(file(name), std::ios::binary).write(bytes.data(), bytes.size());
  }
};

TEST_F(VideoInputsTest, rotated_video_comes_upright_as_ffmpeg_shows_it) {
  for (const int tag : {90, 180, 270}) {
    SCOPED_TRACE(fmt::format("rotate={}", tag));
    const fs::path rotated =
        make(fmt::format("r{}.mp4", tag),
             fmt::format("-i '{}' -c copy -metadata:s:v rotate={}", kPhoneClip.string(), tag));
    const video::VideoInfo info = video::probe(rotated);
    EXPECT_NE(info.rotation, 0);
    const bool sideways = tag != 180;
    EXPECT_EQ(info.width, sideways ? 320 : 568);
    EXPECT_EQ(info.height, sideways ? 568 : 320);

    // FFmpeg's command line turns frames upright too (autorotate): the same luma, within its
    // limited-to-full range rounding.
    const std::string reference = ffmpeg_frames(rotated, "gray", 0, 5);
    ASSERT_EQ(reference.size(), 5u * 568 * 320);
    auto reader = video::Reader::open(rotated, {.format = PixelFormat::gray8()});
    for (int i = 0; i < 5; ++i) {
      auto frame = reader.next();
      ASSERT_TRUE(frame);
      ASSERT_EQ(frame->image.width(), info.width);
      EXPECT_LE(compare(frame->image, reference, i * 568u * 320).largest, 1) << "frame " << i;
    }

    // Asked not to, the reader gives the frames as stored.
    auto stored =
        video::Reader::open(rotated, {.format = PixelFormat::gray8(), .apply_rotation = false});
    EXPECT_EQ(stored.info().width, 568);
    EXPECT_EQ(stored.info().rotation, 0);
  }
}

TEST_F(VideoInputsTest, ten_bit_video_is_read_as_16_bit_and_written_at_that_depth) {
  const fs::path deep = make("deep.mp4", fmt::format("-i '{}' -frames:v 12 -c:v libx264 -preset "
                                                     "ultrafast -pix_fmt yuv420p10le",
                                                     kPedestrians.string()));
  const video::VideoInfo info = video::probe(deep);
  EXPECT_EQ(info.bit_depth, 10);

  // The luma at 16 bits, as FFmpeg scales it.
  const PixelFormat gray16{tessera::ChannelLayout::Gray, SampleType::U16};
  const std::string reference = ffmpeg_frames(deep, "gray16le", 0, 12);
  ASSERT_EQ(reference.size(), 12u * 768 * 576 * 2);
  {
    auto reader = video::Reader::open(deep, {.format = gray16});
    for (int i = 0; i < 12; ++i) {
      auto frame = reader.next();
      ASSERT_TRUE(frame);
      ASSERT_EQ(frame->image.format(), gray16);
      // One 8-bit level is 257 at 16 bits: within a quarter of one.
      const Difference difference = compare(frame->image, reference, i * 768u * 576 * 2);
      EXPECT_LE(difference.largest, 64) << "frame " << i;
    }
  }

  // Through the pipeline losslessly: 16-bit gray frames, each the reader's own.
  video::run(deep, file("gray.mkv"), tessera::pipeline::parse("gray"), {.codec = "ffv1"});
  EXPECT_EQ(video::probe(file("gray.mkv")).pixel_format, "gray16le");
  auto input = video::Reader::open(deep, {.format = gray16});
  auto output = video::Reader::open(file("gray.mkv"), {.format = gray16});
  int compared = 0;
  while (auto written = output.next()) {
    auto original = input.next();
    ASSERT_TRUE(original);
    EXPECT_TRUE(same_pixels(written->image, original->image)) << "frame " << compared;
    ++compared;
  }
  EXPECT_EQ(compared, 12);

  // A lossy encoder keeps 10 bits where it has them.
  video::run(deep, file("deep-out.mp4"), tessera::pipeline::parse("gray"), {.preset = "ultrafast"});
  EXPECT_EQ(video::probe(file("deep-out.mp4")).pixel_format, "yuv420p10le");
}

TEST_F(VideoInputsTest, variable_frame_rate_keeps_every_timestamp) {
  // Frames 0, 1, 5, 6, 10, 11, ... of the pedestrians at their own times: gaps of 0.1 and
  // 0.4 s.
  const fs::path uneven =
      make("uneven.mkv", fmt::format("-i '{}' -vf \"select='lt(mod(n\\,5)\\,2)'\" -vsync vfr "
                                     "-frames:v 40 -c:v libx264 -preset ultrafast",
                                     kPedestrians.string()));
  const std::vector<double> times = ffprobe_times(uneven);
  ASSERT_EQ(times.size(), 40u);
  ASSERT_NEAR(times[2] - times[1], 0.4, 1e-6);

  for (const std::string name : {"out.mkv", "out.mp4"}) {
    SCOPED_TRACE(name);
    video::run(
        uneven, file(name), tessera::pipeline::parse("gray"),
        {.codec = name == "out.mkv" ? "ffv1" : "", .preset = name == "out.mkv" ? "" : "ultrafast"});
    const std::vector<double> written = ffprobe_times(file(name));
    ASSERT_EQ(written.size(), times.size());
    for (std::size_t i = 0; i < times.size(); ++i) {
      EXPECT_NEAR(written[i], times[i], 1e-3) << "frame " << i;
    }
  }
  // And the reader gives the same times.
  auto reader = video::Reader::open(uneven, {.format = PixelFormat::gray8()});
  for (std::size_t i = 0; i < times.size(); ++i) {
    auto frame = reader.next();
    ASSERT_TRUE(frame);
    EXPECT_NEAR(frame->time, times[i], 1e-3) << "frame " << i;
  }
}

TEST_F(VideoInputsTest, degenerate_sizes_are_read_and_processed_exactly) {
  struct Case {
    int width, height;
    const char* pixel_format;
  };
  for (const Case size : {Case{1, 9, "gray"}, Case{9, 1, "gray"}, Case{1, 1, "gray"},
                          Case{7, 5, "yuv444p"}, Case{2, 2, "yuv420p"}, Case{3, 3, "yuv420p"}}) {
    SCOPED_TRACE(fmt::format("{}x{} {}", size.width, size.height, size.pixel_format));
    const fs::path tiny =
        make(fmt::format("tiny-{}x{}.mkv", size.width, size.height),
             fmt::format("-i '{}' -frames:v 6 -vf scale={}:{}:flags=area -pix_fmt {} -c:v ffv1",
                         kPedestrians.string(), size.width, size.height, size.pixel_format));
    const video::VideoInfo info = video::probe(tiny);
    ASSERT_EQ(info.width, size.width);
    ASSERT_EQ(info.height, size.height);

    const std::size_t frame_bytes = static_cast<std::size_t>(size.width) * size.height;
    const std::string reference = ffmpeg_frames(tiny, "gray", 0, 6);
    ASSERT_EQ(reference.size(), 6 * frame_bytes);
    auto reader = video::Reader::open(tiny, {.format = PixelFormat::gray8()});
    for (int i = 0; i < 6; ++i) {
      auto frame = reader.next();
      ASSERT_TRUE(frame);
      EXPECT_LE(compare(frame->image, reference, i * frame_bytes).largest, 1) << "frame " << i;
    }
    EXPECT_FALSE(reader.next());

    // The pipeline on each frame, written losslessly: the pipeline's own result.
    const auto pipeline = tessera::pipeline::parse("gray | blur 3");
    video::run(tiny, file("blurred.mkv"), pipeline, {.codec = "ffv1"});
    auto input = video::Reader::open(tiny, {.format = PixelFormat::gray8()});
    auto output = video::Reader::open(file("blurred.mkv"), {.format = PixelFormat::gray8()});
    int compared = 0;
    while (auto written = output.next()) {
      auto original = input.next();
      ASSERT_TRUE(original);
      const tessera::Image expected =
          tessera::pipeline::run_whole(tessera::pipeline::parse("blur 3"), original->image.view());
      EXPECT_TRUE(same_pixels(written->image, expected)) << "frame " << compared;
      ++compared;
    }
    EXPECT_EQ(compared, 6);
    fs::remove(file("blurred.mkv"));

    // H.264's 4:2:0 takes even sizes only: said before anything is written.
    if (size.width % 2 != 0 || size.height % 2 != 0) {
      try {
        video::run(tiny, file("odd.mp4"), pipeline, {.preset = "ultrafast"});
        FAIL() << "an odd size went to H.264";
      } catch (const tessera::Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::InvalidArgument) << error.what();
        EXPECT_NE(error.message().find("must be even"), std::string::npos) << error.what();
        EXPECT_NE(error.message().find("ffv1"), std::string::npos) << error.what();
      }
      EXPECT_FALSE(fs::exists(file("odd.mp4")));
    }
  }
}

// libswscale's rgb24 writers store up to 16 bytes past a row's end (widths 33 to 47 modulo 64
// overran the last row's buffer: found by a new user at 360x640). Each width equals ffmpeg's
// rgb24, and the sanitizer build sees every byte written.
TEST_F(VideoInputsTest, rgb_frames_of_every_width_class_are_read_exactly_and_in_bounds) {
  for (const int width : {16, 31, 33, 34, 40, 47, 64, 98, 100, 106, 170, 232, 360, 1000}) {
    for (const char* pixel_format : {"yuv420p", "yuv422p"}) {
      SCOPED_TRACE(fmt::format("width {} {}", width, pixel_format));
      const fs::path clip =
          make(fmt::format("w{}-{}.mkv", width, pixel_format),
               fmt::format("-i '{}' -frames:v 3 -vf scale={}:6:flags=area -pix_fmt {} -c:v ffv1",
                           kPedestrians.string(), width, pixel_format));
      const std::size_t frame_bytes = static_cast<std::size_t>(width) * 6 * 3;
      const std::string reference = ffmpeg_frames(clip, "rgb24", 0, 3);
      ASSERT_EQ(reference.size(), 3 * frame_bytes);
      auto reader = video::Reader::open(clip, {.format = PixelFormat::rgb8()});
      for (int i = 0; i < 3; ++i) {
        auto frame = reader.next();
        ASSERT_TRUE(frame);
        EXPECT_EQ(compare(frame->image, reference, i * frame_bytes).largest, 0) << "frame " << i;
      }
      EXPECT_FALSE(reader.next());
      fs::remove(clip);
    }
  }
}

TEST_F(VideoInputsTest, a_stream_with_no_frames_is_corrupt_data_naming_the_file) {
  const fs::path empty =
      make("empty.mkv", fmt::format("-i '{}' -frames:v 0 -c:v ffv1", kPedestrians.string()));
  try {
    video::run(empty, file("out.mkv"), tessera::pipeline::parse("gray"), {.codec = "ffv1"});
    FAIL() << "a file with no frames converted";
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::CorruptData) << error.what();
    EXPECT_EQ(error.path(), empty.string());
    EXPECT_NE(error.message().find("no frames"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(fs::exists(file("out.mkv")));
}

// The AVI headers' fields, by offset: the main header's frame count and size, the stream
// header's codec and length, the bitmap header's size and codec.
struct AviHeaders {
  explicit AviHeaders(const std::string& bytes)
      : stream(bytes.find("strh") + 8), bitmap(bytes.find("strf") + 8) {}
  static constexpr std::size_t kTotalFrames = 48;
  static constexpr std::size_t kSize = 64;
  std::size_t stream;  // strh: fccType, fccHandler (+4), ..., dwLength (+32)
  std::size_t bitmap;  // BITMAPINFOHEADER: biWidth (+4), biHeight (+8), biCompression (+16)
};

void put_u32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(value >> (8 * i));
}

TEST_F(VideoInputsTest, a_header_that_lies_about_the_frame_count_does_not_bound_the_run) {
  std::string bytes = read_bytes(kPedestrians);
  const AviHeaders headers(bytes);
  put_u32(bytes, AviHeaders::kTotalFrames, 1000000);
  put_u32(bytes, headers.stream + 32, 1000000);
  write_bytes("lying.avi", bytes);

  EXPECT_EQ(video::probe(file("lying.avi")).frame_count, 1000000);  // what it claims
  const auto summary = video::run(file("lying.avi"), "null", tessera::pipeline::parse("gray"), {});
  EXPECT_EQ(summary.frames_read, 795);  // what it holds
}

TEST_F(VideoInputsTest, a_header_that_lies_about_the_size_is_held_to_memory_before_decoding) {
  std::string bytes = read_bytes(kPedestrians);
  const AviHeaders headers(bytes);
  put_u32(bytes, AviHeaders::kSize, 7680);
  put_u32(bytes, AviHeaders::kSize + 4, 5760);
  put_u32(bytes, headers.bitmap + 4, 7680);
  put_u32(bytes, headers.bitmap + 8, 5760);
  write_bytes("huge.avi", bytes);

  // MS-MPEG4 takes its size from the container: the decoder believes it, and so does the
  // estimate, which --memory then refuses before a frame is decoded.
  const video::VideoInfo info = video::probe(file("huge.avi"));
  EXPECT_EQ(info.width, 7680);
  try {
    video::run(file("huge.avi"), file("out.mkv"), tessera::pipeline::parse("gray"),
               {.codec = "ffv1", .memory = 64u << 20});
    FAIL() << "a job the header says is 7680x5760 ran in 64 MiB";
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::OutOfBudget) << error.what();
    EXPECT_NE(error.message().find("7680x5760"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(fs::exists(file("out.mkv")));
}

TEST_F(VideoInputsTest, a_codec_no_decoder_knows_is_unsupported_naming_its_tag) {
  std::string bytes = read_bytes(kPedestrians);
  const AviHeaders headers(bytes);
  bytes.replace(headers.stream + 4, 4, "QQQQ");
  bytes.replace(headers.bitmap + 16, 4, "QQQQ");
  write_bytes("unknown.avi", bytes);
  try {
    video::run(file("unknown.avi"), file("out.mkv"), tessera::pipeline::parse("gray"),
               {.codec = "ffv1"});
    FAIL() << "an unknown codec decoded";
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::UnsupportedFormat) << error.what();
    EXPECT_EQ(error.path(), file("unknown.avi").string());
    EXPECT_NE(error.message().find("'QQQQ'"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(fs::exists(file("out.mkv")));
}

// A sequence whose frames change size: refused naming the file and both sizes, never the
// smaller frame over the previous one's pixels (a recycled buffer), never the pipeline's plan.
TEST_F(VideoInputsTest, a_sequence_of_mixed_sizes_is_corrupt_data_naming_the_file) {
  fs::create_directory(file("mixed"));
  make("mixed/%06d.png", "-f lavfi -i testsrc2=size=64x48 -frames:v 3");
  make("mixed/000004.png", "-f lavfi -i testsrc2=size=32x24 -frames:v 1 -update 1");
  for (const char* pipeline : {"", "invert"}) {
    SCOPED_TRACE(pipeline);
    try {
      video::run(
          file("mixed/%06d.png"), file("out.mkv"),
          *pipeline == 0 ? tessera::pipeline::Pipeline{} : tessera::pipeline::parse(pipeline),
          {.codec = "ffv1"});
      FAIL() << "frames of two sizes made one video";
    } catch (const tessera::Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::CorruptData) << error.what();
      for (const char* said : {"000004.png", "32x24", "64x48", "frame 3"}) {
        EXPECT_NE(error.message().find(said), std::string::npos) << said << ": " << error.what();
      }
    }
    EXPECT_FALSE(fs::exists(file("out.mkv")));
  }
}

// image2 stops at the first number missing, as ffmpeg's does: the files after it are said.
TEST_F(VideoInputsTest, a_gap_in_a_sequence_ends_it_with_a_warning) {
  fs::create_directory(file("gap"));
  make("gap/000001.png", "-f lavfi -i testsrc2=size=64x48 -frames:v 1 -update 1");
  make("gap/000003.png", "-f lavfi -i testsrc2=size=64x48 -frames:v 1 -update 1");
  const auto summary = video::run(file("gap/%06d.png"), "null", {}, {});
  EXPECT_EQ(summary.frames_written, 1);
  ASSERT_EQ(summary.warnings.size(), 1u);
  EXPECT_NE(summary.warnings[0].find("number 2 is missing"), std::string::npos)
      << summary.warnings[0];
  EXPECT_NE(summary.warnings[0].find("from number 3"), std::string::npos) << summary.warnings[0];
  // 1, 2, 3, 5, 6: image2's range probe steps over the gap to 5 and fails to open 4 (it was an
  // Io error "after frame 1"): the same end, the same warning.
  fs::create_directory(file("gap2"));
  for (const int number : {1, 2, 3, 5, 6}) {
    make(fmt::format("gap2/{}.png", number),
         "-f lavfi -i testsrc2=size=64x48 -frames:v 1 -update 1");
  }
  const auto stepped = video::run(file("gap2/%d.png"), "null", {}, {});
  EXPECT_EQ(stepped.frames_written, 3);
  ASSERT_EQ(stepped.warnings.size(), 1u);
  EXPECT_NE(stepped.warnings[0].find("number 4 is missing"), std::string::npos)
      << stepped.warnings[0];
  // A whole sequence: no warning.
  fs::remove(file("gap/000003.png"));
  EXPECT_TRUE(video::run(file("gap/%06d.png"), "null", {}, {}).warnings.empty());
}

}  // namespace
