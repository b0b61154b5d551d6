// One upgraded WebSocket connection at run time: the sans-I/O core (core::connection) driven over
// a net::any_stream (TCP, TLS, Unix) on one event loop. Every face stands on it: the modern API
// consumes it in push mode (each message handed over as it completes), the WinHTTP and IIS faces
// in pull mode (the owner asks for the next piece into its own buffer; pull.hpp).
//
// What it owns, and nobody above it repeats:
//  - the read pump: plain streams wait for readability and read into the loop's shared buffer, a
//    busy connection reads into a buffer of its own until it goes quiet; TLS reads lease the loop's
//    TLS buffer;
//  - output: the core's outbox leaves by gather write (an HTTP head first when there is one);
//  - buffer accounting, the backpressure limit and on_drain;
//  - the close handshake of RFC 6455 7.1.1 (the server closes TCP first, the client waits for it),
//    TLS close_notify, and the close timeout;
//  - the timers (client opening handshake, idle, keep-alive ping with dead-peer detection, close,
//    buffer trimming) on one slot of the loop's timer queue (net/timer_queue.hpp).
//
// Threads (docs/runtime.md, "Threads"):
//  1. Everything runs on the channel's loop (the thread running its io_context), and so does every
//     event and every completion.
//  2. send, ping, close, shutdown and abort may be called from any thread. On the loop they act at
//     once; from another thread the payload is copied and posted, sends from one thread keep their
//     order, and the buffered-bytes limit is checked at the call, so the returned error is final.
//  3. The getters marked "any thread" read atomics or fields fixed before the channel opened.
//
// Invariants:
//  1. buffered() == loop_bytes_ (bytes in the core's outbox + bytes of the write in flight that
//     came from it) + posted_bytes_ (bytes reserved by sends posted from other threads, not yet
//     run on the loop). Sends check it first; only control frames
//     (pongs, close) may pass the limit, by their few bytes.
//  2. At most one read and one write are in flight.
//  3. Idle channels hold no read buffer and no write buffer above trim_keep once quiet for
//     trim_delay, and no timer object (a timer_slot only).
//  4. on_closed runs exactly once for a channel that reached on_open; a client channel whose
//     handshake failed gets on_handshake_failed instead, once.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "channel/message_budget.hpp"
#include "net/loop_buffers.hpp"
#include "net/stream.hpp"
#include "net/timer_queue.hpp"
#include "websock/close_info.hpp"
#include "websock/core/connection.hpp"
#include "websock/core/detail/byte_buffer.hpp"
#include "websock/core/handshake.hpp"
#include "websock/core/piece_reader.hpp"
#include "websock/options.hpp"

namespace websock::runtime {
namespace close_code = core::close_code;

class channel;

// What a channel reports, on its loop. Push-mode owners implement all of it; pull-mode owners
// typically only on_open / on_closed, their data arriving through pull completions instead.
class channel_events {
 public:
  virtual ~channel_events() = default;
  virtual void on_open(channel&) {}
  virtual void on_message(channel&, core::message_kind, std::span<const std::byte>) {}
  virtual void on_ping(channel&, std::span<const std::byte>) {}
  virtual void on_pong(channel&, std::span<const std::byte>) {}
  // The buffered bytes went back to zero after a send was refused or passed half the limit.
  virtual void on_drain(channel&) {}
  // Once, after on_open: how the connection ended.
  virtual void on_closed(channel&, const close_info&) {}
  // Client role, once, instead of on_open: the opening handshake failed (error, one-line detail).
  virtual void on_handshake_failed(channel&, std::error_code, const std::string&) {}
  // A line worth logging (protocol errors, timeouts), already free of raw peer bytes.
  virtual void on_log(channel&, std::string_view) {}
};

enum class channel_mode : std::uint8_t {
  push,  // each message, whole, to channel_events::on_message as it completes
  pull,  // the owner asks for the next piece into its own buffer (pull_read), one at a time
};

struct channel_options {
  core::role role = core::role::server;
  session_options limits;
  channel_mode mode = channel_mode::push;
  std::shared_ptr<message_budget> budget;  // shared by a server's channels; null: none
  // Keep-alive by unsolicited pong (RFC 6455 5.5.3) instead of ping: nothing is expected back, so
  // no dead-peer verdict. For pull-mode owners (WinHTTP), who hear the peer only while they read:
  // a ping's answer could sit unread for as long as the owner pleases.
  bool keepalive_pong = false;
  // Server: permessage-deflate as its handshake agreed (a client negotiates its own, from
  // limits.deflate, during start_client).
  std::optional<core::deflate_session> deflate;
};

// What a pull read completes with: a piece of a message, the peer's close, or an error.
struct pull_result {
  std::error_code error;  // set: nothing was read (cancelled, connection failed or lost)
  std::size_t size = 0;   // bytes written into the caller's buffer
  core::message_kind kind = core::message_kind::binary;
  bool last = false;      // this piece ends its message
  bool close = false;     // the peer's close frame arrived: close_code / close_reason
  std::uint16_t close_code = 0;
  std::string_view close_reason;  // valid during the completion only
};
using pull_read_done = std::function<void(const pull_result&)>;

// Bytes a send keeps, instead of copying them, until they are written: `owner` keeps `bytes` alive.
struct shared_payload {
  std::shared_ptr<const void> owner;
  std::span<const std::byte> bytes;
};
// A shared copy of bytes that are not kept otherwise.
shared_payload copy_to_shared(std::span<const std::byte> bytes);
using pull_write_done = std::function<void(std::error_code)>;

class channel final : public std::enable_shared_from_this<channel>, private net::timer_client {
 public:
  using clock = websock::clock;
  // A write buffer or outbox larger than this is given back after trim_delay without writes.
  static constexpr std::size_t trim_keep = 4096;
  static constexpr std::chrono::milliseconds trim_delay{1000};
  // A connection that reads hot_after times, each within hot_gap of the last, reads into a buffer
  // of its own (hot_size) until trim_delay passes without input.
  static constexpr unsigned hot_after = 16;
  static constexpr std::chrono::milliseconds hot_gap{50};
  static constexpr std::size_t hot_size = 64 * 1024;
  // Pull mode: the input buffer held while pieces of it are owed.
  static constexpr std::size_t pull_in_size = 16 * 1024;

