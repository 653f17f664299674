#pragma once
// ICC colour management on lcms2, for the pixels a format stores in a colour space tessera does
// not carry (CMYK): converted to sRGB through the file's own profile, as libvips does.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "tessera/pixel_format.h"

namespace tessera::codecs {

// The colour space an ICC profile declares (its header's bytes 16..19): "RGB ", "GRAY",
// "CMYK", ...; empty if `profile` is too short to be one.
std::string_view icc_colour_space(std::span<const std::byte> profile);

// Whether `profile` may be embedded with pixels of `layout`: false when it declares another
// colour space than theirs (RGB for colour, GRAY for gray). A CMYK profile beside RGB pixels
// would make every viewer misread them.
bool icc_profile_fits(std::span<const std::byte> profile, ChannelLayout layout);

// A CMYK-to-sRGB transform through `profile` (relative colorimetric, libvips' default), for
// 8-bit CMYK rows; `inverted`: Adobe's inverted CMYK (0 = full ink), as Photoshop writes JPEG.
class CmykToSrgb {
 public:
  // Null when the profile cannot be used (not CMYK, damaged): the caller falls back.
  static std::unique_ptr<CmykToSrgb> from_profile(std::span<const std::byte> profile,
                                                  bool inverted);
  ~CmykToSrgb();
  CmykToSrgb(const CmykToSrgb&) = delete;
  CmykToSrgb& operator=(const CmykToSrgb&) = delete;

  // `width` pixels of 4 bytes to 3 bytes of sRGB.
  void convert(const std::uint8_t* cmyk, std::uint8_t* rgb, int width) const;

 private:
  explicit CmykToSrgb(void* transform) : transform_(transform) {}
  void* transform_;  // cmsHTRANSFORM
};

}  // namespace tessera::codecs
