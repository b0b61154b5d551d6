// The sans-I/O RFC 6455 engine: bytes in, events and bytes out. No sockets, threads or clocks.
//
// Receiving: hand receive() whatever bytes arrived, in any split. It unmasks in place, validates, and
// returns at the first event (message, ping, pong, close, error) with the number of bytes it consumed;
// call again with the rest. When it returns event_type::none it has consumed everything: partial
// frames are kept inside, so the caller may reuse its read buffer. Event payloads view either the
// caller's buffer or the engine's own and stay valid until the next call on the connection.
//
// Sending: send*() append complete frames to the outbox (pending_output / consume_output), together
// with the automatic pongs and close replies, so one write carries everything queued. start_frame()
// is the zero-copy alternative: it returns just the header and the caller writes the payload.
//
// Invariants:
//  1. After a protocol error the connection is failed: receive() consumes and ignores all input,
//     sends fail with errc::connection_failed, and (with auto_close) the close frame carrying the
//     error's close code is in the outbox.
//  2. After a close frame is received, later input is ignored (RFC 6455 5.5.1: no data after close).
//  3. After our close frame is sent no data frame may follow; pings and pongs may until both
//     closes have crossed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "websock/core/close.hpp"
#include "websock/core/detail/byte_buffer.hpp"
#include "websock/core/error.hpp"
#include "websock/core/frame.hpp"
#include "websock/core/frame_parser.hpp"
#include "websock/core/permessage_deflate.hpp"
#include "websock/core/random.hpp"
#include "websock/core/utf8.hpp"

namespace websock::core {

namespace detail {
class message_deflater;
class message_inflater;
}  // namespace detail

enum class role : std::uint8_t { client, server };
enum class message_kind : std::uint8_t { text, binary };

struct connection_options {
  role endpoint_role = role::server;
  // Largest message accepted (sum of its frames' payloads). 1009 beyond it.
  std::uint64_t max_message_size = 64u << 20;
  // Largest single frame payload accepted. 1009 beyond it.
  std::uint64_t max_frame_size = std::uint64_t{1} << 62;
  // true: each message event is a whole message. false: message events are pieces as they arrive,
  // the last one flagged `last` (what websocket.h, WinHTTP and IIS hand out).
  bool assemble_messages = true;
  // Queue a pong for each ping received.
  bool auto_pong = true;
  // Answer a received close, and send a close frame when the connection fails.
  bool auto_close = true;
  // Check text messages and close reasons for UTF-8.
  bool validate_utf8 = true;
  // Accept frames whose MASK bit is wrong for our role (websocket.h's DISABLE_MASKING, server side).
  bool accept_wrong_masking = false;
  // Client only: mask with the all-zero key instead of a random one (websocket.h DISABLE_MASKING).
  bool zero_mask_key = false;
  // RSV bits a negotiated extension gives meaning to, in wire position (rsv1_bit for deflate).
  std::uint8_t allowed_rsv = 0;
  // permessage-deflate as the handshake negotiated it (RFC 7692); implies RSV1. Received messages
  // with RSV1 are inflated in steps of inflate_step, and max_message_size counts the inflated
  // bytes, checked at each step (1009 as soon as it is crossed). Sent messages of at least
  // min_compress_size bytes, and every fragmented one, are compressed; start_frame() frames are not.
  std::optional<deflate_session> deflate;
  // An emptied outbox larger than this is freed at once. A runtime that frees idle buffers
  // itself (after a quiet spell) raises it, so busy connections do not reallocate per write.
  std::size_t keep_output_capacity = 64u << 10;
  random_source random = openssl_random();
};

enum class event_type : std::uint8_t {
  none,     // all input consumed, nothing to report
  message,  // a message, or with assemble_messages=false a piece of one
  ping,
  pong,
  close,    // the peer's close frame, or the loss of the transport (code 1006)
  error,    // protocol violation: the connection is failed
};

struct event {
  event_type type = event_type::none;
  message_kind kind = message_kind::binary;  // message
  bool last = true;                          // message: this piece ends the message
  std::uint8_t rsv = 0;                      // message: RSV bits of the message's first frame
  std::uint16_t code = 0;                    // close: received status; error: code we fail with
  errc error = errc::ok;                     // error
  std::span<const std::byte> payload;        // message bytes, ping/pong payload, close reason

  std::string_view text() const noexcept {
    return {reinterpret_cast<const char*>(payload.data()), payload.size()};
  }
};

struct receive_result {
  std::size_t consumed = 0;
  event ev;
};

// A frame started with start_frame(): write header, then the payload (masked with `mask` from
// payload offset 0 when `masked`).
struct outgoing_frame {
  encoded_header header;
  bool masked = false;
  mask_key mask{};
};

class connection {
 public:
  explicit connection(connection_options options = {});
  ~connection();

  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  connection(connection&&) noexcept;
  connection& operator=(connection&&) noexcept;

