// Records what a connection's callbacks saw, for tests to wait on from the test thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "websock/websock.hpp"

namespace websock::test {

using namespace std::chrono_literals;

struct recorder {
  struct received {
    message_kind kind;
    std::string data;
  };

  std::mutex mu;
  std::condition_variable cv;
  int opens = 0;
  std::vector<received> messages;
  std::vector<close_info> closes;
  std::vector<std::string> pongs;
  int drains = 0;
  std::vector<std::error_code> failed_echoes;  // echo routes: sends that were refused
  connection last;

  handlers make(bool echo = false) {
    handlers h;
    h.on_open = [this](connection& c) { note([&] { ++opens; last = c; }); };
    h.on_message = [this, echo](connection& c, const message& m) {
      const std::error_code sent = echo ? c.send(m.kind, m.data) : std::error_code{};
      note([&] {
        messages.push_back({m.kind, std::string(m.text())});
        if (sent) failed_echoes.push_back(sent);
      });
    };
    h.on_close = [this](connection&, const close_info& i) { note([&] { closes.push_back(i); }); };
    h.on_pong = [this](connection&, std::span<const std::byte> p) {
      note([&] { pongs.emplace_back(reinterpret_cast<const char*>(p.data()), p.size()); });
    };
    h.on_drain = [this](connection&) { note([&] { ++drains; }); };
    return h;
  }

  template <class F>
  void note(F f) {
    std::lock_guard lock(mu);
    f();
    cv.notify_all();
  }

  template <class P>
  bool wait(P pred, std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, pred);
  }
};

inline std::span<const std::byte> bytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// Distinct bytes at every offset, so a misplaced or dropped byte shows.
inline std::string pattern(std::size_t n, bool text) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    s[i] = text ? static_cast<char>('a' + (i * 7 + i / 26) % 26) : static_cast<char>((i * 131 + i / 251) & 0xFF);
  }
  return s;
}

}  // namespace websock::test
