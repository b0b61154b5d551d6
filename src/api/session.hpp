// One WebSocket connection at run time: the sans-I/O core (websock::core::connection) driven over
// a net::any_stream on one worker loop. Both roles; the opening handshake of each role lives in
// session_server.cpp / session_client.cpp, timers in session_timers.cpp.
//
// Invariants:
//  1. Everything but the public entry points (send/ping/close/abort and the getters) runs on the
//     loop of ctx_. The entry points hop onto it when called from another thread.
//  2. buffered_ == bytes in the core's outbox + bytes of the write in flight that came from it +
//     bytes reserved by sends posted from other threads. It never exceeds the limit because every
//     send checks it first; only control frames (pong, close) may go past it.
//  3. At most one read and one write are in flight. Reads use the loop's shared buffer
//     (net::loop_buffers): plain streams wait for readability and read within the handler; TLS
//     reads hold the loop's TLS buffer (or a private one) only from initiation to completion.
//     A write sends write_buf_, which core::connection::swap_output filled with the outbox
//     (no copy); sends during the write go to the core's new outbox.
//  5. Idle connections hold no read buffer, and no write buffer or outbox capacity above
//     trim_keep once idle for trim_delay (on_timer trims them).
//  4. on_close runs exactly once, and only for connections that reached on_open.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "net/loop_buffers.hpp"
#include "net/stream.hpp"
#include "websock/connection.hpp"
#include "websock/core/connection.hpp"
#include "websock/core/detail/byte_buffer.hpp"
#include "websock/core/handshake.hpp"
#include "websock/options.hpp"
#include "websock/server.hpp"

namespace websock::detail {

struct route_entry;

class session : public std::enable_shared_from_this<session> {
 public:
  using clock = std::chrono::steady_clock;
  // A write buffer or outbox larger than this is given back after trim_delay without writes.
  static constexpr std::size_t trim_keep = 4096;
  static constexpr std::chrono::milliseconds trim_delay{1000};
  // A connection that reads hot_after times, each within hot_gap of the last, reads into a buffer
  // of its own (hot_size) until trim_delay passes without input.
  static constexpr unsigned hot_after = 16;
  static constexpr std::chrono::milliseconds hot_gap{50};
  static constexpr std::size_t hot_size = 64 * 1024;
  // Client: the handshake's outcome, once (error and one-line description, or success).
  using client_done = std::function<void(std::error_code, const std::string&)>;

  session(std::shared_ptr<asio::io_context> ctx, net::any_stream stream, core::role role, const session_options& options);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  void start_server(std::shared_ptr<server::state> server);
  void start_client(core::client_handshake_options request, std::shared_ptr<const handlers> h,
                    client_done done);

  // ---- any thread ----
  std::error_code send(message_kind kind, std::span<const std::byte> payload);
  std::error_code ping(std::span<const std::byte> payload);
  std::error_code close(std::uint16_t code, std::string_view reason);
  void abort();
  // Server shutdown: close with this code whatever the phase (handshakes are just dropped).
  void shutdown(std::uint16_t code, std::string reason);
  std::size_t buffered() const noexcept { return buffered_.load(std::memory_order_relaxed); }
  bool is_open() const noexcept { return open_.load(std::memory_order_acquire); }
  std::uint64_t id() const noexcept { return id_; }
  const std::string& subprotocol() const noexcept { return subprotocol_; }
  const std::string& target() const noexcept { return target_; }
  const std::string& remote_address() const noexcept { return remote_; }
  const core::header_list& request_headers() const noexcept { return request_headers_; }
  const core::header_list& response_headers() const noexcept { return response_headers_; }
  void set_user_data(std::shared_ptr<void> data);
  std::shared_ptr<void> user_data();

 private:
  enum class phase : std::uint8_t {
    handshake,  // TLS and HTTP upgrade
    http,       // answering a plain HTTP request, then closing
    open,
    closing,    // a close frame went one way or both
    closed,
  };

