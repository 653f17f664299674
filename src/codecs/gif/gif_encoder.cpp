// GIF encoding on giflib: one image (GIF89a when it has a transparent entry, else GIF87a), its
// palette quantised and dithered by libimagequant (quantise.h). Animation is not written.
//
// A palette needs the whole image, so rows are gathered into tracked memory (charged to the
// current budget) and quantised and LZW-compressed by finish(). GIF carries no EXIF, XMP,
// IPTC, ICC profile or resolution in tessera's policy (README, "Metadata"): they are left out.

#include <fmt/format.h>
#include <gif_lib.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "codecs/file_io.h"
#include "codecs/gif/gif_codec.h"
#include "codecs/quantise.h"
#include "core/fault_injection.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

// giflib's output callback: writes to the output's stream, whose failures the file keeps
// (AtomicOutputFile::throw_if_write_failed); a short count makes giflib fail the call.
int write_to_stream(GifFileType* gif, const GifByteType* bytes, int size) {
  auto* stream = static_cast<std::FILE*>(gif->UserData);
  return static_cast<int>(std::fwrite(bytes, 1, static_cast<std::size_t>(size), stream));
}

// Closes the GIF handle on every path; EGifCloseFile frees it whether or not writing the
// trailer works, so close() is called once, by the destructor on an error's path.
struct GifWriter {
  GifFileType* gif = nullptr;
  GifWriter(const GifWriter&) = delete;
  GifWriter& operator=(const GifWriter&) = delete;
  explicit GifWriter(GifFileType* opened) : gif(opened) {}
  ~GifWriter() {
    if (gif != nullptr) EGifCloseFile(gif, nullptr);
  }
  // The trailer written and the handle freed; the error code, or 0.
  int close() {
    int error = 0;
    const int status = EGifCloseFile(gif, &error);
    gif = nullptr;
    return status == GIF_OK ? 0 : error;
  }
};

struct ColorMapOwner {
  ColorMapObject* map = nullptr;
  ~ColorMapOwner() { GifFreeMapObject(map); }
};

class GifEncoder final : public Encoder {
 public:
  GifEncoder(const std::filesystem::path& path, int width, int height, PixelFormat format,
             const EncodeOptions& options)
      : Encoder(path, width, height, format),
        file_(path),
        quantise_{.colors = options.colors, .dither = options.dither, .binary_alpha = true},
        rows_(width, height, "GIF rows to quantise") {}

 private:
  ErrorContext context() const { return {.path = file_.path().string(), .operation = "encode"}; }

  void encode_rows(const ImageView& rows) override { rows_.add(rows, rows_written()); }

  [[noreturn]] void fail(int gif_error, std::string_view step) const {
    file_.throw_if_write_failed();
    throw Error(gif_error == E_GIF_ERR_NOT_ENOUGH_MEM ? ErrorCode::OutOfMemory : ErrorCode::Io,
                fmt::format("giflib could not {}: {}", step,
                            GifErrorString(gif_error) ? GifErrorString(gif_error) : "unknown"),
                context());
  }

  void finish_encoding() override {
    PaletteImage image = quantise(rows_.take(), quantise_, context());
    // GIF's colour table has 2, 4, ..., 256 entries: the palette padded with black.
    int bits = 1;
    while ((1 << bits) < static_cast<int>(image.palette.size())) ++bits;
    std::vector<GifColorType> colours(static_cast<std::size_t>(1) << bits, GifColorType{0, 0, 0});
    for (std::size_t i = 0; i < image.palette.size(); ++i) {
      colours[i] = {image.palette[i][0], image.palette[i][1], image.palette[i][2]};
    }
    ColorMapOwner map{detail::inject_fault()
                          ? nullptr
                          : GifMakeMapObject(static_cast<int>(colours.size()), colours.data())};
    if (map.map == nullptr) fail(E_GIF_ERR_NOT_ENOUGH_MEM, "make the colour table");

    int error = 0;
    GifWriter writer(detail::inject_fault() ? nullptr
                                            : EGifOpen(file_.stream(), write_to_stream, &error));
    if (writer.gif == nullptr) fail(error == 0 ? E_GIF_ERR_NOT_ENOUGH_MEM : error, "start");
    GifFileType* gif = writer.gif;
    // A transparent entry needs a Graphics Control Extension, which is GIF89a's.
    EGifSetGifVersion(gif, image.transparent >= 0);
    if (EGifPutScreenDesc(gif, width(), height(), bits, 0, map.map) != GIF_OK) {
      fail(gif->Error, "write the screen descriptor");
    }
    if (image.transparent >= 0) {
      const GraphicsControlBlock control{.DisposalMode = DISPOSAL_UNSPECIFIED,
                                         .UserInputFlag = false,
                                         .DelayTime = 0,
                                         .TransparentColor = image.transparent};
      GifByteType extension[4];
      const std::size_t length = EGifGCBToExtension(&control, extension);
      if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(length), extension) !=
          GIF_OK) {
        fail(gif->Error, "write the transparent colour");
      }
    }
    // The screen's colour table serves the image (no local one).
    if (EGifPutImageDesc(gif, 0, 0, width(), height(), false, nullptr) != GIF_OK) {
      fail(gif->Error, "write the image descriptor");
    }
    // Mutable: giflib masks each line to the table's bits in place (a no-op here, every index
    // being within the table).
    const MutableImageView indices = image.indices.mutable_view();
    for (int y = 0; y < height(); ++y) {
      GifPixelType* line = indices.row<std::uint8_t>(y);
      if (detail::inject_fault() || EGifPutLine(gif, line, width()) != GIF_OK) {
        fail(gif->Error == 0 ? E_GIF_ERR_WRITE_FAILED : gif->Error, "write the pixels");
      }
    }
    if (const int closed = writer.close(); closed != 0) fail(closed, "finish the file");
    check_interrupt();
    file_.commit();
  }

  void check_output() const override { file_.throw_if_write_failed(); }

  AtomicOutputFile file_;  // removes the temporary file unless committed
  QuantiseOptions quantise_;
  PaletteRows rows_;
};

}  // namespace

std::unique_ptr<Encoder> open_gif_encoder(const std::filesystem::path& path, int width, int height,
                                          PixelFormat format, const EncodeOptions& options) {
  // Before the temporary file and the gathered rows exist (the format table's largest_side
  // holds GIF's 65535 pixels a side).
  check_quantisable(width, height, {.colors = options.colors, .dither = options.dither},
                    {.path = path.string(), .operation = "encode"});
  return std::make_unique<GifEncoder>(path, width, height, format, options);
}

}  // namespace tessera::codecs
