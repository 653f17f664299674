#pragma once
// The library side of testing::FaultInjection.

namespace tessera::detail {

// Called at each fault point: true when this one must fail.
bool inject_fault() noexcept;

}  // namespace tessera::detail
