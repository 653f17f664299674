// HEIF and AVIF decoding on libheif: the primary image or the top-level image
// DecodeOptions::page asks for, with the container's rotations and
// mirrors applied by libheif (so orientation is 1), alpha kept, 10 and 12-bit samples delivered
// as 16-bit. libheif decodes whole images, so the file is read into tracked memory and the
// image decoded in start(); its planes are libheif's (codec-internal) memory, counted by the
// limits check but not by tessera's tracker.

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string_view>
#include <vector>

#include "codecs/heif/heif_codec.h"
#include "codecs/heif/heif_support.h"
#include "codecs/limits.h"
#include "codecs/metadata/exif_edit.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

// libheif's own per-side limit, applied before our checks. It stays at libheif 1.15's default:
// raised to 65536, a 64x64 file whose HEVC stream claims 65535x65535 got past it and crashed
// inside heif_decode_image (a memset of -65536 bytes; tests/crashers/heif/).
constexpr int kMaxSide = 1 << 15;

// The largest side libheif may make while decoding an image of width x height: the larger side
// rounded up to whole 512-pixel tiles, plus one more tile of slack for tiles that overhang.
int decode_side_limit(int width, int height) {
  constexpr int kTile = 512;
  const int side = std::max(width, height);
  return std::min(kMaxSide, (side + kTile - 1) / kTile * kTile + kTile);
}

// The primary image's Exif and XMP items. An Exif item starts with the offset of its TIFF
// header (4 bytes, big-endian, counted after them); an item libheif cannot give is left out.
Metadata heif_metadata(const heif_image_handle* handle) {
  Metadata metadata;
  const int count = heif_image_handle_get_number_of_metadata_blocks(handle, nullptr);
  if (count <= 0) return metadata;
  std::vector<heif_item_id> ids(static_cast<std::size_t>(count));
  const int listed =
      heif_image_handle_get_list_of_metadata_block_IDs(handle, nullptr, ids.data(), count);
  for (int i = 0; i < listed; ++i) {
    const heif_item_id id = ids[static_cast<std::size_t>(i)];
    const std::string_view type = heif_image_handle_get_metadata_type(handle, id);
    const std::string_view content = heif_image_handle_get_metadata_content_type(handle, id);
    const bool exif = type == "Exif";
    const bool xmp = type == "mime" && content == "application/rdf+xml";
    if ((!exif || !metadata.exif.empty()) && (!xmp || !metadata.xmp.empty())) continue;
    std::vector<std::byte> data(heif_image_handle_get_metadata_size(handle, id));
    if (data.empty() ||
        heif_image_handle_get_metadata(handle, id, data.data()).code != heif_error_Ok) {
      continue;
    }
    if (xmp) {
      metadata.xmp = std::move(data);
      continue;
    }
    if (data.size() < 4) continue;
    const std::size_t offset =
        std::to_integer<std::size_t>(data[0]) << 24 | std::to_integer<std::size_t>(data[1]) << 16 |
        std::to_integer<std::size_t>(data[2]) << 8 | std::to_integer<std::size_t>(data[3]);
    if (offset >= data.size() - 4) continue;
    metadata.exif.assign(data.begin() + 4 + static_cast<std::ptrdiff_t>(offset), data.end());
  }
  // libheif applies the container's rotation and mirror (irot, imir): the pixels come upright,
  // so an EXIF Orientation beside them (an iPhone's 6) would turn them again in the output. Set
  // to 1, as libvips does.
  if (!metadata.exif.empty()) metadata.exif = edited_exif(metadata.exif, 1, 0, 0);
  return metadata;
}

class HeifDecoder final : public Decoder {
 public:
  HeifDecoder(const std::filesystem::path& path, const ImageInfo& info, memory::Buffer file,
              std::unique_ptr<HeifContextOwner> context, std::unique_ptr<HeifHandleOwner> handle,
              int bits, std::vector<std::byte> icc_profile)
      : Decoder(path, info),
        file_(std::move(file)),
        context_(std::move(context)),
        handle_(std::move(handle)),
        bits_(bits) {
    icc_profile_ = std::move(icc_profile);
    metadata_ = heif_metadata(handle_->handle);
  }

