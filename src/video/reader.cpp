// Frames of a video as Images (see tessera/video.h and reader_impl.h).

#include <fmt/format.h>

extern "C" {
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

#include <algorithm>
#include <cctype>
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

// A codec tag as the four characters containers write ("div3", "avc1"), unprintable ones as
// [hex].
std::string fourcc(std::uint32_t tag) {
  char text[AV_FOURCC_MAX_STRING_SIZE] = {};
  return av_fourcc_make_string(text, tag);
}

}  // namespace

int threads_of(const ReaderOptions& options) {
  return options.threads > 0 ? options.threads : decoder_threads();
}

int decoder_threads() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) + 1;
}

InputContext open_demuxer(const std::filesystem::path& path, VideoInfo& info, int threads,
                          double sequence_rate) {
  quiet_libav_log();
  const std::string name = path.string();
  AVFormatContext* opened = nullptr;
  // An image sequence's frames carry the file each came from (image2's frame metadata), for
  // messages that name it. Demuxers that do not know the option leave it in the dictionary.
  AVDictionary* demuxer_options = nullptr;
  av_dict_set(&demuxer_options, "export_path_metadata", "1", 0);
  if (sequence_rate > 0) {
    av_dict_set(&demuxer_options, "framerate", fmt::format("{:g}", sequence_rate).c_str(), 0);
  }
  int status = avformat_open_input(&opened, name.c_str(), nullptr, &demuxer_options);
  av_dict_free(&demuxer_options);
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
    if (status == AVERROR_EOF) {
      throw Error(ErrorCode::CorruptData,
                  "the file ends before its first frame: a stream with no frames, or a file cut "
                  "off after its headers",
                  {.path = name, .operation = "open video"});
    }
    throw libav_error(status, "cannot open the video", name);
  }
  InputContext demuxer(opened);
  if (sequence_rate > 0 && std::string_view(demuxer->iformat->name) != "image2") {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("a frame rate ({:g}) is for an image sequence input "
                            "(frames/%06d.png); a video keeps its own timestamps",
                            sequence_rate),
                {.path = name, .operation = "open video"});
  }
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
    : Impl(path, options, {}, {}) {}

Reader::Impl::Impl(const std::filesystem::path& path, const ReaderOptions& options,
                   detail::InputContext demuxer, VideoInfo info)
    : path_(path.string()),
      options_(options),
      info_(std::move(info)),
      demuxer_(demuxer ? std::move(demuxer)
                       : detail::open_demuxer(path, info_, detail::threads_of(options),
                                              options.sequence_rate)),
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
  // Past the end is a mistake in the arguments, not an empty video (as run() says it).
  if (options.start > 0 && info_.duration > 0 && options.start >= info_.duration) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("start {:g} s is past the end of the video ({:.1f} s)", options.start,
                            info_.duration),
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
                parameters.codec_id == AV_CODEC_ID_NONE
                    ? fmt::format("a video codec FFmpeg does not know (the file calls it '{}')",
                                  detail::fourcc(parameters.codec_tag))
                    : fmt::format("video codec '{}', which this FFmpeg cannot decode", info_.codec),
                {.path = path_, .operation = "open video"});
  }
  decoder_.reset(avcodec_alloc_context3(codec));
  if (!decoder_)
    throw Error(ErrorCode::OutOfMemory, "libav could not make a decoder", {.path = path_});
  detail::check(avcodec_parameters_to_context(decoder_.get(), &parameters),
                "cannot set up the decoder", path_);
  decoder_->pkt_timebase = video.time_base;
  decoder_->thread_count = detail::threads_of(options);
  decoder_->max_pixels =
      static_cast<std::int64_t>(std::min<std::uint64_t>(options.limits.max_pixels, INT64_MAX));
  // The decoder's own checks on: without them most decoders conceal damage (a truncated or
  // corrupt MS-MPEG4 or H.263 frame comes out patched, with no error and often no flag).
  // Bitstream and CRC checks let it mark what it concealed; under error and warning it also
  // rejects the packet (explode), which then ends the run naming the frame.
  decoder_->err_recognition |= AV_EF_CRCCHECK | AV_EF_BITSTREAM;
  if (options.fail_on != FailOn::None) decoder_->err_recognition |= AV_EF_EXPLODE;
  buffers_.attach(decoder_.get());
  detail::check(avcodec_open2(decoder_.get(), codec, nullptr), "cannot open the decoder", path_);
  start_pts_ = video.start_time != AV_NOPTS_VALUE ? video.start_time : 0;
}

