#include "codecs/colour_management.h"

#include <lcms2.h>

#include <string_view>

namespace tessera::codecs {

std::string_view icc_colour_space(std::span<const std::byte> profile) {
  if (profile.size() < 128) return {};
  return {reinterpret_cast<const char*>(profile.data()) + 16, 4};
}

bool icc_profile_fits(std::span<const std::byte> profile, ChannelLayout layout) {
  const std::string_view space = icc_colour_space(profile);
  const bool gray = layout == ChannelLayout::Gray || layout == ChannelLayout::GrayAlpha;
  // Only a declared colour space can mismatch; bytes that are no profile header are the
  // caller's to embed (tessera does not validate profiles).
  static constexpr std::string_view kColourSpaces[] = {
      "RGB ", "GRAY", "CMYK", "CMY ", "Lab ", "XYZ ", "YCbr", "Luv ", "HSV ", "HLS ", "Yxy "};
  bool declared = false;
  for (const std::string_view known : kColourSpaces) declared = declared || space == known;
  return !declared || space == (gray ? "GRAY" : "RGB ");
}

std::unique_ptr<CmykToSrgb> CmykToSrgb::from_profile(std::span<const std::byte> profile,
                                                     bool inverted) {
  if (icc_colour_space(profile) != "CMYK") return nullptr;
  cmsHPROFILE input =
      cmsOpenProfileFromMem(profile.data(), static_cast<cmsUInt32Number>(profile.size()));
  if (input == nullptr) return nullptr;
  cmsHPROFILE srgb = cmsCreate_sRGBProfile();
  // Adobe's inverted CMYK is lcms2's "reversed" (flavour) CMYK.
  const cmsUInt32Number input_type = inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8;
  cmsHTRANSFORM transform =
      srgb == nullptr ? nullptr
                      : cmsCreateTransform(input, input_type, srgb, TYPE_RGB_8,
                                           INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE);
  cmsCloseProfile(input);
  if (srgb != nullptr) cmsCloseProfile(srgb);
  if (transform == nullptr) return nullptr;
  return std::unique_ptr<CmykToSrgb>(new CmykToSrgb(transform));
}

CmykToSrgb::~CmykToSrgb() { cmsDeleteTransform(static_cast<cmsHTRANSFORM>(transform_)); }

void CmykToSrgb::convert(const std::uint8_t* cmyk, std::uint8_t* rgb, int width) const {
  cmsDoTransform(static_cast<cmsHTRANSFORM>(transform_), cmyk, rgb,
                 static_cast<cmsUInt32Number>(width));
}

}  // namespace tessera::codecs
