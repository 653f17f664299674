#include "video_program.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "exit_status.h"

namespace tessera::cli {

int run_video_program(int count, char** arguments) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::filesystem::path program = self.parent_path() / "tessera-video";
  std::string name = program.string();
  std::vector<char*> argv{name.data()};
  for (int i = 0; i < count; ++i) argv.push_back(arguments[i]);
  argv.push_back(nullptr);
  ::execv(name.c_str(), argv.data());
  fmt::print(stderr,
             "tessera: video support is not here: cannot run {} ({}); it is built and installed "
             "with tessera (cmake --build build makes build/tessera-video)\n",
             name, std::strerror(errno));
  return kExitFailure;
}

}  // namespace tessera::cli
