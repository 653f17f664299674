#include "encode_option_warnings.h"

namespace tessera::cli {

std::vector<std::string> ignored_encode_options(FileFormat format, const GivenEncodeOptions& given,
                                                const EncodeOptions& encode) {
  std::vector<std::string> ignored;
  if (given.quality && !uses_quality(format, encode)) {
    ignored.emplace_back(format == FileFormat::Tiff
                             ? "-q applies to TIFF only with --tiff-compression jpeg"
                             : "-q applies to JPEG, WebP, HEIC/AVIF and JPEG-in-TIFF");
  }
  if (given.progressive && format != FileFormat::Jpeg) {
    ignored.emplace_back("--progressive applies to JPEG only");
  }
  if (given.subsampling && format != FileFormat::Jpeg) {
    ignored.emplace_back("--subsampling applies to JPEG only");
  }
  if (given.compression && format != FileFormat::Png) {
    ignored.emplace_back("--compression applies to PNG only");
  }
  if (given.lossless && format != FileFormat::Webp) {
    ignored.emplace_back("--lossless applies to WebP only");
  }
  if (given.tiff_compression && format != FileFormat::Tiff) {
    ignored.emplace_back("--tiff-compression applies to TIFF only");
  }
  if (given.tiled && format != FileFormat::Tiff)
    ignored.emplace_back("--tiled applies to TIFF only");
  return ignored;
}

}  // namespace tessera::cli
