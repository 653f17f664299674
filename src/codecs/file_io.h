#pragma once
// Files as codecs need them: an input that is always closed, and an output that appears under
// its final name only when complete.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "tessera/codec.h"
#include "tessera/error.h"
#include "tessera/memory.h"

namespace tessera::codecs {

// An open input file. Throws Error(Io) naming the file and the system's reason.
class InputFile {
 public:
  // A file that cannot seek (a pipe: `cat a.jpg | tessera convert /dev/stdin ...`, `<(...)`, a
  // socket, a terminal) is read to its end into tracked memory charged to `budget` (may be
  // null), refused past `max_stream_bytes`, and decoded from there: every codec sniffs, and
  // several seek.
  explicit InputFile(const std::filesystem::path& path, MemoryBudget* budget = nullptr,
                     std::uint64_t max_stream_bytes = UINT64_MAX);
  // The rest of `stream` (not closed: the caller's, e.g. stdin), read the same way whether it
  // can seek or not; `name` stands for the path in errors.
  InputFile(std::FILE* stream, const std::filesystem::path& name, MemoryBudget* budget,
            std::uint64_t max_stream_bytes);
  // Reads `size` bytes at `data`, which must outlive the InputFile, through the same stdio
  // interface (fmemopen), so that codecs have a single input path.
  InputFile(const void* data, std::size_t size, const std::filesystem::path& name);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  std::FILE* stream() const { return stream_; }
  // Reads up to `size` bytes from the start, for sniffing, and rewinds.
  std::size_t peek(void* buffer, std::size_t size);

 private:
  void read_into_memory(std::FILE* stream, const std::filesystem::path& name, MemoryBudget* budget,
                        std::uint64_t max_stream_bytes);

  memory::Buffer contents_;  // a non-seekable input's bytes, which stream_ reads
  std::FILE* stream_ = nullptr;
};

// The rest of `stream` in tracked memory charged to `budget` (may be null), grown as it
// arrives, refused past `max_stream_bytes`; Error(CorruptData) when it holds nothing.
InputBytes read_to_end(std::FILE* stream, const std::filesystem::path& name, MemoryBudget* budget,
                       std::uint64_t max_stream_bytes);

// The whole of `file` in tracked memory labelled `label`, charged to `budget` (may be null),
// for codecs whose libraries decode from memory only (libwebp, libheif).
memory::Buffer read_whole_file(InputFile& file, const std::filesystem::path& path,
                               MemoryBudget* budget, std::string_view label);

// Writes to a temporary file beside `path` and renames it into place on commit(). Destroyed
// without a commit (an error, an exception), it removes the temporary file: nothing partial
// ever stands under the final name, and a kill leaves only a hidden ".name.tessera-XXXXXX".
class AtomicOutputFile {
 public:
  explicit AtomicOutputFile(std::filesystem::path path);
  ~AtomicOutputFile();
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  // A stdio stream over the file whose writes go through write(2) here, so that the first
  // failure's errno is kept whichever library wrote (libjpeg, libspng and libtiff write through
  // fwrite and only say "write error"): encoders call throw_if_write_failed() before turning a
  // library's error into their own.
  std::FILE* stream() const { return stream_; }
  const std::filesystem::path& path() const { return path_; }
  // Appends `size` bytes; throws Error(Io) when they cannot all be written (a full disk).
  void write(const void* data, std::size_t size);
  // Flushes, closes and renames into place. Throws Error(Io) if any of it fails.
  void commit();
  // Throws Error(Io) naming the output, the system's reason ("no space left on device") and
  // its errno (Error::os_error) if a write to the stream has failed; returns otherwise.
  void throw_if_write_failed() const;

  // The stream's state, shared with its stdio callbacks.
  struct Descriptor {
    int fd = -1;
    int write_error = 0;  // errno of the first failed write or close, 0 if none
  };

 private:
  std::filesystem::path path_;
  std::filesystem::path temporary_;
  Descriptor descriptor_;
  std::FILE* stream_ = nullptr;
  bool committed_ = false;
};

// Error(Io) for a failed write to `path` with `error_number`, in the words a user acts on.
Error output_error(const std::filesystem::path& path, int error_number);

// Throws Error(Io, EISDIR) naming `path` when it is a folder: an output is a file's name. Asked
// before the name's extension is, so that the error says what is wrong (a folder has none), and
// before any work, rather than when the finished file cannot be renamed onto the folder.
void refuse_folder_output(const std::filesystem::path& path);

// The prefix every temporary output starts with, so that a resumed batch can skip them.
inline constexpr const char* kTemporaryMarker = ".tessera-";

}  // namespace tessera::codecs
