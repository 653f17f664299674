#include "video_program.h"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "exit_status.h"

namespace tessera::cli {

namespace {

// tessera-video, beside this program.
std::string video_program() {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return (self.parent_path() / "tessera-video").string();
}

}  // namespace

int describe_video(const std::string& path, bool json) {
  std::string name = video_program();
  std::string flag = json ? "--info-json" : "--info";
  std::string file = path;
  char* argv[] = {name.data(), flag.data(), file.data(), nullptr};
  // The probe is part of this command: its exit-time leak report (TESSERA_LEAK_CHECK) would
  // come before this command's own messages, so it runs without (tessera-video's own runs and
  // tests/video keep it).
  std::vector<char*> environment;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    if (std::string_view(*variable).starts_with("TESSERA_LEAK_CHECK=")) continue;
    environment.push_back(*variable);
  }
  environment.push_back(nullptr);
  std::fflush(stdout);  // its line comes after ours
  pid_t child = 0;
  if (::posix_spawn(&child, name.c_str(), nullptr, nullptr, argv, environment.data()) != 0) {
    return kNotAVideo;
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : kExitFailure;
}

std::vector<std::string> video_option_names() {
  std::vector<std::string> names;
  // The name is this program's folder and a fixed file name: nothing for the shell to expand.
  const std::string command = fmt::format("'{}' --option-names", video_program());
  std::FILE* const listing = ::popen(command.c_str(), "r");
  if (listing == nullptr) return names;
  char line[256];
  while (std::fgets(line, sizeof line, listing) != nullptr) {
    std::string name(line);
    while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
    if (name.starts_with("-")) names.push_back(name);
  }
  ::pclose(listing);
  return names;
}

int run_video_program(int count, char** arguments) {
  std::string name = video_program();
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
