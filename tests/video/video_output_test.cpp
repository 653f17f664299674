// video::run's outputs from a new user's side (the video trial's findings): an output that is
// the input or a folder refused before any work, what each container and encoder cannot take
// refused in words before decoding, --start/--duration cutting the copied audio to the frames'
// range with the output starting at 0, and an image sequence that leaves nothing on failure
// but keeps its complete frames when stopped.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

extern "C" {
#include <libavformat/avformat.h>
}

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stop_token>
#include <string>
#include <vector>

#include "support/fail_every_point.h"
#include "support/run_command.h"
#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/pipeline/pipeline.h"
#include "tessera/testing/fault_injection.h"
#include "tessera/video.h"
#include "video/video_reference.h"

namespace {

using tessera::ErrorCode;
using tessera::testing::kPedestrians;
using tessera::testing::kPhoneClip;
using tessera::testing::run_command;
namespace video = tessera::video;
namespace fs = std::filesystem;

using VideoOutputTest = tessera::testing::FootageTest;

std::string contents(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), {}};
}

// Runs video::run and returns the error it throws (failing the test if it throws none), and
// whether any frame was processed before it: a refusal "before any work" processes none.
struct Refusal {
  tessera::Error error{ErrorCode::Internal, "no error"};
  bool frames_processed = false;
};
Refusal refusal(const fs::path& input, const fs::path& output, video::RunOptions options,
                const std::string& pipeline = "gray | rgb") {
  Refusal result;
  options.progress = [&](const video::Progress&) { result.frames_processed = true; };
  try {
    video::run(input, output, tessera::pipeline::parse(pipeline), options);
    ADD_FAILURE() << input << " -> " << output << " ran";
  } catch (const tessera::Error& error) {
    result.error = error;
  }
  return result;
}

// A stream's packets as the demuxer gives them: their bytes and times in seconds.
struct Packets {
  std::vector<std::string> bytes;
  std::vector<double> times;  // pts
  double end = 0;             // the last packet's pts + duration
};
Packets packets_of(const fs::path& path, AVMediaType type) {
  Packets packets;
  AVFormatContext* context = nullptr;
  if (avformat_open_input(&context, path.c_str(), nullptr, nullptr) < 0) return packets;
  avformat_find_stream_info(context, nullptr);
  const int stream = av_find_best_stream(context, type, -1, -1, nullptr, 0);
  AVPacket* packet = av_packet_alloc();
  while (stream >= 0 && av_read_frame(context, packet) >= 0) {
    if (packet->stream_index == stream) {
      const double base = av_q2d(context->streams[stream]->time_base);
      packets.bytes.emplace_back(reinterpret_cast<const char*>(packet->data), packet->size);
      packets.times.push_back(static_cast<double>(packet->pts) * base);
      packets.end =
          std::max(packets.end, static_cast<double>(packet->pts + packet->duration) * base);
    }
    av_packet_unref(packet);
  }
  av_packet_free(&packet);
  avformat_close_input(&context);
  return packets;
}

// The video stream's first timestamp, in seconds: where the reader counts --start from.
double video_start_time(const fs::path& path) {
  AVFormatContext* context = nullptr;
  if (avformat_open_input(&context, path.c_str(), nullptr, nullptr) < 0) return -1;
  avformat_find_stream_info(context, nullptr);
  const int index = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  const AVStream& stream = *context->streams[index];
  const double start = stream.start_time == AV_NOPTS_VALUE
                           ? 0
                           : static_cast<double>(stream.start_time) * av_q2d(stream.time_base);
  avformat_close_input(&context);
  return start;
}

