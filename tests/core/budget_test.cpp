// The memory budget: a hard cap, per job or per call, with an error that says who holds what.

#include "tessera/budget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <source_location>
#include <thread>
#include <vector>

#include "tessera/error.h"
#include "tessera/image.h"
#include "tessera/profiler.h"

namespace tessera {
namespace {

constexpr int MiB = 1 << 20;

std::string this_file() { return std::source_location::current().file_name(); }

// A gray image of exactly `mebibytes` MiB (width 1024 is already a multiple of 64).
Image gray_mebibytes(int mebibytes, MemoryBudget* budget, std::string_view label = "pixels",
                     std::source_location site = std::source_location::current()) {
  return Image::create(1024, 1024 * mebibytes, PixelFormat::gray8(),
                       {.label = label, .budget = budget}, site);
}

TEST(Budget, ten_mebibytes_refuses_twelve_with_a_full_account_and_then_takes_eight) {
  MemoryBudget budget(10 * MiB, "thumbnail job");
  const auto before = memory::counters();
  const int line = __LINE__ + 2;
  try {
    (void)gray_mebibytes(12, &budget, "decode");
    FAIL() << "a 12 MiB image fit a 10 MiB budget";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::OutOfBudget);
    EXPECT_EQ(error.operation(), "allocate");
    const std::string message = error.message();
    EXPECT_NE(message.find("allocation of 12.0 MiB for 'decode' requested at " + this_file() + ":" +
                           std::to_string(line)),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("budget 'thumbnail job'"), std::string::npos) << message;
    EXPECT_NE(message.find("0 B live + 12.0 MiB requested > cap 10.0 MiB"), std::string::npos)
        << message;
  }
  const auto after_refusal = memory::counters();
  EXPECT_EQ(after_refusal.live_bytes, before.live_bytes) << "nothing allocated on failure";
  EXPECT_EQ(after_refusal.total_allocations, before.total_allocations);
  EXPECT_EQ(budget.used(), 0u);

