// libFuzzer target for the GIF decoder. Seeds: the GIFs of the shared corpora and AFL's seed.
#include <cstring>

#include "decode_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 6 && std::memcmp(data, "GIF8", 4) == 0) tessera::fuzz::decode_all(data, size, true);
  return 0;
}
