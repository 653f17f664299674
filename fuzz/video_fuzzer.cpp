// libFuzzer target over video demuxing and decoding: the input is written to a file in memory
// (/dev/shm; tessera's reader takes paths, as FFmpeg's demuxers probe by name too) and read
// frame by frame as gray and as RGB, under a budget and a pixel limit small enough that the
// fuzzer explores parsing rather than allocation. tessera::Error is the only way to fail.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/video.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/dev/shm/tessera-video-fuzz-" + std::to_string(::getpid());
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return 0;
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  tessera::MemoryBudget budget(std::size_t{64} << 20, "fuzz input");
  for (const tessera::PixelFormat format :
       {tessera::PixelFormat::gray8(), tessera::PixelFormat::rgb8()}) {
    try {
      auto reader =
          tessera::video::Reader::open(path, {.format = format,
                                              .budget = &budget,
                                              .limits = {.max_pixels = std::uint64_t{1} << 20},
                                              .fail_on = tessera::FailOn::None,
                                              .threads = 1});
      for (int frames = 0; frames < 16 && reader.next(); ++frames) {
      }
    } catch (const tessera::Error&) {
      // The contract: a clear error.
    }
  }
  std::remove(path.c_str());
  return 0;
}
