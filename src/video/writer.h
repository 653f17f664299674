#pragma once
// Frames to a video file: an encoder and a muxer writing to a temporary file beside the output,
// renamed into place by finish(). Audio and subtitle packets of the input are copied as they
// are (stream copy), their timestamps rescaled. Destroyed without finish() (an error, an
// exception), it removes the temporary: nothing partial stands under the output's name.
//
// Members are destroyed in reverse order of declaration: the encoder, then the muxer and its
// I/O context, then the output file, which removes the temporary unless committed.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "codecs/file_io.h"
#include "tessera/budget.h"
#include "tessera/image_view.h"
#include "tessera/pipeline/plan.h"
#include "video/frame_buffers.h"
#include "video/frame_conversion.h"
#include "video/libav.h"

namespace tessera::video::detail {

struct EncoderSettings {
  std::string codec;   // "h264", "hevc", "vp9", "av1", "ffv1"; empty: the container's usual
  int crf = -1;        // -1: the encoder's default
  std::string preset;  // empty: the encoder's default
  int threads = 0;     // 0: libav's choice
  int lookahead = -1;  // x264/x265 rc-lookahead in frames; -1: the preset's
};

// What an encoder holds itself (untracked: its pictures, lookahead and references), estimated
// from its settings. x264 at 1080p, measured here with ffmpeg: 3.3 bytes a pixel for each of
// (lookahead + 7 + 6.5 x threads) pictures, within 5% over lookahead 5..40 and 1..2 threads.
// x265, libvpx-vp9, SVT-AV1 and ffv1: a fixed part and bytes a pixel, measured (see the
// definition). Twice that for frames of more than 8 bits (their pictures are 16-bit).
std::size_t encoder_memory(const pipeline::Shape& frame, const std::string& codec,
                           const EncoderSettings& settings);
// The preset's lookahead (x264's and x265's defaults), in frames.
int preset_lookahead(const std::string& preset);

// The codec a container gets when none is asked for: vp9 for .webm, h264 otherwise.
std::string default_codec(const std::filesystem::path& output);

// Throws Error(UnsupportedFormat) unless `output` names a container tessera writes: .mp4, .mkv,
// .webm, .mov or .avi (FFmpeg has more muxers; these are the ones documented and tested).
void check_container_name(const std::filesystem::path& output);

struct AVIOContextFree {
  void operator()(AVIOContext* context) const;
};
struct OutputContextFree {
  void operator()(AVFormatContext* context) const { avformat_free_context(context); }
};

class VideoWriter {
 public:
  // `input` and `video` are the demuxer and video stream the frames come from: the output keeps
  // their time base and frame rate, and copies the streams `copy` says yes to (by index) when
  // the container can hold them (others are dropped with a warning). `source` is the images'
  // format. Throws Error: UnsupportedFormat for a container or codec tessera cannot write,
  // InvalidArgument for settings the encoder refuses or a codec the container cannot hold (its
  // header refused: vp9 in .mov), Io for the output.
  VideoWriter(const std::filesystem::path& output, int width, int height, PixelFormat source,
              const EncoderSettings& settings, AVFormatContext& input, const AVStream& video,
              const std::vector<bool>& copy, MemoryBudget* budget);
  ~VideoWriter();
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // An empty frame for the encoder, its planes tracked (charged to the writer's budget).
  // Thread-safe: workers fill frames in parallel, through a converter each.
  FramePtr make_frame();
  std::unique_ptr<ImageToFrame> make_converter() const;
  // One frame made by make_frame() and filled, at `pts` (the input stream's time base), in
  // presentation order.
  void write(FramePtr frame, std::int64_t pts);
  // A packet of a copied stream; taken (unreferenced) whatever happens. Packets of streams not
  // copied are dropped.
  void copy(AVPacket& packet);
  // Drains the encoder, writes the trailer and renames the file into place.
  void finish();

  std::int64_t packets_copied() const { return packets_copied_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  void send(AVFrame* frame);  // nullptr drains
  void write_packets();

  std::string path_;
  codecs::AtomicOutputFile file_;
  std::unique_ptr<AVIOContext, AVIOContextFree> io_;
  std::unique_ptr<AVFormatContext, OutputContextFree> muxer_;
  FrameBuffers buffers_;
  CodecContext encoder_;
  PacketPtr packet_;
  PixelFormat source_;
  AVStream* video_out_ = nullptr;
  AVRational input_time_base_{};
  std::vector<int> stream_map_;          // input stream index -> output index, -1: not copied
  std::vector<AVRational> input_bases_;  // input streams' time bases
  std::vector<std::string> warnings_;
  std::int64_t packets_copied_ = 0;
  bool header_written_ = false;
};

}  // namespace tessera::video::detail
