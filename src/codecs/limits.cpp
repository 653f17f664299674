#include "codecs/limits.h"

#include <fmt/format.h>

#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/profiler.h"

namespace tessera::codecs {

MemoryBudget* budget_of(const Limits& limits) {
  return limits.budget != nullptr ? limits.budget : current_budget();
}

void throw_missing_page(int page, int count, const char* unit, const std::filesystem::path& path) {
  throw Error(ErrorCode::InvalidArgument,
              count == 1   ? fmt::format("file has 1 {} (0); asked for page {}", unit, page)
              : count == 0 ? fmt::format("file has no {}s; asked for page {}", unit, page)
                           : fmt::format("file has {} {}s (0..{}); asked for page {}", count, unit,
                                         count - 1, page),
              {.path = path.string(), .operation = "page"});
}

int checked_page(const DecodeOptions& options, int count, const char* unit,
                 const std::filesystem::path& path) {
  const int page = options.page.value_or(0);
  if (page >= count) throw_missing_page(page, count, unit, path);
  return page;
}

void check_limits(const ImageInfo& info, std::size_t working_bytes, const Limits& limits,
                  const std::filesystem::path& path) {
  const ErrorContext context{.path = path.string(), .operation = "decode"};
  const auto pixels =
      static_cast<std::uint64_t>(info.width) * static_cast<std::uint64_t>(info.height);
  if (info.width <= 0 || info.height <= 0) {
    throw Error(ErrorCode::CorruptData,
                fmt::format("the header declares an empty {}x{} image", info.width, info.height),
                context);
  }
  if (pixels > limits.max_pixels) {
    throw Error(
        ErrorCode::ImageTooLarge,
        fmt::format("the header declares {}x{} = {} pixels, over the limit of {}; if you "
                    "trust this file, raise the limit (--max-pixels; max_pixels= in Python) or "
                    "lift it (--unlimited; max_pixels=0 in Python)",
                    info.width, info.height, pixels, limits.max_pixels),
        context);
  }
  const MemoryBudget* budget = budget_of(limits);
  if (budget == nullptr || !limits.whole_decode_within_budget) return;
  const std::size_t estimate = info.decode_bytes() + working_bytes;
  const std::size_t available = budget->cap() - std::min(budget->used(), budget->cap());
  if (estimate > available) {
    throw Error(
        ErrorCode::OutOfBudget,
        fmt::format("decoding this {}x{} {} image needs about {} ({} of pixels + {} of "
                    "codec working memory), but budget '{}' has {} left of its {} cap; "
                    "raise the budget or decode it smaller",
                    info.width, info.height, to_string(info.format), memory::format_bytes(estimate),
                    memory::format_bytes(info.decode_bytes()), memory::format_bytes(working_bytes),
                    budget->name(), memory::format_bytes(available),
                    memory::format_bytes(budget->cap())),
        context);
  }
}

}  // namespace tessera::codecs
