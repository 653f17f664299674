#pragma once
// MemoryBudget: a hard cap on the pixel memory one job (or one call) may hold.
//
// An allocation charged to a budget either fits under the cap or fails with
// Error(OutOfBudget) before anything is allocated; the message names the request, the live
// total, the cap and the largest holders with their source lines. Budgets are values you create
// per job or per request, never process-wide globals: pass one in AllocationOptions, or make it
// the current budget of a thread with BudgetScope so that code deep inside a codec charges it
// without being told.
//
// Budgets nest: a budget made while another is this thread's current one lies inside it, so
// that what is charged to the inner one is charged to the outer one too, and an inner cap never
// lets the outer one be crossed (a convert's --memory inside a whole job's budget).
//
// Memory stays charged until its last handle goes, even if the MemoryBudget object itself is
// destroyed first (the accounting is shared with the buffers). Thread safety: a budget may be
// charged from many threads at once.
//
//   tessera::MemoryBudget budget(512 << 20, "thumbnail job");
//   tessera::BudgetScope scope(budget);     // this thread's allocations now count against it
//   auto image = tessera::Image::create(8000, 6000, tessera::PixelFormat::rgb8());  // 144 MB

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tessera {

namespace detail {
struct BudgetState;
}

// One buffer charged to a budget, for error messages and reports.
struct BudgetHolder {
  std::size_t bytes = 0;
  std::string label;
  std::string site;  // "file:line"
};

class MemoryBudget {
 public:
  // `cap_bytes` > 0; `name` appears in error messages.
  explicit MemoryBudget(std::size_t cap_bytes, std::string name = "memory budget");
  ~MemoryBudget();
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  std::size_t cap() const;
  std::size_t used() const;
  // The most this budget has held at once.
  std::size_t peak() const;
  // Bytes of every buffer ever charged to this budget (allocated, not merely requested): with
  // memory::counters().total_bytes it tells whether every allocation of a job was charged.
  std::uint64_t total_charged() const;
  const std::string& name() const;

  // Up to `count` buffers charged to this budget, largest first.
  std::vector<BudgetHolder> largest_holders(std::size_t count) const;

  // Internal: the state that charged buffers share.
  const std::shared_ptr<detail::BudgetState>& state() const { return state_; }

 private:
  std::shared_ptr<detail::BudgetState> state_;
};

// Makes `budget` the current budget of this thread until the scope ends; scopes nest. Work
// handed to other threads does not inherit it: pass the budget explicitly there.
class BudgetScope {
 public:
  explicit BudgetScope(MemoryBudget& budget);
  ~BudgetScope();
  BudgetScope(const BudgetScope&) = delete;
  BudgetScope& operator=(const BudgetScope&) = delete;

 private:
  MemoryBudget* previous_;
};

// The innermost BudgetScope's budget on this thread, or nullptr.
MemoryBudget* current_budget();

}  // namespace tessera
