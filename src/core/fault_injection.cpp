#include "core/fault_injection.h"

#include <cstdint>

#include "tessera/testing/fault_injection.h"

namespace tessera {
namespace {

struct FaultState {
  bool counting = false;
  std::uint64_t passed = 0;
  std::uint64_t fail_at = 0;  // 0: fail none
  bool fired = false;
};

thread_local FaultState state;

}  // namespace

namespace detail {

bool inject_fault() noexcept {
  if (!state.counting) return false;
  ++state.passed;
  if (state.passed != state.fail_at) return false;
  state.fired = true;
  return true;
}

}  // namespace detail

namespace testing {

void FaultInjection::count() { state = {.counting = true}; }
void FaultInjection::fail_at(std::uint64_t n) { state = {.counting = true, .fail_at = n}; }
void FaultInjection::off() { state = {}; }
std::uint64_t FaultInjection::points() { return state.passed; }
bool FaultInjection::fired() { return state.fired; }

}  // namespace testing
}  // namespace tessera
