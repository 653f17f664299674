#pragma once
// Running work on all cores: an op's rows in strips (parallel_rows), or a pipeline's bands as
// tasks of their own (parallel_tasks), inside which the ops run on one core.
//
// Under ThreadSanitizer (TESSERA_PLAIN_THREADS) both run on plain std::threads instead:
// Debian's libtbb is not instrumented, so TSan cannot see its joins and would report every
// strip; with threads it can, and it still checks that strips write disjoint pixels.

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tessera::ops::detail {

// Whether this thread runs a task of parallel_tasks: then parallel_rows stays on it, since
// the other cores have tasks of their own.
inline thread_local bool in_parallel_task = false;

// How many cores the work may use (TBB's limit, as a benchmark or a batch set it).
inline int usable_cores() {
#ifdef TESSERA_PLAIN_THREADS
  return static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
#else
  return static_cast<int>(std::min<std::size_t>(
      static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()),
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism)));
#endif
}

// Rows a strip for `rows` rows in four strips a usable core: strips as long as load balancing
// allows, for kernels whose strips pay for a start (a first row read without a fetch ahead,
// a window of rows made again).
inline int four_strips_a_core(int rows) { return std::max(1, rows / (4 * usable_cores())); }

// Runs body(first_row, end_row) over 0..rows in strips, on all cores. Strips are at least
// `min_rows` tall so that per-strip set-up (border rows, buffers) stays small.
template <typename Body>
void parallel_rows(int rows, int min_rows, Body&& body) {
  if (rows <= min_rows) {
    body(0, rows);
    return;
  }
  if (in_parallel_task) {
    // Still in strips of about min_rows, one after another: a strip's scratch (Canny's
    // gradients) is sized to stay in cache.
    const int strips = (rows + min_rows - 1) / min_rows;
    for (int strip = 0; strip < strips; ++strip) {
      body(rows * strip / strips, rows * (strip + 1) / strips);
    }
    return;
  }
#ifdef TESSERA_PLAIN_THREADS
  const int strips = std::min(usable_cores(), (rows + min_rows - 1) / min_rows);
  std::vector<std::thread> threads;
  for (int strip = 0; strip < strips; ++strip) {
    threads.emplace_back([&, strip] { body(rows * strip / strips, rows * (strip + 1) / strips); });
  }
  for (auto& thread : threads) thread.join();
#else
  tbb::parallel_for(
      tbb::blocked_range<int>(0, rows, min_rows),
      [&](const tbb::blocked_range<int>& range) { body(range.begin(), range.end()); });
#endif
}

// Runs body(task) for every task in 0..tasks, at most `at_once` at a time (each task's memory
// counts), each task on one core: the ops it calls do not split it further. If tasks throw, the
// first exception is rethrown here once all have stopped; tasks not yet started then do not
// start.
template <typename Body>
void parallel_tasks(int tasks, int at_once, Body&& body) {
  const auto run = [&](int task) {
    struct InTask {
      bool outer = in_parallel_task;
      InTask() { in_parallel_task = true; }
      ~InTask() { in_parallel_task = outer; }
    } in_task;
    body(task);
  };
  at_once = std::clamp(at_once, 1, usable_cores());
#ifdef TESSERA_PLAIN_THREADS
  std::atomic<int> next{0};
  std::exception_ptr failure;
  std::mutex failing;
  const auto work = [&] {
    for (int task = next++; task < tasks; task = next++) {
      try {
        run(task);
      } catch (...) {
        const std::lock_guard lock(failing);
        if (!failure) failure = std::current_exception();
        next = tasks;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int thread = 1; thread < std::min(at_once, tasks); ++thread) threads.emplace_back(work);
  work();
  for (auto& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
#else
  // One task per range: TBB cancels the rest and rethrows the first exception.
  const auto run_all = [&] {
    tbb::parallel_for(tbb::blocked_range<int>(0, tasks, 1),
                      [&](const tbb::blocked_range<int>& range) {
                        for (int task = range.begin(); task < range.end(); ++task) run(task);
                      });
  };
  if (at_once < usable_cores()) {
    tbb::task_arena fewer_cores(at_once);
    fewer_cores.execute(run_all);
  } else {
    run_all();
  }
#endif
}

}  // namespace tessera::ops::detail
