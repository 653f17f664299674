// GIF decoding on giflib: the first frame, or the frame DecodeOptions::page asks for composited
// over those before it, on the logical screen.
//
// Only the records up to that frame are read: later frames are never decoded (giflib's
// DGifSlurp would decode them all and keep them). The canvas is checked against the limits
// from the screen descriptor, before any pixel is allocated. A transparent colour (from the
// graphics control extension) gives RGBA; the canvas outside the frames is transparent, or
// black without transparency. Decoded whole in start() (interlaced rows come in four
// passes), into tracked memory charged to the budget.

#include <gif_lib.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
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

// A frame's graphics control: what giflib's DGifExtensionToGCB reads from the extension
// before it (no transparency and no disposal when there is none).
struct FrameControl {
  int disposal = DISPOSAL_UNSPECIFIED;
  int transparent = NO_TRANSPARENT_COLOR;
};

class GifDecoder final : public Decoder {
 public:
  GifDecoder(const std::filesystem::path& path, const ImageInfo& info,
             std::unique_ptr<InputFile> file, GifOwner&& owner, const Limits& limits)
      : Decoder(path, info),
        file_(std::move(file)),
        budget_(budget_of(limits)),
        max_frame_pixels_(limits.max_pixels) {
    owner_.gif = std::exchange(owner.gif, nullptr);
  }

 private:
  // Frames 0..page drawn in turn on the canvas (the logical screen), each disposed of as its
  // control says before the next is drawn, as browsers show an animation: transparent pixels
  // leave the canvas as it is, disposal 2 clears the frame's rectangle to transparent (Pillow
  // fills it with the background colour when no colour is transparent; browsers and this
  // decoder do not), disposal 3 puts back what the rectangle held before the frame. A frame is
  // clipped to the screen. Memory: the canvas, and the rectangle of a frame disposed with 3.
  void begin_decoding() override {
    pixels_ =
        Image::create(width(), height(), format(), {.label = "decoded GIF", .budget = budget_});
    for (int y = 0; y < height(); ++y) std::memset(pixels_.row(y), 0, pixels_.view().row_bytes());
    for (int index = 0; index <= info().page; ++index) {
      const FrameControl control = next_frame(index);
      if (!draw_frame(index, control)) return;  // data ended under FailOn::None
      // giflib keeps every descriptor and colour map it reads (SavedImages), untracked: let go
      // of them, so that a frame far into a long animation costs no more than the first.
      GifFreeSavedImages(owner_.gif);
      owner_.gif->ImageCount = 0;
    }
  }

