#include "video/writer.h"

extern "C" {
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/error.h"

namespace tessera::video::detail {
namespace {

constexpr int kIoBufferBytes = 1 << 16;

struct EncoderChoice {
  std::string_view name;                  // as --codec says it
  std::array<std::string_view, 2> libav;  // libav encoders, preferred first
};
constexpr std::array<EncoderChoice, 5> kEncoders{{
    {"h264", {"libx264", ""}},
    {"hevc", {"libx265", ""}},
    {"vp9", {"libvpx-vp9", ""}},
    {"av1", {"libsvtav1", "libaom-av1"}},
    {"ffv1", {"ffv1", ""}},
}};

const AVCodec* find_encoder(const std::string& name, const std::string& path) {
  for (const EncoderChoice& choice : kEncoders) {
    if (choice.name != name) continue;
    for (const std::string_view libav : choice.libav) {
      if (libav.empty()) continue;
      if (const AVCodec* codec = avcodec_find_encoder_by_name(std::string(libav).c_str())) {
        return codec;
      }
    }
    throw Error(ErrorCode::UnsupportedFormat,
                fmt::format("this FFmpeg has no {} encoder ({})", name, choice.libav[0]),
                {.path = path, .operation = "encode"});
  }
  throw Error(ErrorCode::InvalidArgument,
              fmt::format("codec '{}' is not one tessera writes: h264, hevc, vp9, av1, ffv1", name),
              {.path = path, .operation = "open video encoder"});
}

// The encoder's pixel format: what holds `source` exactly where the encoder can (ffv1: gray
// or RGB, at the source's depth), else 4:2:0 YUV, which every player shows: 10-bit where the
// encoder has it and the frames are 16-bit (10-bit input stays 10-bit), else 8-bit.
AVPixelFormat encoder_format(const AVCodec& codec, PixelFormat source) {
  const bool gray = source.layout == ChannelLayout::Gray;
  const bool deep = source.sample != SampleType::U8;
  std::vector<AVPixelFormat> candidates;
  if (std::string_view(codec.name) == "ffv1") {
    if (deep) {
      candidates = gray ? std::vector{AV_PIX_FMT_GRAY16LE} : std::vector{AV_PIX_FMT_RGB48LE};
    } else {
      candidates = gray ? std::vector{AV_PIX_FMT_GRAY8}
                        : std::vector{AV_PIX_FMT_BGR0, AV_PIX_FMT_0RGB32, AV_PIX_FMT_YUV444P};
    }
  }
  if (deep) candidates.push_back(AV_PIX_FMT_YUV420P10LE);
  candidates.push_back(AV_PIX_FMT_YUV420P);
  const auto offered = [&](AVPixelFormat format) {
    if (codec.pix_fmts == nullptr) return format == AV_PIX_FMT_YUV420P;
    for (const AVPixelFormat* at = codec.pix_fmts; *at != AV_PIX_FMT_NONE; ++at) {
      if (*at == format) return true;
    }
    return false;
  };
  for (const AVPixelFormat format : candidates) {
    if (offered(format)) return format;
  }
  return codec.pix_fmts != nullptr ? codec.pix_fmts[0] : AV_PIX_FMT_YUV420P;
}

// Refuses frames that `format` cannot hold at their size, before the encoder says it in its
// own words ("Generic error in an external library"): subsampled chroma needs even sides.
void check_frame_size(const AVCodec& codec, AVPixelFormat format, int width, int height,
                      const std::string& path) {
  const AVPixFmtDescriptor* description = av_pix_fmt_desc_get(format);
  const bool odd_width = description->log2_chroma_w > 0 && width % 2 != 0;
  const bool odd_height = description->log2_chroma_h > 0 && height % 2 != 0;
  if (!odd_width && !odd_height) return;
  throw Error(ErrorCode::InvalidArgument,
              fmt::format("{} writes {} frames, whose width and height must be even; these are "
                          "{}x{}: end the pipeline with a crop or resize to an even size, or "
                          "choose --codec ffv1 (in .mkv), which takes any size",
                          codec.name, description->name, width, height),
              {.path = path, .operation = "open video encoder"});
}

// Sets an encoder's private option, refusing a value it does not take in the user's words.
void set_option(AVCodecContext& encoder, const char* option, const std::string& value,
                std::string_view flag, const std::string& path) {
  const int status = av_opt_set(encoder.priv_data, option, value.c_str(), 0);
  if (status < 0) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("{} {}: the {} encoder does not take it ({})", flag, value,
                            encoder.codec->name, libav_message(status)),
                {.path = path, .operation = "open video encoder"});
  }
}

// --crf and --preset in each encoder's own terms (README, "Video").
void apply_settings(AVCodecContext& encoder, const EncoderSettings& settings,
                    const std::string& path) {
  const std::string_view name = encoder.codec->name;
  if (name == "ffv1") {
    if (settings.crf >= 0 || !settings.preset.empty()) {
      throw Error(ErrorCode::InvalidArgument,
                  "ffv1 is lossless: --crf and --preset do not apply to it",
                  {.path = path, .operation = "open video encoder"});
    }
    return;
  }
  // x264 and x265 clamp a crf over 51 without a word: refused here instead.
  if ((name == "libx264" || name == "libx265") && settings.crf > 51) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("--crf {}: {} takes 0 (best) to 51 (0-63 is vp9's and av1's scale)",
                            settings.crf, name),
                {.path = path, .operation = "open video encoder"});
  }
  if (settings.crf >= 0) set_option(encoder, "crf", std::to_string(settings.crf), "--crf", path);
  if (name == "libvpx-vp9" && settings.crf >= 0) encoder.bit_rate = 0;  // constant quality
  if (settings.lookahead >= 0 && name == "libx264") {
    set_option(encoder, "rc-lookahead", std::to_string(settings.lookahead),
               "--memory (the encoder's lookahead)", path);
  }
  // x265 and SVT-AV1 print their settings to stderr themselves, past libav's log level: only
  // their errors, as libx264 and libvpx do. SVT-AV1 reads its level from the environment once
  // the encoder starts (a level the user set is kept).
  if (name == "libx265") set_option(encoder, "x265-params", "log-level=error", "--codec", path);
  if (name == "libsvtav1") ::setenv("SVT_LOG", "1", 0);
  if (!settings.preset.empty() && (name == "libx264" || name == "libx265")) {
    // Checked here: x264 prints its own complaint to stderr before libav can quieten it.
    constexpr std::array<std::string_view, 10> kPresets{
        "ultrafast", "superfast", "veryfast", "faster",   "fast",
        "medium",    "slow",      "slower",   "veryslow", "placebo"};
    if (std::find(kPresets.begin(), kPresets.end(), settings.preset) == kPresets.end()) {
      throw Error(ErrorCode::InvalidArgument,
                  fmt::format("--preset {}: {} takes ultrafast, superfast, veryfast, faster, "
                              "fast, medium (its default), slow, slower, veryslow or placebo",
                              settings.preset, name),
                  {.path = path, .operation = "open video encoder"});
    }
  }
  if (!settings.preset.empty()) {
    // x264, x265 and SVT-AV1 have presets; libvpx and libaom a speed (cpu-used).
    const bool has_presets = name == "libx264" || name == "libx265" || name == "libsvtav1";
    if (!has_presets || name == "libsvtav1") {
      // A number: said with the range rather than in libav's words ("Invalid argument").
      const int highest = has_presets ? 13 : 8;
      int value = -1;
      const char* end = settings.preset.data() + settings.preset.size();
      const auto parsed = std::from_chars(settings.preset.data(), end, value);
      if (parsed.ec != std::errc() || parsed.ptr != end || value < 0 || value > highest) {
        throw Error(ErrorCode::InvalidArgument,
                    fmt::format("--preset {}: {} takes {} 0 (slowest, best) to {} (fastest)",
                                settings.preset, name,
                                has_presets ? "a preset" : "a speed, cpu-used", highest),
                    {.path = path, .operation = "open video encoder"});
      }
    }
    set_option(encoder, has_presets ? "preset" : "cpu-used", settings.preset, "--preset", path);
  }
}

