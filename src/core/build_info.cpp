#include "tessera/build_info.h"

#include <fmt/format.h>
#include <gif_lib.h>
#include <hwy/targets.h>
#include <lcms2.h>
#include <libheif/heif.h>
#include <libimagequant.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/version.h>
#include <spng.h>
#include <tiffio.h>
#include <webp/decode.h>

#include <jpeglib.h>
#include <cstdio>  // before jpeglib.h, which needs FILE

#include <string>
#include <vector>

#include "build_config.h"  // generated: build type, compiler, sanitizers
#include "git_commit.h"    // generated at each build
#include "tessera/version.h"

namespace tessera {

namespace {

#define TESSERA_STRINGIFY_VALUE(x) #x
#define TESSERA_STRINGIFY(x) TESSERA_STRINGIFY_VALUE(x)

// libwebp's versions are 0xMMmmpp.
std::string webp_version(int packed) {
  return fmt::format("{}.{}.{}", (packed >> 16) & 0xff, (packed >> 8) & 0xff, packed & 0xff);
}

// "LIBTIFF, Version 4.5.0\nCopyright ...": the number.
std::string tiff_version() {
  std::string text = TIFFGetVersion();
  text = text.substr(0, text.find('\n'));
  const auto at = text.rfind(' ');
  return at == std::string::npos ? text : text.substr(at + 1);
}

// The plugins libheif found: which codecs read and write HEIC and AVIF here.
std::string heif_plugins() {
  heif_init(nullptr);
  const heif_decoder_descriptor* decoders[16] = {};
  const int decoder_count = heif_get_decoder_descriptors(heif_compression_undefined, decoders, 16);
  const heif_encoder_descriptor* encoders[16] = {};
  const int encoder_count =
      heif_get_encoder_descriptors(heif_compression_undefined, nullptr, encoders, 16);
  std::string decoding, encoding;
  for (int i = 0; i < decoder_count; ++i) {
    const char* id = heif_decoder_descriptor_get_id_name(decoders[i]);
    decoding += fmt::format("{}{}", decoding.empty() ? "" : " ", id != nullptr ? id : "?");
  }
  for (int i = 0; i < encoder_count; ++i) {
    const char* id = heif_encoder_descriptor_get_id_name(encoders[i]);
    encoding += fmt::format("{}{}", encoding.empty() ? "" : " ", id != nullptr ? id : "?");
  }
  heif_deinit();
  return fmt::format("decoders: {}; encoders: {}", decoding.empty() ? "none" : decoding,
                     encoding.empty() ? "none" : encoding);
}

}  // namespace

BuildInfo build_info() {
  BuildInfo info;
  info.version = kVersion;
  info.git_commit = TESSERA_GIT_COMMIT;
  info.build_type = TESSERA_BUILD_TYPE;
  info.compiler = TESSERA_COMPILER;
  info.sanitizers = TESSERA_SANITIZERS;
  const int lcms = cmsGetEncodedCMMversion();  // 2140: 2.14
  info.libraries = {
      // libjpeg-turbo and giflib say their versions only at compile time.
      {"libjpeg-turbo", TESSERA_STRINGIFY(LIBJPEG_TURBO_VERSION), "built against"},
      {"libspng", spng_version_string(), ""},
      {"libwebp", webp_version(WebPGetDecoderVersion()), ""},
      {"libtiff", tiff_version(), ""},
      {"giflib", fmt::format("{}.{}.{}", GIFLIB_MAJOR, GIFLIB_MINOR, GIFLIB_RELEASE),
       "built against"},
      {"libheif", heif_get_version(), heif_plugins()},
      // libimagequant's run-time liq_version() says 21600 in 2.17.0 (its LIQ_VERSION was not
      // raised for that release): the header's version string is the one that is right.
      {"libimagequant", LIQ_VERSION_STRING, "built against"},
      {"lcms2", fmt::format("{}.{}", lcms / 1000, lcms % 1000 / 10), ""},
      {"oneTBB", TBB_runtime_version(), ""},
      {"Highway", TESSERA_HIGHWAY_VERSION, "built against"},
  };
  // Highway's targets, best first (a lower bit is a better target on every architecture).
  const std::vector<std::int64_t> targets = hwy::SupportedAndGeneratedTargets();
  for (const std::int64_t target : targets) info.simd_targets.push_back(hwy::TargetName(target));
  if (!info.simd_targets.empty()) info.simd_target = info.simd_targets.front();
  info.threads = oneapi::tbb::info::default_concurrency();
  return info;
}

}  // namespace tessera
