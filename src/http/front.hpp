// The HTTP/1.1 front of a server connection: it owns the accepted stream from the TLS handshake
// on, reads requests, hands each to its owner, writes the answers, and on an accepted WebSocket
// upgrade moves the stream into a runtime::channel. The modern server and the IIS module host
// both stand on it; they decide, it moves the bytes.
//
// Threads: everything runs on the front's loop, owner callbacks included. respond(), refuse()
// and upgrade() are called by the owner from inside on_request / on_upgrade (or later, on the loop).
//
// Invariants:
//  1. At most one read and one write are in flight; an owner callback never runs during a write.
//  2. After upgrade() the front holds no stream and does nothing more.
//  3. The opening-handshake timer (TLS and the request head) bounds a stalled client.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "channel/channel.hpp"
#include "net/loop_buffers.hpp"
#include "net/stream.hpp"
#include "net/timer_queue.hpp"
#include "websock/core/http.hpp"

namespace websock::http {

class front;

class front_owner {
 public:
  virtual ~front_owner() = default;
  // A request that is no WebSocket upgrade: answer with respond().
  virtual void on_request(front& f, const core::http_head& head) = 0;
  // An upgrade request: answer with refuse() or upgrade(). `early` holds bytes that came after
  // the head (the first frames), valid during the call.
  virtual void on_upgrade(front& f, const core::http_head& head, std::span<const std::byte> early) = 0;
  // Once, when the front ends without an upgrade (answered, timed out, or the peer left).
  virtual void on_front_closed(front&) {}
  virtual void on_log(front&, std::string_view) {}
};

struct front_options {
  core::http_limits limits;
  std::chrono::milliseconds handshake_timeout{10000};  // TLS + request head; 0: off
};

class front : public std::enable_shared_from_this<front>, private net::timer_client {
 public:
  front(std::shared_ptr<asio::io_context> ctx, net::any_stream stream, front_options options,
        std::shared_ptr<front_owner> owner);
  ~front();

  // On the loop: TLS handshake when the stream is TLS, then the first request.
  void start();
  // Writes a whole response; then the connection ends (FIN, close).
  void respond(std::string response);
  void refuse(std::string response) { respond(std::move(response)); }
  // Moves the stream into a new channel (server role), which the caller then starts.
  std::shared_ptr<runtime::channel> upgrade(const runtime::channel_options& options);
  // Any thread: drops the connection.
  void abort();

  std::uint64_t id() const noexcept { return id_; }
  const std::string& remote_address() const noexcept { return remote_; }
  asio::io_context& context() const noexcept { return ctx_; }

 private:
  void read();
  void on_bytes(std::error_code ec, std::span<std::byte> data);
  void on_deadline() override;
  void finish(std::error_code why);
  void log(std::string_view text);

  std::shared_ptr<asio::io_context> ctx_holder_;
  asio::io_context& ctx_;
  net::loop_buffers& buffers_;
  net::timer_queue& timers_;
  net::any_stream stream_;
  front_options options_;
  std::shared_ptr<front_owner> owner_;
  const std::uint64_t id_;
  std::string remote_;
  core::http_parser parser_;
  std::string out_;
  std::unique_ptr<std::byte[]> tls_own_;
  net::timer_slot slot_;
  bool reading_ = false;
  bool answered_ = false;  // respond() was called: no more reads
  bool done_ = false;      // upgraded or finished
};

}  // namespace websock::http
