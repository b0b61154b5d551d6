#include "websock/core/connection.hpp"

#include <algorithm>
#include <cstring>

namespace websock::core {
namespace {

constexpr std::size_t retained_message_capacity = 4u << 20;  // free the assembly buffer above this

// Header length implied by the second header byte: 2, plus the extended length, plus the key.
inline std::size_t header_length(std::byte b1) noexcept {
  const auto v = std::to_integer<std::uint8_t>(b1);
  const std::uint8_t len7 = v & 0x7F;
  return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((v & 0x80) != 0 ? 4 : 0);
}

// Unmasks (when `key` is given) a payload of at most 125 bytes in place and returns the OR of
// its bytes' high bits, so a text payload that is all ASCII needs no UTF-8 automaton. Small
// payloads are the hot case of the echo path; inlining this beats the general apply_mask there.
inline std::uint64_t unmask_small(std::byte* p, std::size_t size, const std::byte* key) noexcept {
  std::uint64_t k64 = 0;
  if (key != nullptr) {
    std::uint32_t k32;
    std::memcpy(&k32, key, 4);
    k64 = (std::uint64_t{k32} << 32) | k32;
  }
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, p + i, 8);
    v ^= k64;
    std::memcpy(p + i, &v, 8);
    high |= v;
  }
  for (; i < size; ++i) {
    const auto v = std::to_integer<std::uint8_t>(p[i]) ^ static_cast<std::uint8_t>(k64 >> (8 * (i & 7)));
    p[i] = static_cast<std::byte>(v);
    high |= v;
  }
  return high & 0x8080808080808080ull;
}

}  // namespace

connection::connection(connection_options options) : options_(std::move(options)) {
  if (options_.random.fill == nullptr) options_.random = openssl_random();
}

// ------------------------------------------------------------------ receiving

event connection::fail(errc e) {
  failure_ = e;
  state_ = parse_state::ignoring;
  in_message_ = false;
  event ev;
  ev.type = event_type::error;
  ev.error = e;
  ev.code = close_code_for(e);
  // 7.1.7 "Fail the WebSocket Connection": send a Close frame with the matching status first.
  if (options_.auto_close && !close_sent_) {
    std::array<std::byte, 2> payload{static_cast<std::byte>(ev.code >> 8),
                                     static_cast<std::byte>(ev.code & 0xFF)};
    append_frame(opcode::close, true, payload);
    close_sent_ = true;
  }
  return ev;
}

// Rules that the first two header bytes already decide, checked before the rest arrives.
errc connection::check_header() {
  const auto op = frame_.op;
  const bool control = is_control(op);
  // 5.2: RSV bits "MUST be 0 unless an extension is negotiated that defines meanings"; RFC 7692
  // puts RSV1 on the first frame of a data message only.
  if (frame_.rsv != 0) {
    if ((frame_.rsv & ~options_.allowed_rsv) != 0 || control || op == opcode::continuation) {
      return errc::reserved_bits;
    }
  }
  if (control) {
    if (!frame_.fin) return errc::fragmented_control_frame;         // 5.5
    if (frame_.payload_size > max_control_payload) return errc::control_frame_too_large;
  } else if (op == opcode::continuation) {
    if (!in_message_) return errc::unexpected_continuation;          // 5.4
  } else if (in_message_) {
    return errc::expected_continuation;                              // 5.4
  }
  if (!options_.accept_wrong_masking) {
    // 5.1: clients MUST mask, servers MUST NOT; the receiver MUST fail the connection otherwise.
    const bool masked = frame_.mask.has_value();
    if (options_.endpoint_role == role::server && !masked) return errc::unmasked_frame;
    if (options_.endpoint_role == role::client && masked) return errc::masked_frame;
  }
  return errc::ok;
}

// Fields the first two header bytes decide; the rest of the header may not have arrived yet.
void connection::decode_first_bytes(std::uint8_t b0, std::uint8_t b1) noexcept {
  frame_.fin = (b0 & 0x80) != 0;
  frame_.rsv = b0 & 0x70;
  frame_.op = static_cast<opcode>(b0 & 0x0F);
  frame_.payload_size = b1 & 0x7F;
  if ((b1 & 0x80) != 0) {
    frame_.mask = mask_key{};
  } else {
    frame_.mask.reset();
  }
}

