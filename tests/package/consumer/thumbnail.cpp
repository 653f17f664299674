// thumbnail IN OUT WIDTH: IN resized to WIDTH pixels wide, written to OUT, read back and checked.
#include <tessera/codec.h>
#include <tessera/error.h>
#include <tessera/ops/geometry.h>
#include <tessera/version.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: thumbnail IN OUT WIDTH\n");
    return 2;
  }
  try {
    const int width = std::stoi(argv[3]);
    // Options as the README writes them, designated (package_test.sh compiles this file with
    // -Wall -Wextra -Werror: GCC 12 warns of members left out without a default of their own).
    const tessera::Image photo = tessera::read(argv[1], {.fail_on = tessera::FailOn::Error});
    const tessera::Image thumb = tessera::ops::resize(photo.view(), {.width = width});
    tessera::write(thumb, argv[2], {.quality = 90, .png_compression = 9});
    const tessera::Image back = tessera::read(argv[2]);
    const int height =
        static_cast<int>(static_cast<long long>(photo.height()) * width / photo.width());
    if (back.width() != width || back.height() < height - 1 || back.height() > height + 1) {
      std::fprintf(stderr, "thumbnail: %s is %dx%d, not %dx%d\n", argv[2], back.width(),
                   back.height(), width, height);
      return 1;
    }
    std::printf("tessera %s: %dx%d -> %dx%d\n", TESSERA_VERSION_STRING, photo.width(),
                photo.height(), back.width(), back.height());
  } catch (const tessera::Error& error) {
    std::fprintf(stderr, "thumbnail: %s\n", error.what());
    return 1;
  }
  return 0;
}
