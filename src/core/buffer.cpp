#include <utility>

#include "core/budget_state.h"
#include "core/storage.h"
#include "tessera/budget.h"
#include "tessera/memory.h"

namespace tessera::memory {
namespace {

std::shared_ptr<detail::BudgetState> budget_to_charge(const AllocationOptions& options) {
  const MemoryBudget* budget = options.budget != nullptr ? options.budget : current_budget();
  return budget != nullptr ? budget->state() : nullptr;
}

}  // namespace

Buffer allocate(std::size_t bytes, AllocationOptions options, std::source_location site) {
  return Buffer(detail::Storage::allocate(bytes, options.label, budget_to_charge(options), site));
}

Buffer::Buffer(const Buffer& other) noexcept : storage_(other.storage_) {
  if (storage_ != nullptr) storage_->retain();
}

Buffer::Buffer(Buffer&& other) noexcept : storage_(std::exchange(other.storage_, nullptr)) {}

Buffer& Buffer::operator=(Buffer other) noexcept {
  std::swap(storage_, other.storage_);
  return *this;
}

Buffer::~Buffer() {
  if (storage_ != nullptr) storage_->release();
}

std::byte* Buffer::data() const { return storage_ != nullptr ? storage_->data() : nullptr; }
std::size_t Buffer::size() const { return storage_ != nullptr ? storage_->bytes() : 0; }

}  // namespace tessera::memory
