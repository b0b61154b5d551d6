// One timer per event loop instead of one per connection: connections keep a small timer_slot
// (a deadline and a heap index) and the loop's timer_queue keeps them in a min-heap, with one
// asio::steady_timer armed for the earliest deadline. An idle connection therefore holds no timer
// object, and arming or moving a deadline costs O(log n) without a system call.
//
// Threads: everything here runs on the loop's own thread (the one running its io_context), but
// for disarm() of a slot that is not armed, which reads only the slot (owners destroyed elsewhere).
// The clock can be a manual one (tests): then no real timer is armed, and manual_clock::advance
// posts a run of the due slots to the loop.
#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <vector>

#include "net/asio.hpp"
#include "websock/clock.hpp"

namespace websock::net {

// What a slot calls when its deadline passes. The slot is disarmed before the call.
class timer_client {
 public:
  virtual void on_deadline() = 0;

 protected:
  ~timer_client() = default;
};

struct timer_slot {
  static constexpr std::size_t unarmed = std::numeric_limits<std::size_t>::max();
  clock::time_point at{};
  std::size_t index = unarmed;  // position in the loop's heap
  bool armed() const noexcept { return index != unarmed; }
};

class timer_queue : public asio::execution_context::service {
 public:
  using key_type = timer_queue;
  static inline asio::execution_context::id id;

  explicit timer_queue(asio::execution_context& ctx);
  ~timer_queue() override;

  static timer_queue& of(asio::io_context& ctx) { return asio::use_service<timer_queue>(ctx); }

  // The loop's clock; set before the loop's first timer (by whoever owns the loop).
  void use_clock(std::shared_ptr<const clock> c);
  clock::time_point now() const noexcept { return clock_->now(); }

  // Arms (or moves) `slot` to fire at `at`, calling `client`.
  void arm(timer_slot& slot, timer_client& client, clock::time_point at);
  void disarm(timer_slot& slot) noexcept;
  std::size_t armed_count() const noexcept { return heap_.size(); }

 private:
  struct item {
    timer_slot* slot;
    timer_client* client;
  };
  void shutdown() override;
  void sift_up(std::size_t i) noexcept;
  void sift_down(std::size_t i) noexcept;
  void place(std::size_t i, item it) noexcept;
  void remove_at(std::size_t i) noexcept;
  void rearm_wakeup();
  void run_due();

  asio::io_context& ctx_;
  std::shared_ptr<const clock> clock_;
  std::vector<item> heap_;
  asio::steady_timer wakeup_;
  clock::time_point wakeup_at_{};
  bool wakeup_armed_ = false;
  std::shared_ptr<bool> alive_;  // manual-clock wakers check it before posting
};

}  // namespace websock::net
