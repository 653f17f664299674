#pragma once
// Files as codecs need them: an input that is always closed, and an output that appears under
// its final name only when complete.

#include <cstdio>
#include <filesystem>
#include <string_view>

#include "tessera/memory.h"

namespace tessera::codecs {

// An open input file. Throws Error(Io) naming the file and the system's reason.
class InputFile {
 public:
  explicit InputFile(const std::filesystem::path& path);
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
  std::FILE* stream_ = nullptr;
};

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

  std::FILE* stream() const { return stream_; }
  const std::filesystem::path& path() const { return path_; }
  // Appends `size` bytes; throws Error(Io) when they cannot all be written (a full disk).
  void write(const void* data, std::size_t size);
  // Flushes, closes and renames into place. Throws Error(Io) if any of it fails.
  void commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path temporary_;
  std::FILE* stream_ = nullptr;
  bool committed_ = false;
};

// The prefix every temporary output starts with, so that a resumed batch can skip them.
inline constexpr const char* kTemporaryMarker = ".tessera-";

}  // namespace tessera::codecs
