#include "codecs/jpeg/jpeg_error.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace tessera::codecs {
namespace {

JpegErrorManager& manager_of(jpeg_common_struct* common) {
  return *reinterpret_cast<JpegErrorManager*>(common->err);
}

[[noreturn]] void on_error_exit(jpeg_common_struct* common) {
  JpegErrorManager& manager = manager_of(common);
  manager.message_code = common->err->msg_code;
  (*common->err->format_message)(common, manager.message);
  std::longjmp(manager.jump, 1);
}

// Warnings that mean pixels are missing or wrong: the data ends early (libjpeg then fills the
// rest grey, as djpeg does), or an entropy-coded segment is broken. Others (junk bytes before a
// marker, an odd JFIF version, a bad ICC chunk) leave the image whole.
bool loses_image_data(int message_code) {
  return message_code == JWRN_JPEG_EOF || message_code == JWRN_HIT_MARKER ||
         message_code == JWRN_HUFF_BAD_CODE || message_code == JWRN_MUST_RESYNC;
}

// Rows complete when libjpeg warned: the iMCU rows read so far, in output rows.
unsigned rows_done(jpeg_common_struct* common) {
  if (common->is_decompressor == 0) return 0;
  const auto* cinfo = reinterpret_cast<const jpeg_decompress_struct*>(common);
  if (cinfo->total_iMCU_rows == 0) return 0;
  const unsigned long long rows = static_cast<unsigned long long>(cinfo->output_height) *
                                  std::min(cinfo->input_iMCU_row, cinfo->total_iMCU_rows) /
                                  cinfo->total_iMCU_rows;
  return static_cast<unsigned>(rows);
}

// Warnings (msg_level -1) mean corrupt data that libjpeg worked around. The policy
// (DecodeOptions::fail_on) says which of them end the decode; a flood of them is a hostile file
// spending our CPU, so past max_warnings it becomes an error whatever the policy.
void on_emit_message(jpeg_common_struct* common, int message_level) {
  if (message_level >= 0) return;  // trace messages
  JpegErrorManager& manager = manager_of(common);
  const int code = common->err->msg_code;
  const bool loses_data = loses_image_data(code);
  if (manager.fail_on == FailOn::Warning || (manager.fail_on == FailOn::Error && loses_data)) {
    manager.message_code = code;
    (*common->err->format_message)(common, manager.message);
    const auto* cinfo = common->is_decompressor != 0
                            ? reinterpret_cast<const jpeg_decompress_struct*>(common)
                            : nullptr;
    if (code == JWRN_JPEG_EOF && cinfo != nullptr && cinfo->output_height == 0) {
      // Before the headers said what the image is: there is no partial image to accept.
      std::snprintf(manager.own_buffer, sizeof manager.own_buffer,
                    "truncated in its headers; the file is damaged or incomplete");
    } else if (code == JWRN_JPEG_EOF && cinfo != nullptr) {
      std::snprintf(manager.own_buffer, sizeof manager.own_buffer,
                    "truncated: %u of %u rows; the file is incomplete (--fail-on none, "
                    "fail_on=\"none\" in Python, accepts the "
                    "partial image)",
                    rows_done(common), static_cast<unsigned>(cinfo->output_height));
    } else {
      std::snprintf(manager.own_buffer, sizeof manager.own_buffer,
                    "corrupt data after %u rows (%s)", rows_done(common),
                    loses_data
                        ? "--fail-on none, fail_on=\"none\" in Python, accepts the damaged image"
                        : "a warning, which --fail-on error lets through");
    }
    manager.own_message = manager.own_buffer;
    manager.own_code = ErrorCode::CorruptData;
    std::longjmp(manager.jump, 1);
  }
  if (loses_data && !manager.data_lost) {
    manager.data_lost = true;
    (*common->err->format_message)(common, manager.message);
  }
  if (++manager.warnings <= manager.max_warnings) return;
  manager.message_code = common->err->msg_code;
  (*common->err->format_message)(common, manager.message);
  manager.own_message = "too many corrupt-data warnings";
  std::longjmp(manager.jump, 1);
}

void* alloc_small_or_fail(jpeg_common_struct* common, int pool, std::size_t size) {
  if (detail::inject_fault()) ERREXIT1(common, JERR_OUT_OF_MEMORY, 0);
  return manager_of(common).library_alloc_small(common, pool, size);
}

void* alloc_large_or_fail(jpeg_common_struct* common, int pool, std::size_t size) {
  if (detail::inject_fault()) ERREXIT1(common, JERR_OUT_OF_MEMORY, 0);
  return manager_of(common).library_alloc_large(common, pool, size);
}

}  // namespace

void install_fault_points(jpeg_common_struct* common, JpegErrorManager& manager) {
  manager.library_alloc_small = common->mem->alloc_small;
  manager.library_alloc_large = common->mem->alloc_large;
  common->mem->alloc_small = alloc_small_or_fail;
  common->mem->alloc_large = alloc_large_or_fail;
}

void install_error_manager(jpeg_common_struct* common, JpegErrorManager& manager) {
  common->err = jpeg_std_error(&manager.library);
  manager.library.error_exit = on_error_exit;
  manager.library.emit_message = on_emit_message;
}

void stop_jpeg(jpeg_common_struct* common, ErrorCode code, const char* message) {
  JpegErrorManager& manager = manager_of(common);
  manager.own_message = message;
  manager.own_code = code;
  std::longjmp(manager.jump, 1);
}

Error jpeg_error(const JpegErrorManager& manager, const char* operation, const char* path) {
  const ErrorContext context{.path = path, .operation = operation};
  if (manager.own_message != nullptr) {
    return Error(manager.own_code,
                 manager.message[0] != '\0'
                     ? fmt::format("{} (last: {})", manager.own_message, manager.message)
                     : std::string(manager.own_message),
                 context);
  }
  // Only a real other precision (12 bits, or 16 in lossless JPEG) is valid JPEG that this 8-bit
  // build cannot decode; precision 128 is a corrupt header.
  const int precision = manager.library.msg_parm.i[0];
  if (manager.message_code == JERR_BAD_PRECISION && precision != 12 && precision != 16) {
    return Error(ErrorCode::CorruptData, fmt::format("not a valid JPEG: {}", manager.message),
                 context);
  }
  switch (manager.message_code) {
    case JERR_BAD_PRECISION:
    case JERR_SOF_UNSUPPORTED:
    case JERR_NOT_COMPILED:
    case JERR_ARITH_NOTIMPL:
    case JERR_CCIR601_NOTIMPL:
      return Error(ErrorCode::UnsupportedFormat,
                   fmt::format("valid JPEG that tessera cannot decode: {} (12-bit, lossless and "
                               "hierarchical JPEG are not supported)",
                               manager.message),
                   context);
    case JERR_NO_BACKING_STORE:
    case JERR_OUT_OF_MEMORY:
      return Error(ErrorCode::OutOfBudget,
                   fmt::format("libjpeg needs more working memory than the budget allows ({})",
                               manager.message),
                   context);
    default:
      return Error(ErrorCode::CorruptData, fmt::format("not a valid JPEG: {}", manager.message),
                   context);
  }
}

}  // namespace tessera::codecs