// Decodes and checks a complete header.
errc connection::decode_header(const std::byte* h) {
  const auto b0 = std::to_integer<std::uint8_t>(h[0]);
  const auto b1 = std::to_integer<std::uint8_t>(h[1]);
  if (!is_known_opcode(b0 & 0x0F)) return errc::reserved_opcode;
  decode_first_bytes(b0, b1);
  // The same checks, on the same two bytes, as when the header arrives split: the error must not
  // depend on where the reads fell.
  if (errc e = check_header(); e != errc::ok) return e;
  const std::uint8_t len7 = b1 & 0x7F;
  std::size_t pos = 2;
  if (len7 == 126) {
    frame_.payload_size =
        (std::to_integer<std::uint64_t>(h[2]) << 8) | std::to_integer<std::uint64_t>(h[3]);
    pos = 4;
  } else if (len7 == 127) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | std::to_integer<std::uint64_t>(h[2 + i]);
    frame_.payload_size = v;
    pos = 10;
  }
  if (frame_.mask) std::memcpy(frame_.mask->data(), h + pos, 4);
  // 5.2: "the minimal number of bytes MUST be used to encode the length"; the 64-bit form's
  // most significant bit MUST be 0.
  if (len7 == 126 && frame_.payload_size < 126) return errc::non_minimal_length;
  if (len7 == 127) {
    if ((frame_.payload_size >> 63) != 0) return errc::length_msb_set;
    if (frame_.payload_size <= 0xFFFF) return errc::non_minimal_length;
  }
  if (!is_control(frame_.op)) {
    if (frame_.payload_size > options_.max_frame_size) return errc::frame_too_large;
    const std::uint64_t so_far = frame_.op == opcode::continuation ? message_size_ : 0;
    if (frame_.payload_size > options_.max_message_size - so_far) return errc::message_too_large;
  }
  return errc::ok;
}

// Gathers the header (2 to 14 bytes) from `input`. Returns true when a header is complete and
// valid; false with error == ok when more bytes are needed.
bool connection::parse_header(std::span<std::byte>& input, std::size_t& consumed, errc& error) {
  if (header_have_ == 0 && input.size() >= 2) {
    const std::size_t need = header_length(input[1]);
    if (input.size() >= need) {
      // Fast path: the whole header is contiguous in the caller's buffer.
      error = decode_header(input.data());
      input = input.subspan(need);
      consumed += need;
      return error == errc::ok;
    }
  }
  while (header_have_ < header_need_ && !input.empty()) {
    header_buf_[header_have_++] = input[0];
    input = input.subspan(1);
    ++consumed;
    if (header_have_ == 2) {
      header_need_ = static_cast<std::uint8_t>(header_length(header_buf_[1]));
      // Fail fast on what two bytes already show: opcode, reserved bits, control rules, masking.
      const auto b0 = std::to_integer<std::uint8_t>(header_buf_[0]);
      if (!is_known_opcode(b0 & 0x0F)) {
        error = errc::reserved_opcode;
        return false;
      }
      decode_first_bytes(b0, std::to_integer<std::uint8_t>(header_buf_[1]));
      if (errc e = check_header(); e != errc::ok) {
        error = e;
        return false;
      }
    }
  }
  if (header_have_ < header_need_) return false;
  header_have_ = 0;
  header_need_ = 2;
  error = decode_header(header_buf_.data());
  return error == errc::ok;
}

event connection::control_frame_complete() {
  const std::span<const std::byte> payload{control_buf_.data(), control_have_};
  event ev;
  ev.payload = payload;
  switch (frame_.op) {
    case opcode::ping:
      ev.type = event_type::ping;
      // 5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response ...
      // with identical Application data".
      if (options_.auto_pong && !(close_sent_ && close_received_)) {
        append_frame(opcode::pong, true, payload);
      }
      return ev;
    case opcode::pong:
      ev.type = event_type::pong;  // 5.5.3: an unsolicited pong is allowed and needs no answer
      return ev;
    case opcode::close: {
      close_payload parsed;
      if (errc e = parse_close_payload(payload, parsed, options_.validate_utf8); e != errc::ok) {
        return fail(e);
      }
      close_received_ = true;
      close_reported_ = true;
      state_ = parse_state::ignoring;  // 5.5.1: nothing after a close frame is processed
      ev.type = event_type::close;
      ev.code = parsed.code;
      ev.payload = payload.subspan(payload.empty() ? 0 : 2);
      // 5.5.1: "it MUST send a Close frame in response", typically echoing the status code.
      if (options_.auto_close && !close_sent_) {
        append_frame(opcode::close, true,
                     parsed.code == close_code::no_status ? std::span<const std::byte>{}
                                                          : payload.first(2));
        close_sent_ = true;
      }
      return ev;
    }
    default:
      return ev;  // unreachable: check_header admits only known opcodes
  }
}

