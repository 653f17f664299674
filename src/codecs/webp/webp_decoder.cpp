// WebP decoding on libwebp: the container through libwebpdemux (first frame of an animation,
// ICC and EXIF chunks), the bitstream through WebPDecode with scaling for shrink-on-load; a
// later frame of an animation (DecodeOptions::page) through WebPAnimDecoder, composited.
//
// libwebp decodes a whole image into one output buffer (and lossless WebP needs the whole image
// for its transforms), so the file is read whole into tracked memory, and the image is decoded
// at the first read: straight into the caller's rows when they cover it all, as read()'s do,
// otherwise into tracked memory that rows are served from. The limits check counts both.

#include <webp/decode.h>
#include <webp/demux.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "codecs/exif_orientation.h"
#include "codecs/limits.h"
#include "codecs/orientation.h"
#include "codecs/webp/webp_codec.h"
#include "core/fault_injection.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

struct DemuxerOwner {
  WebPDemuxer* demuxer = nullptr;
  ~DemuxerOwner() { WebPDemuxDelete(demuxer); }
};

struct AnimDecoderOwner {
  WebPAnimDecoder* decoder = nullptr;
  ~AnimDecoderOwner() { WebPAnimDecoderDelete(decoder); }
};

Error webp_error(VP8StatusCode status, const std::filesystem::path& path) {
  const ErrorContext context{.path = path.string(), .operation = "decode"};
  switch (status) {
    case VP8_STATUS_OUT_OF_MEMORY:
      return Error(ErrorCode::OutOfMemory, "libwebp ran out of memory", context);
    case VP8_STATUS_UNSUPPORTED_FEATURE:
      return Error(ErrorCode::UnsupportedFormat, "a WebP feature libwebp does not support",
                   context);
    case VP8_STATUS_NOT_ENOUGH_DATA:
      return Error(ErrorCode::CorruptData, "not a valid WebP: the file ends too early", context);
    default:
      return Error(ErrorCode::CorruptData,
                   fmt::format("not a valid WebP: bitstream error (libwebp status {})",
                               static_cast<int>(status)),
                   context);
  }
}

std::vector<std::byte> chunk(WebPDemuxer* demuxer, const char* fourcc) {
  WebPChunkIterator iterator{};
  std::vector<std::byte> bytes;
  if (WebPDemuxGetChunk(demuxer, fourcc, 1, &iterator)) {
    const auto* data = reinterpret_cast<const std::byte*>(iterator.chunk.bytes);
    bytes.assign(data, data + iterator.chunk.size);
    WebPDemuxReleaseChunkIterator(&iterator);
  }
  return bytes;
}

class WebpDecoder final : public Decoder {
 public:
  WebpDecoder(const std::filesystem::path& path, const ImageInfo& info, memory::Buffer file,
              std::vector<std::byte> icc_profile, MemoryBudget* budget)
      : Decoder(path, info), file_(std::move(file)), budget_(budget) {
    icc_profile_ = std::move(icc_profile);
  }
  void set_metadata(Metadata metadata) { metadata_ = std::move(metadata); }

  // A later frame of an animation comes from libwebp's WebPAnimDecoder, which holds the
  // canvas, the previous one (for disposal) and a frame being decoded, in 8-bit RGBA.
  std::size_t working_bytes() const override {
    return info().page > 0 ? animation_working_bytes(info().width, info().height) : 0;
  }
  static std::size_t animation_working_bytes(int width, int height) {
    return std::size_t{3} * 4 * static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  }

  // The smallest size at least min_width x min_height with the image's aspect (never larger).
  void configure(const DecodeOptions& options) {
    const bool transposes = orientation_transposes(info().orientation);
    const int min_width = transposes ? options.min_height : options.min_width;
    const int min_height = transposes ? options.min_width : options.min_height;
    const double factor = std::min(1.0, std::max(static_cast<double>(min_width) / info().width,
                                                 static_cast<double>(min_height) / info().height));
    if (options.shrink_on_load && (min_width > 0 || min_height > 0) && factor < 1.0 &&
        info().page == 0) {
      set_output(std::max(1, static_cast<int>(std::ceil(info().width * factor))),
                 std::max(1, static_cast<int>(std::ceil(info().height * factor))),
                 info().pixel_format);
    }
  }

