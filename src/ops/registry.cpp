// The registry: every op's descriptor; each parameter kind's typed value, its text form and its
// check; and binding from tokens or from typed values, both through that one check.

#include "tessera/ops/registry.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

#include "ops/descriptors.h"
#include "ops/op_support.h"
#include "ops/streaming.h"

namespace tessera::ops {
namespace {

std::string format_bound(double value) { return fmt::format("{}", value); }

// The whole of `text` as a number, or nothing.
std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || stop != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

[[noreturn]] void refuse(std::string_view op, const ParamSpec& param, std::string_view written) {
  detail::fail(op, fmt::format("{} '{}' is not allowed: {}", param.name, written, param.allowed()));
}

// Numbers separated by commas, each as strtod reads it ("100,100,800,600"), as crop's
// rectangle, pad's sides and rotate's and pad's background have always been read; nothing when
// one is not a finite number.
std::optional<std::vector<double>> comma_numbers(std::string_view text) {
  const std::string terminated(text);  // strtod reads up to a NUL
  std::vector<double> values;
  const char* p = terminated.c_str();
  while (*p != '\0') {
    char* next = nullptr;
    values.push_back(std::strtod(p, &next));
    if (next == p || !std::isfinite(values.back())) return std::nullopt;
    p = next;
    if (*p == ',') ++p;
  }
  return values;
}

// Whole numbers separated by commas, strictly (no spaces, signs or fractions): flatten's
// background has always been read so.
std::optional<std::vector<double>> comma_integers(std::string_view text) {
  std::vector<double> values;
  const char* at = text.data();
  const char* end = text.data() + text.size();
  while (at < end) {
    int value = 0;
    const auto [stop, error] = std::from_chars(at, end, value);
    if (error != std::errc{} || (stop != end && *stop != ',')) return std::nullopt;
    values.push_back(value);
    at = stop == end ? end : stop + 1;
  }
  return values;
}

// "-1 -1 -1; -1 16 -1; -1 -1 -1": rows separated by ';', numbers by spaces, tabs or commas.
Kernel read_kernel(std::string_view op, const ParamSpec& param, std::string_view text) {
  Kernel kernel;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(';', start), text.size());
    const std::string row(text.substr(start, end - start));
    int count = 0;
    const char* p = row.c_str();
    while (true) {
      while (*p == ' ' || *p == ',' || *p == '\t') ++p;
      if (*p == '\0') break;
      char* next = nullptr;
      const double value = std::strtod(p, &next);
      if (next == p || !std::isfinite(value)) refuse(op, param, text);  // strtod reads nan, inf
      kernel.values.push_back(value);
      ++count;
      p = next;
    }
    if (kernel.height == 0) kernel.width = count;
    if (count != kernel.width) {
      detail::fail(op, fmt::format("{} '{}' has rows of different lengths", param.name, text));
    }
    ++kernel.height;
    start = end + 1;
  }
  return kernel;
}

// "50%", "0.5", "800x600", "500x" or "x300", without the range checks check_size() makes.
Size read_size(std::string_view op, const ParamSpec& param, std::string_view text) {
  if (text.ends_with('%')) {
    const auto percent = parse_number(text.substr(0, text.size() - 1));
    if (!percent) refuse(op, param, text);
    return Size::percent(*percent);
  }
  const std::size_t x = text.find('x');
  if (x == std::string_view::npos) {
    const auto factor = parse_number(text);
    if (!factor) refuse(op, param, text);
    return Size::factor(*factor);
  }
  const auto side = [&](std::string_view digits) -> int {
    const auto value = digits.empty() ? std::optional<double>(0) : parse_number(digits);
    // Whole and within the largest side here already, so that it converts to int exactly.
    if (!value || std::floor(*value) != *value || std::fabs(*value) > 1e6) {
      refuse(op, param, text);
    }
    return static_cast<int>(*value);
  };
  const int width = side(text.substr(0, x));
  return Size::pixels(width, side(text.substr(x + 1)));
}

