// Threads for code that may block: hosted IIS modules, whose notifications and completion
// callbacks may call synchronous I/O (a ReadFragment with fAsync = FALSE waits for the peer). The
// event loops must never run such code, so it runs here. The pool grows by one thread whenever a
// task arrives and no thread is idle (up to max_threads), as IIS's worker pool does, so one
// blocked module cannot starve the others. Threads stay until the pool goes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace websock::net {

class blocking_pool {
 public:
  explicit blocking_pool(std::size_t max_threads);
  // join().
  ~blocking_pool();
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;

  // Queues `task` (FIFO). With every thread busy and max_threads reached it waits in the queue.
  void post(std::function<void()> task);
  // Runs what is queued (and what those tasks post), then joins every thread; not on a pool
  // thread. Later posts are kept and never run. Once is enough; again does nothing.
  void join();
  // True on one of the pool's threads.
  bool on_pool_thread() const noexcept;
  std::size_t threads() const;

 private:
  void run();

  const std::size_t max_threads_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;  // threads waiting for a task
  bool stopping_ = false;
};

}  // namespace websock::net