std::string Reader::Impl::frame_name(std::int64_t index, std::int64_t pts) const {
  if (pts == AV_NOPTS_VALUE) return fmt::format("frame {}", index);
  const double time = static_cast<double>(pts - start_pts_) *
                      av_q2d(demuxer_->streams[info_.stream_index]->time_base);
  return fmt::format("frame {} (t={:.2f} s)", index, time);
}

void Reader::Impl::damaged(int status, std::string_view what) {
  if (std::exception_ptr failure = buffers_.take_failure()) std::rethrow_exception(failure);
  // --fail-on warning is at least as strict as error: only none goes on past damage.
  if (status == AVERROR(ENOMEM) || options_.fail_on != FailOn::None) {
    throw detail::libav_error(status, what, path_);
  }
  warnings_.push_back(fmt::format("{}: {}", what, detail::libav_message(status)));
}

namespace {

// The file an image sequence's packet came from (image2's packet metadata), or empty for
// other streams. Taken from the packet: decoders such as PNG's replace the frame's metadata.
std::string source_file(const AVPacket& packet) {
  std::size_t size = 0;
  const std::uint8_t* data = av_packet_get_side_data(&packet, AV_PKT_DATA_STRINGS_METADATA, &size);
  if (data == nullptr) return {};
  AVDictionary* metadata = nullptr;
  std::string source;
  if (av_packet_unpack_dictionary(data, size, &metadata) >= 0) {
    const AVDictionaryEntry* entry =
        av_dict_get(metadata, "lavf.image2dec.source_path", nullptr, 0);
    if (entry != nullptr) source = entry->value;
  }
  av_dict_free(&metadata);
  return source;
}

// The number in `name` where `pattern` ("frames/%06d.png") has its conversion, or -1 when the
// name does not fit the pattern.
std::int64_t sequence_number(const std::string& pattern, const std::string& name) {
  const std::size_t percent = pattern.find('%');
  const std::size_t conversion_end = pattern.find('d', percent);
  if (percent == std::string::npos || conversion_end == std::string::npos) return -1;
  const std::string prefix = pattern.substr(0, percent);
  const std::string suffix = pattern.substr(conversion_end + 1);
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return -1;
  }
  const std::string digits =
      name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.size() > 15 || !std::all_of(digits.begin(), digits.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
      })) {
    return -1;
  }
  return std::stoll(digits);
}

}  // namespace

void Reader::Impl::check_size(std::int64_t index, std::int64_t pts) {
  const AVCodecParameters& parameters = *stream().codecpar;
  std::string source;
  if (const auto found = sources_.find(pts); found != sources_.end()) source = found->second;
  sources_.erase(sources_.begin(), sources_.upper_bound(pts));
  if (!source.empty()) last_source_ = source;
  if (frame_->width == parameters.width && frame_->height == parameters.height) return;
  // The plan, the converters and the encoder are made for the stream's size: a frame of
  // another size (an image sequence of mixed sizes) is refused, never scaled or padded.
  const std::string from = source.empty() ? "" : fmt::format(", {}", source);
  throw Error(ErrorCode::CorruptData,
              fmt::format("{}{} is {}x{}, but the frames before it are {}x{}: every frame of a "
                          "video must be one size (resize the images first)",
                          frame_name(index, pts), from, frame_->width, frame_->height,
                          parameters.width, parameters.height),
              {.path = path_, .operation = "decode"});
}

