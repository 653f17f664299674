// JPEG encoding on libjpeg-turbo: quality, progressive, chroma subsampling, ICC.

#include <fmt/format.h>

#include <cstring>
#include <vector>

#include "codecs/file_io.h"
#include "codecs/jpeg/jpeg_codec.h"
#include "codecs/jpeg/jpeg_error.h"
#include "codecs/jpeg/jpeg_metadata.h"
#include "codecs/row_conversion.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

// Owns the libjpeg compressor from the moment it exists; never moves.
struct JpegSink {
  JpegErrorManager errors;
  jpeg_compress_struct cinfo{};
  bool created = false;

  ~JpegSink() {
    if (created) jpeg_destroy_compress(&cinfo);
  }
};

class JpegEncoder final : public Encoder {
 public:
  JpegEncoder(const std::filesystem::path& path, int width, int height, PixelFormat format,
              const EncodeOptions& options)
      : Encoder(path, width, height, format), file_(path), sink_(std::make_unique<JpegSink>()) {
    jpeg_compress_struct& cinfo = sink_->cinfo;
    JpegErrorManager& errors = sink_->errors;
    install_error_manager(reinterpret_cast<jpeg_common_struct*>(&cinfo), errors);
    if (!guarded(errors, [&cinfo] { jpeg_create_compress(&cinfo); })) fail();
    sink_->created = true;
    install_fault_points(reinterpret_cast<jpeg_common_struct*>(&cinfo), errors);

    layout_ = without_alpha(format.layout);  // JPEG has no alpha: flattened onto white
    raw_gray_ = options.gray_as_colour && format == PixelFormat::gray8();
    cinfo.image_width = static_cast<JDIMENSION>(width);
    cinfo.image_height = static_cast<JDIMENSION>(height);
    cinfo.input_components = raw_gray_ ? 3 : channel_count(layout_);
    cinfo.in_color_space = raw_gray_                        ? JCS_YCbCr
                           : layout_ == ChannelLayout::Gray ? JCS_GRAYSCALE
                                                            : JCS_RGB;
    const int quality = options.quality;
    const bool progressive = options.progressive;
    const int horizontal = options.subsampling == ChromaSubsampling::S444 ? 1 : 2;
    const int vertical = options.subsampling == ChromaSubsampling::S420 ? 2 : 1;
    std::FILE* stream = file_.stream();
    const Metadata& metadata = options.metadata;
    bool metadata_whole = true;
    if (!guarded(errors, [&cinfo, stream, quality, progressive, horizontal, vertical, &metadata,
                          &metadata_whole] {
          jpeg_stdio_dest(&cinfo, stream);
          jpeg_set_defaults(&cinfo);
          set_density(cinfo, metadata);
          jpeg_set_quality(&cinfo, quality, TRUE);
          if (cinfo.in_color_space != JCS_GRAYSCALE) {
            cinfo.comp_info[0].h_samp_factor = horizontal;
            cinfo.comp_info[0].v_samp_factor = vertical;
          }
          // YCbCr in: the planes go straight to the DCT (no colour conversion or downsampling).
          cinfo.raw_data_in = cinfo.in_color_space == JCS_YCbCr ? TRUE : FALSE;
          if (progressive) jpeg_simple_progression(&cinfo);
          jpeg_start_compress(&cinfo, TRUE);
          metadata_whole = write_metadata_markers(cinfo, metadata);
        })) {
      fail();
    }
    if (!metadata_whole) {
      fmt::print(stderr,
                 "tessera: warning: {}: EXIF, XMP or IPTC larger than a JPEG marker (64 KiB) "
                 "left out\n",
                 path.string());
    }
    if (raw_gray_) start_raw_planes();
    if (!options.icc_profile.empty()) {
      const auto* icc = reinterpret_cast<const JOCTET*>(options.icc_profile.data());
      const auto icc_length = static_cast<unsigned>(options.icc_profile.size());
      if (!guarded(errors, [&cinfo, icc, icc_length] {
            jpeg_write_icc_profile(&cinfo, icc, icc_length);
          })) {
        fail();
      }
    }
    if (!raw_gray_ && (format.sample != SampleType::U8 || layout_ != format.layout)) {
      scratch_.resize(static_cast<std::size_t>(width) *
                      static_cast<std::size_t>(channel_count(layout_)));
    }
  }

 private:
  [[noreturn]] void fail() const {
    throw jpeg_error(sink_->errors, "encode", file_.path().c_str());
  }

