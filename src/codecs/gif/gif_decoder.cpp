// GIF decoding on giflib: the first frame, placed on the logical screen.
//
// Only the records up to the first image are read: an animation's other frames are never
// decoded (giflib's DGifSlurp would decode them all). The canvas is checked against the limits
// from the screen descriptor, before any pixel is allocated. A transparent colour (from the
// graphics control extension) gives RGBA; the canvas outside the first frame is transparent,
// or black without transparency. Decoded whole in start() (interlaced rows come in four
// passes), into tracked memory charged to the budget.

#include <gif_lib.h>

#include <fmt/format.h>

#include <cstring>
#include <utility>
#include <vector>

#include "codecs/gif/gif_codec.h"
#include "codecs/gif/gif_frame_count.h"
#include "codecs/limits.h"
#include "core/fault_injection.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

int read_from_file(GifFileType* gif, GifByteType* buffer, int size) {
  return static_cast<int>(std::fread(buffer, 1, static_cast<std::size_t>(size),
                                     static_cast<std::FILE*>(gif->UserData)));
}

struct GifOwner {
  GifFileType* gif = nullptr;
  ~GifOwner() {
    if (gif != nullptr) DGifCloseFile(gif, nullptr);
  }
};

Error gif_error(int code, const std::filesystem::path& path, const char* operation) {
  const char* reason =
      code == D_GIF_ERR_READ_FAILED ? "the file ends too early" : GifErrorString(code);
  return Error(ErrorCode::CorruptData,
               fmt::format("not a valid GIF: {}", reason != nullptr ? reason : "unknown error"),
               {.path = path.string(), .operation = operation});
}

// Image rows in the order an interlaced GIF stores them: every 8th from 0, every 8th from 4,
// every 4th from 2, every 2nd from 1.
std::vector<int> interlaced_order(int height) {
  std::vector<int> order;
  order.reserve(static_cast<std::size_t>(height));
  for (const auto& [start, step] : {std::pair{0, 8}, {4, 8}, {2, 4}, {1, 2}}) {
    for (int y = start; y < height; y += step) order.push_back(y);
  }
  return order;
}

class GifDecoder final : public Decoder {
 public:
  GifDecoder(const std::filesystem::path& path, const ImageInfo& info,
             std::unique_ptr<InputFile> file, GifOwner&& owner, MemoryBudget* budget)
      : Decoder(path, info), file_(std::move(file)), budget_(budget) {
    owner_.gif = std::exchange(owner.gif, nullptr);
  }