void Reader::Impl::check_sequence_end() {
  // image2 stops at the first number missing (as ffmpeg does): a file after the gap is said,
  // not silently left out.
  if (last_source_.empty() || info_.container != "image2") return;
  const std::filesystem::path last(last_source_);
  const std::filesystem::path pattern(path_);
  const std::int64_t last_number =
      sequence_number(pattern.filename().string(), last.filename().string());
  if (last_number < 0) return;
  std::error_code error;
  const std::filesystem::path folder = pattern.has_parent_path() ? pattern.parent_path() : ".";
  std::int64_t next_found = -1;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::int64_t number =
        sequence_number(pattern.filename().string(), entry.path().filename().string());
    if (number > last_number && (next_found < 0 || number < next_found)) next_found = number;
  }
  if (next_found < 0) return;
  warnings_.push_back(fmt::format(
      "the sequence stops at {} (number {} is missing): the files from number {} on are not "
      "read, as ffmpeg's image2 reads up to the first gap; renumber them to include them",
      last.filename().string(), last_number + 1, next_found));
}

void Reader::Impl::check_damage(std::int64_t index, std::int64_t pts) {
  const int flags = frame_->decode_error_flags;
  const bool concealed = (frame_->flags & AV_FRAME_FLAG_CORRUPT) != 0 ||
                         (flags & ~FF_DECODE_ERROR_MISSING_REFERENCE) != 0;
  const bool missing_reference = (flags & FF_DECODE_ERROR_MISSING_REFERENCE) != 0;
  if (!concealed && !missing_reference) return;
  // A frame whose reference is missing (a clip cut between key frames) is what a stream that
  // starts mid-GOP gives: a warning under error, the end of the run under warning. A frame the
  // decoder patched up is damage: the end of the run unless under none.
  const bool fatal =
      options_.fail_on == FailOn::Warning || (options_.fail_on == FailOn::Error && concealed);
  const std::string what =
      concealed
          ? fmt::format("{} is damaged: the decoder concealed errors in it", frame_name(index, pts))
          : fmt::format(
                "{} refers to a frame the stream does not hold (a cut between "
                "key frames)",
                frame_name(index, pts));
  if (fatal) {
    throw Error(ErrorCode::CorruptData,
                fmt::format("{} (--fail-on {})", what,
                            options_.fail_on == FailOn::Warning ? "warning" : "error"),
                {.path = path_, .operation = "decode"});
  }
  warnings_.push_back(what + "; kept as decoded");
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
      check_damage(index, pts);
      check_size(index, pts);
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
      check_sequence_end();
      break;
    }
    if (received != AVERROR(EAGAIN)) {
      damaged(received, fmt::format("cannot decode frame {}", decoded_));
      continue;
    }
    if (draining_) {  // EAGAIN after the end of input: a decoder that gave all it had
      finished_ = true;
      check_sequence_end();
      break;
    }
    // The decoder wants input: the next packet of the video stream.
    const int read = av_read_frame(demuxer_.get(), packet_.get());
    if (read < 0) {
      // image2 guesses a sequence's range by probing numbers 1, 2, 4, 8, ... past the first,
      // so it can step over a gap and then fail to open the missing file (EIO): the sequence
      // ends there, as at its end, and check_sequence_end() says what was left out.
      const bool sequence_gap = read == AVERROR(EIO) && info_.container == "image2";
      if (read != AVERROR_EOF && !sequence_gap) {
        damaged(read, fmt::format("cannot read the video stream past its packet {} (a truncated "
                                  "or corrupt file)",
                                  packets_read_));
      }
      draining_ = true;
      detail::check(avcodec_send_packet(decoder_.get(), nullptr), "cannot drain the decoder",
                    path_);
      continue;
    }
    if (packet_->stream_index == info_.stream_index) ++packets_read_;
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
    // Named by the packet's place in the stream (frame threads give frames later than their
    // packets: the count of frames given would name an earlier one).
    const std::int64_t packet_index = packets_++;
    const std::int64_t packet_pts = packet_->pts != AV_NOPTS_VALUE ? packet_->pts : packet_->dts;
    if (info_.container == "image2") {
      if (std::string source = source_file(*packet_); !source.empty()) {
        sources_[packet_pts] = std::move(source);
      }
    }
    const int sent = avcodec_send_packet(decoder_.get(), packet_.get());
    av_packet_unref(packet_.get());
    if (sent < 0 && sent != AVERROR(EAGAIN)) {
      damaged(sent, fmt::format("cannot decode {} (packet {} of the video stream)",
                                frame_name(packet_index, packet_pts), packet_index));
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
