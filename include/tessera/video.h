#pragma once
// Video: frames in and out of FFmpeg's libraries as tessera Images, and a whole video through a
// pipeline in constant memory.
//
// Ownership and memory. Every frame buffer the decoder writes into comes from tessera's
// allocator (a custom get_buffer2 over a recycling pool): it is accounted to
// src/video/frame_buffers.cpp, charged to the reader's budget, and seen by the profiler like any
// image. A Frame's Image holds a reference to the decoded buffer, so a frame stays valid after
// the reader has moved on or gone; the buffer goes back to the pool when the last handle is
// dropped. Memory the libraries allocate for themselves (demuxer, codec state) is not tracked;
// the largest part, the encoder's pictures and lookahead, is estimated from its settings
// (RunSummary::encoder_estimate) and, under RunOptions::memory, held within the cap.
//
// Thread safety: a Reader is used by one thread at a time. Frames may be handed to
// other threads (they are Images).
//
// Cost: a gray frame of a full-range stream is the decoder's luma plane itself (no copy); of a
// limited-range stream (most video) one table lookup per pixel; RGB is one libswscale
// conversion.
//
//   auto reader = tessera::video::Reader::open("clip.mp4", {.format = PixelFormat::gray8()});
//   while (auto frame = reader.next()) use(frame->image, frame->index, frame->time);
//
//   tessera::video::run("clip.mp4", "edges.mp4", pipeline, {.codec = "h264"});

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "tessera/budget.h"
#include "tessera/codec.h"
#include "tessera/image.h"
#include "tessera/pipeline/pipeline.h"

namespace tessera::video {

// What the headers say about one stream of a file.
struct StreamInfo {
  int index = 0;
  std::string type;   // "video", "audio", "subtitle", "data"
  std::string codec;  // "h264", "aac", ...
};

// What the headers say about a video, before any frame is decoded.
struct VideoInfo {
  std::string container;  // "mov,mp4,m4a,3gp,3g2,mj2", "avi", ...
  std::string codec;      // of the video stream: "h264", "msmpeg4v3", ...
  int stream_index = 0;   // the video stream's index in the file
  int width = 0;          // upright: after the display rotation
  int height = 0;
  int rotation = 0;       // clockwise degrees the display matrix asks for: 0, 90, 180, 270
  double frame_rate = 0;  // average frames per second (0 when unknown)
  double duration = 0;    // seconds (0 when unknown)
  std::int64_t frame_count = 0;
  bool frame_count_exact = false;  // from the container's index, not duration x rate
  int bit_depth = 8;               // of the stored samples; > 8 is decoded as 16-bit
  std::string pixel_format;        // libav's name: "yuv420p", ...
  std::vector<StreamInfo> streams;
  // Tracked bytes the decoder's frame buffers take at most (reference frames, frame threads).
  std::size_t decode_estimate = 0;
};

// Reads the headers of `path` (and, for a container without a frame count, nothing more).
// Throws Error: Io for a file that cannot be opened, UnsupportedFormat for a file that is not a
// video tessera reads or has no video stream, CorruptData for broken headers.
VideoInfo probe(const std::filesystem::path& path);

struct ReaderOptions {
  // gray8, rgb8 (8-bit streams) or gray16, rgb16 (any depth; 8-bit samples scaled by 257).
  PixelFormat format = PixelFormat::rgb8();
  // Every frame buffer is charged to it; nullptr: none. Held by pointer: it must outlive the
  // reader's frames.
  MemoryBudget* budget = nullptr;
  Limits limits{};  // max_pixels per frame
  // What damage does. Error: a packet the decoder rejects (its strict checks are on) or a frame
  // it had to conceal ends the reading with CorruptData naming the frame; a frame decoded
  // without one of its references (a clip cut between key frames) is a warning. Warning: that
  // too ends it. None: a packet that does not decode is skipped, a concealed frame kept as
  // decoded, each with a warning.
  FailOn fail_on = FailOn::Error;
  // Decoder threads (frame threads: each holds a frame); 0: one per core and one more, as
  // `tessera video` and FFmpeg's own default.
  int threads = 0;
  bool apply_rotation = true;  // turn frames upright as the display matrix says
  int every = 1;               // deliver every Nth frame (1: all)
  double start = 0;            // seconds: frames before it are decoded and dropped
  double duration = 0;         // seconds after start; 0: to the end
  double sequence_rate = 0;    // an image sequence's frames a second; 0: 25, as ffmpeg's
};

struct Frame {
  Image image;
  std::int64_t index = 0;  // 0-based, counted in the decoded stream (before `every`)
  std::int64_t pts = 0;    // in the stream's time base
  double time = 0;         // seconds
};

// Frames of a video's first video stream, in presentation order, as Images.
class Reader {
 public:
  static Reader open(const std::filesystem::path& path, const ReaderOptions& options = {});
  Reader(Reader&&) noexcept;
  Reader& operator=(Reader&&) noexcept;
  ~Reader();

  const VideoInfo& info() const;
  // The next frame, or nothing at the end of the stream. Throws Error naming the file and the
  // frame: CorruptData for a damaged stream (under FailOn::None a frame the decoder cannot make
  // is skipped, and one it concealed kept, each said in warnings()), OutOfBudget when a frame
  // buffer does not fit in the budget.
  std::optional<Frame> next();
  // What the decoder skipped with a warning, so far ("frame 212 (t=7.07 s): ...").
  const std::vector<std::string>& warnings() const;