  // libheif hands over the whole decoded image, interleaved, in memory of its own, and its
  // HEVC or AV1 decoder holds frames beside it: measured 5 to 5.3 bytes per pixel at 3 and 12
  // megapixels, and a few MiB however small the image.
  std::size_t working_bytes() const override {
    const auto pixels = static_cast<std::size_t>(width()) * static_cast<std::size_t>(height());
    return (std::size_t{4} << 20) + 6 * pixels * (bits_ > 8 ? 2 : 1);
  }

 private:
  void begin_decoding() override {
    const bool alpha = format().has_alpha();
    const heif_chroma chroma =
        bits_ > 8
            ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RRGGBB_LE)
            : (alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB);
    try {
      check_heif(
          heif_decode_image(handle_->handle, &image_.image, heif_colorspace_RGB, chroma, nullptr),
          path(), "decode");
    } catch (const Error& error) {
      // The header's size passed our limits; a part larger than the image it makes up (see
      // decode_side_limit) means the file contradicts itself.
      if (error.code() != ErrorCode::ImageTooLarge) throw;
      throw Error(ErrorCode::CorruptData,
                  fmt::format("not a valid HEIF/AVIF: a part of the {}x{} image claims a larger "
                              "size ({})",
                              width(), height(), error.message()),
                  {.path = path().string(), .operation = "decode"});
    }
    int stride = 0;
    plane_ = heif_image_get_plane_readonly(image_.image, heif_channel_interleaved, &stride);
    stride_ = stride;
    if (plane_ == nullptr ||
        heif_image_get_width(image_.image, heif_channel_interleaved) != width() ||
        heif_image_get_height(image_.image, heif_channel_interleaved) != height()) {
      throw Error(ErrorCode::CorruptData,
                  "not a valid HEIF/AVIF: the decoded image does not match its header",
                  {.path = path().string(), .operation = "decode"});
    }
  }

  void decode_rows(const MutableImageView& rows) override {
    for (int y = 0; y < rows.height(); ++y) {
      const std::uint8_t* in = plane_ + static_cast<std::ptrdiff_t>(rows_read() + y) * stride_;
      if (bits_ <= 8) {
        std::memcpy(rows.row(y), in, rows.row_bytes());
        continue;
      }
      // 10 or 12 significant bits to the full 16-bit range, by bit replication.
      auto* out = rows.row<std::uint16_t>(y);
      const int shift = 16 - bits_;
      for (std::size_t i = 0; i < rows.row_bytes() / 2; ++i) {
        std::uint16_t value = 0;
        std::memcpy(&value, in + i * 2, 2);
        out[i] = static_cast<std::uint16_t>(value << shift | value >> (bits_ - shift));
      }
    }
    if (rows_read() + rows.height() == height()) release();
  }

  void release() {
    heif_image_release(image_.image);
    image_.image = nullptr;
    plane_ = nullptr;
    file_ = {};
  }

  memory::Buffer file_;
  std::unique_ptr<HeifContextOwner> context_;  // reads from file_: declared after it
  std::unique_ptr<HeifHandleOwner> handle_;
  int bits_;
  HeifImageOwner image_;
  const std::uint8_t* plane_ = nullptr;
  std::ptrdiff_t stride_ = 0;
};

}  // namespace

