// libFuzzer target for the WebP decoder. Seeds: the WebP conformance vectors and AFL's seeds.
#include <cstring>

#include "decode_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 12 && std::memcmp(data, "RIFF", 4) == 0 && std::memcmp(data + 8, "WEBP", 4) == 0) {
    tessera::fuzz::decode_all(data, size, true);
  }
  return 0;
}
