#pragma once
// libjpeg reports errors by calling error_exit(), which must not return. We longjmp out of it
// into guarded(), whose frame, like every frame between it and libjpeg, holds no object with a
// destructor: the C++ rule for setjmp/longjmp. Callers turn the false it returns into an Error.

// clang-format off
#include <csetjmp>
#include <cstdio>
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

#include <type_traits>

#include "core/fault_injection.h"
#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera::codecs {

struct JpegErrorManager {
  jpeg_error_mgr library;  // first, so libjpeg's pointer to it is a pointer to the whole
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = {};
  int message_code = 0;
  int warnings = 0;
  int max_warnings = 100;  // corrupt-data warnings tolerated before giving up
  // DecodeOptions::fail_on: which warnings end the decode. Error: those that lose image data
  // (the file ends early, a broken entropy-coded segment); Warning: every warning.
  FailOn fail_on = FailOn::Error;
  bool data_lost = false;  // under FailOn::None: a warning that lost data was let through
  char own_buffer[160] = {};
  const char* own_message = nullptr;  // set when tessera itself stops the decode
  ErrorCode own_code = ErrorCode::CorruptData;
  // libjpeg's own allocators, which install_fault_points() wraps.
  void* (*library_alloc_small)(jpeg_common_struct*, int, std::size_t) = nullptr;
  void* (*library_alloc_large)(jpeg_common_struct*, int, std::size_t) = nullptr;
};

// Installs `manager` as `common`'s error handler.
void install_error_manager(jpeg_common_struct* common, JpegErrorManager& manager);

// Makes libjpeg's allocations fault points (testing::FaultInjection): call right after
// jpeg_create_*, once the memory manager exists.
void install_fault_points(jpeg_common_struct* common, JpegErrorManager& manager);

// Stops the decode from inside a libjpeg callback (the progress monitor), with our message.
[[noreturn]] void stop_jpeg(jpeg_common_struct* common, ErrorCode code, const char* message);

// Runs call(); returns false if libjpeg reported a fatal error meanwhile. Each call is a fault
// point: an injected fault skips the call and fails as libjpeg would.
template <typename Call>
bool guarded(JpegErrorManager& manager, Call&& call) {
  static_assert(std::is_trivially_destructible_v<std::remove_reference_t<Call>>,
                "nothing with a destructor may live in a frame that longjmp skips");
  if (detail::inject_fault()) {
    manager.own_message = "injected fault (testing::FaultInjection)";
    manager.own_code = ErrorCode::Io;
    return false;
  }
  if (setjmp(manager.jump) != 0) return false;
  call();
  return true;
}

// The Error for the last failure: UnsupportedFormat for valid JPEG that this build cannot
// decode (12-bit, lossless, hierarchical), OutOfBudget when libjpeg's working memory would
// cross the budget, CorruptData otherwise.
Error jpeg_error(const JpegErrorManager& manager, const char* operation, const char* path);

}  // namespace tessera::codecs