// Finding 1: the output that is the input, however it is spelt, is refused and left intact.
TEST_F(VideoOutputTest, an_output_that_is_the_input_is_refused_and_the_input_kept) {
  fs::copy_file(kPhoneClip, file("same.mov"));
  fs::create_hard_link(file("same.mov"), file("hard.mov"));
  const std::string original = contents(file("same.mov"));
  for (const fs::path& output : {file("same.mov"), folder_ / "." / "same.mov", file("hard.mov")}) {
    SCOPED_TRACE(output.string());
    const Refusal refused = refusal(file("same.mov"), output, {.preset = "ultrafast"});
    EXPECT_EQ(refused.error.code(), ErrorCode::InvalidArgument) << refused.error.what();
    // The words `tessera convert` says (one helper says both).
    EXPECT_NE(refused.error.message().find("is the input itself: writing it would replace the "
                                           "original; choose another output"),
              std::string::npos)
        << refused.error.what();
    EXPECT_FALSE(refused.frames_processed);
  }
  EXPECT_TRUE(contents(file("same.mov")) == original) << "the input was changed";
  EXPECT_EQ(std::distance(fs::directory_iterator(folder_), fs::directory_iterator()), 2)
      << "a temporary was left";
}

TEST_F(VideoOutputTest, a_sequence_written_over_its_own_frames_is_refused) {
  video::run(kPedestrians, file("seq/%04d.png"), tessera::pipeline::parse("resize 10%"),
             {.duration = 0.3});
  const std::string first = contents(file("seq/0001.png"));
  const Refusal refused = refusal(file("seq/%04d.png"), folder_ / "." / "seq" / "%04d.png", {});
  EXPECT_EQ(refused.error.code(), ErrorCode::InvalidArgument) << refused.error.what();
  EXPECT_NE(refused.error.message().find("is the input itself"), std::string::npos);
  EXPECT_TRUE(contents(file("seq/0001.png")) == first) << "the input's first frame was changed";
}

// Finding 12: a folder where the video file should go, refused before any frame.
TEST_F(VideoOutputTest, an_output_that_is_a_folder_is_refused_before_any_work) {
  fs::create_directory(file("dir.mp4"));
  const Refusal refused = refusal(kPhoneClip, file("dir.mp4"), {.preset = "ultrafast"});
  EXPECT_EQ(refused.error.code(), ErrorCode::InvalidArgument) << refused.error.what();
  EXPECT_NE(refused.error.message().find("is a folder"), std::string::npos) << refused.error.what();
  EXPECT_FALSE(refused.frames_processed);
  EXPECT_TRUE(fs::is_empty(file("dir.mp4")));
}

// Finding 22: only the documented containers.
TEST_F(VideoOutputTest, a_container_outside_the_documented_five_is_refused) {
  for (const char* name : {"o.flv", "o.ts", "o.gif"}) {
    const Refusal refused = refusal(kPhoneClip, file(name), {});
    EXPECT_EQ(refused.error.code(), ErrorCode::UnsupportedFormat) << refused.error.what();
    EXPECT_NE(refused.error.message().find(".mp4, .mkv, .webm, .mov or .avi"), std::string::npos)
        << refused.error.what();
    EXPECT_FALSE(refused.frames_processed);
  }
  EXPECT_TRUE(fs::is_empty(folder_));
}

// Finding 22: Apple's players want hvc1.
TEST_F(VideoOutputTest, hevc_in_mp4_and_mov_is_tagged_hvc1) {
  for (const char* name : {"h.mp4", "h.mov"}) {
    video::run(kPhoneClip, file(name), tessera::pipeline::parse("gray | rgb"),
               {.codec = "hevc", .preset = "ultrafast", .duration = 0.2});
    const auto probed = run_command(fmt::format(
        "ffprobe -v error -select_streams v -show_entries stream=codec_tag_string -of csv=p=0 '{}'",
        file(name).string()));
    EXPECT_EQ(probed.output, "hvc1\n") << name;
  }
}

// Findings 10 and 22: settings the encoder would clamp or refuse in its own words.
TEST_F(VideoOutputTest, crf_over_51_for_x264_and_x265_is_refused_with_the_range) {
  for (const char* codec : {"h264", "hevc"}) {
    const Refusal refused = refusal(kPhoneClip, file("o.mp4"), {.codec = codec, .crf = 52});
    EXPECT_EQ(refused.error.code(), ErrorCode::InvalidArgument) << refused.error.what();
    EXPECT_NE(refused.error.message().find("takes 0 (best) to 51"), std::string::npos)
        << refused.error.what();
    EXPECT_FALSE(refused.frames_processed);
  }
  EXPECT_TRUE(fs::is_empty(folder_));
}

