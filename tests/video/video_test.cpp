// tessera::video on real footage (samples/video, fetched by scripts/footage.sh): the reader
// against FFmpeg's own command-line decode, frame buffers accounted and budgeted, and
// video::run's output frame by frame against the pipeline run on the same decoded frame.

#include <fmt/format.h>
#include <gtest/gtest.h>

extern "C" {
#include <libavformat/avformat.h>
}

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "support/run_command.h"
#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/memory.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/profiler.h"
#include "tessera/video.h"
#include "video/video_reference.h"

namespace {

using tessera::ErrorCode;
using tessera::PixelFormat;
using tessera::testing::compare;
using tessera::testing::Difference;
using tessera::testing::ffmpeg_frames;
using tessera::testing::kPedestrians;
using tessera::testing::kPhoneClip;
using tessera::testing::run_command;
using tessera::testing::same_pixels;
namespace video = tessera::video;
namespace fs = std::filesystem;

const std::string kSeed = "gray | blur 5 | canny 50 150 | rgb";

using VideoTest = tessera::testing::FootageTest;

TEST_F(VideoTest, probe_reads_the_headers_of_both_clips) {
  const video::VideoInfo pedestrians = video::probe(kPedestrians);
  EXPECT_EQ(pedestrians.container, "avi");
  EXPECT_EQ(pedestrians.codec, "msmpeg4v3");
  EXPECT_EQ(pedestrians.width, 768);
  EXPECT_EQ(pedestrians.height, 576);
  EXPECT_NEAR(pedestrians.frame_rate, 10.0, 1e-6);
  EXPECT_EQ(pedestrians.frame_count, 795);
  EXPECT_GT(pedestrians.decode_estimate, 3u * 768 * 576 * 3 / 2);

  const video::VideoInfo phone = video::probe(kPhoneClip);
  EXPECT_EQ(phone.codec, "h264");
  EXPECT_EQ(phone.stream_index, 1);  // the audio stream comes first in this file
  EXPECT_EQ(phone.width, 568);
  EXPECT_EQ(phone.height, 320);
  ASSERT_EQ(phone.streams.size(), 2u);
  EXPECT_EQ(phone.streams[0].type, "audio");
  EXPECT_EQ(phone.streams[0].codec, "aac");
}

TEST_F(VideoTest, gray_frames_are_the_luma_ffmpeg_gives) {
  auto reader = video::Reader::open(kPedestrians, {.format = PixelFormat::gray8()});
  const std::string reference = ffmpeg_frames(kPedestrians, "gray", 0, 795);
  ASSERT_EQ(reference.size(), 795u * 768 * 576);
  std::int64_t frames = 0;
  double previous_time = -1;
  while (auto frame = reader.next()) {
    ASSERT_EQ(frame->index, frames);
    ASSERT_GT(frame->time, previous_time);
    previous_time = frame->time;
    const Difference difference =
        compare(frame->image, reference, static_cast<std::size_t>(frames) * 768 * 576);
    // libswscale's limited-to-full expansion rounds its own way: one level at most.
    ASSERT_LE(difference.largest, 1) << "frame " << frames;
    ++frames;
  }
  EXPECT_EQ(frames, 795);
  EXPECT_NEAR(previous_time, 79.4, 1e-6);
}

TEST_F(VideoTest, rgb_frames_match_ffmpeg_within_its_rounding) {
  auto reader = video::Reader::open(kPhoneClip, {.format = PixelFormat::rgb8()});
  const std::string reference = ffmpeg_frames(kPhoneClip, "rgb24", 0, 30);
  ASSERT_EQ(reference.size(), 30u * 568 * 320 * 3);
  for (int i = 0; i < 30; ++i) {
    auto frame = reader.next();
    ASSERT_TRUE(frame);
    ASSERT_EQ(frame->image.format(), PixelFormat::rgb8());
    const Difference difference =
        compare(frame->image, reference, static_cast<std::size_t>(i) * 568 * 320 * 3);
    // The command line upsamples chroma with its own filter: close, not equal.
    EXPECT_LE(difference.mean, 1.5) << "frame " << i;
  }
}

TEST_F(VideoTest, frame_buffers_are_tracked_and_all_released) {
  tessera::memory::set_profiling(true);
  const std::size_t before = tessera::memory::counters().live_buffers;
  std::uint64_t allocations = 0;
  {
    auto reader = video::Reader::open(kPhoneClip, {.format = PixelFormat::gray8()});
    const std::uint64_t start = tessera::memory::counters().total_allocations;
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(reader.next());
    allocations = tessera::memory::counters().total_allocations - start;
    bool decoder_frames_seen = false;
    for (const auto& buffer : tessera::memory::snapshot().buffers) {
      if (buffer.label == "video frame" && buffer.site.file == "src/video/frame_buffers.cpp") {
        decoder_frames_seen = true;
      }
    }
    EXPECT_TRUE(decoder_frames_seen) << "the decoder's frames are not in the profiler";
  }
  tessera::memory::set_profiling(false);
  // Buffers are recycled: 20 frames take far fewer than 20 decoder allocations beside the 20
  // gray images.
  EXPECT_LT(allocations, 20u + 12u);
  EXPECT_EQ(tessera::memory::counters().live_buffers, before);
}

TEST_F(VideoTest, a_frame_outlives_its_reader) {
  std::optional<video::Frame> kept;
  tessera::Image copy;
  {
    auto reader = video::Reader::open(kPedestrians, {.format = PixelFormat::rgb8()});
    kept = reader.next();
    ASSERT_TRUE(kept);
    copy = kept->image.clone();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(reader.next());  // the decoder moves on
  }
  EXPECT_TRUE(same_pixels(kept->image, copy));
}

TEST_F(VideoTest, a_budget_too_small_for_a_frame_is_out_of_budget_not_a_decode_error) {
  tessera::MemoryBudget budget(256 << 10, "tiny");
  auto reader =
      video::Reader::open(kPedestrians, {.format = PixelFormat::gray8(), .budget = &budget});
  try {
    (void)reader.next();
    FAIL() << "a 768x576 frame fitted in 256 KiB";
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::OutOfBudget) << error.what();
  }
}

