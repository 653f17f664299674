#include "tessera/param_spec.h"

#include <fmt/format.h>

namespace tessera {

std::string ParamSpec::allowed() const {
  const std::string words = choices.empty() ? "" : fmt::format(", or {}", choices);
  switch (kind) {
    case ParamKind::Integer:
      return fmt::format("{}integer in {}..{}{}", odd ? "odd " : "", min, max, words);
    case ParamKind::Number:
      return fmt::format("number in {}..{}{}", min, max, words);
    case ParamKind::Choice:
      return fmt::format("one of {}", choices);
    case ParamKind::Flag:
      return "true or false";
    case ParamKind::Size:
      return "a factor (50%, 0.5), a size (800x600), a width (500x) or a height (x300)";
    case ParamKind::Rectangle:
    case ParamKind::Kernel:
    case ParamKind::Colour:
    case ParamKind::Sides:
      // Their docs give the form with an example, in the words the refusals have always used.
      return std::string(doc);
  }
  return "";
}

}  // namespace tessera
