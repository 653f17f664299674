// Table lookups with Highway, compiled for every SIMD target and picked at run time. A byte
// shuffle looks up 16 entries at once, so the table is taken as 16 slices of 16: each sample's
// low nibble indexes a slice and its high nibble picks which slice's answer it keeps. That is
// about 50 vector instructions per vector of samples, against one load per sample in scalar.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/simd/lookup_rows.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "ops/simd/lookup_rows.h"

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void LookupRow(const std::uint8_t* in, std::uint8_t* out, std::size_t samples,
               const std::uint8_t* table) {
  std::size_t i = 0;
#if HWY_TARGET != HWY_SCALAR
  const hn::ScalableTag<std::uint8_t> d;
  const std::size_t lanes = hn::Lanes(d);
  hn::Vec<decltype(d)> slices[16];
  for (int k = 0; k < 16; ++k) slices[k] = hn::LoadDup128(d, table + 16 * k);
  const auto low_mask = hn::Set(d, 0x0F);
  for (; i + lanes <= samples; i += lanes) {
    const auto samples_here = hn::LoadU(d, in + i);
    const auto low = hn::And(samples_here, low_mask);
    const auto high = hn::ShiftRight<4>(samples_here);
    auto result = hn::TableLookupBytes(slices[0], low);
    for (int k = 1; k < 16; ++k) {
      result = hn::IfThenElse(hn::Eq(high, hn::Set(d, static_cast<std::uint8_t>(k))),
                              hn::TableLookupBytes(slices[k], low), result);
    }
    hn::StoreU(result, d, out + i);
  }
#endif
  for (; i < samples; ++i) out[i] = table[in[i]];
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tessera::ops::simd {
HWY_EXPORT(LookupRow);
void lookup_row(const std::uint8_t* in, std::uint8_t* out, std::size_t samples,
                const std::uint8_t* table) {
  HWY_DYNAMIC_DISPATCH(LookupRow)(in, out, samples, table);
}
}  // namespace tessera::ops::simd
#endif