TEST_F(VideoTest, every_start_and_duration_select_frames) {
  auto reader = video::Reader::open(
      kPedestrians, {.format = PixelFormat::gray8(), .every = 5, .start = 10, .duration = 2});
  std::vector<std::int64_t> indices;
  while (auto frame = reader.next()) indices.push_back(frame->index);
  EXPECT_EQ(indices, (std::vector<std::int64_t>{100, 105, 110, 115}));
}

TEST_F(VideoTest, a_negative_start_or_duration_or_a_start_past_the_end_is_refused) {
  // vtest.avi is 79.5 s long: 1000 s is past its end (it read no frame, silently).
  for (const auto& [start, duration] :
       {std::pair{-1.0, 0.0}, std::pair{0.0, -2.0}, std::pair{1000.0, 0.0}}) {
    try {
      (void)video::Reader::open(kPedestrians, {.start = start, .duration = duration});
      ADD_FAILURE() << "start " << start << ", duration " << duration << " accepted";
    } catch (const tessera::Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::InvalidArgument) << error.what();
    }
  }
}

TEST_F(VideoTest, lossless_output_equals_the_pipeline_on_each_decoded_frame) {
  const auto pipeline = tessera::pipeline::parse(kSeed);
  const auto summary =
      video::run(kPedestrians, file("edges.mkv"), pipeline, {.codec = "ffv1", .duration = 20});
  EXPECT_EQ(summary.frames_read, 200);
  EXPECT_EQ(summary.frames_written, 200);

  const auto gray_first = tessera::pipeline::parse("blur 5 | canny 50 150 | rgb");
  auto input = video::Reader::open(kPedestrians, {.format = PixelFormat::gray8()});
  auto output = video::Reader::open(file("edges.mkv"), {.format = PixelFormat::rgb8()});
  EXPECT_EQ(output.info().codec, "ffv1");
  int compared = 0;
  while (auto written = output.next()) {
    auto original = input.next();
    ASSERT_TRUE(original);
    EXPECT_NEAR(written->time, original->time, 1e-6);
    const tessera::Image expected =
        tessera::pipeline::run_whole(gray_first, original->image.view());
    ASSERT_TRUE(same_pixels(written->image, expected)) << "frame " << compared;
    ++compared;
  }
  EXPECT_EQ(compared, 200);
}

