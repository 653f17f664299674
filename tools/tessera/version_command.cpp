#include "version_command.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tessera/build_info.h"

namespace tessera::cli {

namespace {

// What tessera-video links, as pkg-config said when this was configured (TESSERA_FFMPEG).
constexpr const char* kFfmpeg = TESSERA_FFMPEG;

std::string describe(const LinkedLibrary& library) {
  return fmt::format("{} {}{}", library.name, library.version,
                     library.detail.empty() ? "" : fmt::format(" ({})", library.detail));
}

}  // namespace

int print_version(bool json) {
  const BuildInfo info = build_info();
  if (json) {
    nlohmann::ordered_json libraries = nlohmann::ordered_json::object();
    for (const LinkedLibrary& library : info.libraries) {
      libraries[library.name] = {{"version", library.version}, {"detail", library.detail}};
    }
    const nlohmann::ordered_json record{
        {"version", info.version},
        {"git_commit", info.git_commit},
        {"build_type", info.build_type},
        {"compiler", info.compiler},
        {"sanitizers", info.sanitizers},
        {"libraries", libraries},
        {"simd_target", info.simd_target},
        {"simd_targets", info.simd_targets},
        {"threads", info.threads},
        {"video", {{"program", "tessera-video"}, {"ffmpeg_built_against", kFfmpeg}}}};
    fmt::print("{}\n", record.dump(2));
    return 0;
  }
  std::string libraries;
  for (const LinkedLibrary& library : info.libraries) {
    libraries += fmt::format("{}{}", libraries.empty() ? "" : ", ", describe(library));
  }
  std::string targets;
  for (const std::string& target : info.simd_targets) {
    targets += fmt::format("{}{}", targets.empty() ? "" : " ", target);
  }
  fmt::print("tessera {}\n", info.version);
  fmt::print("commit {}, {} build, {}{}\n", info.git_commit, info.build_type, info.compiler,
             info.sanitizers.empty() ? "" : fmt::format(", sanitizers {}", info.sanitizers));
  fmt::print("libraries: {}\n", libraries);
  fmt::print("SIMD: {} (this CPU and build: {}); threads: {}\n", info.simd_target, targets,
             info.threads);
  fmt::print("video (tessera-video): FFmpeg {} (built against)\n", kFfmpeg);
  return 0;
}

}  // namespace tessera::cli
