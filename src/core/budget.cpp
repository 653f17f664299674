#include <fmt/format.h>

#include <algorithm>

#include "core/budget_state.h"
#include "core/caller.h"
#include "tessera/error.h"
#include "tessera/profiler.h"

namespace tessera {
namespace detail {
namespace {

// As memory::Site::to_string() writes it: the Python line first when there is one.
std::string site_text(const std::source_location& site, const std::string* caller) {
  if (caller == nullptr) return fmt::format("{}:{}", site.file_name(), site.line());
  return fmt::format("{} ({}:{})", *caller, site.file_name(), site.line());
}

std::string holders_text(const std::vector<BudgetHolder>& holders) {
  if (holders.empty()) return "none (the request alone is over the cap)";
  std::string text;
  for (std::size_t i = 0; i < holders.size(); ++i) {
    text += fmt::format("{}{}) {} '{}' at {}", i == 0 ? "" : ", ", i + 1,
                        memory::format_bytes(holders[i].bytes), holders[i].label, holders[i].site);
  }
  return text;
}

}  // namespace

void BudgetState::charge(std::size_t bytes, std::string_view label,
                         const std::source_location& site) {
  reserve(bytes, label, site);
  if (!enclosing) return;
  try {
    enclosing->charge(bytes, label, site);
  } catch (...) {
    used.fetch_sub(bytes, std::memory_order_relaxed);  // this one's part only: the rest failed
    throw;
  }
}

void BudgetState::reserve(std::size_t bytes, std::string_view label,
                          const std::source_location& site) {
  std::size_t current = used.load(std::memory_order_relaxed);
  do {
    if (bytes > cap || current > cap - bytes) {
      throw Error(
          ErrorCode::OutOfBudget,
          fmt::format("allocation of {} for '{}' requested at {} would cross budget '{}': {} "
                      "live + {} requested > cap {}. Largest holders: {}. Raise that cap, process "
                      "smaller pieces, or release images you no longer need.",
                      memory::format_bytes(bytes), label, site_text(site, current_caller()), name,
                      memory::format_bytes(current), memory::format_bytes(bytes),
                      memory::format_bytes(cap), holders_text(largest_holders(3))),
          {.path = {}, .operation = "allocate"});
    }
  } while (!used.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));

  std::size_t high = peak.load(std::memory_order_relaxed);
  while (current + bytes > high &&
         !peak.compare_exchange_weak(high, current + bytes, std::memory_order_relaxed)) {
  }
}

void BudgetState::refund(std::size_t bytes) noexcept {
  for (BudgetState* state = this; state != nullptr; state = state->enclosing.get()) {
    state->used.fetch_sub(bytes, std::memory_order_relaxed);
  }
}

void BudgetState::add_holder(Storage& storage) {
  std::lock_guard lock(mutex_);
  holders_.push_back(storage);
  for (BudgetState* state = this; state != nullptr; state = state->enclosing.get()) {
    state->total_held.fetch_add(storage.bytes(), std::memory_order_relaxed);
  }
}

void BudgetState::remove_holder(Storage& storage) noexcept {
  {
    std::lock_guard lock(mutex_);
    holders_.erase(storage);
  }
  refund(storage.bytes());
}

std::vector<BudgetHolder> BudgetState::largest_holders(std::size_t count) const {
  std::vector<const Storage*> storages;
  {
    std::lock_guard lock(mutex_);
    storages.reserve(holders_.size());
    holders_.for_each([&](const Storage& storage) { storages.push_back(&storage); });
    count = std::min(count, storages.size());
    std::partial_sort(storages.begin(), storages.begin() + static_cast<std::ptrdiff_t>(count),
                      storages.end(),
                      [](const Storage* a, const Storage* b) { return a->bytes() > b->bytes(); });
    storages.resize(count);
    // Copy out under the lock: the storages may be freed as soon as it is released.
    std::vector<BudgetHolder> holders;
    holders.reserve(count);
    for (const Storage* storage : storages) {
      holders.push_back(
          {storage->bytes(), storage->label(), site_text(storage->site(), storage->caller())});
    }
    return holders;
  }
}

}  // namespace detail

namespace {
thread_local MemoryBudget* innermost_budget = nullptr;
}

MemoryBudget* current_budget() { return innermost_budget; }

MemoryBudget::MemoryBudget(std::size_t cap_bytes, std::string name) {
  if (cap_bytes == 0) {
    throw Error(ErrorCode::InvalidArgument,
                fmt::format("memory budget '{}' needs a cap above 0 bytes", name),
                {.path = {}, .operation = "budget"});
  }
  std::shared_ptr<detail::BudgetState> enclosing;
  if (const MemoryBudget* current = current_budget()) enclosing = current->state();
  state_ = std::make_shared<detail::BudgetState>(cap_bytes, std::move(name), std::move(enclosing));
}

MemoryBudget::~MemoryBudget() = default;

std::size_t MemoryBudget::cap() const { return state_->cap; }
std::size_t MemoryBudget::used() const { return state_->used.load(std::memory_order_relaxed); }
std::size_t MemoryBudget::peak() const { return state_->peak.load(std::memory_order_relaxed); }

std::uint64_t MemoryBudget::total_charged() const {
  return state_->total_held.load(std::memory_order_relaxed);
}
const std::string& MemoryBudget::name() const { return state_->name; }

std::vector<BudgetHolder> MemoryBudget::largest_holders(std::size_t count) const {
  return state_->largest_holders(count);
}

BudgetScope::BudgetScope(MemoryBudget& budget) : previous_(innermost_budget) {
  innermost_budget = &budget;
}

BudgetScope::~BudgetScope() { innermost_budget = previous_; }

}  // namespace tessera
