// What a pull-mode owner saw: every read and write completion, in order, with the thread it ran on
// and how deeply completions were nested. Completions hold it by shared_ptr, so one that runs
// after the test body (the rig's abort) touches nothing the test already destroyed.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "channel/channel.hpp"

namespace websock::test {

// One completed pull read, copied out of the caller's buffer and the channel's views.
struct read_record {
  std::error_code error;
  std::string bytes;
  core::message_kind kind = core::message_kind::binary;
  bool last = false;
  bool close = false;
  std::uint16_t close_code = 0;
  std::string close_reason;
  bool on_loop = false;
};

struct write_record {
  std::error_code error;
  bool on_loop = false;
};

// Everything recorded so far; wait() predicates look at it under the recorder's lock.
struct pull_seen {
  std::vector<read_record> reads;
  std::vector<write_record> writes;
  std::size_t ended = 0;  // messages whose last piece arrived
};

class pull_recorder : public std::enable_shared_from_this<pull_recorder> {
 public:
  pull_recorder(std::shared_ptr<runtime::channel> ch, std::size_t buffer_size)
      : ch_(std::move(ch)), buffer_(buffer_size) {}

  // A completion for pull_read into this recorder's buffer. With `chain`, the completion asks for
  // the next piece from inside itself until `messages` messages ended (or a close or an error).
  runtime::pull_read_done reader(bool chain = false) {
    return [self = shared_from_this(), chain](const runtime::pull_result& r) { self->on_read(r, chain); };
  }
  runtime::pull_write_done writer() {
    return [self = shared_from_this()](std::error_code ec) {
      std::lock_guard lock(self->mu_);
      self->seen_.writes.push_back({ec, self->ch_->on_loop()});
      self->cv_.notify_all();
    };
  }
  // Starts a read (from whichever thread calls it) into the recorder's buffer.
  void read(bool chain = false) { ch_->pull_read(buffer_, reader(chain)); }
  // Chained reads stop once this many messages ended.
  void stop_after(std::size_t messages) { stop_after_ = messages; }

  template <class P>
  bool wait(P pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pred(static_cast<const pull_seen&>(seen_)); });
  }
  bool wait_reads(std::size_t n) { return wait([n](const pull_seen& s) { return s.reads.size() >= n; }); }
  bool wait_writes(std::size_t n) { return wait([n](const pull_seen& s) { return s.writes.size() >= n; }); }
  bool wait_messages(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return wait([n](const pull_seen& s) { return s.ended >= n; }, timeout);
  }

  // Snapshots (the loop may still be adding).
  std::vector<read_record> reads() {
    std::lock_guard lock(mu_);
    return seen_.reads;
  }
  std::vector<write_record> writes() {
    std::lock_guard lock(mu_);
    return seen_.writes;
  }
  std::size_t messages_ended() {
    std::lock_guard lock(mu_);
    return seen_.ended;
  }
  int max_depth() {
    std::lock_guard lock(mu_);
    return max_depth_;
  }
  std::span<std::byte> buffer() noexcept { return buffer_; }

 private:
  void on_read(const runtime::pull_result& r, bool chain) {
    bool again = false;
    {
      std::lock_guard lock(mu_);
      max_depth_ = std::max(max_depth_, ++depth_);
      read_record rec;
      rec.error = r.error;
      rec.bytes.assign(reinterpret_cast<const char*>(buffer_.data()), r.size);
      rec.kind = r.kind;
      rec.last = r.last;
      rec.close = r.close;
      rec.close_code = r.close_code;
      rec.close_reason = std::string(r.close_reason);
      rec.on_loop = ch_->on_loop();
      seen_.reads.push_back(std::move(rec));
      if (!r.error && !r.close && r.last) ++seen_.ended;
      again = chain && !r.error && !r.close && seen_.ended < stop_after_;
      cv_.notify_all();
    }
    if (again) ch_->pull_read(buffer_, reader(true));  // the next piece, from inside this completion
    std::lock_guard lock(mu_);
    --depth_;
  }

  std::shared_ptr<runtime::channel> ch_;
  std::vector<std::byte> buffer_;
  std::mutex mu_;
  std::condition_variable cv_;
  pull_seen seen_;
  std::size_t stop_after_ = 1;
  int depth_ = 0;
  int max_depth_ = 0;
};

}  // namespace websock::test