 private:
  void begin_decoding() override {
    GifFileType* gif = owner_.gif;
    int transparent = -1;
    for (;;) {
      GifRecordType record = UNDEFINED_RECORD_TYPE;
      if (detail::inject_fault() || DGifGetRecordType(gif, &record) == GIF_ERROR) fail();
      if (record == TERMINATE_RECORD_TYPE) {
        throw Error(ErrorCode::CorruptData, "not a valid GIF: it has no image",
                    {.path = path().string(), .operation = "decode"});
      }
      if (record == EXTENSION_RECORD_TYPE) {
        int code = 0;
        GifByteType* block = nullptr;
        if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) fail();
        if (code == GRAPHICS_EXT_FUNC_CODE && block != nullptr) {
          GraphicsControlBlock control{};
          if (DGifExtensionToGCB(block[0], block + 1, &control) == GIF_OK)
            transparent = control.TransparentColor;
        }
        while (block != nullptr) {
          if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) fail();
        }
        continue;
      }
      if (record == IMAGE_DESC_RECORD_TYPE) break;
    }
    if (DGifGetImageDesc(gif) == GIF_ERROR) fail();
    const GifImageDesc& frame = gif->Image;
    const ColorMapObject* colours = frame.ColorMap != nullptr ? frame.ColorMap : gif->SColorMap;
    if (colours == nullptr) {
      throw Error(ErrorCode::CorruptData, "not a valid GIF: no colour map",
                  {.path = path().string(), .operation = "decode"});
    }
    const Rect place{frame.Left, frame.Top, frame.Width, frame.Height};
    if (!rect_fits(place, width(), height())) {
      throw Error(ErrorCode::CorruptData,
                  "not a valid GIF: the first frame lies outside the screen",
                  {.path = path().string(), .operation = "decode"});
    }
    pixels_ =
        Image::create(width(), height(), format(), {.label = "decoded GIF", .budget = budget_});
    for (int y = 0; y < height(); ++y) std::memset(pixels_.row(y), 0, pixels_.view().row_bytes());

    std::vector<GifPixelType> line(static_cast<std::size_t>(frame.Width));
    const std::vector<int> rows =
        frame.Interlace ? interlaced_order(frame.Height) : std::vector<int>();
    const int channels = format().channels();
    for (int i = 0; i < frame.Height; ++i) {
      if (detail::inject_fault()) fail();
      if (DGifGetLine(gif, line.data(), frame.Width) == GIF_ERROR) {
        if (fail_on() != FailOn::None) fail();
        // The rows not reached stay transparent black, as browsers show a truncated GIF.
        data_ended(frame.Interlace ? 0 : frame.Top + i, "the image data ends early", false);
        break;
      }
      const int y = frame.Top + (frame.Interlace ? rows[static_cast<std::size_t>(i)] : i);
      auto* out = pixels_.mutable_view().row<std::uint8_t>(y) + frame.Left * channels;
      for (int x = 0; x < frame.Width; ++x) {
        const int index = line[static_cast<std::size_t>(x)];
        // An index past the colour map is black, as giflib's own tools draw it.
        const GifColorType colour =
            index < colours->ColorCount ? colours->Colors[index] : GifColorType{0, 0, 0};
        out[x * channels] = colour.Red;
        out[x * channels + 1] = colour.Green;
        out[x * channels + 2] = colour.Blue;
        if (channels == 4) out[x * 4 + 3] = index == transparent ? 0 : 255;
      }
    }
  }

  void decode_rows(const MutableImageView& rows) override {
    for (int y = 0; y < rows.height(); ++y)
      std::memcpy(rows.row(y), pixels_.row(rows_read() + y), rows.row_bytes());
    if (rows_read() + rows.height() == height()) pixels_ = {};
  }

  [[noreturn]] void fail() const { throw gif_error(owner_.gif->Error, path(), "decode"); }

  std::unique_ptr<InputFile> file_;
  GifOwner owner_;  // declared after file_: closed before the file is
  MemoryBudget* budget_;
  Image pixels_;
};

// Whether the first frame declares a transparent colour: scans the extensions before it
// without decoding, on a second handle, so that the pixel format is known from the header.
bool first_frame_has_transparency(std::FILE* stream) {
  const long start = std::ftell(stream);
  int error = 0;
  GifOwner owner;
  owner.gif = DGifOpen(stream, read_from_file, &error);
  bool transparency = false;
  for (bool more = owner.gif != nullptr; more;) {
    GifRecordType record = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(owner.gif, &record) == GIF_ERROR || record != EXTENSION_RECORD_TYPE)
      break;
    int code = 0;
    GifByteType* block = nullptr;
    if (DGifGetExtension(owner.gif, &code, &block) == GIF_ERROR) break;
    if (code == GRAPHICS_EXT_FUNC_CODE && block != nullptr) {
      GraphicsControlBlock control{};
      transparency = DGifExtensionToGCB(block[0], block + 1, &control) == GIF_OK &&
                     control.TransparentColor >= 0;
    }
    while (block != nullptr && more) more = DGifGetExtensionNext(owner.gif, &block) != GIF_ERROR;
  }
  std::fseek(stream, start, SEEK_SET);
  return transparency;
}

}  // namespace

std::unique_ptr<Decoder> open_gif_decoder(std::unique_ptr<InputFile> file,
                                          const std::filesystem::path& path,
                                          const DecodeOptions& options) {
  const bool transparency = first_frame_has_transparency(file->stream());
  const int frames = options.count_frames ? count_gif_frames(file->stream()) : 0;
  int error = 0;
  GifOwner owner;
  owner.gif = detail::inject_fault() ? nullptr : DGifOpen(file->stream(), read_from_file, &error);
  if (owner.gif == nullptr)
    throw gif_error(error == 0 ? D_GIF_ERR_NOT_ENOUGH_MEM : error, path, "read header");
  ImageInfo info;
  info.format = FileFormat::Gif;
  info.width = owner.gif->SWidth;
  info.height = owner.gif->SHeight;
  info.frames = frames;
  info.animated = frames > 1;
  info.pixel_format = transparency ? PixelFormat::rgba8() : PixelFormat::rgb8();
  check_limits(info, 0, options.limits, path);
  return std::make_unique<GifDecoder>(path, info, std::move(file), std::move(owner),
                                      budget_of(options.limits));
}

}  // namespace tessera::codecs
