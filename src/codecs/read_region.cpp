// read_region: a rectangle of an image file, decoding no more than its format allows.

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "codecs/limits.h"
#include "codecs/orientation.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera {
namespace {

// Rows of the decoder's full width read and dropped (above the region) or cut (beside it) at a
// time: a few MB at most for the widest images tessera reads.
constexpr int kBandRows = 64;

void check_region(const Rect& region, int width, int height, const std::filesystem::path& path) {
  const bool inside = region.x >= 0 && region.y >= 0 && region.width > 0 && region.height > 0 &&
                      region.x <= width - region.width && region.y <= height - region.height;
  if (!inside) {
    throw Error(
        ErrorCode::InvalidArgument,
        fmt::format("the region {}x{} at ({}, {}) is not inside the {}x{} image: x and "
                    "y from 0, width and height at least 1, x + width <= {} and y + "
                    "height <= {}",
                    region.width, region.height, region.x, region.y, width, height, width, height),
        {.path = path.string(), .operation = "read region"});
  }
}

}  // namespace

Image read_region(const std::filesystem::path& path, Rect region, const DecodeOptions& options,
                  std::source_location site) {
  DecodeOptions full_size = options;
  full_size.min_width = 0;  // shrink-on-load would change the coordinates
  full_size.min_height = 0;
  full_size.limits.whole_decode_within_budget = false;  // only the region is decoded whole
  const auto decoder = open_decoder(path, full_size);
  const ImageInfo& info = decoder->info();
  const int orientation = options.apply_orientation ? info.orientation : 1;
  const bool transposes = codecs::orientation_transposes(orientation);
  check_region(region, transposes ? info.height : info.width, transposes ? info.width : info.height,
               path);
  const Rect stored = codecs::stored_rect(orientation, info.width, info.height, region);
  const Rect delivered = decoder->narrow_to(stored);
  decoder->begin();

  const AllocationOptions allocation{.label = "decoded region",
                                     .budget = codecs::budget_of(options.limits)};
  Image image = Image::create(stored.width, stored.height, decoder->format(), allocation, site);
  const bool whole_rows = delivered.x == stored.x && delivered.width == stored.width;
  const int skip = stored.y - delivered.y;
  if (whole_rows && skip == 0) {
    decoder->read(image.mutable_view());
  } else {
    const Image band =
        Image::create(delivered.width, std::min(kBandRows, delivered.height), decoder->format(),
                      {.label = "region band", .budget = allocation.budget});
    for (int done = 0; done < skip;) {  // rows above the region
      const int rows = std::min(band.height(), skip - done);
      decoder->read(band.mutable_view().subview({0, 0, band.width(), rows}));
      done += rows;
    }
    const std::size_t pixel = decoder->format().bytes_per_pixel();
    const std::size_t left = static_cast<std::size_t>(stored.x - delivered.x) * pixel;
    const std::size_t row_bytes = static_cast<std::size_t>(stored.width) * pixel;
    for (int done = 0; done < stored.height;) {
      const int rows = std::min(band.height(), stored.height - done);
      const MutableImageView out = image.mutable_view().subview({0, done, stored.width, rows});
      if (whole_rows) {
        decoder->read(out);
      } else {  // the region's columns of each band row
        decoder->read(band.mutable_view().subview({0, 0, band.width(), rows}));
        for (int y = 0; y < rows; ++y)
          std::memcpy(out.row(y), band.view().row(y) + left, row_bytes);
      }
      done += rows;
    }
  }
  return codecs::apply_orientation(image, orientation, allocation);
}

}  // namespace tessera
