// JPEG decoding on libjpeg-turbo's libjpeg API: scanlines, DCT-domain scaling, markers.

#include <fmt/format.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "codecs/colour_management.h"
#include "codecs/exif_orientation.h"
#include "codecs/jpeg/jpeg_codec.h"
#include "codecs/jpeg/jpeg_error.h"
#include "codecs/jpeg/jpeg_metadata.h"
#include "codecs/jpeg/jpeg_source.h"
#include "codecs/limits.h"
#include "codecs/orientation.h"
#include "tessera/budget.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

// A real progressive JPEG has about ten scans; thousands are a CPU bomb (libjpeg-turbo's
// fuzzing advice is to stop at 500).
constexpr int kMaxScans = 500;

void on_progress(jpeg_common_struct* common) {
  if (!common->is_decompressor) return;
  const auto* decompress = reinterpret_cast<jpeg_decompress_struct*>(common);
  if (decompress->input_scan_number > kMaxScans) {
    stop_jpeg(common, ErrorCode::CorruptData,
              "more than 500 scans: a progressive JPEG this fragmented is treated as hostile");
  }
}

// Owns the libjpeg decompressor from the moment it exists. Never moves: libjpeg keeps pointers
// to the error manager and progress monitor.
struct JpegSource {
  std::unique_ptr<InputFile> file;
  JpegFileSource input;
  JpegErrorManager errors;
  jpeg_progress_mgr progress{};
  jpeg_decompress_struct cinfo{};
  bool created = false;

  ~JpegSource() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

int orientation_from_markers(const jpeg_decompress_struct& cinfo) {
  for (jpeg_saved_marker_ptr marker = cinfo.marker_list; marker != nullptr; marker = marker->next) {
    if (marker->marker == JPEG_APP0 + 1 && marker->data_length >= 6 &&
        std::memcmp(marker->data, "Exif\0\0", 6) == 0) {
      return exif_orientation(marker->data, marker->data_length);
    }
  }
  return 1;
}

// Whole-image coefficient buffers: what libjpeg holds for a progressive or multi-scan image.
std::size_t coefficient_bytes(const jpeg_decompress_struct& cinfo) {
  if (!cinfo.progressive_mode && !cinfo.buffered_image &&
      cinfo.comps_in_scan == cinfo.num_components) {
    return 0;
  }
  std::size_t bytes = 0;
  for (int i = 0; i < cinfo.num_components; ++i) {
    const jpeg_component_info& component = cinfo.comp_info[i];
    bytes += static_cast<std::size_t>(component.width_in_blocks) * component.height_in_blocks *
             DCTSIZE2 * sizeof(JCOEF);
  }
  return bytes;
}

// Zigzag index -> natural (row-major) index of the 64 DCT coefficients (ITU T.81 figure A.6).
constexpr int kNaturalOrder[DCTSIZE2] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

// Whether every coefficient that each component's scaled IDCT reads (natural row and column
// below its DCT_scaled_size) has arrived at full precision. coef_bits is indexed in zigzag
// order and holds the current point transform, -1 before the first scan.
bool needed_coefficients_complete(const jpeg_decompress_struct& cinfo) {
  for (int c = 0; c < cinfo.num_components; ++c) {
    const int size = cinfo.comp_info[c].DCT_scaled_size;
    for (int k = 0; k < DCTSIZE2; ++k) {
      const int natural = kNaturalOrder[k];
      if (natural / DCTSIZE < size && natural % DCTSIZE < size && cinfo.coef_bits[c][k] != 0)
        return false;
    }
  }
  return true;
}

// The largest DCT scaling (1/8, 1/4, 1/2) that keeps the image at least min_width x min_height.
int scale_denominator(int width, int height, int min_width, int min_height) {
  if (min_width <= 0 && min_height <= 0) return 1;
  for (const int denominator : {8, 4, 2}) {
    const int scaled_width = (width + denominator - 1) / denominator;
    const int scaled_height = (height + denominator - 1) / denominator;
    if (scaled_width >= min_width && scaled_height >= min_height) return denominator;
  }
  return 1;
}

class JpegDecoder final : public Decoder {
 public:
  JpegDecoder(const std::filesystem::path& path, const ImageInfo& info,
              std::unique_ptr<JpegSource> source, std::vector<std::byte> icc_profile)
      : Decoder(path, info), source_(std::move(source)) {
    icc_profile_ = std::move(icc_profile);
    metadata_ = metadata_from_markers(source_->cinfo);
  }

