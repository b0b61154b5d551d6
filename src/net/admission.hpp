// A bound on the connections in their costliest, peer-paced phase: accepted, TLS handshake not yet
// done (issue 9: 3,000 half-done TLS handshakes held about 84 KB each). At the bound the listener
// stops accepting, so the kernel's backlog holds further connections until a handshake ends (done,
// failed, or timed out by the handshake timeout). Plain-text connections take no ticket: a half
// head costs little and is bounded by the head timeout, and a fresh client must not wait behind
// thousands of them.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>

namespace websock::net {

class admission {
 public:
  explicit admission(std::size_t limit) : limit_(limit) {}

  // True: a place was taken. False: full, and `resume` runs once when a place frees (on the
  // thread that frees it; a later try_enter replaces an earlier resume).
  bool try_enter(std::function<void()> resume) {
    std::lock_guard lock(mu_);
    if (inside_ < limit_) {
      ++inside_;
      return true;
    }
    resume_ = std::move(resume);
    return false;
  }
  void leave() {
    std::function<void()> resume;
    {
      std::lock_guard lock(mu_);
      --inside_;
      resume.swap(resume_);
    }
    if (resume) resume();
  }
  std::size_t inside() const {
    std::lock_guard lock(mu_);
    return inside_;
  }

 private:
  mutable std::mutex mu_;
  std::size_t inside_ = 0;
  const std::size_t limit_;
  std::function<void()> resume_;
};

// One place in an admission, given back when released or destroyed. Empty: none held.
class admission_ticket {
 public:
  admission_ticket() = default;
  explicit admission_ticket(std::shared_ptr<admission> a) noexcept : a_(std::move(a)) {}
  admission_ticket(admission_ticket&&) noexcept = default;
  admission_ticket& operator=(admission_ticket&& o) noexcept {
    if (this != &o) {
      release();
      a_ = std::move(o.a_);
    }
    return *this;
  }
  ~admission_ticket() { release(); }
  void release() {
    if (auto a = std::move(a_)) a->leave();
  }

 private:
  std::shared_ptr<admission> a_;
};

}  // namespace websock::net
