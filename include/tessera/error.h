#pragma once
// tessera::Error: the one exception type the library throws.
//
// Every failure a user can cause (bad arguments, unreadable or hostile files, a memory budget
// that would be crossed) surfaces as an Error with a code to branch on and a message meant for
// a person: what happened, on which file or operation, and what to do next. C libraries' own
// error mechanisms are converted into Error at the boundary.
//
// Thread safety: an Error is an immutable value.
//
//   try {
//     auto image = tessera::Image::create(width, height, tessera::PixelFormat::rgb8());
//   } catch (const tessera::Error& error) {
//     if (error.code() == tessera::ErrorCode::OutOfBudget) { /* retry smaller */ }
//     std::cerr << error.what() << "\n";
//   }

#include <exception>
#include <string>
#include <string_view>

namespace tessera {

enum class ErrorCode {
  InvalidArgument,    // a parameter outside its documented range
  UnsupportedFormat,  // valid data that tessera does not read or write
  CorruptData,        // data that violates its format
  ImageTooLarge,      // dimensions over the pixel limit, or sizes that overflow
  OutOfBudget,        // an allocation would cross a memory budget's cap
  OutOfMemory,        // the system allocator refused (no budget was crossed)
  Io,                 // the operating system refused a read or write
  Internal,           // a broken invariant inside tessera: a bug to report
};

// "InvalidArgument", "OutOfBudget", ...
std::string_view to_string(ErrorCode code);

// Where an error happened. Either part may be empty.
struct ErrorContext {
  std::string path;       // the file being read or written
  std::string operation;  // the operation, e.g. "allocate", "region", "decode"
  // For Io: the errno the operating system gave (ENOSPC for a full device), 0 if unknown.
  int os_error = 0;
};

class Error : public std::exception {
 public:
  Error(ErrorCode code, std::string message, ErrorContext context = {});

  ErrorCode code() const noexcept { return code_; }
  // The message alone, without code or context.
  const std::string& message() const noexcept { return message_; }
  const std::string& path() const noexcept { return context_.path; }
  const std::string& operation() const noexcept { return context_.operation; }
  int os_error() const noexcept { return context_.os_error; }

  // "OutOfBudget in allocate: <message>" plus " [file: <path>]" when a path is known.
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  ErrorCode code_;
  std::string message_;
  ErrorContext context_;
  std::string what_;
};

}  // namespace tessera
