// The registry: every op's descriptor, argument binding and the one parameter check.

#include "tessera/ops/registry.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "ops/descriptors.h"
#include "ops/op_support.h"

namespace tessera::ops {
namespace {

std::string format_bound(double value) { return fmt::format("{}", value); }

bool is_word_choice(const ParamSpec& param, std::string_view value) {
  std::string_view choices = param.choices;
  while (!choices.empty()) {
    const std::size_t bar = choices.find('|');
    if (choices.substr(0, bar) == value) return true;
    if (bar == std::string_view::npos) break;
    choices.remove_prefix(bar + 1);
  }
  return false;
}

// The whole of `text` as a number, or nothing.
std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || stop != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

void check_text(std::string_view op, const ParamSpec& param, std::string_view value) {
  switch (param.kind) {
    case ParamKind::Choice:
      if (!is_word_choice(param, value)) {
        detail::fail(op,
                     fmt::format("{} '{}' is not allowed: {}", param.name, value, param.allowed()));
      }
      return;
    case ParamKind::Integer:
    case ParamKind::Number: {
      if (is_word_choice(param, value)) return;
      const auto number = parse_number(value);
      if (!number) {
        detail::fail(
            op, fmt::format("{} '{}' is not a number: {}", param.name, value, param.allowed()));
      }
      check_parameter(op, param, *number);
      return;
    }
    case ParamKind::Flag:
      if (value != "true" && value != "false") {
        detail::fail(op,
                     fmt::format("{} '{}' is not allowed: {}", param.name, value, param.allowed()));
      }
      return;
    case ParamKind::Text:
      return;  // the op parses and checks it when it runs
  }
}

}  // namespace

void check_parameter(std::string_view op, const ParamSpec& param, double value) {
  const bool whole = std::floor(value) == value;
  const bool in_range = value >= param.min && value <= param.max;
  const bool odd_ok = !param.odd || (whole && std::fmod(std::fabs(value), 2.0) == 1.0);
  if (!in_range || (param.kind == ParamKind::Integer && !whole) || !odd_ok) {
    detail::fail(op, fmt::format("{} {} is not allowed: {}", param.name, format_bound(value),
                                 param.allowed()));
  }
}

const std::string& OpArguments::text(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  throw Error(ErrorCode::Internal, fmt::format("no argument '{}' was bound", name));
}

double OpArguments::number(std::string_view name) const {
  const std::string& value = text(name);
  const auto number = parse_number(value);
  if (!number) {
    throw Error(ErrorCode::Internal, fmt::format("argument {}='{}' is not a number", name, value));
  }
  return *number;
}

int OpArguments::integer(std::string_view name) const {
  return static_cast<int>(std::lround(number(name)));
}

std::string OpArguments::describe() const {
  std::string text;
  for (const auto& [key, value] : values_) {
    text += fmt::format("{}{}={}", text.empty() ? "" : " ", key, value);
  }
  return text;
}

std::optional<int> rows_around(const OpDescriptor& op, const OpArguments& arguments) {
  if (op.rows_around) return op.rows_around(arguments);
  if (op.access == Access::Point) return 0;
  return std::nullopt;
}

const std::vector<OpDescriptor>& all_ops() {
  static const std::vector<OpDescriptor> ops = [] {
    std::vector<OpDescriptor> list;
    for (auto group : {detail::colour_ops, detail::flatten_ops, detail::tone_ops, detail::blur_ops,
                       detail::filter_ops, detail::edge_ops, detail::geometry_ops}) {
      for (auto& op : group()) list.push_back(std::move(op));
    }
    return list;
  }();
  return ops;
}

const OpDescriptor& find_op(std::string_view name) {
  for (const auto& op : all_ops()) {
    if (op.name == name) return op;
  }
  std::string names;
  for (const auto& op : all_ops()) names += fmt::format("{}{}", names.empty() ? "" : ", ", op.name);
  throw Error(ErrorCode::InvalidArgument,
              fmt::format("unknown op '{}'; the ops are: {}", name, names));
}

OpArguments bind_arguments(const OpDescriptor& op, std::span<const std::string> tokens) {
  std::vector<std::optional<std::string>> given(op.params.size());
  std::size_t next_positional = 0;
  bool named_seen = false;
  for (const std::string& token : tokens) {
    const std::size_t equals = token.find('=');
    if (equals == std::string::npos) {
      if (named_seen) {
        detail::fail(op.name, fmt::format("positional value '{}' after a name=value one", token));
      }
      if (next_positional >= op.params.size()) {
        detail::fail(op.name,
                     fmt::format("too many values: '{}' (takes {})", token, op.params.size()));
      }
      given[next_positional++] = token;
      continue;
    }
    named_seen = true;
    const std::string_view name = std::string_view(token).substr(0, equals);
    std::size_t index = 0;
    while (index < op.params.size() && op.params[index].name != name) ++index;
    if (index == op.params.size()) {
      std::string names;
      for (const auto& param : op.params) {
        names += fmt::format("{}{}", names.empty() ? "" : ", ", param.name);
      }
      detail::fail(op.name, fmt::format("unknown parameter '{}'; it takes: {}", name,
                                        names.empty() ? "no parameters" : names));
    }
    if (given[index]) detail::fail(op.name, fmt::format("{} is given twice", name));
    given[index] = token.substr(equals + 1);
  }

  OpArguments arguments;
  for (std::size_t i = 0; i < op.params.size(); ++i) {
    const ParamSpec& param = op.params[i];
    std::string value = given[i] ? *given[i] : std::string(param.default_value);
    if (!given[i] && param.default_value.empty()) {
      detail::fail(op.name, fmt::format("{} is required: {}", param.name, param.allowed()));
    }
    check_text(op.name, param, value);
    arguments.values_.emplace_back(std::string(param.name), std::move(value));
  }
  if (op.check) op.check(arguments);
  return arguments;
}

}  // namespace tessera::ops
