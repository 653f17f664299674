#pragma once
// 256-entry table lookups over u8 samples, vectorised (see lookup_rows.cpp).

#include <cstddef>
#include <cstdint>

namespace tessera::ops::simd {

// out[i] = table[in[i]] for i < samples; in == out is allowed.
void lookup_row(const std::uint8_t* in, std::uint8_t* out, std::size_t samples,
                const std::uint8_t* table);

}  // namespace tessera::ops::simd
