#include "codecs/file_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "core/fault_injection.h"
#include "tessera/error.h"

namespace tessera::codecs {
namespace {

Error io_error(const std::filesystem::path& path, const char* operation, std::string_view what,
               int error_number) {
  return Error(ErrorCode::Io, fmt::format("{}: {}", what, std::strerror(error_number)),
               {.path = path.string(), .operation = operation, .os_error = error_number});
}

// The process umask, read without changing it (umask() itself is not thread-safe).
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0)
      return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
  }
  return 022;
}

using Descriptor = AtomicOutputFile::Descriptor;

// stdio callbacks (fopencookie) over the output's descriptor. Each write is a fault point that
// fails as a full disk does (ENOSPC), so that tests reach every library's write error path.
ssize_t write_descriptor(void* cookie, const char* data, std::size_t size) {
  auto& descriptor = *static_cast<Descriptor*>(cookie);
  std::size_t done = 0;
  while (done < size) {
    if (detail::inject_fault()) {
      errno = ENOSPC;
    } else {
      const ssize_t wrote = ::write(descriptor.fd, data + done, size - done);
      if (wrote > 0) {
        done += static_cast<std::size_t>(wrote);
        continue;
      }
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote == 0) errno = ENOSPC;
    }
    if (descriptor.write_error == 0) descriptor.write_error = errno;
    return 0;  // stdio's convention for a failed write: 0, and errno set
  }
  return static_cast<ssize_t>(size);
}

ssize_t read_descriptor(void* cookie, char* data, std::size_t size) {
  const auto& descriptor = *static_cast<Descriptor*>(cookie);
  ssize_t got = 0;
  do {
    got = ::read(descriptor.fd, data, size);
  } while (got < 0 && errno == EINTR);
  return got;
}

int seek_descriptor(void* cookie, off64_t* offset, int whence) {
  const auto& descriptor = *static_cast<Descriptor*>(cookie);
  const off64_t at = ::lseek64(descriptor.fd, *offset, whence);
  if (at < 0) return -1;
  *offset = at;
  return 0;
}

int close_descriptor(void* cookie) {
  auto& descriptor = *static_cast<Descriptor*>(cookie);
  // A network file system or a quota may report a full device only here.
  const int closed = ::close(descriptor.fd);
  if (closed != 0 && descriptor.write_error == 0) descriptor.write_error = errno;
  descriptor.fd = -1;
  return closed;
}

}  // namespace

void refuse_folder_output(const std::filesystem::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0 || !S_ISDIR(status.st_mode)) return;
  throw Error(
      ErrorCode::Io,
      fmt::format(
          "the output is a folder, not a file: give the file's name in it ({})",
          (path /
           ("name" + std::string(path.extension().empty() ? ".png" : path.extension().string())))
              .string()),
      {.path = path.string(), .operation = "write", .os_error = EISDIR});
}

Error output_error(const std::filesystem::path& path, int error_number) {
  std::string reason;
  switch (error_number) {
    case ENOSPC:
      reason = "no space left on device; free some space or write elsewhere";
      break;
    case EDQUOT:
      reason = "disk quota exceeded (no space left on device for this user)";
      break;
    case EIO:
      reason = "input/output error on the output device";
      break;
    default:
      reason = std::strerror(error_number);
  }
  return Error(ErrorCode::Io, fmt::format("cannot write the file: {}", reason),
               {.path = path.string(), .operation = "write", .os_error = error_number});
}

InputFile::InputFile(const std::filesystem::path& path, MemoryBudget* budget,
                     std::uint64_t max_stream_bytes) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw Error(ErrorCode::Io, "is a directory, not an image file",
                {.path = path.string(), .operation = "open", .os_error = EISDIR});
  }
  if (detail::inject_fault()) throw io_error(path, "open", "cannot open for reading", EIO);
  stream_ = std::fopen(path.c_str(), "rb");
  if (stream_ == nullptr) throw io_error(path, "open", "cannot open for reading", errno);
  struct stat status {};
  if (::fstat(fileno(stream_), &status) == 0 && !S_ISREG(status.st_mode) &&
      !S_ISBLK(status.st_mode)) {
    std::FILE* pipe = std::exchange(stream_, nullptr);
    try {
      read_into_memory(pipe, path, budget, max_stream_bytes);
    } catch (...) {
      std::fclose(pipe);
      throw;
    }
    std::fclose(pipe);
  }
}

