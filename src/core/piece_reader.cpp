#include "websock/core/piece_reader.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace websock::core {

// Cuts at most into.size bytes off [bytes, bytes + size) and keeps the rest as the remainder.
piece piece_reader::hand_out(const std::byte* bytes, std::size_t size, message_kind kind,
                             bool ends_message, piece_buffer into) noexcept {
  const std::size_t n = std::min(size, into.size);
  const std::byte* at = bytes;
  if (into.data != nullptr) {
    if (n != 0) std::memcpy(into.data, bytes, n);
    at = into.data;
  }
  remainder_ = n < size ? bytes + n : nullptr;
  remainder_size_ = size - n;
  remainder_ends_message_ = remainder_size_ != 0 && ends_message;

  piece p;
  p.type = piece_type::data;
  p.kind = kind;
  p.last = ends_message && remainder_size_ == 0;
  p.bytes = {at, n};
  message_open_ = !p.last;
  open_kind_ = kind;
  return p;
}

piece_result piece_reader::next(connection& conn, std::span<std::byte> input, piece_buffer into) {
  assert(!conn.options().assemble_messages && into.size != 0);
  // Invariant 2: what is owed from an earlier input goes first; the new input waits.
  if (remainder_size_ != 0) {
    return {0, hand_out(remainder_, remainder_size_, open_kind_, remainder_ends_message_, into)};
  }
  const receive_result r = conn.receive(input);
  const event& ev = r.ev;
  piece_result out;
  out.consumed = r.consumed;
  piece& p = out.piece;
  switch (ev.type) {
    case event_type::none:
      break;  // need_input
    case event_type::message:
      p = hand_out(ev.payload.data(), ev.payload.size(), ev.kind, ev.last, into);
      break;
    case event_type::ping:
      p.type = piece_type::ping;
      p.bytes = ev.payload;
      break;
    case event_type::pong:
      p.type = piece_type::pong;
      p.bytes = ev.payload;
      break;
    case event_type::close:
      p.type = piece_type::close;
      p.code = ev.code;
      p.bytes = ev.payload;
      break;
    case event_type::error:
      p.type = piece_type::error;
      p.code = ev.code;
      p.error = ev.error;
      break;
  }
  return out;
}

}  // namespace websock::core
