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
#include <unordered_set>
#include <vector>

namespace tessera::batch::detail {

struct Input {
  std::filesystem::path path;
  std::filesystem::path relative;  // the name the output mirrors (subfolders kept)
  // Named in a list (or on standard input) rather than met in a folder: a file that is not an
  // image is then a failure, not skipped.
  bool listed = false;
};

class Inputs {
 public:
  // Throws Error(InvalidArgument) when `input` is neither a folder, a readable file nor "-", or
  // is an image itself (one image is `tessera convert`'s). A folder's hidden entries (".git",
  // ".DS_Store") are not walked; a list's lines are trimmed, blank and "#" lines ignored, and a
  // path listed twice is taken once. A folder's walk passes over the files in `exclude`.
  // Non-empty `files` (names relative to the folder `input`) are taken instead of a walk, as
  // the walk would give them (Options::files).
  Inputs(const std::filesystem::path& input, bool recursive,
         const std::vector<std::filesystem::path>& exclude = {},
         std::vector<std::filesystem::path> files = {});
  std::optional<Input> next();

 private:
  std::mutex mutex_;
  std::filesystem::path root_;
  bool recursive_ = false;
  std::optional<std::filesystem::recursive_directory_iterator> walk_;
  std::vector<std::filesystem::path> files_;  // chosen by the caller, instead of walk_
  std::size_t next_file_ = 0;
  std::unique_ptr<std::ifstream> list_file_;
  std::istream* list_ = nullptr;              // a file of paths, or std::cin
  std::unordered_set<std::string> listed_;    // the paths a list gave so far
  std::unordered_set<std::string> excluded_;  // weakly canonical, for a walk to pass over
};

}  // namespace tessera::batch::detail