// Fast path for the most common input: a whole small data frame (one header byte pattern, the
// 7-bit length, masking as our role requires) arriving while no message is open. Everything the
// general path checks is either implied by that pattern or checked here; anything else falls
// through to the general path.
bool connection::try_whole_frame(std::span<std::byte> input, receive_result& out) {
  if (state_ != parse_state::header || header_have_ != 0 || in_message_ || input.size() < 2) {
    return false;
  }
  const auto b0 = std::to_integer<std::uint8_t>(input[0]);
  const auto b1 = std::to_integer<std::uint8_t>(input[1]);
  const bool server = options_.endpoint_role == role::server;
  if ((b0 != 0x81 && b0 != 0x82) || (b1 & 0x80) != (server ? 0x80 : 0x00) || (b1 & 0x7F) > 125) {
    return false;
  }
  const std::size_t size = b1 & 0x7F;
  const std::size_t header = server ? 6 : 2;
  if (input.size() < header + size || size > options_.max_frame_size ||
      size > options_.max_message_size) {
    return false;
  }
  std::byte* payload = input.data() + header;
  const std::uint64_t non_ascii = unmask_small(payload, size, server ? input.data() + 2 : nullptr);
  out.consumed = header + size;
  const bool text = b0 == 0x81;
  if (text && non_ascii != 0 && options_.validate_utf8 &&
      !is_valid_utf8(std::span<const std::byte>{payload, size})) {
    out.ev = fail(errc::invalid_utf8);
    return true;
  }
  out.ev.type = event_type::message;
  out.ev.kind = text ? message_kind::text : message_kind::binary;
  out.ev.payload = {payload, size};
  return true;
}

receive_result connection::receive(std::span<std::byte> input) {
  if (assembled_pending_clear_) {
    assembled_pending_clear_ = false;
    message_buf_.clear();
    message_buf_.release_if_larger(retained_message_capacity);
  }
  receive_result fast;
  if (try_whole_frame(input, fast)) return fast;
  std::size_t consumed = 0;
  for (;;) {
    switch (state_) {
      case parse_state::ignoring:
        return {consumed + input.size(), {}};

      case parse_state::header: {
        if (input.empty() && header_have_ == 0) return {consumed, {}};
        errc error = errc::ok;
        if (!parse_header(input, consumed, error)) {
          if (error != errc::ok) return {consumed, fail(error)};
          return {consumed, {}};
        }
        frame_remaining_ = frame_.payload_size;
        frame_offset_ = 0;
        if (is_control(frame_.op)) {
          control_have_ = 0;
        } else if (frame_.op != opcode::continuation) {
          in_message_ = true;
          message_kind_ = frame_.op == opcode::text ? message_kind::text : message_kind::binary;
          message_rsv_ = frame_.rsv;
          message_size_ = 0;
          utf8_.reset();
        }
        state_ = parse_state::payload;
        [[fallthrough]];
      }

      case parse_state::payload: {
        const std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(frame_remaining_, input.size()));
        std::byte* data = input.data();
        if (frame_.mask && take > 0) apply_mask(data, take, *frame_.mask, frame_offset_);
        input = input.subspan(take);
        consumed += take;
        frame_remaining_ -= take;
        frame_offset_ += take;
        const bool frame_done = frame_remaining_ == 0;

        if (is_control(frame_.op)) {
          if (take != 0) std::memcpy(control_buf_.data() + control_have_, data, take);
          control_have_ += take;
          if (!frame_done) return {consumed, {}};
          state_ = parse_state::header;
          event ev = control_frame_complete();
          return {consumed, ev};
        }

        // Data: validate text as it arrives so invalid UTF-8 fails at its first bad byte (8.1).
        const std::span<const std::byte> piece{data, take};
        const bool text = message_kind_ == message_kind::text && options_.validate_utf8;
        if (text && !utf8_.feed(piece)) return {consumed, fail(errc::invalid_utf8)};
        message_size_ += take;
        const bool message_done = frame_done && frame_.fin;
        if (message_done && text && !utf8_.complete()) return {consumed, fail(errc::invalid_utf8)};
        if (frame_done) {
          state_ = parse_state::header;
          if (message_done) in_message_ = false;
        }

        event ev;
        ev.type = event_type::message;
        ev.kind = message_kind_;
        ev.rsv = message_rsv_;
        if (!options_.assemble_messages) {
          if (take == 0 && !message_done) {
            if (input.empty()) return {consumed, {}};
            continue;  // nothing to hand out for an empty middle frame
          }
          ev.last = message_done;
          ev.payload = piece;
          return {consumed, ev};
        }
        if (message_done && message_buf_.empty() && frame_offset_ == take) {
          ev.payload = piece;  // the whole message arrived in this buffer: no copy
          return {consumed, ev};
        }
        message_buf_.append(piece.data(), piece.size());
        if (!message_done) {
          if (input.empty()) return {consumed, {}};
          continue;
        }
        ev.payload = {message_buf_.data(), message_buf_.size()};
        assembled_pending_clear_ = true;
        return {consumed, ev};
      }
    }
  }
}