  void configure(const DecodeOptions& options) {
    jpeg_decompress_struct& cinfo = source_->cinfo;
    // The hint is about the image as shown; a turned image is stored the other way round.
    const bool transposes = orientation_transposes(info().orientation);
    cinfo.scale_num = 1;
    // shrink_on_load = false: the full size, whatever the minimum says.
    cinfo.scale_denom =
        options.shrink_on_load
            ? static_cast<unsigned>(scale_denominator(
                  info().width, info().height, transposes ? options.min_height : options.min_width,
                  transposes ? options.min_width : options.min_height))
            : 1u;
    cmyk_ = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : cmyk_ ? JCS_CMYK : JCS_RGB;
    const bool luma = options.luma_only && cinfo.jpeg_color_space == JCS_YCbCr;
    if (luma) cinfo.out_color_space = JCS_GRAYSCALE;
    if (!guarded(source_->errors, [&cinfo] { jpeg_calc_output_dimensions(&cinfo); })) fail();
    // A scaled IDCT reads only the low coefficients (DC alone at 1/8 when a component is not
    // subsampled). A progressive file may finish those before its last scans, so decoding can
    // stop early and skip the rest: the output is exactly a full decode's. Only worth it when
    // no component needs all 64 coefficients.
    early_stop_ = cinfo.progressive_mode != 0;
    for (int c = 0; c < cinfo.num_components; ++c) {
      early_stop_ = early_stop_ && cinfo.comp_info[c].DCT_scaled_size < DCTSIZE;
    }
    if (early_stop_) cinfo.buffered_image = TRUE;
    set_output(static_cast<int>(cinfo.output_width), static_cast<int>(cinfo.output_height),
               luma ? PixelFormat::gray8() : info().pixel_format);
    if (cmyk_) cmyk_row_.resize(static_cast<std::size_t>(cinfo.output_width) * 4);
  }

  // A progressive file (or a buffered one, read for its early stop) keeps every component's
  // DCT coefficients for the whole image in libjpeg's own memory: 128 bytes per 8x8 block, at
  // the stored size whatever the scale. A baseline file is decoded a row of blocks at a time.
  std::size_t working_bytes() const override {
    const jpeg_decompress_struct& cinfo = source_->cinfo;
    if (!cinfo.progressive_mode && !cinfo.buffered_image) return 0;
    std::size_t bytes = 0;
    for (int c = 0; c < cinfo.num_components; ++c) {
      const jpeg_component_info& component = cinfo.comp_info[c];
      bytes += static_cast<std::size_t>(component.width_in_blocks) * component.height_in_blocks *
               sizeof(JBLOCK);
    }
    return bytes;
  }

  // A CMYK file with its own profile is converted through it to sRGB (as libvips does), and
  // the CMYK profile, which no longer describes the pixels, is dropped: untagged is sRGB.
  // Without a usable profile the naive conversion below stands, and still no CMYK profile goes
  // with RGB pixels.
  void prepare_colour_management() {
    if (!cmyk_) return;
    cmyk_transform_ = CmykToSrgb::from_profile(icc_profile_, source_->cinfo.saw_Adobe_marker != 0);
    icc_profile_.clear();
  }

 private:
  [[noreturn]] void fail() const { throw jpeg_error(source_->errors, "decode", path().c_str()); }

  void begin_decoding() override {
    jpeg_decompress_struct& cinfo = source_->cinfo;
    if (!guarded(source_->errors, [&cinfo] { jpeg_start_decompress(&cinfo); })) fail();
    if (!early_stop_) return;
    // Consume scans until every coefficient each component's IDCT reads is fully refined
    // (point transform 0), then output from what has arrived.
    if (!guarded(source_->errors, [&cinfo] {
          for (;;) {
            const int status = jpeg_consume_input(&cinfo);
            if (status == JPEG_REACHED_EOI) break;
            if (status == JPEG_SCAN_COMPLETED && needed_coefficients_complete(cinfo)) break;
          }
          jpeg_start_output(&cinfo, cinfo.input_scan_number);
        })) {
      fail();
    }
  }

  void decode_rows(const MutableImageView& rows) override {
    jpeg_decompress_struct& cinfo = source_->cinfo;
    for (int y = 0; y < rows.height(); ++y) {
      JSAMPROW target = cmyk_ ? cmyk_row_.data() : reinterpret_cast<JSAMPROW>(rows.row(y));
      JDIMENSION read = 0;
      if (!guarded(source_->errors,
                   [&cinfo, &target, &read] { read = jpeg_read_scanlines(&cinfo, &target, 1); })) {
        fail();
      }
      if (read != 1) {  // only a suspending source returns 0; ours never suspends
        throw Error(ErrorCode::CorruptData, "libjpeg returned no scanline",
                    {.path = path().string(), .operation = "decode"});
      }
      if (cmyk_) cmyk_to_rgb(rows.row<std::uint8_t>(y));
    }
    if (source_->errors.data_lost && !warned_) {  // FailOn::None let a damaged file through
      warned_ = true;
      warn(fmt::format("damaged or truncated JPEG ({}); decoded anyway", source_->errors.message));
    }
  }