  channel(std::shared_ptr<asio::io_context> ctx, net::any_stream stream, const channel_options& options);
  ~channel();
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  // ---- starting (on the loop) ----
  // Server: the HTTP front accepted the upgrade. `response` (the 101 head) is written first; the
  // connection is open at once, and `early` (bytes that came after the request head) is parsed as
  // frames before anything else is read.
  void start_server(std::shared_ptr<channel_events> events, std::string response, std::string target,
                    core::header_list request_headers, std::string subprotocol,
                    std::span<const std::byte> early);
  // Client: writes the upgrade request, checks the 101 (handshake timeout applies), then opens.
  void start_client(std::shared_ptr<channel_events> events, core::client_handshake_options request);
  // Client whose owner exchanged the upgrade itself (an HTTP client that sent the request and
  // checked the 101: WinHTTP). Open at once; `early` (bytes after the 101 head) are read first.
  void start_client_upgraded(std::shared_ptr<channel_events> events, std::string target,
                             core::header_list response_headers, std::string subprotocol,
                             std::span<const std::byte> early);

  // ---- pull mode (on the loop; see channel_pull.cpp) ----
  // Reads the next piece of a message (or the peer's close) into `buffer`. One read may be
  // outstanding; it completes exactly once, on the loop: inline when a piece is ready, else when
  // bytes arrive. A second read while one is outstanding completes at once with
  // errc::operation_in_progress. Pings are answered and pongs absorbed without completing it.
  void pull_read(std::span<std::byte> buffer, pull_read_done done);
  // Sends one piece of a message (`last` ends it). One write may be outstanding; it completes
  // exactly once, on the loop, when the bytes were handed to the kernel (or with an error).
  void pull_write(core::message_kind kind, std::span<const std::byte> payload, bool last, pull_write_done done);
  // On the loop only: sends one piece at once into the outbox, with no completion to wait for
  // (the payload is copied; it leaves in order with everything before it). For owners that report
  // a send complete once it is buffered (WinHTTP's inline WRITE_COMPLETE), and bound what they
  // buffer themselves by buffered().
  std::error_code pull_write_now(core::message_kind kind, std::span<const std::byte> payload, bool last);
  // Completes the outstanding read and write, once each, with operation_canceled. The connection
  // stays as it is (close or abort it separately).
  void pull_cancel();