  const Image fits = gray_mebibytes(8, &budget);
  EXPECT_EQ(budget.used(), 8u * MiB);
}

TEST(Budget, the_error_names_the_three_largest_holders_with_their_sites) {
  MemoryBudget budget(10 * MiB, "job");
  const int first = __LINE__ + 1;
  const Image a = gray_mebibytes(1, &budget, "small");
  const int second = __LINE__ + 1;
  const Image b = gray_mebibytes(4, &budget, "largest");
  const int third = __LINE__ + 1;
  const Image c = gray_mebibytes(2, &budget, "middle");
  const Image d = Image::create(64, 64, PixelFormat::gray8(), {.label = "tiny", .budget = &budget});
  try {
    (void)gray_mebibytes(4, &budget, "one too many");
    FAIL();
  } catch (const Error& error) {
    const std::string message = error.message();
    const std::string expected =
        "Largest holders: 1) 4.0 MiB 'largest' at " + this_file() + ":" + std::to_string(second) +
        ", 2) 2.0 MiB 'middle' at " + this_file() + ":" + std::to_string(third) +
        ", 3) 1.0 MiB 'small' at " + this_file() + ":" + std::to_string(first) + ".";
    EXPECT_NE(message.find(expected), std::string::npos) << message;
    EXPECT_EQ(message.find("'tiny'"), std::string::npos) << "only three holders: " << message;
    EXPECT_NE(message.find("7.0 MiB live + 4.0 MiB requested > cap 10.0 MiB"), std::string::npos)
        << message;
  }
}

TEST(Budget, memory_returns_to_the_budget_when_the_last_handle_goes) {
  MemoryBudget budget(4 * MiB);
  Image image = gray_mebibytes(3, &budget);
  Image region = image.region({0, 0, 10, 10});
  image = {};
  EXPECT_EQ(budget.used(), 3u * MiB) << "the region still pins the whole buffer";
  region = {};
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_EQ(budget.peak(), 3u * MiB);
  EXPECT_NO_THROW((void)gray_mebibytes(4, &budget));
}

TEST(Budget, scope_charges_allocations_that_name_no_budget_and_nests) {
  MemoryBudget outer(8 * MiB, "outer");
  MemoryBudget inner(2 * MiB, "inner");
  EXPECT_EQ(current_budget(), nullptr);
  {
    BudgetScope outer_scope(outer);
    const Image a = gray_mebibytes(1, nullptr);
    EXPECT_EQ(outer.used(), 1u * MiB);
    {
      BudgetScope inner_scope(inner);
      EXPECT_EQ(current_budget(), &inner);
      const Image b = gray_mebibytes(1, nullptr);
      EXPECT_EQ(inner.used(), 1u * MiB);
      EXPECT_THROW((void)gray_mebibytes(2, nullptr), Error);
      // An explicit budget wins over the scope's.
      const Image c = gray_mebibytes(2, &outer);
      EXPECT_EQ(outer.used(), 3u * MiB);
    }
    EXPECT_EQ(current_budget(), &outer);
    EXPECT_EQ(inner.used(), 0u);
  }
  EXPECT_EQ(current_budget(), nullptr);
  EXPECT_EQ(outer.used(), 0u);
}

TEST(Budget, a_scope_does_not_leak_into_other_threads) {
  MemoryBudget budget(1 * MiB);
  BudgetScope scope(budget);
  std::thread([] { EXPECT_EQ(current_budget(), nullptr); }).join();
}

TEST(Budget, images_may_outlive_the_budget_object) {
  Image survivor;
  {
    MemoryBudget budget(2 * MiB);
    survivor = gray_mebibytes(1, &budget);
  }
  EXPECT_EQ(survivor.height(), 1024);
  survivor = {};  // uncharges the shared accounting, not the destroyed object
}

TEST(Budget, concurrent_charges_never_cross_the_cap) {
  MemoryBudget budget(16 * MiB, "shared");
  std::atomic<int> refusals{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        try {
          const Image image = gray_mebibytes(3, &budget);
          EXPECT_LE(budget.used(), budget.cap());
        } catch (const Error& error) {
          EXPECT_EQ(error.code(), ErrorCode::OutOfBudget);
          ++refusals;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(budget.peak(), budget.cap());
  EXPECT_EQ(budget.used(), 0u);
}

// What a budget has charged, ever, is what was allocated through it: refusals are not counted,
// and frees do not take it back. (A job's test can then tell whether every allocation on every
// thread was charged, without comparing two peaks that race.)
TEST(Budget, total_charged_counts_every_allocation_charged_and_no_refusal) {
  MemoryBudget budget(10 * MiB);
  const std::uint64_t allocated_before = memory::counters().total_bytes;
  { const Image a = gray_mebibytes(4, &budget); }
  const Image b = gray_mebibytes(3, &budget);
  EXPECT_THROW((void)gray_mebibytes(8, &budget), Error);
  const Image outside = gray_mebibytes(1, nullptr);  // no budget: counted by the process only
  EXPECT_EQ(budget.total_charged(), std::uint64_t{7} * MiB);
  EXPECT_EQ(memory::counters().total_bytes - allocated_before, std::uint64_t{8} * MiB);
  EXPECT_EQ(budget.used(), std::size_t{3} * MiB);
}

TEST(Budget, budgets_are_independent_per_job) {
  MemoryBudget first(2 * MiB, "first");
  MemoryBudget second(2 * MiB, "second");
  const Image a = gray_mebibytes(2, &first);
  EXPECT_NO_THROW((void)gray_mebibytes(2, &second));
  EXPECT_THROW((void)gray_mebibytes(1, &first), Error);
}

TEST(Budget, zero_cap_is_invalid_argument) {
  try {
    MemoryBudget budget(0, "empty");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
    EXPECT_NE(error.message().find("'empty'"), std::string::npos);
  }
}

TEST(Budget, largest_holders_lists_biggest_first) {
  MemoryBudget budget(8 * MiB);
  const Image a = gray_mebibytes(1, &budget, "a");
  const Image b = gray_mebibytes(3, &budget, "b");
  const auto holders = budget.largest_holders(5);
  ASSERT_EQ(holders.size(), 2u);
  EXPECT_EQ(holders[0].label, "b");
  EXPECT_EQ(holders[0].bytes, 3u * MiB);
  EXPECT_EQ(holders[1].label, "a");
}

}  // namespace
}  // namespace tessera

namespace tessera {
namespace {

TEST(NestedBudgets, a_budget_made_inside_another_charges_both_and_never_lets_the_outer_cross) {
  MemoryBudget outer(3 << 20, "whole job");
  const BudgetScope in_outer(outer);
  MemoryBudget inner(2 << 20, "one file");  // made while `outer` is current: inside it
  const Image kept = Image::create(1024, 1024, PixelFormat::gray8());  // 1 MiB, outer only
  {
    const BudgetScope in_inner(inner);
    const Image a = Image::create(1024, 1024, PixelFormat::gray8());
    EXPECT_EQ(inner.used(), std::size_t{1} << 20);
    EXPECT_EQ(outer.used(), std::size_t{2} << 20);
    const Image b = Image::create(1024, 1024, PixelFormat::gray8());  // inner full, outer 3 MiB
    EXPECT_EQ(outer.used(), std::size_t{3} << 20);
    try {
      (void)Image::create(16, 16, PixelFormat::gray8());
      FAIL() << "the inner budget is full";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find("budget 'one file'"), std::string::npos);
    }
  }
  EXPECT_EQ(inner.used(), 0u);
  EXPECT_EQ(outer.used(), std::size_t{1} << 20) << "freeing refunds every level";

  // The inner cap has room; the outer has not: refused in the outer's words, nothing kept.
  const Image more = Image::create(1024, 1024, PixelFormat::gray8());  // outer now 2 MiB
  const BudgetScope in_inner(inner);
  try {
    (void)Image::create(1536, 1024, PixelFormat::gray8());  // 1.5 MiB: fits the inner only
    FAIL() << "the outer budget would be crossed";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::OutOfBudget);
    EXPECT_NE(std::string(error.what()).find("budget 'whole job'"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(inner.used(), 0u) << "a refusal reserves nothing, at any level";
  EXPECT_EQ(outer.used(), std::size_t{2} << 20);
  EXPECT_EQ(outer.peak(), std::size_t{3} << 20);
  EXPECT_EQ(inner.total_charged(), std::uint64_t{2} << 20);
  EXPECT_EQ(outer.total_charged(), std::uint64_t{4} << 20) << "the inner's buffers count too";
}

TEST(NestedBudgets, a_budget_made_outside_any_scope_or_on_another_thread_stands_alone) {
  MemoryBudget alone(1 << 20, "alone");
  MemoryBudget outer(4 << 20, "outer");
  std::unique_ptr<MemoryBudget> elsewhere;
  {
    const BudgetScope in_outer(outer);
    std::thread([&] { elsewhere = std::make_unique<MemoryBudget>(1 << 20, "elsewhere"); }).join();
    const BudgetScope in_alone(alone);  // entered inside, but made outside: not nested
    const Image image = Image::create(512, 512, PixelFormat::gray8());
    EXPECT_EQ(alone.used(), std::size_t{256} << 10);
    EXPECT_EQ(outer.used(), 0u);
    const BudgetScope in_elsewhere(*elsewhere);
    const Image other = Image::create(512, 512, PixelFormat::gray8());
    EXPECT_EQ(outer.used(), 0u);
  }
}

}  // namespace
}  // namespace tessera
