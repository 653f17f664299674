// WebP encoding on libwebp: lossy (quality) or lossless, alpha kept, ICC through libwebpmux.
//
// libwebp encodes a whole picture at once, so rows are gathered into tracked memory (charged to
// the current budget) and encoded by finish().

#include <webp/encode.h>
#include <webp/mux.h>

#include <fmt/format.h>

#include <cstring>

#include "codecs/file_io.h"
#include "codecs/row_conversion.h"
#include "codecs/webp/webp_codec.h"
#include "core/fault_injection.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

struct PictureOwner {
  WebPPicture picture;
  PictureOwner() { WebPPictureInit(&picture); }
  ~PictureOwner() { WebPPictureFree(&picture); }
};

struct MemoryWriterOwner {
  WebPMemoryWriter writer;
  MemoryWriterOwner() { WebPMemoryWriterInit(&writer); }
  ~MemoryWriterOwner() { WebPMemoryWriterClear(&writer); }
};

struct MuxOwner {
  WebPMux* mux = nullptr;
  WebPData assembled{};
  ~MuxOwner() {
    WebPDataClear(&assembled);
    WebPMuxDelete(mux);
  }
};

class WebpEncoder final : public Encoder {
 public:
  WebpEncoder(const std::filesystem::path& path, int width, int height, PixelFormat format,
              const EncodeOptions& options)
      : Encoder(path, width, height, format), file_(path), options_(options) {
    if (width > WEBP_MAX_DIMENSION || height > WEBP_MAX_DIMENSION) {
      throw Error(ErrorCode::ImageTooLarge,
                  fmt::format("WebP stores at most {} pixels a side; this image is {}x{}",
                              WEBP_MAX_DIMENSION, width, height),
                  {.path = path.string(), .operation = "encode"});
    }
    // WebP has no grey: grey is stored as RGB. Alpha is kept.
    stored_ = format.has_alpha() ? PixelFormat::rgba8() : PixelFormat::rgb8();
    pixels_ = Image::create(width, height, stored_, {.label = "WebP rows to encode"});
  }

 private:
  void encode_rows(const ImageView& rows) override {
    for (int y = 0; y < rows.height(); ++y) {
      auto* target = pixels_.mutable_view().row<std::uint8_t>(rows_written() + y);
      if (rows.format().channels() >= 3) {
        convert_row_to_u8(rows.row(y), rows.format(), rows.width(), stored_.layout, target);
        continue;
      }
      // Grey (and grey + alpha): widen to RGB(A) after bringing samples to 8 bits.
      std::vector<std::uint8_t> grey(static_cast<std::size_t>(rows.width()) *
                                     rows.format().channels());
      convert_row_to_u8(rows.row(y), rows.format(), rows.width(), rows.format().layout,
                        grey.data());
      const int channels = rows.format().channels();
      for (int x = 0; x < rows.width(); ++x) {
        const std::uint8_t value = grey[static_cast<std::size_t>(x * channels)];
        target[x * stored_.channels()] = target[x * stored_.channels() + 1] =
            target[x * stored_.channels() + 2] = value;
        if (channels == 2) target[x * 4 + 3] = grey[static_cast<std::size_t>(x * 2 + 1)];
      }
    }
  }

  void finish_encoding() override {
    const ErrorContext context{.path = file_.path().string(), .operation = "encode"};
    WebPConfig config;
    if (!WebPConfigInit(&config))
      throw Error(ErrorCode::Internal, "libwebp version mismatch", context);
    config.lossless = options_.lossless ? 1 : 0;
    // Lossless means exact: libwebp would otherwise rewrite the colour of transparent pixels.
    config.exact = config.lossless;
    // Lossy: the quality asked. Lossless: libwebp's default effort (WebPConfigInit's), whatever
    // the quality says (the format table marks quality as lossy WebP's only).
    if (!config.lossless) config.quality = static_cast<float>(options_.quality);
    PictureOwner picture;
    picture.picture.use_argb = config.lossless;
    picture.picture.width = width();
    picture.picture.height = height();
    const auto* data = reinterpret_cast<const std::uint8_t*>(pixels_.data());
    const int stride = static_cast<int>(pixels_.stride());
    const bool imported =
        !detail::inject_fault() &&
        (stored_.has_alpha() ? WebPPictureImportRGBA(&picture.picture, data, stride)
                             : WebPPictureImportRGB(&picture.picture, data, stride));
    if (!imported)
      throw Error(ErrorCode::OutOfMemory, "libwebp could not take the picture", context);
    pixels_ = {};  // libwebp holds its own copy now
    MemoryWriterOwner output;
    picture.picture.writer = WebPMemoryWrite;
    picture.picture.custom_ptr = &output.writer;
    if (detail::inject_fault() || !WebPEncode(&config, &picture.picture)) {
      throw Error(ErrorCode::OutOfMemory,
                  fmt::format("libwebp could not encode (error {})",
                              static_cast<int>(picture.picture.error_code)),
                  context);
    }
    const std::uint8_t* bytes = output.writer.mem;
    std::size_t size = output.writer.size;
    MuxOwner mux;
    const Metadata& metadata = options_.metadata;
    if (!options_.icc_profile.empty() || !metadata.exif.empty() || !metadata.xmp.empty()) {
      // The ICC profile, EXIF and XMP as the extended format's chunks, through libwebpmux.
      const auto data_of = [](const std::vector<std::byte>& blob) {
        return WebPData{reinterpret_cast<const std::uint8_t*>(blob.data()), blob.size()};
      };
      const auto set = [&](const char* fourcc, const std::vector<std::byte>& blob) {
        const WebPData chunk = data_of(blob);
        return blob.empty() || WebPMuxSetChunk(mux.mux, fourcc, &chunk, 1) == WEBP_MUX_OK;
      };
      const WebPData image{output.writer.mem, output.writer.size};
      mux.mux = detail::inject_fault() ? nullptr : WebPMuxCreate(&image, 1);
      if (mux.mux == nullptr || !set("ICCP", options_.icc_profile) || !set("EXIF", metadata.exif) ||
          !set("XMP ", metadata.xmp) || WebPMuxAssemble(mux.mux, &mux.assembled) != WEBP_MUX_OK) {
        throw Error(ErrorCode::OutOfMemory, "libwebpmux could not add the ICC profile, EXIF or XMP",
                    context);
      }
      bytes = mux.assembled.bytes;
      size = mux.assembled.size;
    }
    file_.write(bytes, size);
    check_interrupt();
    file_.commit();
  }

  void check_output() const override { file_.throw_if_write_failed(); }

  AtomicOutputFile file_;
  EncodeOptions options_;
  PixelFormat stored_;
  Image pixels_;
};

}  // namespace

std::unique_ptr<Encoder> open_webp_encoder(const std::filesystem::path& path, int width, int height,
                                           PixelFormat format, const EncodeOptions& options) {
  return std::make_unique<WebpEncoder>(path, width, height, format, options);
}

}  // namespace tessera::codecs
