#include "codecs/tiff/tiff_handle.h"

#include <fmt/format.h>

#include <fcntl.h>

#include <cstdarg>

#include "core/fault_injection.h"

namespace tessera::codecs {
namespace {

std::FILE* stream_of(thandle_t handle) { return static_cast<std::FILE*>(handle); }

tmsize_t read_proc(thandle_t handle, void* buffer, tmsize_t size) {
  return static_cast<tmsize_t>(
      std::fread(buffer, 1, static_cast<std::size_t>(size), stream_of(handle)));
}
tmsize_t write_proc(thandle_t handle, void* buffer, tmsize_t size) {
  return static_cast<tmsize_t>(
      std::fwrite(buffer, 1, static_cast<std::size_t>(size), stream_of(handle)));
}
toff_t seek_proc(thandle_t handle, toff_t offset, int whence) {
  if (::fseeko(stream_of(handle), static_cast<off_t>(offset), whence) != 0)
    return static_cast<toff_t>(-1);
  return static_cast<toff_t>(::ftello(stream_of(handle)));
}
// The FILE* belongs to InputFile or AtomicOutputFile, which close it.
int close_proc(thandle_t) { return 0; }
toff_t size_proc(thandle_t handle) {
  std::FILE* stream = stream_of(handle);
  const off_t here = ::ftello(stream);
  ::fseeko(stream, 0, SEEK_END);
  const off_t size = ::ftello(stream);
  ::fseeko(stream, here, SEEK_SET);
  return static_cast<toff_t>(size);
}
int map_proc(thandle_t, void**, toff_t*) { return 0; }  // no memory mapping
void unmap_proc(thandle_t, void*, toff_t) {}

int on_error(TIFF*, void* user_data, const char* module, const char* format, va_list arguments) {
  char message[512];
  std::vsnprintf(message, sizeof message, format, arguments);
  static_cast<TiffMessages*>(user_data)->last_error =
      module != nullptr ? fmt::format("{}: {}", module, message) : std::string(message);
  return 1;  // handled: nothing printed to stderr
}

int on_warning(TIFF*, void* user_data, const char*, const char*, va_list) {
  ++static_cast<TiffMessages*>(user_data)->warnings;
  return 1;
}

}  // namespace

TiffHandle::TiffHandle(std::FILE* file, const std::filesystem::path& path, const char* mode,
                       std::size_t max_allocation)
    : path_(path) {
  options_ = TIFFOpenOptionsAlloc();
  if (options_ == nullptr) throw Error(ErrorCode::OutOfMemory, "cannot create TIFF options");
  TIFFOpenOptionsSetMaxSingleMemAlloc(options_, static_cast<tmsize_t>(max_allocation));
  TIFFOpenOptionsSetErrorHandlerExtR(options_, on_error, &messages_);
  TIFFOpenOptionsSetWarningHandlerExtR(options_, on_warning, &messages_);
  tiff_ = detail::inject_fault()
              ? nullptr
              : TIFFClientOpenExt(path.c_str(), mode, file, read_proc, write_proc, seek_proc,
                                  close_proc, size_proc, map_proc, unmap_proc, options_);
  if (tiff_ == nullptr) {
    TIFFOpenOptionsFree(options_);
    throw Error(
        ErrorCode::CorruptData,
        fmt::format("not a valid TIFF: {}",
                    messages_.last_error.empty() ? "libtiff cannot open it" : messages_.last_error),
        {.path = path.string(), .operation = "read header"});
  }
}

TiffHandle::~TiffHandle() {
  if (tiff_ != nullptr) TIFFClose(tiff_);
  TIFFOpenOptionsFree(options_);
}

void TiffHandle::close() {
  const bool flushed =
      TIFFGetMode(tiff_) == O_RDONLY || (!detail::inject_fault() && TIFFFlush(tiff_) == 1);
  TIFFClose(tiff_);
  tiff_ = nullptr;
  if (!flushed) throw error(ErrorCode::Io, "cannot write the TIFF (disk full?)", "encode");
}

Error TiffHandle::error(ErrorCode code, const std::string& what, const char* operation) const {
  return Error(
      code, messages_.last_error.empty() ? what : fmt::format("{}: {}", what, messages_.last_error),
      {.path = path_.string(), .operation = operation});
}

}  // namespace tessera::codecs