  class Impl;

 private:
  explicit Reader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct Progress {
  std::int64_t frames = 0;        // written (or, for `null`, processed) so far
  std::int64_t frames_total = 0;  // expected (an estimate unless info().frame_count_exact)
  double seconds = 0;             // since the run began
};

struct RunOptions {
  // Output codec: "h264", "hevc", "vp9", "av1", "ffv1"; empty: the container's usual one
  // (h264 for .mp4/.mov/.mkv/.avi, vp9 for .webm).
  std::string codec{};
  int crf = -1;          // the encoder's own crf; -1: its default
  std::string preset{};  // the encoder's own preset ("veryfast", ...); empty: its default
  int every = 1;         // process every Nth frame
  double start = 0;      // seconds
  double duration = 0;   // seconds; 0: to the end
  // An image sequence input's frames a second; 0: 25, as ffmpeg's image2. Any other input:
  // InvalidArgument (a video keeps its timestamps).
  double sequence_rate = 0;
  // Cap in bytes on everything tracked, and on what the encoder holds itself (estimated): a
  // job whose estimate is over it is refused before decoding. 0: none.
  std::size_t memory = 0;
  // The budget the run is inside, as batch::Options::within: the run is charged to it and held
  // to the room it has when the run begins. nullptr: the thread's current budget, if any.
  MemoryBudget* within = nullptr;
  int frames_in_flight = 0;  // frames between decoder and encoder at once; 0: one per core + 1
  bool copy_audio = true;    // copy audio and subtitle streams untouched
  FailOn fail_on = FailOn::Error;  // as ReaderOptions::fail_on
  Limits limits{};
  // Checked between frames: a stop request ends the run early with a complete, playable file
  // of the frames done so far (RunSummary::interrupted).
  std::stop_token stop{};
  // Called after each frame is written, on the thread that writes.
  std::function<void(const Progress&)> progress;
};

struct RunSummary {
  VideoInfo input;
  std::int64_t frames_decoded = 0;  // every frame the decoder gave, before --start and --every
  std::int64_t frames_read = 0;     // of those, the frames kept (the range, every Nth)
  std::int64_t frames_written = 0;  // through the pipeline (and encoded unless `null`)
  std::int64_t packets_copied = 0;  // audio and subtitle packets copied
  double seconds = 0;
  std::size_t estimate = 0;  // the pre-flight estimate of tracked memory
  // What the encoder holds itself (untracked), estimated from its settings; with a memory cap
  // x264's lookahead is shortened until it fits in what the cap leaves.
  std::size_t encoder_estimate = 0;
  std::size_t peak_tracked = 0;  // the most tracked memory the run held at once
  // Where the time went, summed over the threads that did it: decoding (and demuxing), the
  // pipeline (with the conversion into and out of it), and encoding (and muxing).
  double decode_seconds = 0;
  double pipeline_seconds = 0;
  double encode_seconds = 0;
  bool interrupted = false;
  std::vector<std::string> warnings;
};

// The tracked memory a run of `pipeline` over `input` to `output` takes at most, from the
// headers (what run() checks against options.memory before decoding).
std::size_t estimate(const VideoInfo& input, const std::filesystem::path& output,
                     const pipeline::Pipeline& pipeline, const RunOptions& options);

// What the encoder of a run to `output` holds itself (untracked: its pictures and lookahead),
// estimated from its settings as run() sets them: under options.memory, x264's lookahead is
// shortened (then one thread used) to fit in what the tracked estimate leaves, and `note` says
// so. Nothing for `null` and image sequences. Throws OutOfBudget, as run() would before
// decoding, when the encoder cannot fit.
struct EncoderEstimate {
  std::size_t bytes = 0;
  std::string note;
};
EncoderEstimate estimate_encoder(const VideoInfo& input, const std::filesystem::path& output,
                                 const pipeline::Pipeline& pipeline, const RunOptions& options);

// Whether `name` is an image sequence pattern: one printf conversion of an integer (%d, %06d),
// and no other % but %% ("frames/%06d.png").
bool is_sequence_pattern(const std::string& name);

// Every frame of `input` through `pipeline` to `output`: a video (container from the extension:
// .mp4 .mkv .webm .mov .avi), an image sequence pattern ("frames/%06d.png", one file per frame,
// numbered from 1, its folder made if missing), or "null" (decode and run, write nothing). An
// existing output is replaced. The output appears under its name only when complete (or, when
// stopped, complete up to the last frame); a failed run leaves nothing: a sequence's frames
// written so far are removed. With start or duration, the copied audio and subtitles are cut
// to the same range and every stream starts at 0 (as `ffmpeg -ss -t`). Throws Error:
// InvalidArgument before any work for an output that is the input itself or a folder; the
// pipeline refused for the frame size before anything is decoded, OutOfBudget before decoding
// when the estimate exceeds options.memory and during the run if an allocation would cross it,
// CorruptData naming the frame, Io for the output.
RunSummary run(const std::filesystem::path& input, const std::filesystem::path& output,
               const pipeline::Pipeline& pipeline, const RunOptions& options = {});

}  // namespace tessera::video
