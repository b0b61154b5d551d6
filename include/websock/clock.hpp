// The time source of every runtime timer (opening handshake, idle, keep-alive ping, close, buffer
// trimming). The default is the steady clock. Tests inject a manual_clock and move time forward
// themselves, so no test sleeps to make a timer fire.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace websock {

class clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;

  virtual ~clock() = default;
  virtual time_point now() const noexcept = 0;
  // A manual clock has no real timers behind it: the runtime is woken by advance() instead.
  virtual bool is_manual() const noexcept { return false; }
  // Manual clocks call `waker` (on the advancing thread) whenever time moves. The runtime's waker
  // runs the loop's due timers on the loop and returns once they ran.
  virtual void subscribe(std::function<void()> waker) { (void)waker; }

  // The process-wide steady clock.
  static std::shared_ptr<const clock> steady();
};

// Time that moves only when told to. Thread-safe.
class manual_clock final : public clock {
 public:
  manual_clock() : now_(std::chrono::steady_clock::now()) {}

  time_point now() const noexcept override {
    std::lock_guard lock(mu_);
    return now_;
  }
  bool is_manual() const noexcept override { return true; }
  void subscribe(std::function<void()> waker) override {
    std::lock_guard lock(mu_);
    wakers_.push_back(std::move(waker));
  }
  // Moves time forward and wakes every loop that uses this clock. Returns once each loop has run
  // its due timers and all the work queued on it before (so advance(0s) is a barrier). Call it
  // from a thread that runs no loop of this clock's.
  void advance(duration d) {
    std::vector<std::function<void()>> wake;
    {
      std::lock_guard lock(mu_);
      now_ += d;
      wake = wakers_;
    }
    for (auto& w : wake) w();
  }

 private:
  mutable std::mutex mu_;
  time_point now_;
  std::vector<std::function<void()>> wakers_;
};

}  // namespace websock