  // ---- any thread ----
  std::error_code send(core::message_kind kind, std::span<const std::byte> payload);
  // Without a copy where the core allows it (server role, a message that goes out uncompressed):
  // the header is queued and the payload written after it by gather write, held until written.
  // Otherwise as send(). From another thread nothing is copied either.
  std::error_code send(core::message_kind kind, shared_payload payload);
  // On the loop, during on_message: the message as shared bytes, without a copy when the core
  // assembled it in a buffer of its own (which it then hands over), else copied.
  shared_payload share_received(std::span<const std::byte> payload);
  std::error_code ping(std::span<const std::byte> payload);
  std::error_code close(std::uint16_t code, std::string_view reason);
  // Drops the transport without a close handshake (the peer sees 1006).
  void abort();
  // Server shutdown: close with this code whatever the phase.
  void shutdown(std::uint16_t code, std::string reason);
  // Runs `f` on the loop after everything already posted there (at once when called on it).
  void run_on_loop(std::function<void()> f);
  // Runs `f` on the loop and returns once it ran (at once when called on it). For pull owners
  // whose calls come from their own threads and must know at return whether an operation
  // completed inline. Never from a thread the loop waits on.
  void run_on_loop_and_wait(const std::function<void()>& f);
  // Changes the close timeout and the keep-alive interval of an open channel (zero: off).
  void set_timers(std::chrono::milliseconds close_timeout, std::chrono::milliseconds keepalive);
  std::size_t buffered() const noexcept {
    return loop_bytes_.load(std::memory_order_relaxed) + posted_bytes_.load(std::memory_order_relaxed);
  }
  bool is_open() const noexcept { return open_.load(std::memory_order_acquire); }
  bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }
  std::uint64_t id() const noexcept { return id_; }
  // Fixed once open.
  const std::string& subprotocol() const noexcept { return subprotocol_; }
  // permessage-deflate as negotiated (fixed once open); nullopt: not in use.
  const std::optional<core::deflate_agreement>& deflate() const noexcept { return deflate_; }
  const std::string& target() const noexcept { return target_; }
  const std::string& remote_address() const noexcept { return remote_; }
  const core::header_list& request_headers() const noexcept { return request_headers_; }
  // On the loop: gives the request's headers back (an owner that has no more use for them).
  void release_request_headers() noexcept { core::header_list().swap(request_headers_); }
  const core::header_list& response_headers() const noexcept { return response_headers_; }
  asio::io_context& context() const noexcept { return ctx_; }
  bool on_loop() const noexcept;

 private:
  enum class phase : std::uint8_t {
    handshake,  // client: request out, waiting for the 101
    open,
    closing,    // a close frame went one way or both
    closed,
  };

  // reading (channel_read.cpp)
  bool want_read() const noexcept;
  void read();
  void on_readable(std::error_code ec);
  void on_hot_read(std::error_code ec, std::size_t n);
  void note_read();
  void read_tls();
  void on_tls_read(std::error_code ec, std::size_t n, std::byte* buffer);
  bool consume(std::error_code ec, std::span<std::byte> data);
  void on_frames(std::span<std::byte> data);
  // Push mode, a large frame: read straight into the core's assembly buffer (direct_input).
  void read_direct(std::span<std::byte> into);
  void on_direct_input(std::size_t n);
  // One core event to the owner; false when there was none or the channel closed meanwhile.
  bool deliver(const core::event& ev);
  // Over half the buffered-bytes limit: stop reading and delivering until the output drains.
  bool output_backed_up() const noexcept { return buffered() > limits_.max_buffered_bytes / 2; }
  void parse_held_input();
  // Brings the budget's count of our assembly buffer up to date; over budget: fail with 1013.
  void settle_budget();
  // The peer's close frame (the core queued our reply), or a protocol error (the core queued the
  // close with its code): kept for on_closed, and the closing phase begins.
  void record_close(std::uint16_t code, std::span<const std::byte> reason);
  void record_failure(std::uint16_t code, core::errc error);
  // A pong arrived: an outstanding keep-alive ping is answered.
  void note_pong();
  // Bytes that came before the channel read anything itself (with the 101): push mode parses
  // them at once, pull mode keeps them for the next pull_read.
  void feed_early(std::span<const std::byte> data);
  void on_response_bytes(std::span<std::byte> data);
  // writing (channel_write.cpp)
  void schedule_flush();
  void flush();
  void on_write(std::error_code ec);
  void after_io();
  template <class F>
  void post_on_loop(F&& f);
  std::error_code send_on_loop(core::message_kind kind, std::span<const std::byte> payload, std::size_t reserved);
  std::error_code send_shared_on_loop(core::message_kind kind, shared_payload payload, std::size_t reserved);
  void start_gather_write();
  std::error_code over_limit();
  bool reserve(std::size_t n) noexcept;
  void account(std::size_t before_pending, std::size_t reserved) noexcept;
  // closing (channel_close.cpp)
  std::error_code close_on_loop(std::uint16_t code, std::string_view reason, std::error_code why = {});
  void enter_closing();
  void begin_transport_close();
  void shutdown_tls();
  void finish(std::error_code why);
  void become_open();
  // Both starts whose handshake is already done (server, client upgraded by its owner): open now,
  // then the bytes that came after the handshake's head.
  void open_at_once(std::shared_ptr<channel_events> events, std::string target, std::string subprotocol,
                    std::span<const std::byte> early);
  // pull mode (channel_pull.cpp)
  void pump_pull();
  void read_pull();
  void complete_read(const pull_result& r);
  void complete_write(std::error_code ec);
  void end_pull(std::error_code why);
  // timers (channel_timers.cpp)
  void arm_timer();
  void on_deadline() override;
  void trim();
  void log(std::string_view text);

