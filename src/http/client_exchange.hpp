// One HTTP/1.1 request and its response, as a client, over a connection of its own: connect
// (resolve, every address in turn, an optional CONNECT tunnel through a proxy, TLS), write the
// request, read the response head, then either read the body or hand the connection to a
// channel (pull mode) after a 101. The WinHTTP face stands on it, step by step as its calls come
// (WinHttpSendRequest, WinHttpReceiveResponse, WinHttpReadData, WinHttpWebSocketCompleteUpgrade),
// so each step is its own call here; the face never touches a socket, a loop or a parser.
//
// Threads: an exchange lives on one loop of the process-wide client pool (client_loops()). Every
// call may come from any thread; each step completes exactly once, on that loop. One step at a
// time: a step started while another is outstanding completes at once with operation_in_progress.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "channel/channel.hpp"
#include "http/response_body.hpp"
#include "net/connector.hpp"
#include "net/timer_queue.hpp"
#include "websock/core/http.hpp"

namespace websock::http {

// Where to connect and how.
struct client_target {
  std::string host;  // name or address literal (no brackets)
  std::uint16_t port = 0;
  bool tls = false;
  net::tls_verify_policy verify;
  std::string proxy_host;  // empty: direct
  std::uint16_t proxy_port = 0;
  std::chrono::milliseconds connect_timeout{0};  // resolve + connect + tunnel + TLS; zero: none
};

// How a connect failed, beyond its error code: a one-line description (safe to log) and, for a
// TLS failure, which checks the certificate failed (net::tls_failure bits).
struct connect_report {
  std::string detail;
  unsigned tls_failures = 0;
  std::string remote;  // the address connected to, once connected
};

class client_exchange final : public std::enable_shared_from_this<client_exchange>, private net::timer_client {
 public:
  using done_fn = std::function<void(std::error_code)>;
  using connect_fn = std::function<void(std::error_code, const connect_report&)>;
  using read_fn = std::function<void(std::error_code, std::size_t)>;

  // A new exchange on the next loop of the client pool.
  static std::shared_ptr<client_exchange> create();
  ~client_exchange();

  void connect(client_target target, connect_fn done);
  // Writes `head` (a whole request head) and `body`; `timeout` bounds the write (zero: none).
  void send(std::string head, std::vector<std::byte> body, std::chrono::milliseconds timeout, done_fn done);
  // Reads the response head. Interim 1xx responses other than 101 are skipped (RFC 9110 15.2).
  // `method` decides whether a body follows (HEAD: never).
  void receive_head(std::string method, std::chrono::milliseconds timeout, done_fn done);
  // After receive_head: the final response's head.
  const core::http_head& response() const noexcept { return head_; }
  // The body, decoded (chunked framing removed): up to out.size() bytes; 0 at its end.
  void read_body(std::span<std::byte> out, std::chrono::milliseconds timeout, read_fn done);
  // The body has ended (or there is none).
  bool body_done() const noexcept;
  // After a 101: the connection becomes a client channel in pull mode, opened at once; the bytes
  // that came after the head are its first input. The exchange is spent.
  std::shared_ptr<runtime::channel> upgrade(const runtime::channel_options& options,
                                            std::shared_ptr<runtime::channel_events> events,
                                            std::string target, std::string subprotocol);
  // Ends the step in progress with operation_canceled and closes the connection.
  void cancel();
  // Runs `f` on the exchange's loop.
  void post(std::function<void()> f);
  bool on_loop() const noexcept;

 private:
  explicit client_exchange(std::shared_ptr<asio::io_context> ctx);
  void on_deadline() override;
  void arm(std::chrono::milliseconds timeout);
  // Ends the step in progress once; `done` is moved out first, so a completion may start the next.
  void complete(std::error_code ec, std::size_t n = 0);
  void read_more();
  void on_head_bytes(std::error_code ec, std::size_t n);
  void on_body_bytes(std::error_code ec, std::size_t n);
  void deliver_body();
  std::error_code begin_step();

  enum class step : std::uint8_t { none, connect, send, head, body };

  std::shared_ptr<asio::io_context> ctx_;
  net::timer_queue& timers_;
  net::timer_slot slot_;
  std::optional<net::any_stream> stream_;
  step step_ = step::none;
  std::function<void(std::error_code, std::size_t)> done_;
  bool spent_ = false;  // cancelled, failed or upgraded: no more steps

  std::string out_head_;
  std::vector<std::byte> out_body_;

  std::vector<std::byte> in_;  // bytes read but not yet used (after the head: body or frames)
  std::size_t in_begin_ = 0;
  std::string method_;
  std::optional<core::http_parser> parser_;
  core::http_head head_;
  std::optional<body_decoder> body_;
  std::span<std::byte> body_out_;
  bool eof_ = false;
};

// The loops every client exchange runs on: started at first use, one per core (at least two).
std::shared_ptr<asio::io_context> client_loop();

}  // namespace websock::http
