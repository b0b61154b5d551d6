// N threads, each running its own io_context: a connection lives on one loop for its whole life,
// so its state needs no locks.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include "net/asio.hpp"

namespace websock::net {

class workers {
 public:
  // 0 threads: one per core.
  explicit workers(std::size_t threads);
  ~workers();
  workers(const workers&) = delete;
  workers& operator=(const workers&) = delete;

  std::size_t size() const noexcept { return contexts_.size(); }
  asio::io_context& at(std::size_t i) noexcept { return *contexts_[i]; }
  // Round robin, for handing out new connections.
  asio::io_context& next() noexcept;
  // Shared ownership of a loop: a connection keeps its loop alive while handles to it exist.
  std::shared_ptr<asio::io_context> share(asio::io_context& ctx) const noexcept;
  // True on one of the pool's threads.
  bool on_worker_thread() const noexcept;

  void start();
  // Lets the loops run out of work and return (no new work may be added after).
  void release() noexcept;
  // Returns once every running loop has run what was queued on it before the call (a no-op
  // posted to each comes last). Not on a loop thread. Before stop(): handlers stop() leaves
  // queued are never run, and one holding a connection (which holds its loop) leaks them both.
  void drain();
  // Stops the loops at once.
  void stop() noexcept;
  void join();

 private:
  using guard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<std::shared_ptr<asio::io_context>> contexts_;
  std::vector<guard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace websock::net