struct OutputIo {
  codecs::AtomicOutputFile* file = nullptr;
  std::exception_ptr failure;  // the first write error, thrown in place of libav's
};

int write_output(void* opaque, std::uint8_t* data, int size) {
  auto& io = *static_cast<OutputIo*>(opaque);
  try {
    io.file->write(data, static_cast<std::size_t>(size));
    return size;
  } catch (...) {
    if (!io.failure) io.failure = std::current_exception();
    return AVERROR(EIO);
  }
}

std::int64_t seek_output(void* opaque, std::int64_t offset, int whence) {
  auto& io = *static_cast<OutputIo*>(opaque);
  std::FILE* stream = io.file->stream();
  if ((whence & AVSEEK_SIZE) != 0) {
    const off_t here = ftello(stream);
    if (fseeko(stream, 0, SEEK_END) != 0) return AVERROR(errno);
    const off_t size = ftello(stream);
    fseeko(stream, here, SEEK_SET);
    return size;
  }
  if (fseeko(stream, offset, whence & ~AVSEEK_FORCE) != 0) return AVERROR(errno);
  return ftello(stream);
}

}  // namespace

void AVIOContextFree::operator()(AVIOContext* context) const {
  if (context == nullptr) return;
  delete static_cast<OutputIo*>(context->opaque);
  av_freep(&context->buffer);  // libav may have replaced the buffer it was given
  avio_context_free(&context);
}