 private:
  // Finds the first frame; the decode itself waits for rows to put it in (see decode_rows).
  void begin_decoding() override {
    if (info().page > 0) {
      composite_frame();
      return;
    }
    const WebPData data{reinterpret_cast<const std::uint8_t*>(file_.data()), file_.size()};
    demuxer_.demuxer = detail::inject_fault() ? nullptr : WebPDemux(&data);
    if (demuxer_.demuxer == nullptr) throw webp_error(VP8_STATUS_BITSTREAM_ERROR, path());
    WebPIterator frame{};
    if (!WebPDemuxGetFrame(demuxer_.demuxer, 1, &frame)) {
      throw Error(ErrorCode::CorruptData, "not a valid WebP: it has no image",
                  {.path = path().string(), .operation = "decode"});
    }
    bitstream_ = frame.fragment;
    // An animation's first frame may cover part of the canvas; scaling applies to whole images.
    const bool scaled = width() != info().width || height() != info().height;
    place_ = scaled ? Rect{0, 0, width(), height()}
                    : Rect{frame.x_offset, frame.y_offset, frame.width, frame.height};
    WebPDemuxReleaseIterator(&frame);
    if (!rect_fits(place_, width(), height())) {
      throw Error(ErrorCode::CorruptData,
                  "not a valid WebP: the first frame lies outside the canvas",
                  {.path = path().string(), .operation = "decode"});
    }
  }

  // Frame info().page of an animation as a viewer shows it: WebPAnimDecoder blends and disposes
  // each frame since the last key frame on its own canvas (transparent black underneath, as the
  // WebP container specification recommends), which is copied into tracked memory.
  void composite_frame() {
    const ErrorContext context{.path = path().string(), .operation = "decode"};
    WebPAnimDecoderOptions options{};
    if (!WebPAnimDecoderOptionsInit(&options)) {
      throw Error(ErrorCode::Internal, "libwebp's animation decoder has another ABI", context);
    }
    options.color_mode = MODE_RGBA;
    options.use_threads = 0;
    const WebPData data{reinterpret_cast<const std::uint8_t*>(file_.data()), file_.size()};
    const AnimDecoderOwner animation{detail::inject_fault() ? nullptr
                                                            : WebPAnimDecoderNew(&data, &options)};
    if (animation.decoder == nullptr) {
      throw Error(ErrorCode::CorruptData, "not a valid WebP: the animation cannot be read",
                  context);
    }
    std::uint8_t* canvas = nullptr;
    int timestamp = 0;
    for (int frame = 0; frame <= info().page; ++frame) {
      if (!WebPAnimDecoderHasMoreFrames(animation.decoder) ||
          !WebPAnimDecoderGetNext(animation.decoder, &canvas, &timestamp)) {
        throw Error(
            ErrorCode::CorruptData,
            fmt::format("not a valid WebP: frame {} of the animation cannot be decoded", frame),
            context);
      }
    }
    pixels_ =
        Image::create(width(), height(), format(), {.label = "decoded WebP", .budget = budget_});
    const int channels = format().channels();
    for (int y = 0; y < height(); ++y) {
      const std::uint8_t* in =
          canvas + std::size_t{4} * static_cast<std::size_t>(width()) * static_cast<std::size_t>(y);
      auto* out = pixels_.mutable_view().row<std::uint8_t>(y);
      if (channels == 4) {
        std::memcpy(out, in, std::size_t{4} * static_cast<std::size_t>(width()));
        continue;
      }
      for (int x = 0; x < width(); ++x) std::memcpy(out + x * 3, in + x * 4, 3);
    }
    file_ = {};
  }

  // libwebp decodes whole images only. When the first request covers the whole image (as
  // read() does), it decodes straight into it; otherwise into tracked memory, served in parts.
  void decode_rows(const MutableImageView& rows) override {
    if (info().page > 0) {
      for (int y = 0; y < rows.height(); ++y)
        std::memcpy(rows.row(y), pixels_.row(rows_read() + y), rows.row_bytes());
      if (rows_read() + rows.height() == height()) pixels_ = {};
      return;
    }
    if (rows_read() == 0 && rows.height() == height()) {
      decode_into(rows);
      release_input();
      return;
    }
    if (pixels_.empty()) {
      pixels_ =
          Image::create(width(), height(), format(), {.label = "decoded WebP", .budget = budget_});
      decode_into(pixels_.mutable_view());
      release_input();
    }
    for (int y = 0; y < rows.height(); ++y) {
      std::memcpy(rows.row(y), pixels_.row(rows_read() + y), rows.row_bytes());
    }
    if (rows_read() + rows.height() == height()) pixels_ = {};
  }

