#include "tessera/error.h"

#include <fmt/format.h>

namespace tessera {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument:
      return "InvalidArgument";
    case ErrorCode::UnsupportedFormat:
      return "UnsupportedFormat";
    case ErrorCode::CorruptData:
      return "CorruptData";
    case ErrorCode::ImageTooLarge:
      return "ImageTooLarge";
    case ErrorCode::OutOfBudget:
      return "OutOfBudget";
    case ErrorCode::OutOfMemory:
      return "OutOfMemory";
    case ErrorCode::Io:
      return "Io";
    case ErrorCode::Internal:
      return "Internal";
  }
  return "Unknown";
}

Error::Error(ErrorCode code, std::string message, ErrorContext context)
    : code_(code), message_(std::move(message)), context_(std::move(context)) {
  what_ = std::string(to_string(code_));
  if (!context_.operation.empty()) what_ += fmt::format(" in {}", context_.operation);
  what_ += ": " + message_;
  if (!context_.path.empty()) what_ += fmt::format(" [file: {}]", context_.path);
}

}  // namespace tessera