  // Adobe writes CMYK inverted (0 = full ink), which libjpeg hands through unchanged.
  void cmyk_to_rgb(std::uint8_t* out) const {
    if (cmyk_transform_) {
      cmyk_transform_->convert(cmyk_row_.data(), out, width());
      return;
    }
    const bool inverted = source_->cinfo.saw_Adobe_marker != 0;
    for (int x = 0; x < width(); ++x) {
      const std::uint8_t* ink = cmyk_row_.data() + static_cast<std::size_t>(x) * 4;
      const int k = inverted ? ink[3] : 255 - ink[3];
      for (int c = 0; c < 3; ++c) {
        const int value = inverted ? ink[c] : 255 - ink[c];
        out[x * 3 + c] = static_cast<std::uint8_t>((value * k + 127) / 255);
      }
    }
  }

  std::unique_ptr<JpegSource> source_;
  bool cmyk_ = false;
  bool early_stop_ = false;
  bool warned_ = false;
  std::vector<JSAMPLE> cmyk_row_;
  std::unique_ptr<CmykToSrgb> cmyk_transform_;
};

}  // namespace

std::unique_ptr<Decoder> open_jpeg_decoder(std::unique_ptr<InputFile> file,
                                           const std::filesystem::path& path,
                                           const DecodeOptions& options) {
  auto source = std::make_unique<JpegSource>();
  source->file = std::move(file);
  JpegErrorManager& errors = source->errors;
  jpeg_decompress_struct& cinfo = source->cinfo;
  const auto fail = [&]() -> Error { return jpeg_error(errors, "read header", path.c_str()); };

  install_error_manager(reinterpret_cast<jpeg_common_struct*>(&cinfo), errors);
  errors.fail_on = options.fail_on;
  if (!guarded(errors, [&cinfo] { jpeg_create_decompress(&cinfo); })) throw fail();
  source->created = true;
  install_fault_points(reinterpret_cast<jpeg_common_struct*>(&cinfo), errors);
  source->progress.progress_monitor = on_progress;
  cinfo.progress = &source->progress;
  std::FILE* stream = source->file->stream();
  JpegFileSource& input = source->input;
  if (!guarded(errors, [&cinfo, &input, stream] {
        use_file_source(cinfo, input, stream);
        jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);   // EXIF, XMP
        jpeg_save_markers(&cinfo, JPEG_APP0 + 13, 0xFFFF);  // IPTC
        jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);   // ICC
        jpeg_read_header(&cinfo, TRUE);
      })) {
    throw fail();
  }
  if (cinfo.data_precision != 8) {
    throw Error(
        ErrorCode::UnsupportedFormat,
        fmt::format("{}-bit JPEG is valid but not supported (8-bit only)", cinfo.data_precision),
        {.path = path.string(), .operation = "read header"});
  }

  ImageInfo info;
  info.format = FileFormat::Jpeg;
  info.width = static_cast<int>(cinfo.image_width);
  info.height = static_cast<int>(cinfo.image_height);
  info.pixel_format = cinfo.num_components == 1 ? PixelFormat::gray8() : PixelFormat::rgb8();
  info.orientation = orientation_from_markers(cinfo);
  info.progressive = cinfo.progressive_mode != 0;

  JOCTET* icc_data = nullptr;
  unsigned icc_length = 0;
  if (!guarded(errors, [&cinfo, &icc_data, &icc_length] {
        jpeg_read_icc_profile(&cinfo, &icc_data, &icc_length);
      })) {
    throw fail();
  }
  std::vector<std::byte> icc(reinterpret_cast<std::byte*>(icc_data),
                             reinterpret_cast<std::byte*>(icc_data) + icc_length);
  std::free(icc_data);
  info.has_icc_profile = !icc.empty();

  const std::size_t working_bytes = coefficient_bytes(cinfo);
  check_limits(info, working_bytes, options.limits, path);
  if (const MemoryBudget* budget = budget_of(options.limits)) {
    // libjpeg's own arrays may use what the budget has left after the pixels.
    const std::size_t left = budget->cap() - std::min(budget->cap(), budget->used());
    cinfo.mem->max_memory_to_use = static_cast<long>(
        std::min<std::size_t>(left - std::min(left, info.decode_bytes()), LONG_MAX));
  }

  auto decoder = std::make_unique<JpegDecoder>(path, info, std::move(source), std::move(icc));
  decoder->configure(options);
  decoder->prepare_colour_management();
  return decoder;
}

}  // namespace tessera::codecs