TEST_F(VideoOutputTest, a_vp9_preset_that_is_not_a_speed_is_refused_with_the_range) {
  for (const char* preset : {"medium", "9", "-1"}) {
    const Refusal refused = refusal(kPhoneClip, file("o.webm"), {.preset = preset});
    EXPECT_EQ(refused.error.code(), ErrorCode::InvalidArgument) << refused.error.what();
    EXPECT_NE(refused.error.message().find("cpu-used 0 (slowest, best) to 8 (fastest)"),
              std::string::npos)
        << refused.error.what();
  }
  EXPECT_TRUE(fs::is_empty(folder_));
}

// Finding 11: vp9 in .mov passes avformat_query_codec but not the muxer's header.
TEST_F(VideoOutputTest, vp9_in_mov_is_refused_before_decoding_as_a_usage_error) {
  const Refusal refused = refusal(kPhoneClip, file("v.mov"), {.codec = "vp9", .preset = "8"});
  EXPECT_EQ(refused.error.code(), ErrorCode::InvalidArgument) << refused.error.what();
  EXPECT_NE(refused.error.message().find(".mkv holds every codec"), std::string::npos)
      << refused.error.what();
  EXPECT_FALSE(refused.frames_processed);
  EXPECT_TRUE(fs::is_empty(folder_));
}

// Finding 2: the audio cut to the frames' range, and the output starting at 0, as
// `ffmpeg -ss 4 -t 2` gives.
TEST_F(VideoOutputTest, start_and_duration_cut_the_audio_too_and_the_output_starts_at_zero) {
  const auto summary = video::run(kPhoneClip, file("cut.mp4"), tessera::pipeline::parse("invert"),
                                  {.preset = "ultrafast", .start = 4, .duration = 2});
  EXPECT_NEAR(static_cast<double>(summary.frames_written), 60, 1);

  const Packets frames = packets_of(file("cut.mp4"), AVMEDIA_TYPE_VIDEO);
  const Packets audio = packets_of(file("cut.mp4"), AVMEDIA_TYPE_AUDIO);
  ASSERT_FALSE(frames.times.empty());
  ASSERT_FALSE(audio.times.empty());
  EXPECT_NEAR(static_cast<double>(frames.times.size()), 60, 1);
  EXPECT_NEAR(*std::min_element(frames.times.begin(), frames.times.end()), 0, 0.001);
  EXPECT_NEAR(frames.end, 2, 0.04);
  // Audio packets are copied whole: its edges are within one packet (1024 samples at 44.1 kHz,
  // 23 ms) of the range's.
  EXPECT_GE(audio.times.front(), 0);
  EXPECT_LT(audio.times.front(), 0.024);
  EXPECT_NEAR(audio.end, 2, 0.024);
  EXPECT_EQ(summary.packets_copied, static_cast<std::int64_t>(audio.bytes.size()));

  // Byte for byte the input's packets of [4 s, 6 s).
  const Packets original = packets_of(kPhoneClip, AVMEDIA_TYPE_AUDIO);
  const double video_start = video_start_time(kPhoneClip);
  std::vector<std::string> in_range;
  for (std::size_t i = 0; i < original.bytes.size(); ++i) {
    const double at = original.times[i] - video_start;
    if (at >= 4 && at < 6) in_range.push_back(original.bytes[i]);
  }
  ASSERT_GT(in_range.size(), 80u);
  EXPECT_EQ(audio.bytes, in_range);
}

TEST_F(VideoOutputTest, start_and_duration_keep_only_the_subtitles_in_the_range) {
  std::ofstream(file("s.srt")) << "1\n00:00:00,500 --> 00:00:02,000\nbefore\n\n"
                               << "2\n00:00:03,000 --> 00:00:05,000\ninside\n\n";
  ASSERT_EQ(run_command(fmt::format("ffmpeg -v error -i '{}' -i '{}' -map 0 -map 1 -c copy "
                                    "-c:s srt '{}'",
                                    kPhoneClip.string(), file("s.srt").string(),
                                    file("sub.mkv").string()))
                .status,
            0);
  video::run(file("sub.mkv"), file("cut.mkv"), tessera::pipeline::parse("gray | rgb"),
             {.preset = "ultrafast", .start = 2, .duration = 2});
  const Packets subtitles = packets_of(file("cut.mkv"), AVMEDIA_TYPE_SUBTITLE);
  ASSERT_EQ(subtitles.bytes.size(), 1u);
  EXPECT_EQ(subtitles.bytes[0], "inside");
  EXPECT_NEAR(subtitles.times[0], 3 - 2 - video_start_time(file("sub.mkv")), 0.01);
}

