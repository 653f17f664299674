#pragma once
// The inputs of a batch, one at a time: a folder walked as it goes, a file of paths, or
// standard input. Thread-safe: workers take the next input under a lock.

#include <filesystem>
#include <fstream>
#include <istream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace tessera::batch::detail {

struct Input {
  std::filesystem::path path;
  std::filesystem::path relative;  // the name the output mirrors (subfolders kept)
};

class Inputs {
 public:
  // Throws Error(InvalidArgument) when `input` is neither a folder, a readable file nor "-".
  Inputs(const std::filesystem::path& input, bool recursive);
  std::optional<Input> next();

 private:
  std::mutex mutex_;
  std::filesystem::path root_;
  bool recursive_ = false;
  std::optional<std::filesystem::recursive_directory_iterator> walk_;
  std::unique_ptr<std::ifstream> list_file_;
  std::istream* list_ = nullptr;  // a file of paths, or std::cin
};

}  // namespace tessera::batch::detail