event connection::transport_closed() noexcept {
  state_ = parse_state::ignoring;
  if (close_reported_) return {};
  close_reported_ = true;
  event ev;
  ev.type = event_type::close;
  ev.code = close_code::abnormal;  // 7.1.5: closed without a close frame -> 1006
  return ev;
}

// ------------------------------------------------------------------ sending

void connection::next_mask(mask_key& key) {
  if (options_.zero_mask_key) {
    key = {};
    return;
  }
  // 5.3: the key MUST be "derived from a strong source of entropy"; fetch it in batches.
  if (random_left_ < 4) {
    options_.random(random_pool_.data(), random_pool_.size());
    random_left_ = random_pool_.size();
  }
  std::memcpy(key.data(), random_pool_.data() + (random_pool_.size() - random_left_), 4);
  random_left_ -= 4;
}

errc connection::append_frame(opcode op, bool fin, std::span<const std::byte> payload) {
  if (outbox_head_ == outbox_.size()) {
    outbox_.clear();
    outbox_head_ = 0;
  }
  const bool masked = options_.endpoint_role == role::client;
  const auto first = static_cast<std::byte>((fin ? 0x80 : 0x00) | static_cast<std::uint8_t>(op));
  if (!masked && payload.size() < 126) {
    // The common small server frame: two header bytes, no key.
    std::byte* at = outbox_.extend(2 + payload.size());
    at[0] = first;
    at[1] = static_cast<std::byte>(payload.size());
    if (!payload.empty()) std::memcpy(at + 2, payload.data(), payload.size());
    return errc::ok;
  }
  frame_header h;
  h.fin = fin;
  h.op = op;
  h.payload_size = payload.size();
  mask_key key{};
  if (masked) {
    next_mask(key);
    h.mask = key;
  }
  const encoded_header header = encode_header(h);
  std::byte* at = outbox_.extend(header.size + payload.size());
  std::memcpy(at, header.data(), header.size);
  if (masked) {
    copy_masked(at + header.size, payload.data(), payload.size(), key);
  } else if (!payload.empty()) {
    std::memcpy(at + header.size, payload.data(), payload.size());
  }
  return errc::ok;
}

void connection::consume_output(std::size_t n) noexcept {
  outbox_head_ = n >= outbox_.size() - outbox_head_ ? outbox_.size() : outbox_head_ + n;
  if (outbox_head_ == outbox_.size()) {
    outbox_.clear();
    outbox_head_ = 0;
    outbox_.release_if_larger(options_.keep_output_capacity);  // idle connections stay small
  } else if (outbox_head_ >= (64u << 10) && outbox_head_ * 2 >= outbox_.size()) {
    outbox_.erase_front(outbox_head_);  // a slow writer: keep the unsent tail only
    outbox_head_ = 0;
  }
}

void connection::swap_output(detail::byte_buffer& spare) noexcept {
  if (outbox_head_ != 0) outbox_.erase_front(outbox_head_);
  outbox_head_ = 0;
  spare.clear();
  std::swap(spare, outbox_);
  outbox_.release_if_larger(options_.keep_output_capacity);
}