  void decode_into(const MutableImageView& canvas) {
    const bool whole_canvas = place_ == Rect{0, 0, width(), height()};
    if (!whole_canvas) {  // transparent around a partial first frame
      for (int y = 0; y < canvas.height(); ++y) std::memset(canvas.row(y), 0, canvas.row_bytes());
    }
    const MutableImageView target = canvas.subview(place_);
    WebPDecoderConfig config;
    WebPInitDecoderConfig(&config);
    config.output.colorspace = format().has_alpha() ? MODE_RGBA : MODE_RGB;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = reinterpret_cast<std::uint8_t*>(target.data());
    config.output.u.RGBA.stride = static_cast<int>(target.stride());
    config.output.u.RGBA.size =
        static_cast<std::size_t>(target.stride()) * static_cast<std::size_t>(target.height() - 1) +
        target.row_bytes();
    if (width() != info().width || height() != info().height) {
      config.options.use_scaling = 1;
      config.options.scaled_width = width();
      config.options.scaled_height = height();
    }
    const VP8StatusCode status = detail::inject_fault()
                                     ? VP8_STATUS_OUT_OF_MEMORY
                                     : WebPDecode(bitstream_.bytes, bitstream_.size, &config);
    WebPFreeDecBuffer(&config.output);  // frees nothing here (external memory), but is the rule
    if (status != VP8_STATUS_OK) throw webp_error(status, path());
  }

  // The compressed bytes (and the demuxer pointing into them) are no longer needed.
  void release_input() {
    WebPDemuxDelete(demuxer_.demuxer);
    demuxer_.demuxer = nullptr;
    bitstream_ = {};
    file_ = {};
  }

  memory::Buffer file_;
  MemoryBudget* budget_;
  DemuxerOwner demuxer_;  // declared after file_: destroyed before the bytes it points into
  WebPData bitstream_{};
  Rect place_;
  Image pixels_;  // only when rows are asked for in parts
};

}  // namespace

std::unique_ptr<Decoder> open_webp_decoder(std::unique_ptr<InputFile> file,
                                           const std::filesystem::path& path,
                                           const DecodeOptions& options) {
  MemoryBudget* budget = budget_of(options.limits);
  memory::Buffer bytes = read_whole_file(*file, path, budget, "WebP file");
  DemuxerOwner owner;
  const WebPData data{reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
  owner.demuxer = detail::inject_fault() ? nullptr : WebPDemux(&data);
  if (owner.demuxer == nullptr) {
    throw Error(ErrorCode::CorruptData, "not a valid WebP: the container cannot be parsed",
                {.path = path.string(), .operation = "read header"});
  }
  const std::uint32_t flags = WebPDemuxGetI(owner.demuxer, WEBP_FF_FORMAT_FLAGS);
  ImageInfo info;
  info.format = FileFormat::Webp;
  info.width = static_cast<int>(WebPDemuxGetI(owner.demuxer, WEBP_FF_CANVAS_WIDTH));
  info.height = static_cast<int>(WebPDemuxGetI(owner.demuxer, WEBP_FF_CANVAS_HEIGHT));
  // A simple-format file with an alpha-carrying bitstream does not set the ALPHA flag.
  WebPBitstreamFeatures features{};
  const bool has_alpha = (flags & ALPHA_FLAG) != 0 ||
                         (WebPGetFeatures(data.bytes, data.size, &features) == VP8_STATUS_OK &&
                          features.has_alpha != 0);
  info.pixel_format = has_alpha ? PixelFormat::rgba8() : PixelFormat::rgb8();
  // The container says how many frames an animation has; a still image is one frame.
  info.frames = std::max(1, static_cast<int>(WebPDemuxGetI(owner.demuxer, WEBP_FF_FRAME_COUNT)));
  info.animated = (flags & ANIMATION_FLAG) != 0 && info.frames > 1;
  info.page = checked_page(options, info.frames, "frame", path);
  std::vector<std::byte> icc = chunk(owner.demuxer, "ICCP");
  info.has_icc_profile = !icc.empty();
  Metadata metadata;
  metadata.exif = chunk(owner.demuxer, "EXIF");
  metadata.xmp = chunk(owner.demuxer, "XMP ");
  info.orientation = exif_orientation(reinterpret_cast<const unsigned char*>(metadata.exif.data()),
                                      metadata.exif.size());

  // The decoded pixels are held whole before rows go out; the file is already charged.
  check_limits(
      info,
      info.decode_bytes() +
          (info.page > 0 ? WebpDecoder::animation_working_bytes(info.width, info.height) : 0),
      options.limits, path);
  auto decoder =
      std::make_unique<WebpDecoder>(path, info, std::move(bytes), std::move(icc), budget);
  decoder->configure(options);
  decoder->set_metadata(std::move(metadata));
  return decoder;
}

}  // namespace tessera::codecs
