#pragma once
// The reader behind tessera::video::Reader, with what video::run needs beside frames: the
// decoded frames before conversion (so that workers convert them in parallel) and the packets
// of the other streams (audio, subtitles) to copy.
//
// Members are declared in the order they must be destroyed in reverse: the decoder goes before
// the frame buffers it takes from (frames still referenced elsewhere stay valid: see
// frame_buffers.h), and before the demuxer whose stream parameters it was opened with.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tessera/video.h"
#include "video/frame_buffers.h"
#include "video/frame_conversion.h"
#include "video/libav.h"

namespace tessera::video {

class Reader::Impl {
 public:
  Impl(const std::filesystem::path& path, const ReaderOptions& options);
  // On a demuxer already opened by detail::open_demuxer, with the `info` it filled (video::run
  // plans the job from the headers first, then reads with what the plan chose).
  Impl(const std::filesystem::path& path, const ReaderOptions& options,
       detail::InputContext demuxer, VideoInfo info);

  const VideoInfo& info() const { return info_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  const std::string& path() const { return path_; }
  std::int64_t frames_decoded() const { return decoded_; }
  AVFormatContext& demuxer() { return *demuxer_; }
  AVStream& stream() { return *demuxer_->streams[info_.stream_index]; }

  struct Decoded {
    detail::FramePtr frame;  // a reference to the decoder's frame, the caller's to drop
    std::int64_t index = 0;
    std::int64_t pts = 0;
    double time = 0;
  };
  // The next frame the options select, as decoded; nothing at the end.
  std::optional<Decoded> next_decoded();
  // A decoded frame as the options' format, upright. Thread-safe with a converter per thread.
  Frame to_frame(Decoded decoded, detail::FrameToImage& converter) const;
  std::optional<Frame> next();

  // From now on, keep the packets of streams other than the video stream that `keep` says yes
  // to (by stream index), for take_other_packets().
  void keep_other_streams(std::vector<bool> keep) { keep_ = std::move(keep); }
  // The kept packets read since the last call, in file order.
  std::vector<detail::PacketPtr> take_other_packets() { return std::exchange(others_, {}); }

 private:
  // A damaged packet or frame: thrown under FailOn::Error, else kept as a warning.
  void damaged(int status, std::string_view what);
  std::string frame_name(std::int64_t index, std::int64_t pts) const;
  // A frame the decoder marked (concealed errors, a missing reference): thrown or a warning,
  // as options_.fail_on says.
  void check_damage(std::int64_t index, std::int64_t pts);
  // A frame of another size than the stream's (an image sequence of mixed sizes): thrown.
  void check_size(std::int64_t index, std::int64_t pts);
  // At the end of an image sequence: a warning when numbered files follow a gap.
  void check_sequence_end();

  std::string path_;
  ReaderOptions options_;
  VideoInfo info_;  // filled by opening demuxer_, so declared before it
  detail::InputContext demuxer_;
  detail::FrameBuffers buffers_;
  detail::CodecContext decoder_;
  detail::FramePtr frame_;
  detail::PacketPtr packet_;
  detail::FrameToImage converter_;
  std::vector<bool> keep_;
  std::vector<detail::PacketPtr> others_;
  std::vector<std::string> warnings_;
  std::map<std::int64_t, std::string> sources_;  // an image sequence's files by packet pts
  std::string last_source_;        // an image sequence's file of the last frame decoded
  std::int64_t decoded_ = 0;       // frames the decoder has given
  std::int64_t packets_read_ = 0;  // packets of the video stream read
  std::int64_t packets_ = 0;       // video packets sent to the decoder
  std::int64_t selected_ = 0;      // of those, in [start, start + duration)
  std::int64_t start_pts_ = 0;
  bool draining_ = false;
  bool finished_ = false;
};

namespace detail {
// Bytes of a decoder's frame as frame_buffers.cpp allocates it: rows padded to 64, dimensions
// aligned up for the codec.
std::size_t frame_bytes(int width, int height, AVPixelFormat format);
// The decoder's threads in video::run (frame threads: each holds a frame), and so in probe()'s
// estimate: one per core and one more, as FFmpeg's own default: H.264 frame threads wait on
// each other's reference rows, and with one per core the cores idle in those waits.
int decoder_threads();
// ReaderOptions::threads, 0 read as decoder_threads().
int threads_of(const ReaderOptions& options);
// Opens `path`'s demuxer and finds its best video stream; fills `info` from the headers.
// `sequence_rate` (> 0): an image sequence's frames a second (image2's own default: 25);
// InvalidArgument for any other input.
InputContext open_demuxer(const std::filesystem::path& path, VideoInfo& info, int threads,
                          double sequence_rate = 0);
}  // namespace detail

}  // namespace tessera::video
