// A small pool of persistent worker threads for the per-block parallel loops of the detector.
//
// Why not start std::threads per block: the detector runs one parallel step per 16 s block, i.e.
// ~5,400 steps per 24 h recording; starting and joining a thread each time cost measurable CPU
// (docs/performance.md) and, on a busy machine, a late start stalls the whole step. Workers here
// are started once and park on a condition variable between steps.
#pragma once

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
  /// when all are done. The first exception thrown by any task is rethrown here.
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
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    task_ = nullptr;
    if (own_error) std::rethrow_exception(own_error);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void work(std::size_t index) {
    std::size_t seen = 0;
    for (;;) {
      const std::function<void(std::size_t)>* task = nullptr;
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
  std::size_t pending_ = 0;
  std::size_t generation_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
};

}  // namespace ictaltrack::detail
