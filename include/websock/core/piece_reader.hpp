// Hands a received message out in pieces that fit the caller's buffer: fragments, then the piece
// that ends the message. It is the pull-mode receive of the faces that deliver "at most N bytes"
// (websocket.h's WebSocketReceive, WinHTTP's WinHttpWebSocketReceive, IIS's ReadFragment) and of
// a runtime whose owner asks for the next piece into its own buffer.
//
// It sits over a core::connection built with assemble_messages = false and passes the
// connection's control events through (ping, pong, close, error). Pieces the connection produces
// never exceed one input; a piece larger than the caller's buffer is handed out over several
// calls, the remainder first on the next call, before any more input is parsed.
//
//   piece_reader reader;
//   for (;;) {
//     piece_result r = reader.next(conn, input, piece_buffer::copy_into(buffer));
//     input = input.subspan(r.consumed);
//     if (r.piece.type == piece_type::need_input) break;  // read more, then call again
//     ...                                                  // deliver r.piece
//   }
//
// Invariants:
//  1. Message boundaries are the sender's: `last` is set on the final piece of a message only,
//     whatever the frames looked like on the wire and however the input and buffers were cut.
//     The bytes of one message, concatenated in order, are its payload (text: valid UTF-8 as a
//     whole when the connection validates; a piece may end inside a UTF-8 sequence).
//  2. need_input means everything passed was consumed and nothing is held back: the caller may
//     reuse its input buffer. While has_remainder(), the rest of a piece is still in the bytes
//     of an earlier input (already consumed) and is handed out first: keep them unchanged until
//     has_remainder() is false.
//  3. message_open() is true from the first piece of a message handed out until its last byte
//     is; open_kind() is that message's kind. A message cut short by a close or an error stays
//     open: its end was never delivered.
//  4. Pieces and control payloads are views valid until the next call on the reader or the
//     connection: into the caller's buffer (copy_into), the caller's input (in_place), or the
//     connection (ping, pong and close payloads).
// Thread rules: none. Like the connection it serves, it is single-threaded and does no I/O; it
// holds no pointer to the connection, which is passed on each call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "websock/core/connection.hpp"

namespace websock::core {

// Where a data piece goes.
struct piece_buffer {
  std::byte* data = nullptr;  // nullptr: in place
  std::size_t size = std::numeric_limits<std::size_t>::max();  // at least 1

  // Copy at most buffer.size() bytes into `buffer` (which must not be empty).
  static piece_buffer copy_into(std::span<std::byte> buffer) noexcept {
    return {buffer.data(), buffer.size()};
  }
  // Hand out a view of at most `max` bytes of the input, no copy.
  static piece_buffer in_place(std::size_t max = std::numeric_limits<std::size_t>::max()) noexcept {
    return {nullptr, max};
  }
};

enum class piece_type : std::uint8_t {
  need_input,  // all input consumed; nothing to hand out until more arrives
  data,        // a piece of a message
  ping,        // control events, passed through from the connection
  pong,
  close,
  error,
};

struct piece {
  piece_type type = piece_type::need_input;
  message_kind kind = message_kind::binary;  // data
  bool last = false;                         // data: this piece ends its message
  std::uint16_t code = 0;                    // close: the peer's status; error: the code we fail with
  errc error = errc::ok;                     // error
  std::span<const std::byte> bytes;          // data, ping/pong payload, close reason
};

struct piece_result {
  std::size_t consumed = 0;  // bytes of `input` parsed; the rest stays with the caller
  struct piece piece;
};

class piece_reader {
 public:
  // The next piece: the held remainder if any, else whatever `conn` makes of `input`.
  // Precondition: conn.options().assemble_messages is false; `into.size` is at least 1.
  piece_result next(connection& conn, std::span<std::byte> input, piece_buffer into);

  // Part of a piece is still to be handed out (invariant 2).
  bool has_remainder() const noexcept { return remainder_size_ != 0; }
  // A message has begun being handed out and its last piece has not (invariant 3).
  bool message_open() const noexcept { return message_open_; }
  message_kind open_kind() const noexcept { return open_kind_; }

 private:
  piece hand_out(const std::byte* bytes, std::size_t size, message_kind kind, bool ends_message,
                 piece_buffer into) noexcept;

  const std::byte* remainder_ = nullptr;
  std::size_t remainder_size_ = 0;
  bool remainder_ends_message_ = false;
  bool message_open_ = false;
  message_kind open_kind_ = message_kind::binary;
};

}  // namespace websock::core