  std::shared_ptr<asio::io_context> ctx_holder_;  // the loop outlives every handle to us
  asio::io_context& ctx_;
  net::loop_buffers& buffers_;
  net::timer_queue& timers_;
  net::any_stream stream_;
  core::connection ws_;
  session_options limits_;
  std::shared_ptr<channel_events> events_;  // dropped once finished: breaks the owner's cycle
  const std::uint64_t id_;
  phase phase_ = phase::handshake;
  std::atomic<bool> open_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> want_drain_{false};
  // The buffered-bytes count in two parts (invariant 1), so that the loop, which counts every frame,
  // updates its part with a plain store instead of a locked read-modify-write per message.
  std::atomic<std::size_t> loop_bytes_{0};    // written on the loop only
  std::atomic<std::size_t> posted_bytes_{0};  // any thread
  void add_loop_bytes(std::size_t n) noexcept {
    loop_bytes_.store(loop_bytes_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  // transport
  std::unique_ptr<core::client_handshake> client_hs_;  // client, until the 101 is checked
  std::unique_ptr<std::byte[]> tls_own_;  // a TLS read's buffer while the loop's is leased
  std::unique_ptr<std::byte[]> hot_buf_;  // plain streams: a busy connection's own read buffer
  // Push mode: input read but not yet parsed because our output went over half the limit in the
  // middle of it (at most one read's worth). Parsed first once the output drains.
  std::vector<std::byte> held_in_;
  std::shared_ptr<message_budget> budget_;
  std::size_t budget_counted_ = 0;  // our assembly capacity as the budget last counted it
  core::detail::byte_buffer write_buf_;   // the outbox being written (swap_output)
  std::string head_out_;                  // an HTTP head (101 or the client's request), written first
  std::size_t write_counted_ = 0;         // bytes of the write in flight that count in loop_bytes_
  unsigned quick_reads_ = 0;              // reads in a row, each within hot_gap of the one before
  bool cooling_ = false;                  // trim() cancelled the hot read in flight to free hot_buf_
  bool reading_ = false;
  bool writing_ = false;
  bool in_handler_ = false;               // inside one of our handlers: flush at its end
  bool flush_posted_ = false;
  bool transport_closing_ = false;        // FIN (or close_notify) sent: read on until the peer's end
  bool tls_shutdown_ = false;             // TLS: the shutdown reads the peer's close_notify itself

  // how it ended (reported once by on_closed)
  close_info close_;
  bool close_recorded_ = false;  // close_ holds the peer's close or our protocol error
  std::error_code failure_;      // a protocol error or timeout that ended the connection

  // timers: one slot in the loop's queue, deadlines derived from these stamps
  net::timer_slot slot_;
  clock::time_point started_{};
  clock::time_point last_rx_{};
  clock::time_point closing_since_{};
  clock::time_point ping_sent_{};
  clock::time_point trim_at_{};
  bool ping_outstanding_ = false;
  bool keepalive_pong_ = false;  // channel_options::keepalive_pong

  // Shared payloads (send(kind, shared_payload)): each goes out right after the outbox byte `at`
  // (an offset into the pending output, which only grows until the flush takes it whole).
  struct shared_out {
    std::size_t at = 0;
    shared_payload payload;
  };
  struct shared_output {
    std::vector<shared_out> pending;  // for the next write
    std::vector<shared_out> writing;  // in the write in flight
    std::vector<asio::const_buffer> gather;
  };
  std::unique_ptr<shared_output> shared_;  // made by the first shared send; freed by trim()

  // pull mode: the input lives in a buffer of the channel's while a piece of it is owed (the piece
  // reader's remainder points into it), and is freed once consumed and quiet.
  struct pull_state {
    core::piece_reader reader;
    std::unique_ptr<std::byte[]> in;
    std::size_t begin = 0, end = 0;  // unparsed input
    std::span<std::byte> read_into;
    pull_read_done read_done;        // set: a read is outstanding
    pull_write_done write_done;      // set: a write is outstanding
    std::uint64_t write_in_flush = 0;  // the flush that carries the outstanding write's bytes
    bool pumping = false;            // inside pump_pull: completions nest no deeper
    bool read_in_flight = false;     // a socket read is writing into `in`: it must not be freed
  };
  std::unique_ptr<pull_state> pull_;  // pull mode only
  std::uint64_t flushes_ = 0;         // flushes started

  std::string subprotocol_;
  std::optional<core::deflate_agreement> deflate_;
  channel_mode mode_ = channel_mode::push;
  std::string target_;
  std::string remote_;
  core::header_list request_headers_;
  core::header_list response_headers_;
};

}  // namespace websock::runtime
