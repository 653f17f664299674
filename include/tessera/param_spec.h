#pragma once
// One parameter of something a user configures by name: an op's argument (`blur ksize=5`) or
// an encoder's option (`quality`, `compression`). The op registry and the format table both
// declare their parameters so, and the CLI, `tessera ops`, `tessera info`, the help texts and
// the Python keyword arguments read them from there: no parameter is written twice.
//
//   ParamSpec{.name = "quality", .kind = ParamKind::Integer, .default_value = "90",
//             .min = 1, .max = 100, .doc = "lossy quality"}.allowed()  // "integer in 1..100"

#include <string>
#include <string_view>

namespace tessera {

enum class ParamKind {
  Integer,  // whole number within [min, max]
  Number,   // real number within [min, max]
  Choice,   // one of the words in `choices`
  Flag,     // on or off ("true" or "false"); a command line's --name
  Text,     // parsed by its owner (a rectangle, a size, a kernel, a colour)
};

struct ParamSpec {
  std::string_view name;
  ParamKind kind = ParamKind::Number;
  std::string_view default_value;  // empty: the parameter is required
  double min = 0;
  double max = 0;
  bool odd = false;          // Integer only: must be odd
  std::string_view choices;  // Choice: "h|v|both"; Integer/Number: words accepted too
  std::string_view doc;

  // "odd integer in 1..255", "number in 0..10", "one of h|v|both", "true or false",
  // "WxH, W x, x H or N%".
  std::string allowed() const;
};

}  // namespace tessera
