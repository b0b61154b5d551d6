// A process-wide bound on the memory that connections hold for messages still being assembled
// (issue 9: eight connections each holding 63 MiB of an unfinished message took a server to
// 558 MB, under a per-connection limit only). Channels charge what their core's assembly buffer
// grew by after each read and refund what it shrank by; the channel whose growth takes the total
// over the budget fails with 1013 (Try Again Later) and gives its memory back. The check follows
// a read, so the total may pass the budget by what one read made one connection grow.
#pragma once

#include <atomic>
#include <cstddef>

namespace websock::runtime {

class message_budget {
 public:
  explicit message_budget(std::size_t limit) noexcept : limit_(limit) {}

  // Counts `n` more bytes; false if the total is now over the budget (they stay counted: the
  // caller refunds them as it frees them).
  bool charge(std::size_t n) noexcept { return used_.fetch_add(n, std::memory_order_relaxed) + n <= limit_; }
  void refund(std::size_t n) noexcept { used_.fetch_sub(n, std::memory_order_relaxed); }
  std::size_t used() const noexcept { return used_.load(std::memory_order_relaxed); }
  std::size_t limit() const noexcept { return limit_; }

 private:
  std::atomic<std::size_t> used_{0};
  const std::size_t limit_;
};

}  // namespace websock::runtime
