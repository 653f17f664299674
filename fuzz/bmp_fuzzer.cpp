// libFuzzer target for the hand-written BMP decoder. Seeds: the BMPs of the shared corpora.
#include "decode_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 14 && data[0] == 'B' && data[1] == 'M') tessera::fuzz::decode_all(data, size);
  return 0;
}
