// libFuzzer target for the JPEG decoder. Seeds: the shared corpora's JPEGs (scripts/fuzz.sh).
#include "decode_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Only inputs that sniff as JPEG, so this target's time goes to libjpeg and our glue.
  if (size >= 2 && data[0] == 0xFF && data[1] == 0xD8) tessera::fuzz::decode_all(data, size);
  return 0;
}
