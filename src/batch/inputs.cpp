#include "batch/inputs.h"

#include <fmt/format.h>

#include <iostream>

#include "tessera/codec.h"
#include "tessera/error.h"

namespace tessera::batch::detail {

namespace fs = std::filesystem;

namespace {

// The name a listed path's output takes under the output folder: a relative path keeps its
// folders, without any leading "..", so that no output lands outside the output folder
// ("../photos/a.jpg" -> "photos/a.jpg"); an absolute one keeps its file name.
fs::path output_name(const fs::path& path) {
  if (!path.is_relative()) return path.filename();
  fs::path name;
  for (const fs::path& part : path.lexically_normal()) {
    if (name.empty() && part == "..") continue;
    name /= part;
  }
  return name.empty() ? path.filename() : name;
}

}  // namespace

Inputs::Inputs(const fs::path& input, bool recursive, const std::vector<fs::path>& exclude,
               std::vector<fs::path> files)
    : root_(input), recursive_(recursive) {
  if (!files.empty()) {
    std::error_code error;
    if (!fs::is_directory(input, error)) {
      throw Error(ErrorCode::InvalidArgument,
                  fmt::format("batch input '{}' is not a folder: chosen files are named "
                              "relative to the folder they are in",
                              input.string()),
                  {.path = input.string(), .operation = "batch"});
    }
    for (const fs::path& name : files) {
      // Outside the folder, the output would land outside the output folder.
      const fs::path normal = name.lexically_normal();
      if (name.empty() || !name.is_relative() || *normal.begin() == "..") {
        throw Error(ErrorCode::InvalidArgument,
                    fmt::format("chosen file '{}' is not a name inside the input folder '{}'",
                                name.string(), input.string()),
                    {.path = name.string(), .operation = "batch"});
      }
    }
    files_ = std::move(files);
    return;
  }
  for (const fs::path& path : exclude) {
    std::error_code ignored;
    excluded_.insert(fs::weakly_canonical(path, ignored).string());
  }
  if (input == "-") {
    list_ = &std::cin;
    return;
  }
  std::error_code error;
  if (fs::is_directory(input, error)) {
    walk_.emplace(input, fs::directory_options::skip_permission_denied, error);
    if (!error) return;
  } else if (fs::is_regular_file(input, error)) {
    // `tessera batch photo.jpg out` would read the JPEG's bytes as paths.
    bool image = false;
    try {
      probe(input);
      image = true;
    } catch (const Error&) {
      // Not an image: a list of paths.
    }
    if (image) {
      throw Error(ErrorCode::InvalidArgument,
                  fmt::format("batch input '{}' is an image, not a folder or a list of paths: "
                              "for one image use `tessera convert {} OUT`",
                              input.string(), input.string()),
                  {.path = input.string(), .operation = "batch"});
    }
    list_file_ = std::make_unique<std::ifstream>(input);
    if (*list_file_) {
      list_ = list_file_.get();
      return;
    }
  }
  throw Error(ErrorCode::InvalidArgument,
              fmt::format("batch input '{}' is not a folder, a file of paths or '-'{}",
                          input.string(), error ? fmt::format(" ({})", error.message()) : ""),
              {.path = input.string(), .operation = "batch"});
}

std::optional<Input> Inputs::next() {
  const std::lock_guard lock(mutex_);
  if (!files_.empty()) {
    if (next_file_ == files_.size()) return std::nullopt;
    const fs::path& name = files_[next_file_++];
    return Input{root_ / name, name.lexically_normal()};
  }
  if (list_ != nullptr) {
    std::string line;
    while (std::getline(*list_, line)) {
      const auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;  // blank, or a comment
      line = line.substr(first, line.find_last_not_of(" \t\r") + 1 - first);
      // Listed twice, however spelled ("in/a.jpg", "./in/a.jpg"): taken once.
      if (!listed_.insert(fs::path(line).lexically_normal().string()).second) continue;
      const fs::path path(line);
      return Input{path, output_name(path), true};
    }
    return std::nullopt;
  }
  auto& walk = *walk_;
  std::error_code error;
  for (; walk != fs::recursive_directory_iterator(); walk.increment(error)) {
    if (error) {
      error.clear();
      continue;
    }
    const fs::directory_entry& entry = *walk;
    const bool hidden = entry.path().filename().string().starts_with('.');
    if (entry.is_directory(error)) {
      if (!recursive_ || hidden) walk.disable_recursion_pending();
      continue;
    }
    if (hidden) continue;  // .DS_Store, a killed run's temporaries
    // A dangling link is passed on, to fail with its reason rather than vanish.
    const bool dangling = entry.is_symlink(error) && !fs::exists(entry.path(), error);
    if (!dangling && !entry.is_regular_file(error)) continue;  // sockets, fifos
    if (!excluded_.empty() &&
        excluded_.contains(fs::weakly_canonical(entry.path(), error).string())) {
      continue;
    }
    Input input{entry.path(), entry.path().lexically_relative(root_)};
    walk.increment(error);
    return input;
  }
  return std::nullopt;
}

}  // namespace tessera::batch::detail
