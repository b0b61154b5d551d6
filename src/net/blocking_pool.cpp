#include "net/blocking_pool.hpp"

namespace websock::net {
namespace {
thread_local const blocking_pool* current_pool = nullptr;
}

blocking_pool::blocking_pool(std::size_t max_threads) : max_threads_(max_threads < 1 ? 1 : max_threads) {}

blocking_pool::~blocking_pool() { join(); }

void blocking_pool::join() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    wake_.notify_all();
    threads.swap(threads_);  // none is added once stopping_
  }
  for (auto& t : threads) t.join();
}

void blocking_pool::post(std::function<void()> task) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(task));
  wake_.notify_one();
  // More tasks waiting than idle threads to take them: one more thread (every waiting task has a
  // thread of its own coming, so a task that blocks never holds up the ones queued behind it).
  if (!stopping_ && queue_.size() > idle_ && threads_.size() < max_threads_) threads_.emplace_back([this] { run(); });
}

bool blocking_pool::on_pool_thread() const noexcept { return current_pool == this; }

std::size_t blocking_pool::threads() const {
  std::lock_guard lock(mu_);
  return threads_.size();
}

void blocking_pool::run() {
  current_pool = this;
  std::unique_lock lock(mu_);
  for (;;) {
    if (!queue_.empty()) {
      auto task = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      task();
      task = nullptr;  // the task's captures go before the lock is taken again
      lock.lock();
      continue;
    }
    if (stopping_) return;
    ++idle_;
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    --idle_;
  }
}

}  // namespace websock::net
