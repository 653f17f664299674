// first_frame CLIP: the first frame of CLIP decoded through tessera::video, its size checked
// against what the headers say.
#include <tessera/error.h>
#include <tessera/video.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: first_frame CLIP\n");
    return 2;
  }
  try {
    auto reader = tessera::video::Reader::open(argv[1], {.format = tessera::PixelFormat::gray8()});
    const tessera::video::VideoInfo& info = reader.info();
    const auto frame = reader.next();
    if (!frame || frame->image.width() != info.width || frame->image.height() != info.height) {
      std::fprintf(stderr, "first_frame: no %dx%d frame in %s\n", info.width, info.height, argv[1]);
      return 1;
    }
    std::printf("%s %s: first frame %dx%d\n", info.container.c_str(), info.codec.c_str(),
                frame->image.width(), frame->image.height());
  } catch (const tessera::Error& error) {
    std::fprintf(stderr, "first_frame: %s\n", error.what());
    return 1;
  }
  return 0;
}
