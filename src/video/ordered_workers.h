#pragma once
// Work on a few threads, results taken back in the order it was given: how frames are
// processed in parallel while the output keeps frame order. The caller bounds how much is
// submitted and not yet taken (frames in flight); nothing here queues without bound.
//
//   OrderedWorkers<Image> workers(2);
//   workers.submit([frame](int worker) { return process(frame); });
//   Image first = workers.take();  // the oldest result; rethrows what its task threw
//
// Thread safety: submit() and take() are for one thread (the owner). Tasks run on the
// workers' threads, given the worker's number (0..threads-1) for per-thread state. The
// destructor waits for running tasks and drops the rest.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace tessera::video::detail {

template <class Result>
class OrderedWorkers {
 public:
  // `wrap` runs each worker's whole loop (a memory budget scope, a TBB arena); it must call
  // the function it is given.
  explicit OrderedWorkers(int threads,
                          std::function<void(const std::function<void()>&)> wrap = nullptr) {
    for (int worker = 0; worker < threads; ++worker) {
      threads_.emplace_back([this, worker, wrap] {
        const auto loop = [&] { run(worker); };
        if (wrap) {
          wrap(loop);
        } else {
          loop();
        }
      });
    }
  }
  ~OrderedWorkers() {
    {
      const std::lock_guard lock(mutex_);
      closing_ = true;
      queue_.clear();
    }
    wake_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }
  OrderedWorkers(const OrderedWorkers&) = delete;
  OrderedWorkers& operator=(const OrderedWorkers&) = delete;

  void submit(std::function<Result(int worker)> work) {
    std::packaged_task<Result(int)> task(std::move(work));
    results_.push_back(task.get_future());
    {
      const std::lock_guard lock(mutex_);
      queue_.push_back(std::move(task));
    }
    wake_.notify_one();
  }
  // Submitted and not yet taken.
  std::size_t pending() const { return results_.size(); }
  // The oldest result, waiting for it.
  Result take() {
    std::future<Result> next = std::move(results_.front());
    results_.pop_front();
    return next.get();
  }

 private:
  void run(int worker) {
    while (true) {
      std::packaged_task<Result(int)> task;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task(worker);
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<Result(int)>> queue_;
  bool closing_ = false;
  std::deque<std::future<Result>> results_;
  std::vector<std::thread> threads_;
};

}  // namespace tessera::video::detail
