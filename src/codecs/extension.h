#pragma once
// A path's extension as the format table compares it: ".JPG" and ".jpg" name the same format.

#include <cctype>
#include <filesystem>
#include <string>

namespace tessera::codecs {

// ".jpg" for "Photo.JPG", "" for a name without one.
inline std::string lowercase_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

}  // namespace tessera::codecs
