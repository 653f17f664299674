// Frames of a video as Images (see tessera/video.h and reader_impl.h).

#include <fmt/format.h>

extern "C" {
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

#include <algorithm>
#include <cmath>
#include <fstream>
#include <thread>
#include <utility>
#include <vector>

#include "tessera/ops/geometry.h"
#include "video/reader_impl.h"

namespace tessera::video {
namespace detail {
namespace {

std::string media_type_name(AVMediaType type) {
  const char* name = av_get_media_type_string(type);
  return name != nullptr ? name : "unknown";
}

// Clockwise degrees to turn frames upright: the display matrix's rotation (counter-clockwise
// in libav's convention), to the nearest quarter turn, as ffmpeg's autorotate.
int display_rotation(const AVStream& stream) {
  const auto* matrix = reinterpret_cast<const std::int32_t*>(
      av_stream_get_side_data(&stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr));
  if (matrix == nullptr) return 0;
  const double counter_clockwise = av_display_rotation_get(matrix);
  if (std::isnan(counter_clockwise)) return 0;
  const int quarter_turns = static_cast<int>(std::lround(-counter_clockwise / 90.0));
  return ((quarter_turns % 4) + 4) % 4 * 90;
}

// Frames a decoder of this codec holds at once besides the one being made: its reference
// frames (H.264: the level's decoded picture buffer for this frame size; the others: their
// reference slots) and the reordering delay.
int reference_frames(const AVCodecParameters& codec) {
  switch (codec.codec_id) {
    case AV_CODEC_ID_H264: {
      // MaxDpbMbs by level (H.264 table A-1), over the frame's macroblocks; at most 16.
      const int level = codec.level;
      const int max_dpb_mbs = level <= 10   ? 396
                              : level <= 11 ? 900
                              : level <= 20 ? 2376
                              : level <= 21 ? 4752
                              : level <= 30 ? 8100
                              : level <= 31 ? 18000
                              : level <= 32 ? 20480
                              : level <= 41 ? 32768
                              : level <= 42 ? 34816
                              : level <= 50 ? 110400
                              : level <= 51 ? 184320
                                            : 696320;
      const int macroblocks = ((codec.width + 15) / 16) * ((codec.height + 15) / 16);
      return std::clamp(max_dpb_mbs / std::max(1, macroblocks), 1, 16);
    }
    case AV_CODEC_ID_HEVC:
      return 16;
    case AV_CODEC_ID_VP9:
    case AV_CODEC_ID_AV1:
      return 8;
    default:
      return 3;  // MPEG-style: two references and a B-frame
  }
}

}  // namespace

std::size_t frame_bytes(int width, int height, AVPixelFormat format) {
  const int padded_width = (width + 63) / 64 * 64;
  const int padded_height = (height + 63) / 64 * 64;
  const int size = av_image_get_buffer_size(format, padded_width, padded_height, 64);
  return size > 0 ? static_cast<std::size_t>(size) + 4 * 128 : 0;
}

namespace {

// The container the first bytes of `path` look like, or null: what tells a damaged video (the
// signature is right, the headers do not read) from a file that is no video at all.
const AVInputFormat* recognised_container(const std::filesystem::path& path) {
  std::vector<unsigned char> start(4096 + AVPROBE_PADDING_SIZE, 0);
  std::ifstream file(path, std::ios::binary);
  file.read(reinterpret_cast<char*>(start.data()), 4096);
  const std::string name = path.string();
  AVProbeData probe{
      .filename = name.c_str(), .buf = start.data(), .buf_size = static_cast<int>(file.gcount())};
  // Above the score a matching extension alone gives: recognised by content.
  int score = AVPROBE_SCORE_EXTENSION;
  return probe.buf_size > 0 ? av_probe_input_format2(&probe, 1, &score) : nullptr;
}

}  // namespace

int decoder_threads() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

InputContext open_demuxer(const std::filesystem::path& path, VideoInfo& info, int threads) {
  quiet_libav_log();
  const std::string name = path.string();
  AVFormatContext* opened = nullptr;
  int status = avformat_open_input(&opened, name.c_str(), nullptr, nullptr);
  if (status < 0) {
    if (status == AVERROR_INVALIDDATA) {
      if (const AVInputFormat* recognised = recognised_container(path)) {
        throw Error(ErrorCode::CorruptData,
                    fmt::format("a truncated or corrupt {} file: its headers do not read",
                                recognised->name),
                    {.path = name, .operation = "open video"});
      }
      throw Error(ErrorCode::UnsupportedFormat,
                  "not a video or image sequence FFmpeg's demuxers recognise",
                  {.path = name, .operation = "open video"});
    }
    throw libav_error(status, "cannot open the video", name);
  }
  InputContext demuxer(opened);
  check(avformat_find_stream_info(demuxer.get(), nullptr), "cannot read the stream headers", name);

  info.container = demuxer->iformat->name;
  for (unsigned i = 0; i < demuxer->nb_streams; ++i) {
    const AVCodecParameters& codec = *demuxer->streams[i]->codecpar;
    info.streams.push_back({.index = static_cast<int>(i),
                            .type = media_type_name(codec.codec_type),
                            .codec = avcodec_get_name(codec.codec_id)});
  }
  const int index = av_find_best_stream(demuxer.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) {
    std::string streams;
    for (const StreamInfo& stream : info.streams) {
      streams += fmt::format("{}{} {}", streams.empty() ? "" : ", ", stream.type, stream.codec);
    }
    throw Error(
        ErrorCode::UnsupportedFormat,
        fmt::format("has no video stream (streams: {})", streams.empty() ? "none" : streams),
        {.path = name, .operation = "open video"});
  }
  const AVStream& stream = *demuxer->streams[index];
  const AVCodecParameters& codec = *stream.codecpar;
  info.stream_index = index;
  info.codec = avcodec_get_name(codec.codec_id);
  info.rotation = display_rotation(stream);
  const bool sideways = info.rotation == 90 || info.rotation == 270;
  info.width = sideways ? codec.height : codec.width;
  info.height = sideways ? codec.width : codec.height;
  const auto pixel_format = static_cast<AVPixelFormat>(codec.format);
  const char* pixel_format_name = av_get_pix_fmt_name(pixel_format);
  info.pixel_format = pixel_format_name != nullptr ? pixel_format_name : "unknown";
  if (const AVPixFmtDescriptor* description = av_pix_fmt_desc_get(pixel_format)) {
    info.bit_depth = description->comp[0].depth;
  }
  const AVRational rate =
      stream.avg_frame_rate.num > 0 ? stream.avg_frame_rate : stream.r_frame_rate;
  info.frame_rate = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0;
  if (stream.duration != AV_NOPTS_VALUE && stream.duration > 0) {
    info.duration = static_cast<double>(stream.duration) * av_q2d(stream.time_base);
  } else if (demuxer->duration != AV_NOPTS_VALUE && demuxer->duration > 0) {
    info.duration = static_cast<double>(demuxer->duration) / AV_TIME_BASE;
  }
  if (stream.nb_frames > 0) {
    info.frame_count = stream.nb_frames;
    info.frame_count_exact = true;
  } else {
    info.frame_count = std::llround(info.duration * info.frame_rate);
  }
  if (codec.width > 0 && codec.height > 0) {
    const int held = reference_frames(codec) + std::max(1, threads) + 1;
    info.decode_estimate =
        static_cast<std::size_t>(held) *
        frame_bytes(codec.width, codec.height,
                    pixel_format == AV_PIX_FMT_NONE ? AV_PIX_FMT_YUV420P : pixel_format);
  }
  return demuxer;
}

}  // namespace detail

VideoInfo probe(const std::filesystem::path& path) {
  VideoInfo info;
  detail::open_demuxer(path, info, detail::decoder_threads());
  return info;
}

Reader::Impl::Impl(const std::filesystem::path& path, const ReaderOptions& options)
    : path_(path.string()),
      options_(options),
      demuxer_(detail::open_demuxer(path, info_, options.threads)),
      buffers_(options.budget, "video frame"),
      frame_(detail::make_frame()),
      packet_(detail::make_packet()),
      converter_(options.format, path_) {
  if (options.every < 1) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("every {} is not a frame step: give 1 for every frame, 2 for every "
                            "other, ...",
                            options.every));
  }
  // Refused, not read as "from the start" / "to the end", as run() refuses them.
  if (!(options.start >= 0) || !(options.duration >= 0)) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("start {} s, duration {} s: give seconds, 0 or more (a duration of 0 "
                            "reads to the end)",
                            options.start, options.duration),
                {.path = path_, .operation = "open video"});
  }
  if (!options.apply_rotation && info_.rotation % 180 != 0) std::swap(info_.width, info_.height);
  if (!options.apply_rotation) info_.rotation = 0;
  AVStream& video = stream();
  const AVCodecParameters& parameters = *video.codecpar;
  if (parameters.width <= 0 || parameters.height <= 0) {
    throw Error(ErrorCode::CorruptData,
                fmt::format("the video stream says its frames are {}x{}", parameters.width,
                            parameters.height),
                {.path = path_, .operation = "open video"});
  }
  const auto pixels = static_cast<std::uint64_t>(parameters.width) * parameters.height;
  if (pixels > options.limits.max_pixels) {
    throw Error(ErrorCode::ImageTooLarge,
                fmt::format("frames of {}x{} ({} pixels) are over the limit of {} pixels; raise "
                            "it (--max-pixels, max_pixels=) for videos you trust",
                            parameters.width, parameters.height, pixels, options.limits.max_pixels),
                {.path = path_, .operation = "open video"});
  }
  const AVCodec* codec = avcodec_find_decoder(parameters.codec_id);
  if (codec == nullptr) {
    throw Error(ErrorCode::UnsupportedFormat,
                fmt::format("video codec '{}', which this FFmpeg cannot decode", info_.codec),
                {.path = path_, .operation = "open video"});
  }
  decoder_.reset(avcodec_alloc_context3(codec));
  if (!decoder_)
    throw Error(ErrorCode::OutOfMemory, "libav could not make a decoder", {.path = path_});
  detail::check(avcodec_parameters_to_context(decoder_.get(), &parameters),
                "cannot set up the decoder", path_);
  decoder_->pkt_timebase = video.time_base;
  decoder_->thread_count = std::max(1, options.threads);
  decoder_->max_pixels =
      static_cast<std::int64_t>(std::min<std::uint64_t>(options.limits.max_pixels, INT64_MAX));
  buffers_.attach(decoder_.get());
  detail::check(avcodec_open2(decoder_.get(), codec, nullptr), "cannot open the decoder", path_);
  start_pts_ = video.start_time != AV_NOPTS_VALUE ? video.start_time : 0;
}