TEST_F(VideoTest, h264_output_keeps_frame_count_timestamps_and_the_audio_bytes) {
  const auto pipeline = tessera::pipeline::parse(kSeed);
  const auto summary = video::run(kPhoneClip, file("edges.mp4"), pipeline, {.preset = "ultrafast"});
  EXPECT_EQ(summary.frames_written, 242);  // FFmpeg decodes 242 of the 243 packets too
  EXPECT_GT(summary.packets_copied, 300);

  auto input = video::Reader::open(kPhoneClip, {.format = PixelFormat::gray8()});
  auto output = video::Reader::open(file("edges.mp4"), {.format = PixelFormat::gray8()});
  int frames = 0;
  while (auto written = output.next()) {
    auto original = input.next();
    ASSERT_TRUE(original);
    EXPECT_NEAR(written->time, original->time, 1e-3) << "frame " << frames;
    ++frames;
  }
  EXPECT_EQ(frames, 242);
  EXPECT_FALSE(input.next());

  // The audio packets, byte for byte.
  const auto audio_packets = [](const fs::path& path) {
    std::vector<std::string> packets;
    AVFormatContext* context = nullptr;
    if (avformat_open_input(&context, path.c_str(), nullptr, nullptr) < 0) return packets;
    avformat_find_stream_info(context, nullptr);
    const int audio = av_find_best_stream(context, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    AVPacket* packet = av_packet_alloc();
    while (av_read_frame(context, packet) >= 0) {
      if (packet->stream_index == audio) {
        packets.emplace_back(reinterpret_cast<const char*>(packet->data), packet->size);
      }
      av_packet_unref(packet);
    }
    av_packet_free(&packet);
    avformat_close_input(&context);
    return packets;
  };
  const auto original_audio = audio_packets(kPhoneClip);
  ASSERT_EQ(original_audio.size(), 346u);
  EXPECT_EQ(audio_packets(file("edges.mp4")), original_audio);
}

TEST_F(VideoTest, no_audio_leaves_the_audio_out) {
  const auto summary = video::run(kPhoneClip, file("silent.mkv"), tessera::pipeline::parse("gray"),
                                  {.preset = "ultrafast", .duration = 1, .copy_audio = false});
  EXPECT_EQ(summary.packets_copied, 0);
  const video::VideoInfo info = video::probe(file("silent.mkv"));
  ASSERT_EQ(info.streams.size(), 1u);
  EXPECT_EQ(info.streams[0].type, "video");
}

TEST_F(VideoTest, a_stopped_run_leaves_a_playable_file_of_the_frames_done) {
  std::stop_source stop;
  const auto summary =
      video::run(kPedestrians, file("stopped.mp4"), tessera::pipeline::parse("gray | rgb"),
                 {.preset = "ultrafast",
                  .stop = stop.get_token(),
                  .progress = [&](const video::Progress& progress) {
                    if (progress.frames == 30) stop.request_stop();
                  }});
  EXPECT_TRUE(summary.interrupted);
  EXPECT_GE(summary.frames_written, 30);
  EXPECT_LT(summary.frames_written, 795);
  auto output = video::Reader::open(file("stopped.mp4"));
  std::int64_t frames = 0;
  while (output.next()) ++frames;
  EXPECT_EQ(frames, summary.frames_written);
}

TEST_F(VideoTest, image_sequences_are_written_and_read_back) {
  video::run(kPedestrians, file("frame%04d.png"), tessera::pipeline::parse("gray | resize 25%"),
             {.duration = 1});
  for (int i = 1; i <= 10; ++i) {
    EXPECT_TRUE(fs::exists(file(fmt::format("frame{:04}.png", i)))) << i;
  }
  EXPECT_FALSE(fs::exists(file("frame0011.png")));
  const auto summary =
      video::run(file("frame%04d.png"), "null", tessera::pipeline::parse("blur 3"), {});
  EXPECT_EQ(summary.frames_written, 10);
}

TEST_F(VideoTest, a_job_over_its_memory_cap_is_refused_before_decoding) {
  try {
    video::run(kPedestrians, file("out.mp4"), tessera::pipeline::parse(kSeed), {.memory = 4 << 20});
    FAIL() << "a 768x576 job ran in 4 MiB";
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::OutOfBudget) << error.what();
    EXPECT_NE(error.message().find("--memory"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(fs::is_empty(folder_)) << "a refused job left a file";
}

TEST_F(VideoTest, a_job_within_its_cap_runs_and_its_peak_stays_under_it) {
  const std::size_t cap = 64 << 20;
  const auto summary = video::run(kPedestrians, "null", tessera::pipeline::parse(kSeed),
                                  {.duration = 10, .memory = cap});
  EXPECT_EQ(summary.frames_written, 100);
  EXPECT_LE(summary.peak_tracked, cap);
  EXPECT_LE(summary.estimate, cap);
}

TEST_F(VideoTest, a_run_inside_a_budget_is_charged_to_it_and_held_to_its_room) {
  tessera::MemoryBudget outer(256 << 20, "outer");
  {
    const tessera::BudgetScope inside(outer);
    const auto summary =
        video::run(kPedestrians, "null", tessera::pipeline::parse(kSeed), {.duration = 2});
    EXPECT_EQ(summary.frames_written, 20);
    EXPECT_GE(outer.peak(), summary.peak_tracked);
    EXPECT_GT(summary.peak_tracked, 768u * 576u);
  }
  EXPECT_EQ(outer.used(), 0u);
  // Held to the room the budget has, named in the refusal (RunOptions::within, no scope).
  tessera::MemoryBudget small(4 << 20, "small");
  try {
    video::run(kPedestrians, file("out.mp4"), tessera::pipeline::parse(kSeed), {.within = &small});
    FAIL() << "a 768x576 job ran in a 4 MiB budget";
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::OutOfBudget) << error.what();
    EXPECT_NE(error.message().find("'small'"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(fs::is_empty(folder_)) << "a refused job left a file";
}

// Hostile input: each a clear Error, no crash, no output left behind.
TEST_F(VideoTest, a_truncated_h264_file_is_corrupt_data) {
  std::ifstream original(kPhoneClip, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(original)), {});
  std::ofstream(file("cut.mov"), std::ios::binary).write(bytes.data(), bytes.size() / 2);
  try {
    video::run(file("cut.mov"), file("out.mp4"), tessera::pipeline::parse(kSeed), {});
    FAIL() << "a truncated file converted";
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::CorruptData) << error.what();
    EXPECT_EQ(error.path(), file("cut.mov").string());
  }
  EXPECT_FALSE(fs::exists(file("out.mp4")));
  EXPECT_EQ(std::distance(fs::directory_iterator(folder_), fs::directory_iterator()), 1);
}

TEST_F(VideoTest, a_file_that_is_not_a_video_is_unsupported) {
  std::ofstream(file("notes.mp4")) << "not a video at all\n";
  try {
    video::probe(file("notes.mp4"));
    FAIL();
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::UnsupportedFormat) << error.what();
  }
}

TEST_F(VideoTest, audio_alone_is_unsupported_with_the_streams_named) {
  ASSERT_EQ(run_command(fmt::format("ffmpeg -v error -i '{}' -vn -c:a copy '{}'",
                                    kPhoneClip.string(), file("audio.m4a").string()))
                .status,
            0);
  try {
    video::probe(file("audio.m4a"));
    FAIL();
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::UnsupportedFormat) << error.what();
    EXPECT_NE(error.message().find("no video stream (streams: audio aac)"), std::string::npos)
        << error.what();
  }
}

TEST_F(VideoTest, flipped_bytes_end_in_an_error_or_a_complete_file_never_a_crash) {
  std::ifstream original(kPedestrians, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(original)), {});
  for (std::size_t at = 20000; at < bytes.size(); at += 50111)
    bytes[at] = static_cast<char>(~bytes[at]);
  std::ofstream(file("flipped.avi"), std::ios::binary).write(bytes.data(), bytes.size());
  for (const tessera::FailOn policy : {tessera::FailOn::Error, tessera::FailOn::None}) {
    try {
      const auto summary =
          video::run(file("flipped.avi"), file("out.mkv"), tessera::pipeline::parse("gray"),
                     {.codec = "ffv1", .fail_on = policy});
      EXPECT_GT(summary.frames_written, 0);
      EXPECT_TRUE(fs::exists(file("out.mkv")));
    } catch (const tessera::Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::CorruptData) << error.what();
      EXPECT_EQ(policy, tessera::FailOn::Error) << "--fail-on none gave up: " << error.what();
      EXPECT_FALSE(fs::exists(file("out.mkv")));
    }
    fs::remove(file("out.mkv"));
  }
}

