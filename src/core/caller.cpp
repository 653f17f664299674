// memory::CallerScope: a thread-local pointer to an interned "file:line" of the host language.

#include "core/caller.h"

#include <mutex>
#include <string_view>
#include <unordered_set>

#include "tessera/profiler.h"

namespace tessera {
namespace detail {
namespace {

thread_local const std::string* innermost_caller = nullptr;

// One copy of each distinct caller text, never freed: storages outlive scopes and hold the
// pointer. The texts are source lines, so the set stays small.
const std::string* intern(std::string_view text) {
  static std::mutex mutex;
  static auto* const texts = new std::unordered_set<std::string>;
  std::lock_guard lock(mutex);
  return &*texts->emplace(text).first;
}

}  // namespace

const std::string* current_caller() noexcept { return innermost_caller; }

}  // namespace detail

namespace memory {

CallerScope::CallerScope(std::string_view caller) : previous_(detail::innermost_caller) {
  detail::innermost_caller = caller.empty() ? nullptr : detail::intern(caller);
}

CallerScope::~CallerScope() { detail::innermost_caller = previous_; }

}  // namespace memory
}  // namespace tessera
