#pragma once
// The accounting a MemoryBudget shares with the buffers charged to it.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "core/intrusive_list.h"
#include "core/storage.h"
#include "tessera/budget.h"

namespace tessera::detail {

struct BudgetState {
  BudgetState(std::size_t cap, std::string name, std::shared_ptr<BudgetState> enclosing)
      : cap(cap), name(std::move(name)), enclosing(std::move(enclosing)) {}

  // Reserves `bytes` if they fit under the cap, and under each enclosing budget's; otherwise
  // throws Error(OutOfBudget) naming the budget crossed, the request, its live total, its cap
  // and its largest holders. Reserves nothing then, in any of them.
  void charge(std::size_t bytes, std::string_view label, const std::source_location& site);
  // Gives back a reservation (an allocation that failed, or a buffer freed), here and in each
  // enclosing budget.
  void refund(std::size_t bytes) noexcept;

  // The holder list: a storage joins after a successful charge and leaves when freed, which
  // also gives its bytes back.
  void add_holder(Storage& storage);
  void remove_holder(Storage& storage) noexcept;

  std::vector<BudgetHolder> largest_holders(std::size_t count) const;

  const std::size_t cap;
  const std::string name;
  // The budget that was current when this one was made: whatever this one holds counts there
  // too. Its holder list does not list this one's buffers (a buffer is in one list).
  const std::shared_ptr<BudgetState> enclosing;
  std::atomic<std::size_t> used{0};
  std::atomic<std::size_t> peak{0};
  std::atomic<std::uint64_t> total_held{0};  // bytes of every buffer that joined, ever

 private:
  // This budget's own reservation, without the enclosing ones.
  void reserve(std::size_t bytes, std::string_view label, const std::source_location& site);

  mutable std::mutex mutex_;
  IntrusiveList<Storage, &Storage::budget_links> holders_;
};

}  // namespace tessera::detail
