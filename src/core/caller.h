#pragma once
// The caller outside C++ on whose behalf this thread works (memory::CallerScope), read by the
// storages and regions it makes.

#include <string>

namespace tessera::detail {

// The innermost CallerScope's text on this thread, or nullptr. The string lives as long as the
// process, so storages keep the pointer.
const std::string* current_caller() noexcept;

}  // namespace tessera::detail
