#include "net/workers.hpp"

#include <algorithm>
#include <future>

namespace websock::net {

workers::workers(std::size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < threads; ++i) {
    // Concurrency hint 1: each context is run by exactly one thread.
    contexts_.push_back(std::make_shared<asio::io_context>(1));
    guards_.push_back(asio::make_work_guard(*contexts_.back()));
  }
}

workers::~workers() {
  stop();
  join();
}

asio::io_context& workers::next() noexcept {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

std::shared_ptr<asio::io_context> workers::share(asio::io_context& ctx) const noexcept {
  for (const auto& c : contexts_) {
    if (c.get() == &ctx) return c;
  }
  return nullptr;
}

bool workers::on_worker_thread() const noexcept {
  for (const auto& c : contexts_) {
    if (c->get_executor().running_in_this_thread()) return true;
  }
  return false;
}

void workers::start() {
  if (!threads_.empty()) return;
  for (auto& ctx : contexts_) {
    threads_.emplace_back([c = ctx.get()] { c->run(); });
  }
}

void workers::release() noexcept {
  for (auto& g : guards_) g.reset();
}

void workers::drain() {
  if (threads_.empty()) return;
  std::vector<std::future<void>> ran;
  for (auto& ctx : contexts_) {
    auto done = std::make_shared<std::promise<void>>();
    ran.push_back(done->get_future());
    asio::post(*ctx, [done] { done->set_value(); });
  }
  for (auto& r : ran) r.wait();
}

void workers::stop() noexcept {
  for (auto& ctx : contexts_) ctx->stop();
}

void workers::join() {
  for (auto& t : threads_) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  }
  threads_.clear();
}

}  // namespace websock::net