TEST_F(VideoOutputTest, without_start_or_duration_every_audio_packet_is_copied) {
  const auto summary = video::run(kPhoneClip, file("all.mkv"), tessera::pipeline::parse("gray"),
                                  {.codec = "ffv1", .every = 10});
  EXPECT_EQ(packets_of(file("all.mkv"), AVMEDIA_TYPE_AUDIO).bytes,
            packets_of(kPhoneClip, AVMEDIA_TYPE_AUDIO).bytes);
  EXPECT_EQ(summary.packets_copied, 346);
}

// Finding 9: the README's example, as pasted: the pattern's folder is made.
TEST_F(VideoOutputTest, a_sequence_in_a_missing_folder_gets_the_folder) {
  const auto summary =
      video::run(kPedestrians, file("frames/deeper/%06d.png"),
                 tessera::pipeline::parse("resize 25%"), {.start = 10, .duration = 0.5});
  EXPECT_EQ(summary.frames_written, 5);
  for (int i = 1; i <= 5; ++i) {
    EXPECT_TRUE(fs::exists(file(fmt::format("frames/deeper/{:06}.png", i)))) << i;
  }
}

// Finding 7: a sequence that fails part way removes the frames it wrote (and the folders it
// made), not the files that were there before; on a full tmpfs when the test may mount one.
TEST_F(VideoOutputTest, a_sequence_on_a_full_device_leaves_no_frames) {
  const fs::path device = file("small");
  fs::create_directories(device);
  if (::mount("none", device.c_str(), "tmpfs", 0, "size=300k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (not root?): the fault-injection test covers it";
  }
  std::ofstream(device / "mine.txt") << "not the run's\n";
  try {
    video::run(kPhoneClip, device / "seq%04d.png", tessera::pipeline::parse("invert"), {});
    ADD_FAILURE() << "242 PNG frames fitted in 300 KB";
  } catch (const tessera::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Io) << error.what();
    EXPECT_NE(error.message().find("no space left on device"), std::string::npos) << error.what();
  }
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(device)) {
    left.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(left, std::vector<std::string>{"mine.txt"});
  EXPECT_EQ(::umount(device.c_str()), 0);
}

TEST_F(VideoOutputTest, every_fault_in_a_sequence_run_leaves_no_frames_and_no_folder) {
  const auto pipeline = tessera::pipeline::parse("gray | resize 50%");
  const auto points = tessera::testing::fail_every_point(
      [&] { video::run(kPhoneClip, folder_ / "frames" / "%04d.png", pipeline, {.duration = 0.3}); },
      folder_);
  tessera::testing::FaultInjection::off();
  EXPECT_GT(points, 10u);
}

// Finding 7: stopped, a sequence keeps its frames done, each complete.
TEST_F(VideoOutputTest, a_stopped_sequence_keeps_the_frames_done) {
  std::stop_source stop;
  const auto summary =
      video::run(kPedestrians, file("f%04d.png"), tessera::pipeline::parse("gray"),
                 {.stop = stop.get_token(), .progress = [&](const video::Progress& progress) {
                    if (progress.frames == 12) stop.request_stop();
                  }});
  EXPECT_TRUE(summary.interrupted);
  ASSERT_GE(summary.frames_written, 12);
  for (std::int64_t i = 1; i <= summary.frames_written; ++i) {
    const fs::path frame = file(fmt::format("f{:04}.png", i));
    ASSERT_TRUE(fs::exists(frame)) << frame;
    EXPECT_EQ(tessera::read(frame).width(), 768) << frame;  // a whole PNG that decodes
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(folder_), fs::directory_iterator()),
            summary.frames_written);
}

}  // namespace
