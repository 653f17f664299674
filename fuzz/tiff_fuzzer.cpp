// libFuzzer target for the TIFF decoder. Seeds: image-tiff's and libtiff's test pictures.
#include <cstring>

#include "decode_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 4 && (std::memcmp(data, "II", 2) == 0 || std::memcmp(data, "MM", 2) == 0)) {
    tessera::fuzz::decode_all(data, size, true);
  }
  return 0;
}
