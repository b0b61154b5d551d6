// The HTTP/1.1 front of a server connection: it owns the accepted stream from the TLS handshake
// on, parses requests (request_parser.hpp), hands each to its owner, writes the answers in
// request order with keep-alive, streams files in bounded pieces, and on an accepted WebSocket
// upgrade moves the stream into a runtime::channel. The modern server and the IIS module host
// both stand on it: they decide, it moves the bytes.
//
// Threads: everything runs on the front's loop, owner callbacks included. respond() and
// upgrade() are called by the owner from inside on_request / on_upgrade, or later on the loop
// (post to context()).
//
// Invariants:
//  1. One request at a time: parsing stops at a request's end until its answer is written, so
//     pipelined requests are answered in order and at most one read's worth of them is held.
//  2. At most one read and one write are in flight.
//  3. After upgrade() the front holds no stream and does nothing more; after finish() the owner
//     hears nothing more (on_front_closed was its last call).
//  4. Every way out is bounded by a timer: the TLS handshake and a started head (head_timeout,
//     then 408), silence between requests (keep_alive_timeout, closed without an answer), a
//     response that makes no progress (write_timeout), and the wait for the peer's FIN after ours.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "channel/channel.hpp"
#include "net/admission.hpp"
#include "http/request_parser.hpp"
#include "http/response_writer.hpp"
#include "http/static_files.hpp"
#include "net/loop_buffers.hpp"
#include "net/stream.hpp"
#include "net/timer_queue.hpp"

namespace websock::http {

class front;

// An answer to one request: a head, and either a small body in memory or a file range.
struct answer {
  response_head head;
  std::string body;
  std::optional<file_reply> file;  // set (with an open file): stream its range instead of `body`
};

class front_owner {
 public:
  virtual ~front_owner() = default;
  // A whole request that is no WebSocket upgrade (every method reaches here): answer with
  // respond(). `body` is the request's body (bounded by limits::max_body_bytes).
  virtual void on_request(front& f, const request& req, std::string body) = 0;
  // An upgrade request: answer with respond() (a refusal) or upgrade(). `early` holds bytes that
  // came after the head (the first frames), valid during the call.
  virtual void on_upgrade(front& f, const request& req, std::span<const std::byte> early) = 0;
  // Once, when the front ends without an upgrade (answered and closed, timed out, peer left).
  virtual void on_front_closed(front&) {}
  // A line worth logging; peer bytes in it are already escaped (websock/core/log_escape.hpp).
  virtual void on_log(front&, std::string_view) {}
};

struct front_options {
  limits request_limits;
  std::chrono::milliseconds head_timeout{10000};        // TLS and a started head: then 408
  std::chrono::milliseconds keep_alive_timeout{15000};  // silence between requests: close
  std::chrono::milliseconds write_timeout{30000};       // no write progress: close
  std::chrono::milliseconds linger_timeout{2000};       // after our FIN, the peer's
};

class front final : public std::enable_shared_from_this<front>, private net::timer_client {
 public:
  // A file range is written in pieces of this size (one buffer, held while streaming).
  static constexpr std::size_t file_piece = 64 * 1024;

  front(std::shared_ptr<asio::io_context> ctx, net::any_stream stream, front_options options,
        std::shared_ptr<front_owner> owner);
  ~front();

  // On the loop: TLS handshake when the stream is TLS, then the first request.
  void start();
  // Answers the current request. The connection then goes on with the next request, or closes
  // when the request or the answer says so.
  void respond(answer a);
  // Answers with a whole response already written out (a WebSocket handshake refusal, which
  // ends the connection).
  void respond_bytes(std::string response);
  // Moves the stream into a new channel (server role), which the caller then starts; null when
  // the connection ended while the request was with the owner.
  std::shared_ptr<runtime::channel> upgrade(const runtime::channel_options& options);
  // Any thread: drops the connection.
  void abort();

  // A place in the server's bound on TLS handshakes, given back once the handshake ended.
  void hold_during_tls_handshake(net::admission_ticket t) { tls_ticket_ = std::move(t); }
  std::uint64_t id() const noexcept { return id_; }
  const std::string& remote_address() const noexcept { return remote_; }
  asio::io_context& context() const noexcept { return ctx_; }

 private:
  enum class state : std::uint8_t {
    tls,        // server TLS handshake
    reading,    // reading a request (or waiting for one)
    answering,  // a request is with the owner
    writing,    // its answer is being written
    lingering,  // FIN sent: reading until the peer's, discarding
    done,       // upgraded or finished
  };

  void read();
  void on_bytes(std::span<const std::byte> data);
  void process(std::string_view data);
  void queue_write(std::string bytes);
  void write_next();
  void on_written(std::error_code ec);
  void answer_written();
  void begin_linger();
  void rearm();
  void on_deadline() override;
  void finish(std::error_code why);
  void log(std::string_view text);
  std::time_t wall_now() const noexcept;

  std::shared_ptr<asio::io_context> ctx_holder_;
  asio::io_context& ctx_;
  net::loop_buffers& buffers_;
  net::timer_queue& timers_;
  net::any_stream stream_;
  front_options options_;
  std::shared_ptr<front_owner> owner_;
  const std::uint64_t id_;
  std::string remote_;
  request_parser parser_;
  state state_ = state::tls;
  std::string pending_;       // bytes read after the current request, for the next one
  std::string body_;          // the current request's body
  std::string out_;           // bytes being written
  std::string next_out_;      // bytes queued behind them (a 100 Continue, then the answer)
  std::optional<file_reply> file_;      // the range still to stream after next_out_
  std::unique_ptr<char[]> file_buf_;    // while streaming
  std::unique_ptr<std::byte[]> tls_own_;
  net::admission_ticket tls_ticket_;
  bool close_after_ = false;  // close once the current answer is written
  bool answer_queued_ = false;
  bool reading_ = false;
  bool writing_ = false;
  bool served_one_ = false;   // a request was answered: silence now means keep-alive idle
  net::timer_slot slot_;
  clock::time_point since_{};  // the start of the current timed wait
};

}  // namespace websock::http
