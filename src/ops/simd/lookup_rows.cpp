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
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TESSERA_LOOKUP_VBMI 1
#endif

namespace tessera::ops::simd {
HWY_EXPORT(LookupRow);

#ifdef TESSERA_LOOKUP_VBMI
namespace {

// With AVX512-VBMI a byte permute indexes 128 table entries held in two registers, so the
// whole table is two permutes and a blend per 64 samples, against about 50 instructions for
// the slices above. Highway 1.0 has no target with VBMI in its default set, hence intrinsics.
__attribute__((target("avx512f,avx512bw,avx512vbmi,bmi2"))) void lookup_row_vbmi(
    const std::uint8_t* in, std::uint8_t* out, std::size_t samples, const std::uint8_t* table) {
  const __m512i low_table_0 = _mm512_loadu_si512(table);
  const __m512i low_table_1 = _mm512_loadu_si512(table + 64);
  const __m512i high_table_0 = _mm512_loadu_si512(table + 128);
  const __m512i high_table_1 = _mm512_loadu_si512(table + 192);
  const auto lookup = [&](__m512i indices) __attribute__((target("avx512f,avx512bw,avx512vbmi"))) {
    // Each permute reads the low 7 bits; the top bit picks between the two halves.
    const __m512i low = _mm512_permutex2var_epi8(low_table_0, indices, low_table_1);
    const __m512i high = _mm512_permutex2var_epi8(high_table_0, indices, high_table_1);
    return _mm512_mask_blend_epi8(_mm512_movepi8_mask(indices), low, high);
  };
  std::size_t i = 0;
  for (; i + 64 <= samples; i += 64) {
    _mm512_storeu_si512(out + i, lookup(_mm512_loadu_si512(in + i)));
  }
  if (i < samples) {
    const __mmask64 rest = _bzhi_u64(~std::uint64_t{0}, static_cast<unsigned>(samples - i));
    _mm512_mask_storeu_epi8(out + i, rest, lookup(_mm512_maskz_loadu_epi8(rest, in + i)));
  }
}

}  // namespace
#endif

void lookup_row(const std::uint8_t* in, std::uint8_t* out, std::size_t samples,
                const std::uint8_t* table) {
#ifdef TESSERA_LOOKUP_VBMI
  static const bool vbmi = __builtin_cpu_supports("avx512vbmi") &&
                           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("bmi2");
  if (vbmi) {
    lookup_row_vbmi(in, out, samples, table);
    return;
  }
#endif
  HWY_DYNAMIC_DISPATCH(LookupRow)(in, out, samples, table);
}
}  // namespace tessera::ops::simd
#endif
