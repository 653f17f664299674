#pragma once
// Where the shared test corpora are (../shared/corpora beside the repository, as in CI).

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace tessera::testing {

inline std::filesystem::path corpora() { return TESSERA_CORPORA; }

// Skips the calling test, loudly, when the corpora are not beside the repository.
#define TESSERA_REQUIRE_CORPORA()                                                   \
  do {                                                                              \
    if (!std::filesystem::is_directory(::tessera::testing::corpora())) {            \
      GTEST_SKIP() << "test corpora not found at " << ::tessera::testing::corpora() \
                   << " (clone the shared folder beside the repository)";           \
    }                                                                               \
  } while (false)

// Regular files under `folder` whose names satisfy `keep`, sorted.
template <typename Keep>
std::vector<std::filesystem::path> files_in(const std::filesystem::path& folder, Keep keep) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file() && keep(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace tessera::testing
