// libFuzzer target for the hand-written Netpbm decoder. Seeds: the PBM/PGM/PPM of the corpora.
#include "decode_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 3 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7')
    tessera::fuzz::decode_all(data, size);
  return 0;
}
