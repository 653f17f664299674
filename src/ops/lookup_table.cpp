#include "ops/lookup_table.h"

#include "ops/simd/lookup_rows.h"

namespace tessera::ops::detail {

void apply_lookup_table(ImageView src, MutableImageView dst, const LookupTable& table) {
  const int channels = src.format().channels();
  const int colour_channels = src.format().has_alpha() ? channels - 1 : channels;
  parallel_rows(src.height(), strip_rows(src.row_bytes()), [&](int first, int end) {
    for (int y = first; y < end; ++y) {
      const std::uint8_t* in = src.row<std::uint8_t>(y);
      std::uint8_t* out = dst.row<std::uint8_t>(y);
      if (colour_channels == channels) {
        simd::lookup_row(in, out, src.row_bytes(), table.data());
        continue;
      }
      for (int x = 0; x < src.width(); ++x) {
        for (int c = 0; c < colour_channels; ++c) out[c] = table[in[c]];
        out[colour_channels] = in[colour_channels];
        in += channels;
        out += channels;
      }
    }
  });
}

}  // namespace tessera::ops::detail