void check_size(std::string_view op, const ParamSpec& param, const Size& size,
                std::string_view written) {
  bool allowed = false;
  switch (size.form) {
    case Size::Form::Percent:
      allowed = size.amount > 0 && size.amount <= 10000;
      break;
    case Size::Form::Factor:
      allowed = size.amount > 0 && size.amount <= 100;
      break;
    case Size::Form::Pixels:
      allowed = size.width >= 0 && size.height >= 0 && size.width <= 1e6 && size.height <= 1e6 &&
                (size.width > 0 || size.height > 0);
      break;
  }
  if (!allowed) refuse(op, param, written);
}

void check_kernel(std::string_view op, const ParamSpec& param, const Kernel& kernel) {
  const bool odd = !param.odd || (kernel.width % 2 == 1 && kernel.height % 2 == 1);
  if (kernel.width < param.min || kernel.height < param.min || kernel.width > param.max ||
      kernel.height > param.max || !odd) {
    detail::fail(op, fmt::format("{} {}x{} is not allowed: {}sizes {}..{} on each side", param.name,
                                 kernel.width, kernel.height, param.odd ? "odd " : "",
                                 format_bound(param.min), format_bound(param.max)));
  }
  if (kernel.values.size() != static_cast<std::size_t>(kernel.width) * kernel.height) {
    detail::fail(op,
                 fmt::format("{} has {} values, {}x{} needs {}", param.name, kernel.values.size(),
                             kernel.width, kernel.height, kernel.width * kernel.height));
  }
}

void check_colour(std::string_view op, const ParamSpec& param, const std::vector<double>& values,
                  std::string_view written) {
  const std::size_t count = values.size();
  bool allowed = count == 1 || count == 3 || (param.alpha && count == 4);
  for (double value : values) {
    allowed = allowed && value >= param.min && value <= param.max &&
              (!param.whole || std::floor(value) == value);
  }
  if (!allowed) refuse(op, param, written);
}

// Each side within range first, then the count, as pad has always checked them.
void check_sides(std::string_view op, const ParamSpec& param, const std::vector<double>& values,
                 std::string_view written) {
  for (double value : values) {
    if (!(value >= param.min && value <= param.max)) {
      detail::fail(op, fmt::format("{} '{}' is not allowed: {}..{} pixels", param.name, written,
                                   format_bound(param.min), format_bound(param.max)));
    }
  }
  if (values.size() != 1 && values.size() != 4) refuse(op, param, written);
}

// Whether `value` is of `param`'s own type (the type param_value.h gives its kind).
bool is_native(const ParamSpec& param, const ParamValue& value) {
  const auto* word = std::get_if<std::string>(&value);
  switch (param.kind) {
    case ParamKind::Integer:
      return std::holds_alternative<long>(value) || (word && param.is_choice(*word));
    case ParamKind::Number:
      return std::holds_alternative<double>(value) || (word && param.is_choice(*word));
    case ParamKind::Choice:
      return word != nullptr;
    case ParamKind::Flag:
      return std::holds_alternative<bool>(value);
    case ParamKind::Rectangle:
      return std::holds_alternative<Rect>(value);
    case ParamKind::Size:
      return std::holds_alternative<Size>(value);
    case ParamKind::Kernel:
      return std::holds_alternative<Kernel>(value);
    case ParamKind::Colour:
      return std::holds_alternative<Colour>(value);
    case ParamKind::Sides:
      return std::holds_alternative<Padding>(value);
  }
  return false;
}

// The one check of a value of `param`'s own type, however it came; `written` is how the
// refusal quotes it: as the user wrote it for text, as to_text() writes it for typed values.
void check_value(std::string_view op, const ParamSpec& param, const ParamValue& value,
                 std::string_view written) {
  switch (param.kind) {
    case ParamKind::Integer:
      if (const auto* number = std::get_if<long>(&value)) {
        check_parameter(op, param, static_cast<double>(*number));
      }
      return;  // else a word is_native() found among the choices
    case ParamKind::Number:
      if (const auto* number = std::get_if<double>(&value)) check_parameter(op, param, *number);
      return;
    case ParamKind::Choice:
      if (!param.is_choice(std::get<std::string>(value))) refuse(op, param, written);
      return;
    case ParamKind::Flag:
    case ParamKind::Rectangle:
      return;  // every value is one; whether a rectangle fits is the op's, at run time
    case ParamKind::Size:
      return check_size(op, param, std::get<Size>(value), written);
    case ParamKind::Kernel:
      return check_kernel(op, param, std::get<Kernel>(value));
    case ParamKind::Colour:
      return check_colour(op, param, std::get<Colour>(value).values, written);
    case ParamKind::Sides: {
      const Padding& sides = std::get<Padding>(value);
      return check_sides(op, param,
                         {1.0 * sides.top, 1.0 * sides.right, 1.0 * sides.bottom, 1.0 * sides.left},
                         written);
    }
  }
}

