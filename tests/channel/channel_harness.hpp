// A channel on one end of a Unix socketpair, its loop on a thread of its own, and a raw peer on
// the other end that the test drives byte by byte. Time is a manual clock: timers fire when the
// test advances it, never by waiting.
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "channel/channel.hpp"
#include "net/workers.hpp"

namespace websock::test {

using namespace std::chrono_literals;

// What the owner of a channel saw, for the test thread to wait on.
struct channel_log final : runtime::channel_events {
  std::mutex mu;
  std::condition_variable cv;
  int opens = 0;
  std::vector<std::string> messages;
  std::vector<std::string> pings;
  std::vector<close_info> closes;
  std::vector<std::error_code> handshake_failures;
  int drains = 0;
  bool off_loop_event = false;  // an event ran on a thread other than the channel's loop
  std::function<void(runtime::channel&, std::string_view)> on_message_hook;

  template <class F>
  void note(runtime::channel& ch, F f) {
    std::lock_guard lock(mu);
    if (!ch.on_loop()) off_loop_event = true;
    f();
    cv.notify_all();
  }
  template <class P>
  bool wait(P pred, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, pred);
  }

  void on_open(runtime::channel& ch) override { note(ch, [&] { ++opens; }); }
  void on_message(runtime::channel& ch, core::message_kind, std::span<const std::byte> d) override {
    std::string text(reinterpret_cast<const char*>(d.data()), d.size());
    if (on_message_hook) on_message_hook(ch, text);
    note(ch, [&] { messages.push_back(std::move(text)); });
  }
  void on_ping(runtime::channel& ch, std::span<const std::byte> p) override {
    note(ch, [&] { pings.emplace_back(reinterpret_cast<const char*>(p.data()), p.size()); });
  }
  void on_drain(runtime::channel& ch) override { note(ch, [&] { ++drains; }); }
  void on_closed(runtime::channel& ch, const close_info& info) override { note(ch, [&] { closes.push_back(info); }); }
  void on_handshake_failed(runtime::channel& ch, std::error_code ec, const std::string&) override {
    note(ch, [&] { handshake_failures.push_back(ec); });
  }
};

// The raw peer: a blocking POSIX socket with timeouts.
class raw_end {
 public:
  explicit raw_end(int fd) : fd_(fd) {}
  ~raw_end() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }
  bool send(const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }
  // Reads until `want` bytes arrived, the peer closed (eof() then), or the timeout passed.
  std::string read(std::size_t want, std::chrono::milliseconds timeout = 5s) {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (out.size() < want) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, std::min(sizeof buf, want - out.size()), 0);
      if (n <= 0) {
        eof_ = true;
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  // Reads until `until` appears (or the timeout passes, or the peer closed).
  std::string read_until(const std::string& until, std::chrono::milliseconds timeout = 5s) {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (out.find(until) == std::string::npos && !eof_ && std::chrono::steady_clock::now() < end) {
      out += read(1, std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()));
    }
    return out;
  }
  // True once the channel closed its end (a read returned 0) within the timeout.
  bool wait_eof(std::chrono::milliseconds timeout = 5s) {
    while (!eof_) {
      if (read(65536, timeout).empty() && !eof_) return false;
    }
    return true;
  }
  // True if nothing, not even an end of stream, arrives within `quiet` (wall time: proves absence).
  bool stays_open(std::chrono::milliseconds quiet) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(quiet.count())) == 0;
  }
  bool eof() const { return eof_; }

 private:
  int fd_;
  bool eof_ = false;
};

// Frames a raw peer writes: client frames are masked (key 1 2 3 4), server frames are not.
inline std::string frame(std::uint8_t first, const std::string& payload, bool masked) {
  std::string f(1, static_cast<char>(first));
  const std::uint8_t mask_bit = masked ? 0x80 : 0x00;
  if (payload.size() < 126) {
    f += static_cast<char>(mask_bit | payload.size());
  } else if (payload.size() < 65536) {
    f += static_cast<char>(mask_bit | 126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xFF);
  } else {
    f += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) f += static_cast<char>((payload.size() >> shift) & 0xFF);
  }
  if (!masked) return f + payload;
  const char key[4] = {1, 2, 3, 4};
  f.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) f += static_cast<char>(payload[i] ^ key[i % 4]);
  return f;
}
inline std::string close_payload(std::uint16_t code, const std::string& reason = {}) {
  return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)} + reason;
}

// One loop thread, one channel over a socketpair, a manual clock. Pull-mode rigs pass
// channel_mode::pull; their owner (log) still gets on_open and on_closed.
struct channel_rig {
  std::shared_ptr<manual_clock> clock = std::make_shared<manual_clock>();
  net::workers loop{1};
  std::shared_ptr<channel_log> log = std::make_shared<channel_log>();
  std::shared_ptr<runtime::channel> ch;
  std::unique_ptr<raw_end> peer;

  explicit channel_rig(core::role role, session_options limits = {},
                       runtime::channel_mode mode = runtime::channel_mode::push) {
    auto& ctx = loop.at(0);
    net::timer_queue::of(ctx).use_clock(clock);
    net::unix_protocol::socket ours(ctx), theirs(ctx);
    asio::local::connect_pair(ours, theirs);
    peer = std::make_unique<raw_end>(theirs.release());
    ch = std::make_shared<runtime::channel>(loop.share(ctx), net::any_stream(std::move(ours)),
                                            runtime::channel_options{role, limits, mode});
    loop.start();
  }
  ~channel_rig() {
    if (ch) ch->abort();
    peer.reset();
    loop.release();
    loop.join();
  }
  // Runs `f` on the loop and waits for it.
  template <class F>
  void on_loop(F f) {
    std::promise<void> done;
    asio::post(loop.at(0), [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }
  void start_server(std::string early = {}) {
    on_loop([&] {
      ch->start_server(log, "HTTP/1.1 101 Switching Protocols\r\n\r\n", "/t", {}, "",
                       std::as_bytes(std::span(early.data(), early.size())));
    });
  }
};

}  // namespace websock::test
