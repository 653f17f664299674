// Byte counts as people read and write them: "5.9 MiB" out, "512M" in.

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "tessera/error.h"
#include "tessera/profiler.h"

namespace tessera::memory {

std::string format_bytes(std::size_t bytes) {
  constexpr double kKiB = 1024.0;
  const auto value = static_cast<double>(bytes);
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (value < kKiB * kKiB) return fmt::format("{:.1f} KiB", value / kKiB);
  if (value < kKiB * kKiB * kKiB) return fmt::format("{:.1f} MiB", value / (kKiB * kKiB));
  return fmt::format("{:.2f} GiB", value / (kKiB * kKiB * kKiB));
}

std::string format_bytes_delta(std::int64_t bytes) {
  const std::size_t magnitude =
      bytes < 0 ? static_cast<std::size_t>(-(bytes + 1)) + 1 : static_cast<std::size_t>(bytes);
  return fmt::format("{}{}", bytes < 0 ? '-' : '+', format_bytes(magnitude));
}

std::size_t parse_bytes(std::string_view text) {
  const auto fail = [&]() -> std::size_t {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("'{}' is not a memory size; write a number with an optional unit, "
                            "e.g. 512M, 1.5G, 64MiB or 100000 (bytes)",
                            text),
                {.path = {}, .operation = "parse memory size"});
  };
  std::size_t digits_end = 0;
  while (digits_end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits_end])) || text[digits_end] == '.')) {
    ++digits_end;
  }
  if (digits_end == 0) return fail();
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + digits_end, number);
  if (error != std::errc() || end != text.data() + digits_end) return fail();

  std::string unit;
  for (char c : text.substr(digits_end)) unit += static_cast<char>(std::toupper(c));
  double scale = 1;
  if (!unit.empty() && unit != "B") {
    const std::string_view prefixes = "KMGT";
    const std::size_t power = prefixes.find(unit[0]);
    const std::string_view rest = std::string_view(unit).substr(1);
    if (power == std::string_view::npos || !(rest.empty() || rest == "B" || rest == "IB")) {
      return fail();
    }
    scale = std::pow(1024.0, static_cast<double>(power + 1));
  }
  const double bytes = std::round(number * scale);
  if (!(bytes >= 0) || bytes >= 18446744073709551616.0) return fail();
  return static_cast<std::size_t>(bytes);
}

}  // namespace tessera::memory
