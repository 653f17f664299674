#include "tessera/param_spec.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

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

bool ParamSpec::is_choice(std::string_view word) const {
  std::string_view rest = choices;
  while (!rest.empty()) {
    const std::size_t bar = rest.find('|');
    if (rest.substr(0, bar) == word) return true;
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  return false;
}

bool ParamSpec::allows_number(double value) const {
  const bool whole = std::floor(value) == value;
  const bool in_range = value >= min && value <= max;  // false for NaN
  const bool odd_ok = !odd || (whole && std::fmod(std::fabs(value), 2.0) == 1.0);
  return in_range && (kind != ParamKind::Integer || whole) && odd_ok;
}

bool ParamSpec::allows_text(std::string_view text) const {
  switch (kind) {
    case ParamKind::Choice:
      return is_choice(text);
    case ParamKind::Flag:
      return text == "true" || text == "false";
    case ParamKind::Integer:
    case ParamKind::Number: {
      if (is_choice(text)) return true;
      double number = 0;
      const char* end = text.data() + text.size();
      const auto [stop, error] = std::from_chars(text.data(), end, number);
      return error == std::errc{} && stop == end && allows_number(number);
    }
    case ParamKind::Rectangle:
    case ParamKind::Size:
    case ParamKind::Kernel:
    case ParamKind::Colour:
    case ParamKind::Sides:
      return false;
  }
  return false;
}

}  // namespace tessera
