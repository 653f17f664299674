#pragma once
// What this tessera is and what it is built with, for `tessera --version` and bug reports: the
// version and commit, the build, and each library it links with the version it reports at run
// time (where the library says it; else the version built against, marked so).

#include <string>
#include <vector>

namespace tessera {

struct LinkedLibrary {
  std::string name;     // "libjpeg-turbo"
  std::string version;  // "2.1.5"
  std::string detail;   // more, where there is more to say: libheif's plugins; else empty
};

struct BuildInfo {
  std::string version;     // "0.1.0"
  std::string git_commit;  // "c13ba5b1d2e3", "-dirty" with uncommitted changes, or "unknown"
  std::string build_type;  // "Release"
  std::string compiler;    // "GNU 12.2.0"
  std::string sanitizers;  // "address,undefined", or empty
  std::vector<LinkedLibrary> libraries;
  std::string simd_target;                // Highway's best target on this CPU ("AVX3")
  std::vector<std::string> simd_targets;  // every target this CPU and build support
  int threads = 0;                        // oneTBB's default concurrency here
};

BuildInfo build_info();

}  // namespace tessera