// Damage that MS-MPEG4's decoder conceals unless asked (a file cut mid-frame, random bytes in
// a frame): ffmpeg -v error reports both. Error and warning end the run naming the frame; none
// goes on and says which frames were damaged.
TEST_F(VideoTest, damaged_avi_is_corrupt_data_naming_the_frame_unless_fail_on_none) {
  std::ifstream original(kPedestrians, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(original)), {});
  std::ofstream(file("cut.avi"), std::ios::binary).write(bytes.data(), bytes.size() / 2);
  std::string noisy = bytes;
  std::mt19937 random(1);
  for (std::size_t at = noisy.size() / 2; at < noisy.size() / 2 + 2000; ++at)
    noisy[at] = static_cast<char>(random());
  std::ofstream(file("noisy.avi"), std::ios::binary).write(noisy.data(), noisy.size());
  for (const char* name : {"cut.avi", "noisy.avi"}) {
    SCOPED_TRACE(name);
    for (const tessera::FailOn policy : {tessera::FailOn::Error, tessera::FailOn::Warning}) {
      try {
        video::run(file(name), "null", tessera::pipeline::parse("gray"), {.fail_on = policy});
        FAIL() << "damage passed silently";
      } catch (const tessera::Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::CorruptData) << error.what();
        EXPECT_NE(error.message().find("frame "), std::string::npos) << error.what();
        EXPECT_EQ(error.path(), file(name).string());
      }
    }
    const auto summary = video::run(file(name), "null", tessera::pipeline::parse("gray"),
                                    {.fail_on = tessera::FailOn::None});
    EXPECT_GT(summary.frames_written, 300);
    ASSERT_FALSE(summary.warnings.empty());
    EXPECT_NE(summary.warnings.front().find("frame "), std::string::npos)
        << summary.warnings.front();
  }
}

