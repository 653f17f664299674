#pragma once
// Who writes which output name in a batch: the claims that keep two inputs from one output, and
// the temporaries a killed run left under the names a resumed run redoes. Both thread-safe.

#include <filesystem>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace tessera::batch::detail {

// The outputs this run has given out, each with the input it went to. Two inputs can map to
// one output ("a/img.jpg" and "b/img.jpg" from a list of paths, "x.jpg" and "x.png" with
// --format webp); the second would replace the first's output without a word, so it fails
// instead, naming both. Only images claim: a folder's photo.xmp beside photo.jpg is skipped
// and takes no name.
class OutputClaims {
 public:
  // Throws Error(InvalidArgument) naming both inputs if `output` is already claimed.
  void claim(const std::filesystem::path& output, const std::filesystem::path& input);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::filesystem::path> owners_;
};

// A batch killed mid-file leaves the temporary it was writing (".NAME.tessera-XXXXXX" beside
// where NAME goes). A resumed run removes the leftovers under each of its inputs' output names
// as it comes to that input (skipped as done, or redone); it leaves every other temporary
// alone, since another run may be writing into the same folder (another shard, another batch)
// and its files in flight look the same.
class LeftoverTemporaries {
 public:
  // Walks the output folder once, noting each temporary by the output it was for.
  explicit LeftoverTemporaries(const std::filesystem::path& output_folder);
  // Removes the temporaries noted for `output` (as output_for names it), if any.
  void remove_for(const std::filesystem::path& output);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<std::filesystem::path>> by_output_;
};

}  // namespace tessera::batch::detail