  bool on_loop() const noexcept;
  // I/O
  void read();
  void on_readable(std::error_code ec);
  void on_hot_read(std::error_code ec, std::size_t n);
  void note_read();
  void read_tls();
  void on_tls_read(std::error_code ec, std::size_t n, std::byte* buffer);
  // Hands read bytes to the handshake or the core; false when the session ended.
  bool consume(std::error_code ec, std::span<std::byte> data);
  void trim();
  void shutdown_tls();
  void flush();
  void on_write(std::error_code ec);
  void after_io();
  bool want_read() const noexcept;
  void schedule_flush();
  void begin_transport_close();
  void finish(std::error_code why);
  // WebSocket
  void become_open();
  void on_frames(std::span<std::byte> data);
  std::error_code send_on_loop(message_kind kind, std::span<const std::byte> payload, std::size_t reserved);
  std::error_code close_on_loop(std::uint16_t code, std::string_view reason, std::error_code why = {});
  std::error_code over_limit();
  bool reserve(std::size_t n) noexcept;
  void account(std::size_t before_pending, std::size_t reserved) noexcept;
  void enter_closing();
  // handshakes
  void on_request_bytes(std::span<std::byte> data);
  void serve_http(const core::http_head& head);
  void on_response_bytes(std::span<std::byte> data);
  void log(log_level level, const std::string& text) const;
  // timers
  std::optional<clock::time_point> next_deadline() const noexcept;
  void arm_timer();
  void on_timer();

  std::shared_ptr<asio::io_context> ctx_holder_;  // the loop outlives every handle to us
  asio::io_context& ctx_;
  net::any_stream stream_;
  core::connection ws_;
  session_options options_;
  const std::uint64_t id_;
  phase phase_ = phase::handshake;
  std::atomic<bool> open_{false};
  std::atomic<bool> finished_{false};
  std::atomic<std::size_t> buffered_{0};
  std::atomic<bool> want_drain_{false};

  std::shared_ptr<server::state> server_;            // server role
  std::shared_ptr<const route_entry> route_;          // server role, chosen during the handshake
  std::unique_ptr<core::server_handshake> server_hs_;
  std::unique_ptr<core::client_handshake> client_hs_;
  client_done client_done_;
  std::shared_ptr<const handlers> handlers_;

  net::loop_buffers& buffers_;       // the loop's shared read buffers
  std::unique_ptr<std::byte[]> tls_own_;  // a TLS read's buffer while the loop's is leased
  std::unique_ptr<std::byte[]> hot_buf_;  // plain streams: a busy connection's own read buffer
  unsigned quick_reads_ = 0;         // reads in a row, each within hot_gap of the one before
  bool cooling_ = false;             // trim() cancelled the hot read in flight to free hot_buf_
  core::detail::byte_buffer write_buf_;   // the outbox being written (swap_output)
  std::string http_out_;             // an HTTP head (101, refusal, plain response), written first
  std::size_t write_counted_ = 0;    // bytes of the write in flight that count in buffered_
  bool reading_ = false;
  bool writing_ = false;
  bool in_handler_ = false;          // inside one of our completion handlers: flush at its end
  bool flush_posted_ = false;
  bool transport_closing_ = false;   // FIN sent: read on until the peer's FIN
  bool tls_shutdown_ = false;        // TLS: close_notify instead of the FIN (shutdown_tls)
  bool close_recorded_ = false;
  close_info close_;
  std::error_code failure_;          // a protocol error or timeout that ended the connection

  asio::steady_timer timer_;
  bool timer_armed_ = false;
  clock::time_point armed_for_{};
  clock::time_point started_{};
  clock::time_point last_rx_{};
  clock::time_point closing_since_{};
  clock::time_point ping_sent_{};
  clock::time_point trim_at_{};      // set: give back large write buffers if still idle then
  bool ping_outstanding_ = false;

  std::string subprotocol_;
  std::string target_;
  std::string remote_;
  core::header_list request_headers_;
  core::header_list response_headers_;
  std::mutex user_mu_;
  std::shared_ptr<void> user_data_;
};

}  // namespace websock::detail
