#include "batch/output_names.h"

#include <fmt/format.h>

#include "codecs/file_io.h"
#include "tessera/error.h"

namespace tessera::batch::detail {

namespace fs = std::filesystem;

void OutputClaims::claim(const fs::path& output, const fs::path& input) {
  const std::lock_guard lock(mutex_);
  const auto [at, fresh] = owners_.try_emplace(output.lexically_normal().string(), input);
  if (!fresh) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("its output '{}' is already that of '{}' in this run: rename one "
                            "of the two, or run them apart",
                            output.string(), at->second.string()),
                {.path = input.string(), .operation = "batch"});
  }
}

LeftoverTemporaries::LeftoverTemporaries(const fs::path& output_folder) {
  const std::string_view marker = codecs::kTemporaryMarker;
  constexpr std::size_t kRandomCharacters = 6;  // mkostemp's XXXXXX
  std::error_code error;
  fs::recursive_directory_iterator walk(output_folder,
                                        fs::directory_options::skip_permission_denied, error);
  for (; !error && walk != fs::recursive_directory_iterator(); walk.increment(error)) {
    const std::string name = walk->path().filename().string();
    const auto at = name.rfind(marker);
    // (Its own error code: a file that cannot be looked at does not end the walk.)
    std::error_code file_error;
    if (name.size() < 2 || name[0] != '.' || at == std::string::npos || at < 2 ||
        at + marker.size() + kRandomCharacters != name.size() ||
        !walk->is_regular_file(file_error)) {
      continue;
    }
    const fs::path output = walk->path().parent_path() / name.substr(1, at - 1);
    by_output_[output.lexically_normal().string()].push_back(walk->path());
  }
}

void LeftoverTemporaries::remove_for(const fs::path& output) {
  std::vector<fs::path> leftovers;
  {
    const std::lock_guard lock(mutex_);
    const auto found = by_output_.find(output.lexically_normal().string());
    if (found == by_output_.end()) return;
    leftovers = std::move(found->second);
    by_output_.erase(found);
  }
  for (const fs::path& leftover : leftovers) {
    std::error_code ignored;  // gone already, or not ours to remove: the run goes on
    fs::remove(leftover, ignored);
  }
}

}  // namespace tessera::batch::detail