std::string Reader::Impl::frame_name(std::int64_t index, std::int64_t pts) const {
  const double time = static_cast<double>(pts - start_pts_) *
                      av_q2d(demuxer_->streams[info_.stream_index]->time_base);
  return fmt::format("frame {} (t={:.2f} s)", index, time);
}

void Reader::Impl::damaged(int status, std::string_view what) {
  if (std::exception_ptr failure = buffers_.take_failure()) std::rethrow_exception(failure);
  if (status == AVERROR(ENOMEM) || options_.fail_on == FailOn::Error) {
    throw detail::libav_error(status, what, path_);
  }
  warnings_.push_back(fmt::format("{}: {}", what, detail::libav_message(status)));
}

std::optional<Reader::Impl::Decoded> Reader::Impl::next_decoded() {
  const AVRational time_base = stream().time_base;
  while (!finished_) {
    const int received = avcodec_receive_frame(decoder_.get(), frame_.get());
    if (received == 0) {
      const std::int64_t index = decoded_++;
      const std::int64_t pts = frame_->best_effort_timestamp != AV_NOPTS_VALUE
                                   ? frame_->best_effort_timestamp
                                   : frame_->pts;
      const double time = static_cast<double>(pts - start_pts_) * av_q2d(time_base);
      if ((frame_->flags & AV_FRAME_FLAG_CORRUPT) != 0 && options_.fail_on != FailOn::Error) {
        if (options_.fail_on == FailOn::Warning) {
          throw Error(ErrorCode::CorruptData,
                      fmt::format("{} is damaged (--fail-on warning)", frame_name(index, pts)),
                      {.path = path_, .operation = "decode"});
        }
        warnings_.push_back(fmt::format("{} is damaged; kept as decoded", frame_name(index, pts)));
      }
      if (time + 1e-9 < options_.start) {
        av_frame_unref(frame_.get());
        continue;
      }
      if (options_.duration > 0 && time + 1e-9 >= options_.start + options_.duration) {
        av_frame_unref(frame_.get());
        finished_ = true;
        break;
      }
      if (selected_++ % options_.every != 0) {
        av_frame_unref(frame_.get());
        continue;
      }
      detail::FramePtr taken = detail::make_frame();
      av_frame_move_ref(taken.get(), frame_.get());
      return Decoded{std::move(taken), index, pts, time};
    }
    if (received == AVERROR_EOF) {
      finished_ = true;
      break;
    }
    if (received != AVERROR(EAGAIN)) {
      damaged(received, fmt::format("cannot decode frame {}", decoded_));
      continue;
    }
    if (draining_) {  // EAGAIN after the end of input: a decoder that gave all it had
      finished_ = true;
      break;
    }
    // The decoder wants input: the next packet of the video stream.
    const int read = av_read_frame(demuxer_.get(), packet_.get());
    if (read < 0) {
      if (read != AVERROR_EOF) {
        damaged(read, fmt::format("cannot read the packet after frame {} (a truncated or corrupt "
                                  "file)",
                                  decoded_));
      }
      draining_ = true;
      detail::check(avcodec_send_packet(decoder_.get(), nullptr), "cannot drain the decoder",
                    path_);
      continue;
    }
    if (packet_->stream_index != info_.stream_index) {
      const auto stream_index = static_cast<std::size_t>(packet_->stream_index);
      if (stream_index < keep_.size() && keep_[stream_index]) {
        detail::PacketPtr kept = detail::make_packet();
        av_packet_move_ref(kept.get(), packet_.get());
        others_.push_back(std::move(kept));
      } else {
        av_packet_unref(packet_.get());
      }
      continue;
    }
    const int sent = avcodec_send_packet(decoder_.get(), packet_.get());
    av_packet_unref(packet_.get());
    if (sent < 0 && sent != AVERROR(EAGAIN)) {
      damaged(sent, fmt::format("cannot decode the packet after frame {}", decoded_));
    }
  }
  if (std::exception_ptr failure = buffers_.take_failure()) std::rethrow_exception(failure);
  return std::nullopt;
}