// A typed value bound to `param`: of its own type, checked; otherwise parsed from its text.
ParamValue bound_value(std::string_view op, const ParamSpec& param, const ParamValue& value) {
  if (is_native(param, value)) {
    check_value(op, param, value, to_text(value));
    return value;
  }
  return parse_value(op, param, to_text(value));
}

// "kernel=1 2 1" would be three tokens: a value with spaces (or nothing) goes in quotes, which
// pipeline text keeps whole.
std::string quoted(const std::string& text) {
  if (!text.empty() && text.find_first_of(" \t\n\v\f\r|\"'") == std::string::npos) return text;
  const char quote = text.find('"') == std::string::npos ? '"' : '\'';
  return fmt::format("{}{}{}", quote, text, quote);
}

std::size_t param_index(const OpDescriptor& op, std::string_view name) {
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
  return index;
}

// The value of a parameter nobody gave.
ParamValue default_value(const OpDescriptor& op, const ParamSpec& param) {
  if (param.default_value.empty()) {
    detail::fail(op.name, fmt::format("{} is required: {}", param.name, param.allowed()));
  }
  return parse_value(op.name, param, param.default_value);
}

}  // namespace

ResizeTarget Size::target() const {
  ResizeTarget target;
  if (form == Form::Percent) target.scale = amount / 100;
  if (form == Form::Factor) target.scale = amount;
  if (form == Form::Pixels) target.width = width, target.height = height;
  return target;
}

std::string to_text(const ParamValue& value) {
  struct Writer {
    std::string operator()(double number) const { return fmt::format("{}", number); }
    std::string operator()(long number) const { return fmt::format("{}", number); }
    std::string operator()(const std::string& word) const { return word; }
    std::string operator()(bool flag) const { return flag ? "true" : "false"; }
    std::string operator()(const Rect& rect) const {
      return fmt::format("{},{},{},{}", rect.x, rect.y, rect.width, rect.height);
    }
    std::string operator()(const Size& size) const {
      switch (size.form) {
        case Size::Form::Percent:
          return fmt::format("{}%", size.amount);
        case Size::Form::Factor:
          return fmt::format("{}", size.amount);
        case Size::Form::Pixels:
          break;
      }
      const auto side = [](int pixels) { return pixels == 0 ? "" : fmt::format("{}", pixels); };
      return fmt::format("{}x{}", side(size.width), side(size.height));
    }
    std::string operator()(const Kernel& kernel) const {
      std::string text;
      for (std::size_t i = 0; i < kernel.values.size(); ++i) {
        const bool row_start = i > 0 && kernel.width > 0 && i % kernel.width == 0;
        text += fmt::format("{}{}", i == 0 ? "" : row_start ? "; " : " ", kernel.values[i]);
      }
      return text;
    }
    std::string operator()(const Colour& colour) const {
      std::string text;
      for (double value : colour.values)
        text += fmt::format("{}{}", text.empty() ? "" : ",", value);
      return text;
    }
    std::string operator()(const Padding& sides) const {
      if (sides.top == sides.right && sides.top == sides.bottom && sides.top == sides.left) {
        return fmt::format("{}", sides.top);
      }
      return fmt::format("{},{},{},{}", sides.top, sides.right, sides.bottom, sides.left);
    }
  };
  return std::visit(Writer{}, value);
}

void check_parameter(std::string_view op, const ParamSpec& param, double value) {
  if (!param.allows_number(value)) {
    detail::fail(op, fmt::format("{} {} is not allowed: {}", param.name, format_bound(value),
                                 param.allowed()));
  }
}

