#include "ops_command.h"

#include <fmt/format.h>

#include "exit_status.h"
#include "tessera/error.h"
#include "tessera/ops/registry.h"

namespace tessera::cli {
namespace {

// How the pipeline runs the op, in the words of `tessera convert --estimate`: the descriptor's
// streaming hooks decide, not only its access kind (resize changes the size yet streams rows).
std::string_view streaming_name(const ops::OpDescriptor& op) {
  switch (ops::streaming_of(op)) {
    case ops::Streaming::Rows:
      return "streamed rows";
    case ops::Streaming::Bands:
      return "whole image, taken in bands";
    case ops::Streaming::AsAccess:
      break;
  }
  switch (op.access) {
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
  fmt::print("{:<12} {}  [{}]\n", op.name, op.doc, streaming_name(op));
  fmt::print("    {:<24} {}{}\n", "samples:", op.samples.text(),
             op.samples_note.empty() ? "" : fmt::format(" ({})", op.samples_note));
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
        "order listed, or as name=value. In brackets, how a pipeline runs each op: point and "
        "neighbourhood ops and size-changing ones stream in bands; a whole-image op holds its "
        "image in memory. Under each op, the sample types it takes (a pipeline refuses another "
        "before "
        "decoding: put `depth u8`, `depth u16` or `depth f32` before the op).\n\n");
    for (const auto& op : ops::all_ops()) print_op(op);
    return 0;
  }
  for (const auto& name : names) {
    try {
      print_op(ops::find_op(name));
    } catch (const Error& error) {
      print_error(error);
      return exit_status(error);
    }
  }
  return 0;
}

}  // namespace tessera::cli
