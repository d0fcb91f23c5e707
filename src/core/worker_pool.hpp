// A small pool of persistent worker threads for the per-block parallel loops of the detector.
//
// Why not start std::threads per block: the detector runs one parallel step per 64 s chunk, i.e.
// ~1,350 steps per 24 h recording; starting and joining a thread each time cost measurable CPU
// (docs/performance.md) and, on a busy machine, a late start stalls the whole step. Workers here
// are started once.
//
// Why spin before sleeping: waking a thread parked on a condition variable took ~100-200 us in
// the VM this was measured on (the idle vCPU has to be woken), on both sides of every step,
// which was ~15 % of a two-thread run. So a waiting thread (a worker between steps, the caller
// waiting for the workers) first polls for up to kSpin, then parks. The spin only pays when
// nothing else wants the core, which is why detect_file reads inside the step (share's `side`
// pieces, taken by whichever thread is free), instead of on a reading thread of its own.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ictaltrack::detail {

class WorkerPool {
 public:
  /// `n_threads` >= 1 participants: the calling thread plus n_threads - 1 workers.
  explicit WorkerPool(std::size_t n_threads) : size_(n_threads < 1 ? 1 : n_threads) {
    workers_.reserve(size_ - 1);
    for (std::size_t t = 1; t < size_; ++t) workers_.emplace_back([this, t] { work(t); });
  }
  ~WorkerPool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& worker : workers_) worker.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t size() const noexcept { return size_; }

  /// Runs task(t) for every t in [0, size()) at once (t = 0 on the calling thread) and returns
  /// when all are done. The first exception thrown by any task is rethrown here (after all of
  /// them have finished).
  void run(const std::function<void(std::size_t)>& task) {
    if (size_ == 1) {
      task(0);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      task_ = &task;
      pending_ = size_ - 1;
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    std::exception_ptr own_error;
    try {
      task(0);
    } catch (...) {
      own_error = std::current_exception();
    }
    spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; });
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    task_ = nullptr;
    if (own_error) std::rethrow_exception(own_error);
    if (error_) std::rethrow_exception(error_);
  }

  /// item(k) for every k in [0, n_items), then side(k) for every k in [0, n_side), shared out:
  /// each participant takes the next piece not yet taken, so a thread on a busier core simply
  /// takes fewer, and the side work (detect_file's reading of the next chunk) fills whichever
  /// thread is free first. Exceptions as in run().
  void share(std::size_t n_items, const std::function<void(std::size_t)>& item,
             std::size_t n_side = 0, const std::function<void(std::size_t)>& side = {}) {
    if (!side) n_side = 0;
    const std::size_t total = n_items + n_side;
    std::atomic<std::size_t> next{0};
    run([&](std::size_t) {
      for (std::size_t k = next.fetch_add(1, std::memory_order_relaxed); k < total;
           k = next.fetch_add(1, std::memory_order_relaxed)) {
        if (k < n_items) {
          item(k);
        } else {
          side(k - n_items);
        }
      }
    });
  }

 private:
  static constexpr std::chrono::microseconds kSpin{100};

  // Polls ready() until it holds or kSpin has passed (the caller then parks on the condition
  // variable, whose predicate is the same, so nothing is missed).
  template <typename Ready>
  static void spin_until(Ready ready) {
    const auto start = std::chrono::steady_clock::now();
    for (unsigned i = 1;; ++i) {
      if (ready()) return;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
      if (i % 64 == 0 && std::chrono::steady_clock::now() - start > kSpin) return;
    }
  }

  void work(std::size_t index) {
    std::size_t seen = 0;
    for (;;) {
      const std::function<void(std::size_t)>* task = nullptr;
      spin_until([&] {
        return stopping_.load(std::memory_order_acquire) ||
               generation_.load(std::memory_order_acquire) != seen;
      });
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
        task = task_;
      }
      std::exception_ptr error;
      try {
        (*task)(index);
      } catch (...) {
        error = std::current_exception();
      }
      {
        std::lock_guard lock(mutex_);
        if (error && !error_) error_ = error;
        if (--pending_ == 0) done_.notify_one();
      }
    }
  }

  std::size_t size_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t)>* task_ = nullptr;
  // Written under mutex_; atomic so that spin_until may read them without it.
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::size_t> generation_{0};
  std::atomic<bool> stopping_{false};
  std::exception_ptr error_;
};

}  // namespace ictaltrack::detail