errc connection::check_close_to_send(std::uint16_t code, std::string_view reason) noexcept {
  if (code == close_code::no_status) return reason.empty() ? errc::ok : errc::bad_close_code_to_send;
  // 7.4.1: 1005, 1006 and 1015 "MUST NOT be set as a status code in a Close control frame".
  if (!is_valid_wire_close_code(code)) return errc::bad_close_code_to_send;
  if (reason.size() > max_close_reason) return errc::close_reason_too_long;
  if (!is_valid_utf8(reason)) return errc::invalid_close_reason;
  return errc::ok;
}

errc connection::start_frame(opcode op, bool fin, std::uint64_t payload_size, outgoing_frame& out) {
  // A failed connection may still send the close frame that 7.1.7 asks for when the caller
  // turned auto_close off and so sends it itself.
  if (failed() && op != opcode::close) return errc::connection_failed;
  frame_header h;
  h.fin = fin;
  h.payload_size = payload_size;
  switch (op) {
    case opcode::text:
    case opcode::binary: {
      // 5.5.1: "After sending a Close frame, the endpoint MUST NOT send any further data frames".
      if (close_sent_) return errc::send_after_close;
      const auto kind = op == opcode::text ? message_kind::text : message_kind::binary;
      if (send_in_message_ && kind != send_kind_) return errc::message_kind_mismatch;
      h.op = send_in_message_ ? opcode::continuation : op;
      send_in_message_ = !fin;
      send_kind_ = kind;
      break;
    }
    case opcode::ping:
    case opcode::pong:
      if (close_sent_ && close_received_) return errc::send_after_close;
      if (payload_size > max_control_payload) return errc::control_payload_too_long;
      h.op = op;
      h.fin = true;
      break;
    case opcode::close:
      if (close_sent_) return failed() ? errc::connection_failed : errc::send_after_close;
      if (payload_size > max_control_payload || payload_size == 1) return errc::close_reason_too_long;
      h.op = op;
      h.fin = true;
      close_sent_ = true;
      break;
    default:
      return errc::no_message_in_progress;
  }
  out.masked = options_.endpoint_role == role::client;
  if (out.masked) {
    next_mask(out.mask);
    h.mask = out.mask;
  }
  out.header = encode_header(h);
  return errc::ok;
}

errc connection::send_fragment(message_kind kind, std::span<const std::byte> payload, bool last) {
  if (failed()) return errc::connection_failed;
  if (close_sent_) return errc::send_after_close;
  if (send_in_message_ && kind != send_kind_) return errc::message_kind_mismatch;
  const opcode op = send_in_message_ ? opcode::continuation
                    : kind == message_kind::text ? opcode::text
                                                 : opcode::binary;
  send_in_message_ = !last;
  send_kind_ = kind;
  return append_frame(op, last, payload);
}

errc connection::send(message_kind kind, std::span<const std::byte> payload) {
  return send_fragment(kind, payload, true);
}

errc connection::send_ping(std::span<const std::byte> payload) {
  if (failed()) return errc::connection_failed;
  if (close_sent_ && close_received_) return errc::send_after_close;
  if (payload.size() > max_control_payload) return errc::control_payload_too_long;
  return append_frame(opcode::ping, true, payload);
}

errc connection::send_pong(std::span<const std::byte> payload) {
  if (failed()) return errc::connection_failed;
  if (close_sent_ && close_received_) return errc::send_after_close;
  if (payload.size() > max_control_payload) return errc::control_payload_too_long;
  return append_frame(opcode::pong, true, payload);
}

errc connection::send_close(std::uint16_t code, std::string_view reason) {
  if (close_sent_) return failed() ? errc::connection_failed : errc::send_after_close;
  if (errc e = check_close_to_send(code, reason); e != errc::ok) return e;
  std::array<std::byte, max_control_payload> payload;
  std::size_t n = 0;
  if (code != close_code::no_status) {
    payload[0] = static_cast<std::byte>(code >> 8);
    payload[1] = static_cast<std::byte>(code & 0xFF);
    if (!reason.empty()) std::memcpy(payload.data() + 2, reason.data(), reason.size());
    n = 2 + reason.size();
  }
  close_sent_ = true;
  return append_frame(opcode::close, true, {payload.data(), n});
}

}  // namespace websock::core