  // Reads the records up to frame `index`'s image descriptor, and its control.
  FrameControl next_frame(int index) {
    GifFileType* gif = owner_.gif;
    FrameControl control;
    for (;;) {
      GifRecordType record = UNDEFINED_RECORD_TYPE;
      if (detail::inject_fault() || DGifGetRecordType(gif, &record) == GIF_ERROR) fail();
      if (record == TERMINATE_RECORD_TYPE) {
        throw Error(ErrorCode::CorruptData,
                    index == 0 ? std::string("not a valid GIF: it has no image")
                               : fmt::format("not a valid GIF: frame {} is missing", index),
                    {.path = path().string(), .operation = "decode"});
      }
      if (record == EXTENSION_RECORD_TYPE) {
        int code = 0;
        GifByteType* block = nullptr;
        if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) fail();
        if (code == GRAPHICS_EXT_FUNC_CODE && block != nullptr) {
          GraphicsControlBlock gcb{};
          if (DGifExtensionToGCB(block[0], block + 1, &gcb) == GIF_OK) {
            control = {gcb.DisposalMode, gcb.TransparentColor};
          }
        }
        while (block != nullptr) {
          if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) fail();
        }
        continue;
      }
      if (record == IMAGE_DESC_RECORD_TYPE) break;
    }
    if (DGifGetImageDesc(gif) == GIF_ERROR) fail();
    return control;
  }

  // Draws frame `index` (its descriptor just read) and, unless it is the one asked for, disposes
  // of it. False when its data ended early under FailOn::None: the canvas is then final.
  bool draw_frame(int index, const FrameControl& control) {
    GifFileType* gif = owner_.gif;
    const GifImageDesc& frame = gif->Image;
    const ErrorContext context{.path = path().string(), .operation = "decode"};
    const ColorMapObject* colours = frame.ColorMap != nullptr ? frame.ColorMap : gif->SColorMap;
    if (colours == nullptr)
      throw Error(ErrorCode::CorruptData, "not a valid GIF: no colour map", context);
    if (static_cast<std::uint64_t>(frame.Width) * static_cast<std::uint64_t>(frame.Height) >
        max_frame_pixels_) {
      throw Error(ErrorCode::ImageTooLarge,
                  fmt::format("frame {} declares {}x{} pixels, over the limit of {}", index,
                              frame.Width, frame.Height, max_frame_pixels_),
                  context);
    }
    const bool last = index == info().page;
    // The part of the frame on the screen.
    const int left = std::clamp(frame.Left, 0, width());
    const int top = std::clamp(frame.Top, 0, height());
    const int right = static_cast<int>(
        std::clamp<std::int64_t>(std::int64_t{frame.Left} + std::max(frame.Width, 0), 0, width()));
    const int bottom = static_cast<int>(
        std::clamp<std::int64_t>(std::int64_t{frame.Top} + std::max(frame.Height, 0), 0, height()));
    const Rect place{left, top, right - left, bottom - top};
    const bool visible = place.width > 0 && place.height > 0;

    Image saved;
    if (!last && visible && control.disposal == DISPOSE_PREVIOUS) {
      saved = Image::create(place.width, place.height, format(),
                            {.label = "GIF frame's underlay", .budget = budget_});
      copy_rows(pixels_.view().subview(place), saved.mutable_view());
    }

    if (frame.Width <= 0 || frame.Height <= 0) {
      skip_image_data();
    } else {
      std::vector<GifPixelType> line(static_cast<std::size_t>(frame.Width));
      const std::vector<int> rows =
          frame.Interlace ? interlaced_order(frame.Height) : std::vector<int>();
      const int channels = format().channels();
      for (int i = 0; i < frame.Height; ++i) {
        if (detail::inject_fault()) fail();
        if (DGifGetLine(gif, line.data(), frame.Width) == GIF_ERROR) {
          if (fail_on() != FailOn::None) fail();
          // The rows not reached stay as they were, as browsers show a truncated GIF.
          data_ended(frame.Interlace || !last ? 0 : std::clamp(frame.Top + i, 0, height()),
                     "the image data ends early", false);
          return false;
        }
        const int y = frame.Top + (frame.Interlace ? rows[static_cast<std::size_t>(i)] : i);
        if (y < place.y || y >= place.y + place.height) continue;
        auto* out = pixels_.mutable_view().row<std::uint8_t>(y);
        for (int x = place.x; x < place.x + place.width; ++x) {
          const int colour_index = line[static_cast<std::size_t>(x - frame.Left)];
          // Transparent pixels leave the canvas; the first frame's are drawn with alpha 0,
          // keeping their colour, as Pillow's RGBA conversion of the palette does.
          if (colour_index == control.transparent && index > 0) continue;
          // An index past the colour map is black, as giflib's own tools draw it.
          const GifColorType colour = colour_index < colours->ColorCount
                                          ? colours->Colors[colour_index]
                                          : GifColorType{0, 0, 0};
          out[x * channels] = colour.Red;
          out[x * channels + 1] = colour.Green;
          out[x * channels + 2] = colour.Blue;
          if (channels == 4) out[x * 4 + 3] = colour_index == control.transparent ? 0 : 255;
        }
      }
    }
    if (last || !visible) return true;
    if (control.disposal == DISPOSE_BACKGROUND) {
      const MutableImageView area = pixels_.mutable_view().subview(place);
      for (int y = 0; y < area.height(); ++y) std::memset(area.row(y), 0, area.row_bytes());
    } else if (control.disposal == DISPOSE_PREVIOUS) {
      copy_rows(saved.view(), pixels_.mutable_view().subview(place));
    }
    return true;
  }

  // A frame with no pixels still has its LZW data, skipped a block at a time.
  void skip_image_data() {
    int code_size = 0;
    GifByteType* block = nullptr;
    if (DGifGetCode(owner_.gif, &code_size, &block) == GIF_ERROR) fail();
    while (block != nullptr) {
      if (DGifGetCodeNext(owner_.gif, &block) == GIF_ERROR) fail();
    }
  }

  static void copy_rows(const ImageView& from, const MutableImageView& to) {
    for (int y = 0; y < from.height(); ++y) std::memcpy(to.row(y), from.row(y), from.row_bytes());
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
  std::uint64_t max_frame_pixels_;
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
  // A later frame is RGBA when one of the frames up to it has a transparent colour or one
  // before it is cleared to the background (transparent, as browsers show it).
  const int page = options.page.value_or(0);
  GifFrameScan scan;
  if (page > 0 || options.count_frames) {
    scan = scan_gif_frames(file->stream(), page, options.count_frames);
    if (page >= scan.frames) throw_missing_page(page, scan.frames, "frame", path);
  }
  const bool transparency =
      page > 0 ? scan.transparency || scan.clears : first_frame_has_transparency(file->stream());
  const int frames = options.count_frames ? scan.frames : 0;
  // Whether a frame follows the first (a conversion then says it writes one frame of an
  // animation): without a count, a walk through the data of frames 0 and 1 and no further,
  // from the start (before giflib reads the header).
  const bool animated = options.count_frames ? frames > 1
                        : page > 0           ? true
                                             : scan_gif_frames(file->stream(), 1, false).frames > 1;
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
  info.animated = animated;
  info.page = page;
  info.pixel_format = transparency ? PixelFormat::rgba8() : PixelFormat::rgb8();
  // A frame disposed with "previous" keeps a copy of what it covers: at most the canvas.
  check_limits(info, page > 0 ? info.decode_bytes() : 0, options.limits, path);
  return std::make_unique<GifDecoder>(path, info, std::move(file), std::move(owner),
                                      options.limits);
}

}  // namespace tessera::codecs