InputFile::InputFile(std::FILE* stream, const std::filesystem::path& name, MemoryBudget* budget,
                     std::uint64_t max_stream_bytes) {
  read_into_memory(stream, name, budget, max_stream_bytes);
}

InputBytes read_to_end(std::FILE* stream, const std::filesystem::path& name, MemoryBudget* budget,
                       std::uint64_t max_stream_bytes) {
  // Grown by doubling in tracked memory, so that the budget sees every byte as it arrives.
  std::size_t size = 0;
  memory::Buffer bytes = memory::allocate(64 * 1024, {.label = "piped input", .budget = budget});
  for (;;) {
    if (size == bytes.size()) {
      if (size >= max_stream_bytes) {
        throw Error(ErrorCode::ImageTooLarge,
                    fmt::format("the piped input is over {} bytes, more than the pixel limit "
                                "allows for any image; raise the limit or read from a file",
                                max_stream_bytes),
                    {.path = name.string(), .operation = "read"});
      }
      memory::Buffer larger =
          memory::allocate(size * 2, {.label = "piped input", .budget = budget});
      std::memcpy(larger.data(), bytes.data(), size);
      bytes = std::move(larger);
    }
    const std::size_t got = std::fread(bytes.data() + size, 1, bytes.size() - size, stream);
    size += got;
    if (got == 0) {
      if (std::ferror(stream) != 0) throw io_error(name, "read", "cannot read the input", errno);
      break;
    }
  }
  if (size == 0) {
    throw Error(ErrorCode::CorruptData, "the input is empty",
                {.path = name.string(), .operation = "open"});
  }
  return {std::move(bytes), size};
}

void InputFile::read_into_memory(std::FILE* stream, const std::filesystem::path& name,
                                 MemoryBudget* budget, std::uint64_t max_stream_bytes) {
  InputBytes input = read_to_end(stream, name, budget, max_stream_bytes);
  contents_ = std::move(input.buffer);
  stream_ = fmemopen(contents_.data(), input.size, "rb");
  if (stream_ == nullptr) throw io_error(name, "open", "cannot read from memory", errno);
}

InputFile::InputFile(const void* data, std::size_t size, const std::filesystem::path& name) {
  if (size == 0) {
    throw Error(ErrorCode::CorruptData, "the file is empty",
                {.path = name.string(), .operation = "open"});
  }
  // fmemopen only reads through the pointer in "rb" mode; the cast does not lead to writes.
  stream_ = fmemopen(const_cast<void*>(data), size, "rb");
  if (stream_ == nullptr) throw io_error(name, "open", "cannot read from memory", errno);
}

InputFile::~InputFile() {
  if (stream_ != nullptr) std::fclose(stream_);
}

std::size_t InputFile::peek(void* buffer, std::size_t size) {
  const std::size_t got = std::fread(buffer, 1, size, stream_);
  std::rewind(stream_);
  return got;
}

memory::Buffer read_whole_file(InputFile& file, const std::filesystem::path& path,
                               MemoryBudget* budget, std::string_view label) {
  std::FILE* stream = file.stream();
  if (std::fseek(stream, 0, SEEK_END) != 0)
    throw io_error(path, "read", "cannot seek in the file", errno);
  const long size = std::ftell(stream);
  std::rewind(stream);
  if (size <= 0) {
    throw Error(ErrorCode::CorruptData, "the file is empty",
                {.path = path.string(), .operation = "read"});
  }
  memory::Buffer bytes =
      memory::allocate(static_cast<std::size_t>(size), {.label = label, .budget = budget});
  if (std::fread(bytes.data(), 1, bytes.size(), stream) != bytes.size()) {
    throw io_error(path, "read", "cannot read the whole file", errno != 0 ? errno : EIO);
  }
  return bytes;
}

namespace {

// The temporaries of the outputs being written now, for remove_unfinished_outputs().
std::mutex& unfinished_mutex() {
  static std::mutex mutex;
  return mutex;
}
std::set<std::string>& unfinished() {
  static std::set<std::string> names;
  return names;
}

}  // namespace

