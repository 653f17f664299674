#include "codecs/heif/heif_support.h"

#include <fmt/format.h>

#include "core/fault_injection.h"

namespace tessera::codecs {

void check_heif(const heif_error& error, const std::filesystem::path& path, const char* operation) {
  const ErrorContext context{.path = path.string(), .operation = operation};
  if (detail::inject_fault())
    throw Error(ErrorCode::Io, "injected fault (testing::FaultInjection)", context);
  if (error.code == heif_error_Ok) return;
  std::string reason = error.message != nullptr ? error.message : "unknown libheif error";
  // Some of libheif's messages end in a newline; ours go on after them.
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  if (error.subcode == heif_suberror_Security_limit_exceeded) {
    throw Error(ErrorCode::ImageTooLarge,
                fmt::format("libheif's size limit refuses it: {}", reason), context);
  }
  switch (error.code) {
    case heif_error_Unsupported_filetype:
    case heif_error_Unsupported_feature:
      throw Error(ErrorCode::UnsupportedFormat,
                  fmt::format("valid HEIF/AVIF using a feature libheif 1.15 lacks: {}", reason),
                  context);
    case heif_error_Memory_allocation_error:
      throw Error(ErrorCode::OutOfMemory, fmt::format("libheif ran out of memory: {}", reason),
                  context);
    case heif_error_Encoder_plugin_error:
    case heif_error_Encoding_error:
      throw Error(ErrorCode::Io, fmt::format("libheif could not encode: {}", reason), context);
    default:
      throw Error(ErrorCode::CorruptData, fmt::format("not a valid HEIF/AVIF: {}", reason),
                  context);
  }
}

}  // namespace tessera::codecs