// The strict checks must not turn clean files into errors: both clips (motion.mov's edit list
// leaves one of its 243 packets undecoded, as in ffmpeg), and H.264 with B-frames from x264.
TEST_F(VideoTest, clean_files_pass_the_strictest_policy_without_a_warning) {
  ASSERT_EQ(run_command(fmt::format("ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25 "
                                    "-t 3 -c:v libx264 -bf 3 -g 10 -pix_fmt yuv420p '{}'",
                                    file("b.mp4").string()))
                .status,
            0);
  for (const fs::path& clean : {kPedestrians, kPhoneClip, file("b.mp4")}) {
    SCOPED_TRACE(clean.string());
    const auto summary = video::run(clean, "null", tessera::pipeline::parse("gray"),
                                    {.fail_on = tessera::FailOn::Warning});
    EXPECT_GT(summary.frames_written, 70);
    EXPECT_TRUE(summary.warnings.empty()) << summary.warnings.front();
  }
}

TEST_F(VideoTest, progress_counts_the_frames_the_range_and_step_keep) {
  std::int64_t total = -1;
  const auto summary = video::run(
      kPedestrians, "null", {},
      {.every = 2, .start = 10, .duration = 5, .progress = [&](const video::Progress& progress) {
         total = progress.frames_total;
       }});
  EXPECT_EQ(summary.frames_written, 25);
  EXPECT_EQ(total, 25);  // not the file's 795
}

TEST_F(VideoTest, a_start_past_the_end_is_invalid_argument_not_corrupt_data) {
  try {
    video::run(kPhoneClip, "null", {}, {.start = 100});
    FAIL() << "a start past the end ran";
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument) << error.what();
    EXPECT_NE(error.message().find("--start 100 s is past the end"), std::string::npos)
        << error.what();
  }
}

TEST_F(VideoTest, a_codec_the_container_cannot_hold_is_refused_before_decoding) {
  try {
    video::run(kPedestrians, file("out.mp4"), tessera::pipeline::parse("gray"), {.codec = "ffv1"});
    FAIL();
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument) << error.what();
    EXPECT_NE(error.message().find(".mkv"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(fs::is_empty(folder_));
}

}  // namespace
