// libFuzzer target for the HEIF/AVIF decoder. Seeds: libheif's fuzz corpus and examples, and
// libavif's oss-fuzz seeds.
#include <cstring>

#include "decode_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 12 && std::memcmp(data + 4, "ftyp", 4) == 0) tessera::fuzz::decode_all(data, size);
  return 0;
}