  // Raw data goes in whole iMCU rows (8 rows of each block row of Y, so 16 at 4:2:0), each
  // row padded to whole blocks. The padding repeats the last column and, at the bottom, the
  // last row, as libjpeg's own preprocessing does, so the file is the one the RGB rows give.
  // Cb and Cr are 128, the chroma of any gray (libjpeg's constants make it exact).
  void start_raw_planes() {
    const jpeg_component_info& luma = sink_->cinfo.comp_info[0];
    luma_stride_ = static_cast<std::size_t>(luma.width_in_blocks) * DCTSIZE;
    const int group = luma.v_samp_factor * DCTSIZE;
    luma_group_.resize(luma_stride_ * static_cast<std::size_t>(group));
    luma_rows_.resize(static_cast<std::size_t>(group));
    for (int i = 0; i < group; ++i) {
      luma_rows_[static_cast<std::size_t>(i)] = luma_group_.data() + luma_stride_ * i;
    }
    const jpeg_component_info& blue = sink_->cinfo.comp_info[1];
    neutral_chroma_.assign(static_cast<std::size_t>(blue.width_in_blocks) * DCTSIZE, 128);
    chroma_rows_.assign(static_cast<std::size_t>(blue.v_samp_factor) * DCTSIZE,
                        neutral_chroma_.data());
  }

  void add_raw_row(const std::uint8_t* gray) {
    std::uint8_t* row = luma_rows_[static_cast<std::size_t>(buffered_rows_)];
    const auto width = static_cast<std::size_t>(this->width());
    std::memcpy(row, gray, width);
    std::memset(row + width, row[width - 1], luma_stride_ - width);
    if (++buffered_rows_ == static_cast<int>(luma_rows_.size())) write_raw_group();
  }

  void write_raw_group() {
    jpeg_compress_struct& cinfo = sink_->cinfo;
    for (std::size_t i = static_cast<std::size_t>(buffered_rows_); i < luma_rows_.size(); ++i) {
      std::memcpy(luma_rows_[i], luma_rows_[i - 1], luma_stride_);
    }
    buffered_rows_ = 0;
    JSAMPARRAY planes[3] = {luma_rows_.data(), chroma_rows_.data(), chroma_rows_.data()};
    const auto rows = static_cast<JDIMENSION>(luma_rows_.size());
    if (!guarded(sink_->errors,
                 [&cinfo, &planes, rows] { jpeg_write_raw_data(&cinfo, planes, rows); })) {
      fail();
    }
  }

  void encode_rows(const ImageView& rows) override {
    jpeg_compress_struct& cinfo = sink_->cinfo;
    if (raw_gray_) {
      for (int y = 0; y < rows.height(); ++y) add_raw_row(rows.row<std::uint8_t>(y));
      return;
    }
    for (int y = 0; y < rows.height(); ++y) {
      JSAMPROW row = nullptr;
      if (scratch_.empty()) {
        // libjpeg takes non-const rows but only reads them.
        row = const_cast<JSAMPROW>(reinterpret_cast<const JSAMPLE*>(rows.row(y)));
      } else {
        convert_row_to_u8(rows.row(y), rows.format(), rows.width(), layout_, scratch_.data());
        row = scratch_.data();
      }
      if (!guarded(sink_->errors, [&cinfo, &row] { jpeg_write_scanlines(&cinfo, &row, 1); }))
        fail();
    }
  }

  void finish_encoding() override {
    jpeg_compress_struct& cinfo = sink_->cinfo;
    if (raw_gray_ && buffered_rows_ > 0) write_raw_group();
    if (!guarded(sink_->errors, [&cinfo] { jpeg_finish_compress(&cinfo); })) fail();
    check_interrupt();
    file_.commit();
  }

  void check_output() const override { file_.throw_if_write_failed(); }

  AtomicOutputFile file_;
  std::unique_ptr<JpegSink> sink_;  // destroyed before file_, which then removes a partial file
  ChannelLayout layout_ = ChannelLayout::Rgb;
  std::vector<std::uint8_t> scratch_;
  // gray_as_colour: the luma rows of one iMCU row, and the neutral chroma row they share.
  bool raw_gray_ = false;
  std::size_t luma_stride_ = 0;
  std::vector<std::uint8_t> luma_group_;
  std::vector<JSAMPROW> luma_rows_;
  int buffered_rows_ = 0;
  std::vector<std::uint8_t> neutral_chroma_;
  std::vector<JSAMPROW> chroma_rows_;
};

}  // namespace

std::unique_ptr<Encoder> open_jpeg_encoder(const std::filesystem::path& path, int width, int height,
                                           PixelFormat format, const EncodeOptions& options) {
  return std::make_unique<JpegEncoder>(path, width, height, format, options);
}

}  // namespace tessera::codecs
