// memory::CallerScope: buffers, regions and budget errors made inside a scope name the host
// language's line (the Python module's "pipeline.py:42") before their C++ site.

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "tessera/budget.h"
#include "tessera/error.h"
#include "tessera/image.h"
#include "tessera/profiler.h"

namespace tessera {
namespace {

const memory::BufferInfo& only_buffer(const memory::Snapshot& snapshot) {
  EXPECT_EQ(snapshot.buffers.size(), 1u);
  return snapshot.buffers.front();
}

TEST(CallerScope, buffers_and_regions_made_inside_carry_the_caller) {
  ASSERT_TRUE(memory::profiling());
  Image image;
  Image region;
  {
    const memory::CallerScope scope("pipeline.py:42");
    image = Image::create(64, 32, PixelFormat::rgb8());
  }
  {
    const memory::CallerScope scope("pipeline.py:43");
    region = image.region({8, 8, 4, 4});
  }
  const memory::Snapshot snapshot = memory::snapshot();
  const memory::BufferInfo& buffer = only_buffer(snapshot);
  EXPECT_EQ(buffer.site.caller, "pipeline.py:42");
  EXPECT_EQ(buffer.site.to_string(),
            "pipeline.py:42 (" + buffer.site.file + ":" + std::to_string(buffer.site.line) + ")");
  ASSERT_EQ(buffer.regions.size(), 1u);
  EXPECT_EQ(buffer.regions[0].site.caller, "pipeline.py:43");

  const Image outside = Image::create(4, 4, PixelFormat::gray8());
  const memory::Snapshot later = memory::snapshot();
  ASSERT_EQ(later.buffers.size(), 2u);
  EXPECT_EQ(later.buffers[1].site.caller, "") << "no scope, no caller";
  EXPECT_EQ(later.buffers[1].site.to_string().find('('), std::string::npos);
}

TEST(CallerScope, scopes_nest_and_restore_and_belong_to_their_thread) {
  const memory::CallerScope outer("outer.py:1");
  Image inner_image;
  {
    const memory::CallerScope inner("inner.py:2");
    inner_image = Image::create(8, 8, PixelFormat::gray8());
  }
  const Image outer_image = Image::create(8, 8, PixelFormat::gray8());
  Image worker_image;
  std::thread([&] { worker_image = Image::create(8, 8, PixelFormat::gray8()); }).join();
  const memory::Snapshot snapshot = memory::snapshot();
  ASSERT_EQ(snapshot.buffers.size(), 3u);
  EXPECT_EQ(snapshot.buffers[0].site.caller, "inner.py:2");
  EXPECT_EQ(snapshot.buffers[1].site.caller, "outer.py:1") << "the outer scope is back";
  EXPECT_EQ(snapshot.buffers[2].site.caller, "") << "another thread has no caller";
}

TEST(CallerScope, compare_keeps_two_callers_of_one_cpp_line_apart) {
  const memory::Snapshot before = memory::snapshot();
  const auto make = [](const char* caller, int width) {
    const memory::CallerScope scope(caller);
    return Image::create(width, 100, PixelFormat::gray8(), {.label = "pixels"});
  };
  const Image a = make("loop.py:10", 1000);
  const Image b = make("loop.py:11", 2000);
  const Image c = make("loop.py:11", 2000);
  const auto deltas = memory::compare(before, memory::snapshot());
  ASSERT_EQ(deltas.size(), 2u) << "one C++ line, two Python lines";
  EXPECT_EQ(deltas[0].site.caller, "loop.py:11");
  EXPECT_EQ(deltas[0].buffers_delta, 2);
  EXPECT_EQ(deltas[1].site.caller, "loop.py:10");
  EXPECT_EQ(deltas[0].to_string().rfind("loop.py:11 (", 0), 0u) << deltas[0].to_string();
}

TEST(CallerScope, the_leak_report_and_budget_errors_name_the_caller) {
  const memory::CallerScope scope("thumbs.py:7");
  const Image kept = Image::create(100, 100, PixelFormat::rgb8(), {.label = "thumbnail"});
  EXPECT_NE(memory::leak_report().to_string().find("allocated at thumbs.py:7 ("),
            std::string::npos);

  MemoryBudget budget(50'000, "thumbs");
  const BudgetScope charged(budget);
  const Image first = Image::create(100, 100, PixelFormat::rgb8(), {.label = "first"});
  try {
    (void)Image::create(100, 100, PixelFormat::rgb8());
    FAIL() << "over the budget";
  } catch (const Error& error) {
    ASSERT_EQ(error.code(), ErrorCode::OutOfBudget);
    const std::string message = error.what();
    EXPECT_NE(message.find("requested at thumbs.py:7 ("), std::string::npos) << message;
    EXPECT_NE(message.find("'first' at thumbs.py:7 ("), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace tessera