Frame Reader::Impl::to_frame(Decoded decoded, detail::FrameToImage& converter) const {
  const AllocationOptions allocation{.label = "video frame", .budget = options_.budget};
  Image image = converter.convert(*decoded.frame, allocation);
  decoded.frame.reset();  // its buffer goes back to the decoder's pool unless the image holds it
  if (info_.rotation != 0) {
    image = ops::rotate(image.view(), info_.rotation, {}, allocation);
  }
  return Frame{std::move(image), decoded.index, decoded.pts, decoded.time};
}

std::optional<Frame> Reader::Impl::next() {
  std::optional<Decoded> decoded = next_decoded();
  if (!decoded) return std::nullopt;
  return to_frame(std::move(*decoded), converter_);
}

Reader::Reader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Reader::Reader(Reader&&) noexcept = default;
Reader& Reader::operator=(Reader&&) noexcept = default;
Reader::~Reader() = default;

Reader Reader::open(const std::filesystem::path& path, const ReaderOptions& options) {
  return Reader(std::make_unique<Impl>(path, options));
}

const VideoInfo& Reader::info() const { return impl_->info(); }
std::optional<Frame> Reader::next() { return impl_->next(); }
const std::vector<std::string>& Reader::warnings() const { return impl_->warnings(); }

}  // namespace tessera::video