  // ---- receiving ----
  receive_result receive(std::span<std::byte> input);
  // Copy-free input for a large frame (assembled messages only): while an uncompressed data
  // frame's payload is being received and at least direct_input_min bytes of it are still to
  // come, the place in the assembly buffer where they go (sized from the frame header when the
  // frame began). Read the transport straight into it, then call receive_direct(n) instead of
  // receive(): it unmasks in place and reports as receive() does. Empty: use receive().
  static constexpr std::size_t direct_input_min = 16u << 10;
  std::span<std::byte> direct_input() noexcept;
  receive_result receive_direct(std::size_t n);
  // If `payload` is the assembled message the last receive() reported, hands its buffer over
  // (the payload's bytes start at its beginning; the next message is assembled in a fresh one),
  // so that the caller can keep the message without copying it. Else null.
  std::unique_ptr<std::byte[]> take_message_buffer(std::span<const std::byte> payload) noexcept;
  // The transport ended. Returns the close event the application should see: 1006 if no close frame
  // was received (and marks the connection closed), or type none if the close was already reported.
  event transport_closed() noexcept;

  // ---- sending into the outbox ----
  errc send(message_kind kind, std::span<const std::byte> payload);
  errc send(std::string_view text) { return send(message_kind::text, as_bytes(text)); }
  // One frame of a fragmented message; `last` ends it. The first call chooses the kind.
  errc send_fragment(message_kind kind, std::span<const std::byte> payload, bool last);
  errc send_ping(std::span<const std::byte> payload = {});
  errc send_pong(std::span<const std::byte> payload = {});
  // code == close_code::no_status sends an empty close frame (the reason must then be empty).
  errc send_close(std::uint16_t code = close_code::normal, std::string_view reason = {});

  // ---- zero-copy sending ----
  // Validates and records a frame of `payload_size` bytes like the send*() calls, but returns its
  // header instead of queueing it. `op` is text/binary (continuation chosen automatically while a
  // message is open), ping, pong or close. For close the caller must pass a payload that
  // check_close_to_send() accepted.
  errc start_frame(opcode op, bool fin, std::uint64_t payload_size, outgoing_frame& out);
  static errc check_close_to_send(std::uint16_t code, std::string_view reason) noexcept;

  // ---- a whole message whose payload the caller writes ----
  // Server role, where nothing is masked: queues only the header of a whole data message of
  // `size` bytes; the caller writes the payload itself right after everything now in the outbox,
  // and before anything queued later (a gather write of outbox and payload, no copy). Applies
  // when can_send_header_only(size): no fragmented message of ours is open, and the message would
  // not be compressed (below min_compress_size, or no deflate). Errors as send().
  bool can_send_header_only(std::size_t size) const noexcept;
  errc send_header_only(message_kind kind, std::size_t size);

  // ---- a whole control frame into the caller's memory ----
  // Encodes a ping, pong or close frame (header and payload, masked as our role requires) into
  // `out` and sets `size` to its length, for callers that keep their own control frames outside
  // the outbox (websocket.h's automatic pongs). Arguments are checked first (opcode, payload size,
  // a close payload as check_close_to_send() judges its code and reason, room in `out`), then the
  // state exactly as start_frame() checks it; on success the frame counts as sent (a close sets
  // close_sent()). On error nothing is written and `size` is 0.
  errc encode_control_frame(opcode op, std::span<const std::byte> payload, std::span<std::byte> out,
                            std::size_t& size);

  // ---- the outbox ----
  std::span<const std::byte> pending_output() const noexcept {
    return {outbox_.data() + outbox_head_, outbox_.size() - outbox_head_};
  }
  void consume_output(std::size_t n) noexcept;
  // Double buffering without copies: hands the pending output over in `spare` (whose old contents
  // are discarded, its capacity reused as the new outbox). Write `spare` out, clear it, and pass it
  // back on the next call; sends made meanwhile go to the new outbox.
  void swap_output(detail::byte_buffer& spare) noexcept;
  bool has_output() const noexcept { return outbox_head_ < outbox_.size(); }

