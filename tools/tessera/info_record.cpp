#include "info_record.h"

#include <fmt/format.h>

#include <cstdio>

namespace tessera::cli {

nlohmann::ordered_json error_record(const std::string& path, const Error& error) {
  return {
      {"path", path},
      {"error", {{"code", std::string(to_string(error.code()))}, {"message", error.message()}}}};
}

void print_record(const nlohmann::ordered_json& record) {
  // Invalid UTF-8 in a file name is replaced, not thrown on: the record still says which file.
  fmt::print("{}\n", record.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  std::fflush(stdout);
}

}  // namespace tessera::cli
