// The load of `websock bench`: one event loop (one thread) driving many connections, each keeping
// `inflight` messages pipelined and checking every echoed byte. WebSocket framing comes from the
// core engine (client role, streamed pieces, so a large echo is verified without being copied);
// `raw` speaks plain TCP echo; `tls` puts TLS under either. Asio stays inside bench_load.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "bench_histogram.hpp"

namespace cli {

struct load_spec {
  bool raw = false;           // plain TCP echo, no WebSocket
  bool tls = false;           // TLS over the TCP connection (wss://, tls://), server verified
  std::string ca_file;        // TLS: trust the CAs in this PEM file instead of the system's store
  std::string host;           // to connect to
  std::uint16_t port = 0;
  std::string host_header;    // WebSocket: Host header value
  std::string target = "/";   // WebSocket: request-target
  std::size_t size = 16;      // bytes per message
  std::size_t inflight = 1;   // messages in flight per connection; 0: connect and stay idle
  bool text = false;          // send text messages (the pattern is then ASCII)
  bool deflate = false;       // offer permessage-deflate, and fail a connection the server refuses it
  // Message s is pattern[offset(s), +size). Random bytes without deflate: consecutive offsets (s % 256).
  // Random bytes with deflate: slices side by side that repeat only after 64 KiB, so that no message
  // repeats bytes a compressor's 32 KiB window still holds and none shrinks. Text: a stride through a long pattern, so that the
  // window holds only part of what comes next and the ratio stays near real JSON's.
  std::span<const std::byte> pattern;
  std::size_t stride = 1;
  std::size_t offset(std::uint64_t s) const noexcept {
    return static_cast<std::size_t>((s * stride) % (pattern.size() - size));
  }
};

struct load_result {
  std::uint64_t messages = 0;    // echoes received and verified
  std::uint64_t bytes = 0;       // their payload bytes
  std::uint64_t wire_bytes = 0;  // bytes read off the sockets while measuring (frames, compressed)
  std::uint64_t mismatches = 0;  // echoes that differed from what was sent
  std::uint64_t errors = 0;      // connections lost or failed
  latency_histogram latency;     // send to echo, nanoseconds
  std::string first_error;
};

class load_worker {
 public:
  load_worker(const load_spec& spec, std::size_t connections, std::size_t first_id);
  ~load_worker();
  load_worker(const load_worker&) = delete;
  load_worker& operator=(const load_worker&) = delete;

  // Connects (and completes the WebSocket handshakes); returns how many connections are open.
  std::size_t open();
  // Sends, receives and verifies until `until`, then stops mid-flight; the connections stay open,
  // silent, for `hold` more (so that a server's idle memory can be read), then close.
  void run(std::chrono::steady_clock::time_point until, std::chrono::duration<double> hold = {});

  // Messages verified so far; safe from any thread while run() goes on.
  std::uint64_t progress() const noexcept { return progress_.load(std::memory_order_relaxed); }
  const load_result& result() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::atomic<std::uint64_t> progress_{0};
};

}  // namespace cli
