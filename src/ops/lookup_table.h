#pragma once
// Point ops on u8 samples through a 256-entry table: the table is built once per call, so any
// per-sample formula costs one load per sample.

#include <array>
#include <cstdint>

#include "ops/op_support.h"

namespace tessera::ops::detail {

using LookupTable = std::array<std::uint8_t, 256>;

// dst = table[src] for every colour sample; alpha is copied unchanged. src == dst is allowed.
void apply_lookup_table(ImageView src, MutableImageView dst, const LookupTable& table);

}  // namespace tessera::ops::detail
