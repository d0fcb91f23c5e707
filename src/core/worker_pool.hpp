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
// nothing else wants the core, which is why detect_file reads inside the step (run's `side`
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
  /// when all are done. Then `side(k)` for every k in [0, n_side): each participant, once its own
  /// task is done, takes the next piece not yet taken, so side work (detect_file's reading of the
  /// next chunk) fills whichever thread is free first. The first exception thrown by any task or
  /// piece is rethrown here (after all of them have finished).
  void run(const std::function<void(std::size_t)>& task,
           const std::function<void(std::size_t)>& side = {}, std::size_t n_side = 0) {
    if (!side) n_side = 0;
    if (size_ == 1) {
      task(0);
      for (std::size_t k = 0; k < n_side; ++k) side(k);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      task_ = &task;
      side_ = &side;
      n_side_ = n_side;
      next_side_.store(0, std::memory_order_relaxed);
      pending_ = size_ - 1;
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    std::exception_ptr own_error;
    try {
      task(0);
      run_side(side, n_side);
    } catch (...) {
      own_error = std::current_exception();
    }
    spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; });
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    task_ = nullptr;
    side_ = nullptr;
    if (own_error) std::rethrow_exception(own_error);
    if (error_) std::rethrow_exception(error_);
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

  void run_side(const std::function<void(std::size_t)>& side, std::size_t n_side) {
    for (std::size_t k = next_side_.fetch_add(1, std::memory_order_relaxed); k < n_side;
         k = next_side_.fetch_add(1, std::memory_order_relaxed)) {
      side(k);
    }
  }

  void work(std::size_t index) {
    std::size_t seen = 0;
    for (;;) {
      const std::function<void(std::size_t)>* task = nullptr;
      const std::function<void(std::size_t)>* side = nullptr;
      std::size_t n_side = 0;
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
        side = side_;
        n_side = n_side_;
      }
      std::exception_ptr error;
      try {
        (*task)(index);
        run_side(*side, n_side);
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
  const std::function<void(std::size_t)>* side_ = nullptr;
  std::size_t n_side_ = 0;
  std::atomic<std::size_t> next_side_{0};  // next side piece to take
  // Written under mutex_; atomic so that spin_until may read them without it.
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::size_t> generation_{0};
  std::atomic<bool> stopping_{false};
  std::exception_ptr error_;
};

}  // namespace ictaltrack::detail
