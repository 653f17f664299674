// memory::set_allocation_hooks(): the host hears of every allocation it asks for, and of that
// buffer's free exactly once, with the same pointer and size; wrapped memory is not reported.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "tessera/image.h"
#include "tessera/memory.h"

namespace tessera {
namespace {

// What the hooks saw, as the tracemalloc bridge would keep it: live pointer -> size.
struct Seen {
  std::mutex mutex;
  std::map<const void*, std::size_t> live;
  int allocations = 0;
  int frees = 0;
  int unknown_frees = 0;  // a free of a pointer never reported, or reported twice
  bool ask_for_frees = true;
};
Seen seen;

bool on_allocated(const void* data, std::size_t bytes) noexcept {
  std::lock_guard lock(seen.mutex);
  ++seen.allocations;
  if (seen.ask_for_frees) seen.live[data] = bytes;
  return seen.ask_for_frees;
}

void on_freed(const void* data, std::size_t bytes) noexcept {
  std::lock_guard lock(seen.mutex);
  ++seen.frees;
  const auto found = seen.live.find(data);
  if (found == seen.live.end() || found->second != bytes) {
    ++seen.unknown_frees;
    return;
  }
  seen.live.erase(found);
}

class AllocationHooks : public ::testing::Test {
 protected:
  void SetUp() override {
    std::lock_guard lock(seen.mutex);
    seen.live.clear();
    seen.allocations = seen.frees = seen.unknown_frees = 0;
    seen.ask_for_frees = true;
    memory::set_allocation_hooks({.allocated = on_allocated, .freed = on_freed});
  }
  void TearDown() override { memory::set_allocation_hooks({}); }
};

TEST_F(AllocationHooks, every_allocation_is_reported_and_its_free_once_from_any_thread) {
  {
    std::vector<Image> images;
    for (int i = 0; i < 5; ++i) images.push_back(Image::create(10 + i, 7, PixelFormat::rgb8()));
    const Image view = images[0].region({1, 1, 2, 2});  // a region allocates nothing
    {
      std::lock_guard lock(seen.mutex);
      EXPECT_EQ(seen.allocations, 5);
      ASSERT_EQ(seen.live.size(), 5u);
      EXPECT_EQ(seen.live.at(images[2].data()), images[2].storage_bytes());
    }
    // The last handle goes on another thread: the free is reported there.
    std::thread([moved = std::move(images)]() mutable { moved.clear(); }).join();
    std::lock_guard lock(seen.mutex);
    EXPECT_EQ(seen.frees, 4) << "the region keeps the first alive";
  }
  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(seen.frees, 5);
  EXPECT_TRUE(seen.live.empty());
  EXPECT_EQ(seen.unknown_frees, 0);
}

TEST_F(AllocationHooks, a_buffer_the_host_did_not_ask_about_is_not_reported_freed) {
  {
    std::lock_guard lock(seen.mutex);
    seen.ask_for_frees = false;
  }
  { const Image image = Image::create(32, 32, PixelFormat::gray8()); }
  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(seen.allocations, 1);
  EXPECT_EQ(seen.frees, 0);
}

TEST_F(AllocationHooks, wrapped_memory_is_the_owners_to_report) {
  std::vector<std::uint8_t> pixels(16 * 16);
  {
    const Image wrapped = Image::wrap(pixels.data(), 16, 16, 16, PixelFormat::gray8(), {});
    (void)wrapped;
  }
  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(seen.allocations, 0);
  EXPECT_EQ(seen.frees, 0);
}

TEST_F(AllocationHooks, switching_off_leaves_reported_buffers_unreported_at_free) {
  Image image = Image::create(8, 8, PixelFormat::gray8());
  memory::set_allocation_hooks({});
  image = Image();
  const Image after = Image::create(8, 8, PixelFormat::gray8());
  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(seen.allocations, 1);
  EXPECT_EQ(seen.frees, 0);
}

}  // namespace
}  // namespace tessera