void check_parameter(std::string_view op, const ParamSpec& param, const ParamValue& value) {
  (void)bound_value(op, param, value);
}

ParamValue parse_value(std::string_view op, const ParamSpec& param, std::string_view text) {
  ParamValue value;
  switch (param.kind) {
    case ParamKind::Integer:
    case ParamKind::Number: {
      if (param.is_choice(text)) return std::string(text);
      const auto number = parse_number(text);
      if (!number) {
        detail::fail(op,
                     fmt::format("{} '{}' is not a number: {}", param.name, text, param.allowed()));
      }
      // In range and whole once checked, so an Integer converts to long exactly.
      check_parameter(op, param, *number);
      if (param.kind == ParamKind::Integer) return static_cast<long>(*number);
      return *number;
    }
    case ParamKind::Choice:
      value = std::string(text);
      break;
    case ParamKind::Flag:
      if (text != "true" && text != "false") refuse(op, param, text);
      return text == "true";
    case ParamKind::Rectangle: {
      const auto numbers = comma_numbers(text);
      if (!numbers || numbers->size() != 4) refuse(op, param, text);
      // Fractions are cut off, as they always were; beyond int would not convert at all.
      for (double number : *numbers) {
        if (!(number > std::numeric_limits<int>::min() - 1.0 &&
              number < std::numeric_limits<int>::max() + 1.0)) {
          refuse(op, param, text);
        }
      }
      const auto& v = *numbers;
      return Rect{static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]),
                  static_cast<int>(v[3])};
    }
    case ParamKind::Size:
      value = read_size(op, param, text);
      break;
    case ParamKind::Kernel:
      value = read_kernel(op, param, text);
      break;
    case ParamKind::Colour: {
      const auto numbers = param.whole ? comma_integers(text) : comma_numbers(text);
      if (!numbers) refuse(op, param, text);
      value = Colour{*numbers};
      break;
    }
    case ParamKind::Sides: {
      const auto numbers = comma_numbers(text);
      if (!numbers) refuse(op, param, text);
      // Checked as written, before the sides become whole pixels.
      check_sides(op, param, *numbers, text);
      const auto side = [&](std::size_t k) { return static_cast<int>((*numbers)[k]); };
      if (numbers->size() == 1) return Padding{side(0), side(0), side(0), side(0)};
      return Padding{side(0), side(1), side(2), side(3)};
    }
  }
  check_value(op, param, value, text);
  return value;
}

const OpArguments::Argument& OpArguments::find(std::string_view name) const {
  for (const Argument& argument : values_) {
    if (argument.name == name) return argument;
  }
  throw Error(ErrorCode::Internal, fmt::format("no argument '{}' was bound", name));
}

template <typename T>
const T& OpArguments::get(std::string_view name, std::string_view kind) const {
  const Argument& argument = find(name);
  if (const T* value = std::get_if<T>(&argument.value)) return *value;
  throw Error(ErrorCode::Internal,
              fmt::format("argument {}='{}' is not a {}", name, argument.text, kind));
}

double OpArguments::number(std::string_view name) const {
  const Argument& argument = find(name);
  if (const auto* number = std::get_if<double>(&argument.value)) return *number;
  if (const auto* number = std::get_if<long>(&argument.value)) return static_cast<double>(*number);
  throw Error(ErrorCode::Internal,
              fmt::format("argument {}='{}' is not a number", name, argument.text));
}

int OpArguments::integer(std::string_view name) const {
  const Argument& argument = find(name);
  if (const auto* number = std::get_if<long>(&argument.value)) return static_cast<int>(*number);
  return static_cast<int>(std::lround(number(name)));
}

const std::string& OpArguments::choice(std::string_view name) const {
  return get<std::string>(name, "word");
}
bool OpArguments::flag(std::string_view name) const { return get<bool>(name, "flag"); }
const Rect& OpArguments::rectangle(std::string_view name) const {
  return get<Rect>(name, "rectangle");
}
const Size& OpArguments::size(std::string_view name) const { return get<Size>(name, "size"); }
const Kernel& OpArguments::kernel(std::string_view name) const {
  return get<Kernel>(name, "kernel");
}
const Colour& OpArguments::colour(std::string_view name) const {
  return get<Colour>(name, "colour");
}
const Padding& OpArguments::sides(std::string_view name) const {
  return get<Padding>(name, "list of sides");
}
const ParamValue& OpArguments::value(std::string_view name) const { return find(name).value; }
const std::string& OpArguments::text(std::string_view name) const { return find(name).text; }

