// What tracking costs: allocating and freeing a 1920x1080 RGB image through tessera's memory
// layer against a plain aligned allocation of the same bytes, in the same run. Prints the
// median of each and their ratio; the target is tracked/plain <= 1.10.
//
//   build/bench/memory_bench                       # 15 repetitions, medians and ratios
//   build/bench/memory_bench --benchmark_repetitions=31

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/median_table.h"
#include "tessera/budget.h"
#include "tessera/image.h"
#include "tessera/profiler.h"

namespace {

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;
const tessera::PixelFormat kFormat = tessera::PixelFormat::rgb8();

std::size_t image_bytes() {
  return static_cast<std::size_t>(tessera::aligned_stride(kWidth, kFormat)) * kHeight;
}

// The baseline: what any image library must do at least, with no accounting at all.
void plain_aligned_alloc(benchmark::State& state) {
  const std::size_t bytes = image_bytes();
  for (auto _ : state) {
    void* pixels = std::aligned_alloc(tessera::kAlignment, bytes);
    benchmark::DoNotOptimize(pixels);
    std::free(pixels);
  }
}

// The same allocation strategy tessera uses (malloc with slack, aligned by hand) but untracked:
// the difference to tracked_image is what the accounting itself costs.
void plain_malloc_aligned_by_hand(benchmark::State& state) {
  const std::size_t bytes = image_bytes() + tessera::kAlignment;
  for (auto _ : state) {
    void* block = std::malloc(bytes);
    const auto address = reinterpret_cast<std::uintptr_t>(block);
    benchmark::DoNotOptimize(address + (-address & (tessera::kAlignment - 1)));
    std::free(block);
  }
}

void tracked_image(benchmark::State& state) {
  tessera::memory::set_profiling(false);
  for (auto _ : state) {
    tessera::Image image = tessera::Image::create(kWidth, kHeight, kFormat);
    benchmark::DoNotOptimize(image.data());
  }
}

void tracked_image_with_budget(benchmark::State& state) {
  tessera::memory::set_profiling(false);
  tessera::MemoryBudget budget(std::size_t{64} << 20, "bench");
  for (auto _ : state) {
    tessera::Image image = tessera::Image::create(kWidth, kHeight, kFormat, {.budget = &budget});
    benchmark::DoNotOptimize(image.data());
  }
}

void tracked_image_profiling(benchmark::State& state) {
  tessera::memory::set_profiling(true);
  for (auto _ : state) {
    tessera::Image image = tessera::Image::create(kWidth, kHeight, kFormat, {.label = "bench"});
    benchmark::DoNotOptimize(image.data());
  }
  tessera::memory::set_profiling(false);
}

void region_create_release(benchmark::State& state) {
  const tessera::Image image = tessera::Image::create(kWidth, kHeight, kFormat);
  for (auto _ : state) {
    tessera::Image region = image.region({100, 100, 64, 64});
    benchmark::DoNotOptimize(region.data());
  }
}

BENCHMARK(plain_aligned_alloc);
BENCHMARK(plain_malloc_aligned_by_hand);
BENCHMARK(tracked_image);
BENCHMARK(tracked_image_with_budget);
BENCHMARK(tracked_image_profiling);
BENCHMARK(region_create_release);

}  // namespace

int main(int argc, char** argv) {
  // 15 repetitions: enough for a median worth quoting on a noisy shared machine.
  const auto medians = tessera::bench::run_with_medians(argc, argv, 15);
  const auto plain = medians.find("plain_aligned_alloc");
  if (plain == medians.end()) return 0;  // filtered out: nothing to compare against
  fmt::print("\nallocate + free one {}x{} RGB image ({} bytes), medians:\n", kWidth, kHeight,
             image_bytes());
  fmt::print("  {:<30}{:>8.1f} ns\n", "plain aligned_alloc", plain->second);
  const auto by_hand = medians.find("plain_malloc_aligned_by_hand");
  for (const char* name : {"plain_malloc_aligned_by_hand", "tracked_image",
                           "tracked_image_with_budget", "tracked_image_profiling"}) {
    const auto found = medians.find(name);
    if (found == medians.end()) continue;
    fmt::print("  {:<30}{:>8.1f} ns   {:.2f}x plain aligned_alloc{}\n", name, found->second,
               found->second / plain->second,
               std::string_view(name) == "tracked_image" ? " (target <= 1.10)" : "");
  }
  if (by_hand != medians.end() && medians.contains("tracked_image")) {
    fmt::print("  accounting alone (tracked_image - plain_malloc_aligned_by_hand): {:.1f} ns\n",
               medians.at("tracked_image") - by_hand->second);
  }
  return 0;
}
