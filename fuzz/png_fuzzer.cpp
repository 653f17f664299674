// libFuzzer target for the PNG decoder. Seeds: PngSuite, its crashers and AFL's PNG seeds.
#include "decode_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 8 && data[0] == 0x89 && data[1] == 'P') tessera::fuzz::decode_all(data, size);
  return 0;
}