std::string OpArguments::describe() const {
  std::string text;
  for (const Argument& argument : values_) {
    text += fmt::format("{}{}={}", text.empty() ? "" : " ", argument.name, quoted(argument.text));
  }
  return text;
}

std::string SampleTypes::text() const {
  std::string text;
  for (const auto& [taken, name] : {std::pair{u8, "u8"}, {u16, "u16"}, {f32, "f32"}}) {
    if (taken) text += fmt::format("{}{}", text.empty() ? "" : ", ", name);
  }
  if (text.empty()) return "nothing";
  return text.find(',') == std::string::npos ? text + " only" : text;
}

SampleTypes samples_of(const OpDescriptor& op, const OpArguments& arguments) {
  return op.samples_with ? op.samples_with(arguments) : op.samples;
}

void require_samples(const OpDescriptor& op, const OpArguments& arguments, SampleType sample) {
  const SampleTypes accepted = samples_of(op, arguments);
  if (!accepted.has(sample)) {
    detail::refuse_samples(op.name, accepted, sample,
                           accepted == op.samples ? std::string_view{} : op.samples_note);
  }
}

Streaming streaming_of(const OpDescriptor& op) {
  const detail::StreamingHooks& hooks = detail::hooks_of(op);
  if (hooks.row_mapper) return Streaming::Rows;
  if (hooks.row_consumer) return Streaming::Bands;
  return Streaming::AsAccess;
}

namespace detail {

std::shared_ptr<const StreamingHooks> make_hooks(StreamingHooks hooks) {
  return std::make_shared<const StreamingHooks>(std::move(hooks));
}

const StreamingHooks& hooks_of(const OpDescriptor& op) {
  static const StreamingHooks none;
  return op.streaming ? *op.streaming : none;
}

std::optional<int> rows_around(const OpDescriptor& op, const OpArguments& arguments) {
  const StreamingHooks& hooks = hooks_of(op);
  if (hooks.rows_around) return hooks.rows_around(arguments);
  if (op.access == Access::Point) return 0;
  return std::nullopt;
}

int columns_around(const OpDescriptor& op, const OpArguments& arguments) {
  const StreamingHooks& hooks = hooks_of(op);
  if (hooks.columns_around) return hooks.columns_around(arguments);
  return rows_around(op, arguments).value_or(0);
}

}  // namespace detail

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
    const std::size_t index = param_index(op, name);
    if (given[index]) detail::fail(op.name, fmt::format("{} is given twice", name));
    given[index] = token.substr(equals + 1);
  }

  OpArguments arguments;
  for (std::size_t i = 0; i < op.params.size(); ++i) {
    const ParamSpec& param = op.params[i];
    ParamValue value = given[i] ? parse_value(op.name, param, *given[i]) : default_value(op, param);
    std::string text = to_text(value);
    arguments.values_.push_back({std::string(param.name), std::move(value), std::move(text)});
  }
  if (op.check) op.check(arguments);
  return arguments;
}

OpArguments bind_arguments(const OpDescriptor& op, std::span<const NamedValue> values) {
  std::vector<const ParamValue*> given(op.params.size(), nullptr);
  for (const NamedValue& named : values) {
    const std::size_t index = param_index(op, named.name);
    if (given[index]) detail::fail(op.name, fmt::format("{} is given twice", named.name));
    given[index] = &named.value;
  }

  OpArguments arguments;
  for (std::size_t i = 0; i < op.params.size(); ++i) {
    const ParamSpec& param = op.params[i];
    ParamValue value = given[i] ? bound_value(op.name, param, *given[i]) : default_value(op, param);
    std::string text = to_text(value);
    arguments.values_.push_back({std::string(param.name), std::move(value), std::move(text)});
  }
  if (op.check) op.check(arguments);
  return arguments;
}

}  // namespace tessera::ops