int preset_lookahead(const std::string& preset) {
  if (preset == "ultrafast" || preset == "superfast") return 0;
  if (preset == "veryfast") return 10;
  if (preset == "faster") return 20;
  if (preset == "fast") return 30;
  if (preset == "slow") return 50;
  if (preset == "slower" || preset == "veryslow" || preset == "placebo") return 60;
  return 40;  // medium, the default
}

std::size_t encoder_memory(const pipeline::Shape& frame, const std::string& codec,
                           const EncoderSettings& settings) {
  const double sample_bytes = frame.format.sample == SampleType::U8 ? 1 : 2;
  const double pixels = static_cast<double>(frame.width) * frame.height * sample_bytes;
  if (codec == "h264") {
    const int lookahead =
        settings.lookahead >= 0 ? settings.lookahead : preset_lookahead(settings.preset);
    const int threads = std::max(1, settings.threads);
    return static_cast<std::size_t>(3.3 * pixels * (lookahead + 7 + 6.5 * threads));
  }
  // The others, measured here (2 cores, FFmpeg 5.1): tessera's peak RSS less its floor and
  // its tracked peak, through the seed pipeline (edges: detail costs SVT-AV1 a quarter more
  // than plain frames) at 384x288, 768x576 and 1536x1152; a fixed part and bytes a pixel, the
  // line through the two larger sizes (the smallest is over-estimated, never under).
  // ffv1 holds far more than its few pictures: 315 MiB at 1080p.
  struct Model {
    double fixed_mib;
    double bytes_per_pixel;
  };
  const Model model = codec == "hevc"  ? Model{47, 186}   // x265, preset medium
                      : codec == "vp9" ? Model{42, 121}   // libvpx-vp9, its default speed
                      : codec == "av1" ? Model{104, 217}  // SVT-AV1, its default preset
                                       : Model{7, 156};   // ffv1
  return static_cast<std::size_t>(model.fixed_mib * (1 << 20) + model.bytes_per_pixel * pixels);
}

