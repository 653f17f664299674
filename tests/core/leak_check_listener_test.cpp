// The GoogleTest leak hook, tested from outside: run a binary whose test leaks on purpose and
// check that the hook fails it and names the exact line that allocated the leaked image.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

// The line of the deliberate leak, read from the fixture's source rather than written here.
int marked_line(const std::string& source_path) {
  std::ifstream source(source_path);
  std::string line;
  for (int number = 1; std::getline(source, line); ++number) {
    if (line.find("// LEAK-SITE") != std::string::npos) return number;
  }
  return -1;
}

struct ProcessResult {
  int status = -1;
  std::string output;
};

ProcessResult run_command(const std::string& command) {
  ProcessResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> chunk{};
  while (fgets(chunk.data(), chunk.size(), pipe) != nullptr) result.output += chunk.data();
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(LeakCheckListener, fails_a_leaking_test_and_names_the_allocating_line) {
  const int line = marked_line(DELIBERATE_LEAK_SOURCE);
  ASSERT_GT(line, 0) << "no LEAK-SITE marker in " << DELIBERATE_LEAK_SOURCE;
  // Without TESSERA_LEAK_CHECK, so that only the GoogleTest hook is under test.
  const ProcessResult result =
      run_command(std::string("env -u TESSERA_LEAK_CHECK ") + DELIBERATE_LEAK_FIXTURE);

  EXPECT_NE(result.status, 0) << result.output;
  const std::string site = "tests/support/deliberate_leak.cpp:" + std::to_string(line);
  EXPECT_NE(result.output.find(site + ": size=+9.0 KiB (+1 buffer)"), std::string::npos)
      << "expected the site " << site << " in:\n"
      << result.output;
  EXPECT_NE(result.output.find("[  FAILED  ] DeliberateLeak.keeps_an_image_alive_past_the_end"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("[       OK ] DeliberateLeak.releases_everything_it_allocates"),
            std::string::npos)
      << "a test that frees what it allocates must pass:\n"
      << result.output;
}

}  // namespace