  // ---- state ----
  role endpoint_role() const noexcept { return options_.endpoint_role; }
  bool close_sent() const noexcept { return close_sent_; }
  bool close_received() const noexcept { return close_received_; }
  bool failed() const noexcept { return failure_ != errc::ok; }
  errc failure() const noexcept { return failure_; }
  bool in_outgoing_message() const noexcept { return send_in_message_; }
  // Both closes crossed (or we failed): the server should close TCP once the outbox is written
  // (RFC 6455 7.1.1); a client waits for the server to do so, with a timeout of the caller's.
  bool closing_complete() const noexcept { return (close_sent_ && close_received_) || failed(); }
  bool should_close_transport() const noexcept {
    return closing_complete() && !has_output() &&
           (options_.endpoint_role == role::server || failed());
  }
  const connection_options& options() const noexcept { return options_; }

  // ---- memory ----
  // Bytes held for assembling messages that arrive in pieces (their capacity, not their size):
  // what a process-wide budget counts.
  std::size_t assembly_capacity() const noexcept { return message_buf_.capacity(); }
  // Frees the assembly buffer if no message is being assembled (a quiet connection keeps none),
  // and between messages the compressor and decompressor of a direction without context
  // takeover (they hold no history worth keeping).
  void release_idle_memory() noexcept;
  // True while zlib state is allocated for permessage-deflate (for memory tests and diagnostics).
  bool holds_deflate_memory() const noexcept;
  // True while release_idle_memory() would free zlib state now (a direction without takeover,
  // between messages): a runtime then schedules it for when the connection has gone quiet.
  bool holds_releasable_deflate_memory() const noexcept;
  // Fails the connection from outside, as the receive rules fail it (7.1.7): queues the close
  // with close_code_for(e), ignores further input, and frees the message being assembled. Returns
  // the error event to report; type none if the connection had already failed.
  event fail_from_outside(errc e);

  static std::span<const std::byte> as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
  }

 private:
  bool deflater_releasable() const noexcept;
  bool inflater_releasable() const noexcept;
  event fail(errc e);
  errc check_message_size() const noexcept;
  event control_frame_complete();
  bool try_whole_frame(std::span<std::byte> input, receive_result& out);
  // A compressed message's data: inflates `in` (kept in inflate_in_ if a step fills first), then
  // the RFC 7692 tail when `ends_message`. Returns the event to report, or type none for "go on".
  event inflate_data(std::span<const std::byte> in, bool ends_message);
  // The message event for `produced` inflated bytes (pieces: inflate_out_; whole: message_buf_).
  event deliver_inflated(std::size_t produced, bool message_done);
  // An uncompressed data frame's piece, unmasked: validated, counted, then handed out or
  // assembled (already in place when it came through direct_input). Type none: go on.
  event take_data(std::span<const std::byte> piece, bool frame_done, bool in_place);
  errc append_frame(opcode op, bool fin, std::span<const std::byte> payload, std::uint8_t rsv = 0);
  void next_mask(mask_key& key);

  connection_options options_;

  // Receive side.
  frame_parser parser_;
  bool ignoring_input_ = false;         // failed, closed, or the transport ended
  bool in_message_ = false;             // a fragmented data message is open
  message_kind message_kind_ = message_kind::binary;
  std::uint8_t message_rsv_ = 0;
  bool message_compressed_ = false;     // RSV1 on its first frame, deflate negotiated
  std::unique_ptr<detail::message_inflater> inflater_;
  detail::byte_buffer inflate_in_;      // compressed bytes a full step left over (pieces mode)
  std::size_t inflate_in_head_ = 0;
  bool inflate_in_ends_message_ = false;  // the bytes in inflate_in_ are the message's last
  bool inflate_pending_ = false;        // inflate_in_ or zlib still hold output to hand out
  detail::byte_buffer inflate_out_;     // one step of output (pieces mode)
  std::uint64_t message_size_ = 0;
  utf8_validator utf8_;
  detail::byte_buffer message_buf_;     // assembly of messages that do not arrive in one piece
  std::array<std::byte, max_control_payload> control_buf_{};
  std::size_t control_have_ = 0;
  bool assembled_pending_clear_ = false;  // message_buf_ was handed out; clear on the next call
  bool close_received_ = false;
  bool close_reported_ = false;
  errc failure_ = errc::ok;

  // Send side.
  bool send_in_message_ = false;
  message_kind send_kind_ = message_kind::binary;
  bool send_compressed_ = false;        // the open outgoing message is compressed
  std::unique_ptr<detail::message_deflater> deflater_;  // null: our direction cannot compress
  detail::byte_buffer deflate_out_;     // scratch for one compressed frame
  bool close_sent_ = false;
  detail::byte_buffer outbox_;
  std::size_t outbox_head_ = 0;
  std::array<std::byte, 64> random_pool_{};
  std::size_t random_left_ = 0;
};

}  // namespace websock::core