namespace {
std::string lower_extension(const std::filesystem::path& output) {
  std::string extension = output.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

[[noreturn]] void refuse_container(const std::filesystem::path& output) {
  throw Error(ErrorCode::UnsupportedFormat,
              fmt::format("'{}' is not a video container tessera writes: name it .mp4, .mkv, "
                          ".webm, .mov or .avi (or frames/%06d.png for an image per frame)",
                          output.filename().string()),
              {.path = output.string(), .operation = "encode"});
}
}  // namespace

std::string default_codec(const std::filesystem::path& output) {
  return lower_extension(output) == ".webm" ? "vp9" : "h264";
}

void check_container_name(const std::filesystem::path& output) {
  constexpr std::array<std::string_view, 5> kContainers{".mp4", ".mkv", ".webm", ".mov", ".avi"};
  const std::string extension = lower_extension(output);
  if (std::find(kContainers.begin(), kContainers.end(), extension) == kContainers.end()) {
    refuse_container(output);
  }
}

VideoWriter::VideoWriter(const std::filesystem::path& output, int width, int height,
                         PixelFormat source, const EncoderSettings& settings,
                         AVFormatContext& input, const AVStream& video,
                         const std::vector<bool>& copy, MemoryBudget* budget)
    : path_(output.string()),
      file_(output),
      buffers_(budget, "video encoder frame"),
      packet_(make_packet()),
      source_(source),
      input_time_base_(video.time_base) {
  quiet_libav_log();
  // The container from the output's name, before any work on the encoder.
  check_container_name(output);
  AVFormatContext* made = nullptr;
  const int allocated = avformat_alloc_output_context2(&made, nullptr, nullptr, path_.c_str());
  if (allocated < 0 || made == nullptr) {
    throw Error(ErrorCode::UnsupportedFormat,
                fmt::format("no video container for '{}': name it .mp4, .mkv, .webm, .mov or "
                            ".avi (or frames/%06d.png for images, or null)",
                            output.filename().string()),
                {.path = path_, .operation = "encode"});
  }
  muxer_.reset(made);
  if ((muxer_->oformat->flags & AVFMT_NOFILE) != 0 ||
      muxer_->oformat->video_codec == AV_CODEC_ID_NONE) {
    refuse_container(output);
  }

  const std::string codec_name = settings.codec.empty() ? default_codec(output) : settings.codec;
  const AVCodec* codec = find_encoder(codec_name, path_);
  if (avformat_query_codec(muxer_->oformat, codec->id, FF_COMPLIANCE_NORMAL) != 1) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("a {} file cannot hold {} video: choose another --codec or "
                            "container (.mkv holds every codec)",
                            muxer_->oformat->name, codec_name),
                {.path = path_, .operation = "open video output"});
  }

  encoder_.reset(avcodec_alloc_context3(codec));
  if (!encoder_)
    throw Error(ErrorCode::OutOfMemory, "libav could not make an encoder", {.path = path_});
  encoder_->width = width;
  encoder_->height = height;
  encoder_->pix_fmt = encoder_format(*codec, source);
  check_frame_size(*codec, encoder_->pix_fmt, width, height, path_);
  encoder_->time_base = video.time_base;
  encoder_->framerate = video.avg_frame_rate.num > 0 ? video.avg_frame_rate : video.r_frame_rate;
  encoder_->sample_aspect_ratio = video.codecpar->sample_aspect_ratio;
  encoder_->color_range = AVCOL_RANGE_MPEG;
  encoder_->colorspace = AVCOL_SPC_SMPTE170M;  // BT.601, as the conversion writes it
  encoder_->thread_count = settings.threads;
  if ((muxer_->oformat->flags & AVFMT_GLOBALHEADER) != 0) {
    encoder_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  }
  apply_settings(*encoder_, settings, path_);
  const int opened = avcodec_open2(encoder_.get(), codec, nullptr);
  if (opened < 0) {
    throw Error(
        ErrorCode::InvalidArgument,
        fmt::format("the {} encoder refuses these settings ({}x{}{}{}): {}", codec->name, width,
                    height, settings.crf >= 0 ? fmt::format(", --crf {}", settings.crf) : "",
                    settings.preset.empty() ? "" : ", --preset " + settings.preset,
                    libav_message(opened)),
        {.path = path_, .operation = "open video encoder"});
  }
  (void)make_converter();  // a format the conversion cannot make, refused before any work

  video_out_ = avformat_new_stream(muxer_.get(), nullptr);
  if (video_out_ == nullptr)
    throw Error(ErrorCode::OutOfMemory, "libav could not add a stream", {.path = path_});
  check(avcodec_parameters_from_context(video_out_->codecpar, encoder_.get()),
        "cannot describe the video stream", path_);
  video_out_->time_base = encoder_->time_base;
  video_out_->avg_frame_rate = encoder_->framerate;
  if (codec->id == AV_CODEC_ID_HEVC && (std::string_view(muxer_->oformat->name) == "mp4" ||
                                        std::string_view(muxer_->oformat->name) == "mov")) {
    // libav's default tag is hev1; Apple's players (QuickTime, Safari, iOS) play only hvc1.
    video_out_->codecpar->codec_tag = MKTAG('h', 'v', 'c', '1');
  }

  // The other streams, copied where the container can hold them.
  stream_map_.assign(input.nb_streams, -1);
  for (unsigned i = 0; i < input.nb_streams; ++i) {
    input_bases_.push_back(input.streams[i]->time_base);
    if (i >= copy.size() || !copy[i]) continue;
    const AVStream& in = *input.streams[i];
    if (avformat_query_codec(muxer_->oformat, in.codecpar->codec_id, FF_COMPLIANCE_NORMAL) != 1) {
      warnings_.push_back(fmt::format(
          "stream {} ({} {}) cannot go into a {} file without re-encoding; left out (a .mkv "
          "output keeps it)",
          i, av_get_media_type_string(in.codecpar->codec_type),
          avcodec_get_name(in.codecpar->codec_id), muxer_->oformat->name));
      continue;
    }
    AVStream* out = avformat_new_stream(muxer_.get(), nullptr);
    if (out == nullptr)
      throw Error(ErrorCode::OutOfMemory, "libav could not add a stream", {.path = path_});
    check(avcodec_parameters_copy(out->codecpar, in.codecpar), "cannot copy a stream's parameters",
          path_);
    out->codecpar->codec_tag = 0;  // the container's own tag for the codec
    out->time_base = in.time_base;
    out->disposition = in.disposition;
    av_dict_copy(&out->metadata, in.metadata, 0);
    stream_map_[i] = out->index;
  }

  // Output through the temporary file: its writes keep the system's errno (a full disk).
  auto* buffer = static_cast<std::uint8_t*>(av_malloc(kIoBufferBytes));
  if (buffer == nullptr)
    throw Error(ErrorCode::OutOfMemory, "libav could not make an I/O buffer", {.path = path_});
  auto* io_state = new OutputIo{.file = &file_};
  AVIOContext* io =
      avio_alloc_context(buffer, kIoBufferBytes, 1, io_state, nullptr, write_output, seek_output);
  if (io == nullptr) {
    av_free(buffer);
    delete io_state;
    throw Error(ErrorCode::OutOfMemory, "libav could not make an I/O context", {.path = path_});
  }
  io_.reset(io);
  muxer_->pb = io_.get();
  const int header = avformat_write_header(muxer_.get(), nullptr);
  if (header < 0) {
    if (auto& failure = static_cast<OutputIo*>(io_->opaque)->failure)
      std::rethrow_exception(failure);
    if (header == AVERROR(ENOMEM)) throw libav_error(header, "cannot write the header", path_);
    // Not the file (its errors are thrown above): the muxer refuses what it was given, a codec
    // avformat_query_codec() let through (vp9 in .mov) or a copied stream's parameters.
    std::string copied;
    for (unsigned i = 1; i < muxer_->nb_streams; ++i) {
      const AVCodecParameters& stream = *muxer_->streams[i]->codecpar;
      copied += fmt::format("{}{} {}", copied.empty() ? "" : ", ",
                            av_get_media_type_string(stream.codec_type),
                            avcodec_get_name(stream.codec_id));
    }
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("the {} muxer refuses {} video{} ({}): choose another --codec or "
                            "container (.mkv holds every codec){}",
                            muxer_->oformat->name, codec_name,
                            copied.empty() ? "" : " or a stream copied beside it (" + copied + ")",
                            libav_message(header),
                            copied.empty() ? "" : ", or --no-audio to leave those out"),
                {.path = path_, .operation = "open video output"});
  }
  header_written_ = true;
}