namespace {

// Where an output path's bytes go: through a symbolic link to the file it names (as cp and
// ImageMagick write through one), so that the temporary sits and is renamed beside the real
// file and the link stays a link. A dangling link or a plain path is itself.
std::filesystem::path written_through_links(std::filesystem::path path) {
  std::error_code error;
  if (!std::filesystem::is_symlink(path, error)) return path;
  const std::filesystem::path target = std::filesystem::canonical(path, error);
  return error ? path : target;
}

}  // namespace

AtomicOutputFile::AtomicOutputFile(std::filesystem::path path)
    : path_(written_through_links(std::move(path))) {
  const std::filesystem::path directory =
      path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
  std::string name =
      (directory / fmt::format(".{}{}XXXXXX", path_.filename().string(), kTemporaryMarker))
          .string();
  const bool injected = detail::inject_fault();
  const int descriptor = injected ? -1 : mkostemp(name.data(), O_CLOEXEC);
  if (descriptor < 0) {
    throw io_error(path_, "write", "cannot create a file in the output folder",
                   injected ? EIO : errno);
  }
  temporary_ = name;
  {
    const std::lock_guard lock(unfinished_mutex());
    unfinished().insert(name);
  }
  // mkstemp makes the file private (0600); the result should be an ordinary file, or keep the
  // mode of the file it replaces (as cp onto an existing file does: a group-writable output
  // stays so).
  struct stat replaced {};
  const bool replaces = ::stat(path_.c_str(), &replaced) == 0 && S_ISREG(replaced.st_mode);
  fchmod(descriptor, replaces ? replaced.st_mode & 07777 : 0666 & ~current_umask());
  // Read-write: libtiff seeks back over what it wrote, and may read it.
  descriptor_.fd = descriptor;
  stream_ = fopencookie(&descriptor_, "w+b",
                        {.read = read_descriptor,
                         .write = write_descriptor,
                         .seek = seek_descriptor,
                         .close = close_descriptor});
  if (stream_ == nullptr) {
    const int error_number = errno;
    close(descriptor);
    descriptor_.fd = -1;
    const std::lock_guard lock(unfinished_mutex());
    unlink(temporary_.c_str());
    unfinished().erase(temporary_.string());
    throw io_error(path_, "write", "cannot open for writing", error_number);
  }
}

AtomicOutputFile::~AtomicOutputFile() {
  if (committed_) return;
  if (stream_ != nullptr) std::fclose(stream_);
  const std::lock_guard lock(unfinished_mutex());
  unlink(temporary_.c_str());
  unfinished().erase(temporary_.string());
}

void AtomicOutputFile::write(const void* data, std::size_t size) {
  if (detail::inject_fault()) throw output_error(path_, EIO);
  if (std::fwrite(data, 1, size, stream_) != size) {
    throw_if_write_failed();
    throw output_error(path_, errno != 0 ? errno : EIO);
  }
}

void AtomicOutputFile::throw_if_write_failed() const {
  if (descriptor_.write_error != 0) throw output_error(path_, descriptor_.write_error);
}

void AtomicOutputFile::commit() {
  const bool flushed = std::fflush(stream_) == 0 && !std::ferror(stream_);
  const int flush_error = errno;
  const bool closed = std::fclose(stream_) == 0;
  stream_ = nullptr;
  if (!flushed || !closed) {
    throw_if_write_failed();
    throw output_error(path_, flushed ? errno : flush_error);
  }
  const bool injected = detail::inject_fault();
  const std::lock_guard lock(unfinished_mutex());
  if (injected || std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    throw io_error(path_, "write", "cannot move the finished file into place",
                   injected ? EIO : errno);
  }
  unfinished().erase(temporary_.string());
  committed_ = true;
}

}  // namespace tessera::codecs

namespace tessera {

void remove_unfinished_outputs() {
  const std::lock_guard lock(codecs::unfinished_mutex());
  for (const std::string& name : codecs::unfinished()) ::unlink(name.c_str());
  codecs::unfinished().clear();
}

}  // namespace tessera
