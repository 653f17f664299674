#include "ops_command.h"

#include <fmt/format.h>

#include "tessera/error.h"
#include "tessera/ops/registry.h"

namespace tessera::cli {
namespace {

std::string_view access_name(ops::Access access) {
  switch (access) {
    case ops::Access::Point:
      return "point";
    case ops::Access::Neighbourhood:
      return "neighbourhood";
    case ops::Access::WholeImage:
      return "whole image";
  }
  return "";
}

void print_op(const ops::OpDescriptor& op) {
  fmt::print("{:<12} {}  [{}]\n", op.name, op.doc, access_name(op.access));
  for (const auto& param : op.params) {
    const std::string usage = param.default_value.empty()
                                  ? fmt::format("{} (required)", param.name)
                                  : fmt::format("{}={}", param.name, param.default_value);
    const std::string allowed = param.allowed();
    fmt::print("    {:<24} {}{}\n", usage, param.doc,
               allowed == param.doc ? "" : fmt::format(" ({})", allowed));
  }
}

}  // namespace

int run_ops(const std::vector<std::string>& names) {
  if (names.empty()) {
    fmt::print(
        "Ops for pipelines such as `gray | blur 5 | canny 50 150 | rgb`. Values go in the "
        "order listed, or as name=value.\n\n");
    for (const auto& op : ops::all_ops()) print_op(op);
    return 0;
  }
  for (const auto& name : names) {
    try {
      print_op(ops::find_op(name));
    } catch (const Error& error) {
      fmt::print(stderr, "tessera: {}\n", error.message());
      return 2;
    }
  }
  return 0;
}

}  // namespace tessera::cli