VideoWriter::~VideoWriter() = default;

FramePtr VideoWriter::make_frame() {
  FramePtr frame = detail::make_frame();
  frame->format = encoder_->pix_fmt;
  frame->width = encoder_->width;
  frame->height = encoder_->height;
  const int filled = buffers_.fill(frame.get(), frame->width, frame->height);
  if (filled < 0) {
    if (std::exception_ptr failure = buffers_.take_failure()) std::rethrow_exception(failure);
    throw libav_error(filled, "cannot make an encoder frame", path_);
  }
  return frame;
}

std::unique_ptr<ImageToFrame> VideoWriter::make_converter() const {
  return std::make_unique<ImageToFrame>(source_, encoder_->pix_fmt, path_);
}

void VideoWriter::write(FramePtr frame, std::int64_t pts) {
  frame->pts = pts;
  send(frame.get());
}

void VideoWriter::send(AVFrame* frame) {
  const int sent = avcodec_send_frame(encoder_.get(), frame);
  if (sent < 0 && sent != AVERROR_EOF) throw libav_error(sent, "cannot encode a frame", path_);
  write_packets();
}

void VideoWriter::write_packets() {
  while (true) {
    const int received = avcodec_receive_packet(encoder_.get(), packet_.get());
    if (received == AVERROR(EAGAIN) || received == AVERROR_EOF) return;
    check(received, "cannot encode a frame", path_);
    av_packet_rescale_ts(packet_.get(), encoder_->time_base, video_out_->time_base);
    packet_->stream_index = video_out_->index;
    const int written = av_interleaved_write_frame(muxer_.get(), packet_.get());
    if (written < 0) {
      if (auto& failure = static_cast<OutputIo*>(io_->opaque)->failure)
        std::rethrow_exception(failure);
      throw libav_error(written, "cannot write a video packet", path_);
    }
  }
}

