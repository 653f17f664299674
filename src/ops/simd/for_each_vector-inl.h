// Per-target helper for the SIMD row kernels: include after <hwy/highway.h> in a file built with
// foreach_target.h. The toggle guard below is Highway's convention for such headers: it lets
// the header be compiled once per target.

#if defined(TESSERA_OPS_SIMD_FOR_EACH_VECTOR_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TESSERA_OPS_SIMD_FOR_EACH_VECTOR_INL_H_
#undef TESSERA_OPS_SIMD_FOR_EACH_VECTOR_INL_H_
#else
#define TESSERA_OPS_SIMD_FOR_EACH_VECTOR_INL_H_
#endif

#include <hwy/highway.h>

#include <cstddef>

HWY_BEFORE_NAMESPACE();
namespace tessera::ops::simd {
namespace HWY_NAMESPACE {

// Runs vector(i) over 0..samples in steps of `lanes`. A row that does not end on a whole vector
// ends with one more vector that overlaps the last one: with 64 lanes (AVX-512 bytes) a scalar
// tail can cost as much as the rest of a row. A row shorter than a vector runs scalar(i).
//
// Only for kernels whose output does not overlap their input (the overlapped samples are
// computed twice, from the same input, so they come out the same).
template <class VectorAt, class ScalarAt>
HWY_INLINE void ForEachVector(std::size_t samples, std::size_t lanes, VectorAt&& vector,
                              ScalarAt&& scalar) {
  std::size_t i = 0;
  for (; i + lanes <= samples; i += lanes) vector(i);
  if (i == samples) return;
  if (samples >= lanes) {
    vector(samples - lanes);
    return;
  }
  for (; i < samples; ++i) scalar(i);
}

}  // namespace HWY_NAMESPACE
}  // namespace tessera::ops::simd
HWY_AFTER_NAMESPACE();

#endif  // TESSERA_OPS_SIMD_FOR_EACH_VECTOR_INL_H_ toggle