std::unique_ptr<Decoder> open_heif_decoder(std::unique_ptr<InputFile> file,
                                           const std::filesystem::path& path,
                                           const DecodeOptions& options) {
  memory::Buffer bytes = read_whole_file(*file, path, budget_of(options.limits), "HEIF file");
  auto context = std::make_unique<HeifContextOwner>();
  if (context->context == nullptr)
    throw Error(ErrorCode::OutOfMemory, "cannot create a libheif context");
  heif_context_set_maximum_image_size_limit(context->context, kMaxSide);
  check_heif(heif_context_read_from_memory_without_copy(context->context, bytes.data(),
                                                        bytes.size(), nullptr),
             path, "read header");
  // Pages are the top-level images in file order (thumbnails, alpha and depth images are not),
  // as libvips' heifload counts them; without a page asked for, the primary image, wherever it
  // is in that order.
  const int count = heif_context_get_number_of_top_level_images(context->context);
  std::vector<heif_item_id> ids(static_cast<std::size_t>(std::max(count, 0)));
  const int listed = ids.empty() ? 0
                                 : heif_context_get_list_of_top_level_image_IDs(
                                       context->context, ids.data(), static_cast<int>(ids.size()));
  ids.resize(static_cast<std::size_t>(std::max(listed, 0)));
  heif_item_id primary = 0;
  check_heif(heif_context_get_primary_image_ID(context->context, &primary), path, "read header");
  int page = 0;
  if (options.page) {
    page = checked_page(options, static_cast<int>(ids.size()), "page", path);
  } else {
    page = static_cast<int>(std::find(ids.begin(), ids.end(), primary) - ids.begin());
  }
  std::vector<ImageInfo::PageSize> sizes;
  for (const heif_item_id id : ids) {
    HeifHandleOwner other;
    if (heif_context_get_image_handle(context->context, id, &other.handle).code != heif_error_Ok) {
      sizes.push_back({});
      continue;
    }
    sizes.push_back(
        {heif_image_handle_get_width(other.handle), heif_image_handle_get_height(other.handle)});
  }
  auto handle = std::make_unique<HeifHandleOwner>();
  if (options.page) {
    check_heif(heif_context_get_image_handle(context->context, ids[static_cast<std::size_t>(page)],
                                             &handle->handle),
               path, "read header");
  } else {
    check_heif(heif_context_get_primary_image_handle(context->context, &handle->handle), path,
               "read header");
  }

  const int bits = heif_image_handle_get_luma_bits_per_pixel(handle->handle);
  const bool alpha = heif_image_handle_has_alpha_channel(handle->handle) != 0;
  ImageInfo info;
  info.format = FileFormat::Heif;
  info.page = page < static_cast<int>(ids.size()) ? page : 0;
  info.pages = static_cast<int>(ids.size());
  info.page_sizes = std::move(sizes);
  // AV1-coded (AVIF) and HEVC-coded (HEIC) files share the container; the brand tells them apart.
  const std::string mime = heif_get_file_mime_type(
      reinterpret_cast<const std::uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  if (mime == "image/avif" || mime == "image/avif-sequence") info.format_name = "avif";
  if (mime == "image/heic" || mime == "image/heic-sequence") info.format_name = "heic";
  info.width = heif_image_handle_get_width(handle->handle);
  info.height = heif_image_handle_get_height(handle->handle);
  info.pixel_format = {alpha ? ChannelLayout::Rgba : ChannelLayout::Rgb,
                       bits > 8 ? SampleType::U16 : SampleType::U8};
  std::vector<std::byte> icc;
  const heif_color_profile_type profile = heif_image_handle_get_color_profile_type(handle->handle);
  if (profile == heif_color_profile_type_prof || profile == heif_color_profile_type_rICC) {
    icc.resize(heif_image_handle_get_raw_color_profile_size(handle->handle));
    check_heif(heif_image_handle_get_raw_color_profile(handle->handle, icc.data()), path,
               "read header");
  }
  info.has_icc_profile = !icc.empty();
  // libheif holds the YCbCr planes and the converted image: about twice the output.
  check_limits(info, 2 * info.decode_bytes(), options.limits, path);
  // Only now is the primary image's size known, and nothing libheif builds to decode it (grid
  // tiles, an overlay's canvas, the alpha plane) has any reason to be much larger. Without
  // this bound an 818-byte file whose overlay claims a 32767x32767 canvas made libheif fill
  // 6 GB (tests/crashers/heif/overlay-canvas-6gb.heic).
  heif_context_set_maximum_image_size_limit(context->context,
                                            decode_side_limit(info.width, info.height));
  return std::make_unique<HeifDecoder>(path, info, std::move(bytes), std::move(context),
                                       std::move(handle), bits, std::move(icc));
}

}  // namespace tessera::codecs