void VideoWriter::copy(AVPacket& packet) {
  const auto index = static_cast<std::size_t>(packet.stream_index);
  if (index >= stream_map_.size() || stream_map_[index] < 0) {
    av_packet_unref(&packet);
    return;
  }
  const AVStream& out = *muxer_->streams[stream_map_[index]];
  av_packet_rescale_ts(&packet, input_bases_[index], out.time_base);
  packet.stream_index = out.index;
  packet.pos = -1;
  const int written = av_interleaved_write_frame(muxer_.get(), &packet);  // takes the packet
  if (written < 0) {
    if (auto& failure = static_cast<OutputIo*>(io_->opaque)->failure)
      std::rethrow_exception(failure);
    throw libav_error(written, "cannot copy a packet", path_);
  }
  ++packets_copied_;
}

void VideoWriter::finish() {
  send(nullptr);  // the frames the encoder still holds
  const int trailer = av_write_trailer(muxer_.get());
  if (trailer < 0) {
    if (auto& failure = static_cast<OutputIo*>(io_->opaque)->failure)
      std::rethrow_exception(failure);
    throw libav_error(trailer, "cannot finish the container", path_);
  }
  avio_flush(io_.get());
  if (auto& failure = static_cast<OutputIo*>(io_->opaque)->failure) std::rethrow_exception(failure);
  file_.commit();
}

}  // namespace tessera::video::detail
