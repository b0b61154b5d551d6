// A handle to one WebSocket connection, handed to every callback. Handles are cheap to copy and
// keep the connection's state alive (not the socket): a handle to a closed connection is still
// safe to use, its sends just fail with errc::not_open.
//
// Threads: each connection belongs to one worker thread, which runs all its callbacks. Every
// member function may be called from any thread. On the connection's own thread (inside its
// callbacks) sends go straight into the outgoing buffer and leave in one write with everything
// else queued during that callback. From another thread the payload is copied and handed to the
// connection's thread; messages sent from one thread keep their order. The buffered-bytes limit
// is checked at the call in both cases, so the return value is always the final answer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "websock/close_info.hpp"
#include "websock/core/close.hpp"
#include "websock/core/connection.hpp"
#include "websock/core/http.hpp"

namespace websock {

namespace detail {
class session;
}

using message_kind = core::message_kind;
namespace close_code = core::close_code;

// Bytes a send keeps until they are written instead of copying them: `owner` keeps `bytes` alive.
// Make one from anything shared (a broadcast's payload, sent to many connections), or take a
// received message's with message::share().
struct shared_bytes {
  std::shared_ptr<const void> owner;
  std::span<const std::byte> bytes;
};

// A received message. The payload views the read buffer: valid during the callback only.
struct message {
  message_kind kind = message_kind::binary;
  std::span<const std::byte> data;
  detail::session* from = nullptr;  // the receiving session (for share); set by the library

  // The payload as bytes that outlive the callback, for keeping or sending on: without a copy
  // when the connection assembled the message in a buffer of its own (a message that arrived in
  // pieces, a large one), which it then hands over; a copy otherwise. Callback only; call once.
  shared_bytes share() const;

  bool is_text() const noexcept { return kind == message_kind::text; }
  std::string_view text() const noexcept {
    return {reinterpret_cast<const char*>(data.data()), data.size()};
  }
};

class connection {
 public:
  connection() = default;
  explicit connection(std::shared_ptr<detail::session> s) noexcept : s_(std::move(s)) {}

  bool valid() const noexcept { return s_ != nullptr; }
  explicit operator bool() const noexcept { return valid(); }

  std::error_code send_text(std::string_view text) const;
  std::error_code send_binary(std::span<const std::byte> data) const;
  std::error_code send(message_kind kind, std::span<const std::byte> data) const;
  // Without copying the payload where the protocol allows it (a server's messages are not
  // masked; a compressed one is copied as it is compressed): its frame header is queued and the
  // bytes written after it, held by `payload.owner` until written. The echo path:
  // c.send(m.kind, m.share()).
  std::error_code send(message_kind kind, shared_bytes payload) const;
  // Ping payloads are at most 125 bytes. Pongs are sent automatically.
  std::error_code ping(std::span<const std::byte> payload = {}) const;
  // Starts the close handshake. on_close follows when it ends (or the close timeout hits).
  std::error_code close(std::uint16_t code = close_code::normal, std::string_view reason = {}) const;
  // Drops the transport at once, without a close handshake (the peer sees 1006).
  void abort() const;

  // Outgoing bytes not yet handed to the kernel, framing included.
  std::size_t buffered_amount() const noexcept;
  bool is_open() const noexcept;

  // Unique within the process.
  std::uint64_t id() const noexcept;
  // Fixed once the connection is open.
  const std::string& subprotocol() const noexcept;
  // permessage-deflate as negotiated; nullopt: messages go uncompressed.
  std::optional<core::deflate_agreement> deflate() const noexcept;
  const std::string& target() const noexcept;  // request-target, e.g. /chat?room=1
  const std::string& remote_address() const noexcept;
  // Server side: during on_open (on the connection's thread); empty afterwards unless the route
  // set keep_request_headers.
  const core::header_list& request_headers() const noexcept;
  const core::header_list& response_headers() const noexcept;  // client side

  // One pointer of the application's, e.g. a user or room object.
  void set_user_data(std::shared_ptr<void> data) const;
  std::shared_ptr<void> user_data() const;

  friend bool operator==(const connection& a, const connection& b) noexcept { return a.s_ == b.s_; }

 private:
  std::shared_ptr<detail::session> s_;
};

// The callbacks of a route (server) or of a client. All run on the connection's thread.
struct handlers {
  std::function<void(connection&)> on_open;
  std::function<void(connection&, const message&)> on_message;
  std::function<void(connection&, const close_info&)> on_close;
  // The buffered bytes went back to zero after a send was refused or the buffer went over half
  // the limit: a good moment to send more.
  std::function<void(connection&)> on_drain;
  std::function<void(connection&, std::span<const std::byte>)> on_ping;
  std::function<void(connection&, std::span<const std::byte>)> on_pong;
};

}  // namespace websock
