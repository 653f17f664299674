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

// The codes are a contract: the command line's exit status and the Python exception classes
// are derived from them, so a code keeps its meaning once shipped. What each one means, and what
// the user does about it:
enum class ErrorCode {
  // A parameter outside its documented range, a malformed pipeline or memory size, a pipeline
  // the image cannot take, an API used out of order (rows after finish()). Change the call or
  // the command line. CLI exit 2.
  InvalidArgument,
  // Valid data that tessera does not read (JPEG 2000, SVG, an unknown signature) or an output
  // format it does not write. Reading: that input fails (exit 1); encoding: the command asks for
  // what tessera cannot do (exit 2).
  UnsupportedFormat,
  // Data that violates its format: truncated, corrupt, hostile; also a coder used after such a
  // failure. That input fails, exit 1.
  CorruptData,
  // Dimensions over the pixel limit (Limits::max_pixels, --max-pixels) or over an output
  // format's limit on a side (JPEG 65500, WebP 16383), or sizes whose arithmetic overflows.
  // Raise the limit, or shrink or choose another format. Exit 1.
  ImageTooLarge,
  // An allocation would cross a memory budget's cap: raise the budget or lower the work in
  // flight. Exit 1.
  OutOfBudget,
  // The system allocator refused although no budget was crossed. Exit 1.
  OutOfMemory,
  // The operating system refused a read or write (os_error() says why: ENOENT, EACCES,
  // ENOSPC for a full device). Exit 1.
  Io,
  // A broken invariant inside tessera: a bug to report. Exit 1.
  Internal,
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
