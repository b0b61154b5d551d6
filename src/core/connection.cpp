#include "websock/core/connection.hpp"

#include <algorithm>
#include <cstring>

#include "deflate_stream.hpp"

namespace websock::core {
namespace {

constexpr std::size_t retained_message_capacity = 4u << 20;  // free the assembly buffer above this
// A frame's declared size is reserved for its assembly up to this much beyond what has arrived
// (a peer's claim alone does not buy more memory).
constexpr std::uint64_t presize_limit = 1u << 20;

frame_parser_options parser_options(const connection_options& o) noexcept {
  frame_parser_options p;
  p.expect_masked = o.endpoint_role == role::server;
  p.accept_wrong_masking = o.accept_wrong_masking;
  p.allowed_rsv = static_cast<std::uint8_t>(o.allowed_rsv | (o.deflate ? rsv1_bit : 0));
  p.max_frame_size = o.max_frame_size;
  return p;
}

}  // namespace

connection::connection(connection_options options)
    : options_(std::move(options)), parser_(parser_options(options_)) {
  if (options_.random.fill == nullptr) options_.random = openssl_random();
  if (options_.deflate) {
    const deflate_session& d = *options_.deflate;
    const bool server = options_.endpoint_role == role::server;
    const int ours = server ? d.agreement.server_max_window_bits : d.agreement.client_max_window_bits;
    const bool our_reset = server ? d.agreement.server_no_context_takeover : d.agreement.client_no_context_takeover;
    const bool peer_reset = server ? d.agreement.client_no_context_takeover : d.agreement.server_no_context_takeover;
    if (detail::message_deflater::usable_window(ours)) {
      deflater_ = std::make_unique<detail::message_deflater>(ours, d.compression_level, d.memory_level, our_reset);
    }
    inflater_ = std::make_unique<detail::message_inflater>(peer_reset);
    if (options_.deflate->inflate_step == 0) options_.deflate->inflate_step = 16u << 10;
  }
}

connection::~connection() = default;
connection::connection(connection&&) noexcept = default;
connection& connection::operator=(connection&&) noexcept = default;

// ------------------------------------------------------------------ receiving

event connection::fail(errc e) {
  failure_ = e;
  ignoring_input_ = true;
  in_message_ = false;
  message_compressed_ = false;
  inflate_pending_ = false;
  inflate_in_ = {};
  inflate_out_ = {};
  event ev;
  ev.type = event_type::error;
  ev.error = e;
  ev.code = close_code_for(e);
  // 7.1.7 "Fail the WebSocket Connection": send a Close frame with the matching status first.
  if (options_.auto_close && !close_sent_) {
    std::array<std::byte, 2> payload;
    append_frame(opcode::close, true, {payload.data(), encode_close_payload(ev.code, {}, payload)});
    close_sent_ = true;
  }
  return ev;
}

// The message layer's size rule, checked once the frame layer accepted a complete header.
errc connection::check_message_size() const noexcept {
  const frame_header& h = parser_.header();
  if (is_control(h.op)) return errc::ok;
  // A compressed message is held to the limit by its inflated size, step by step (inflate_data).
  const bool compressed = h.op == opcode::continuation ? message_compressed_
                                                       : options_.deflate && (h.rsv & rsv1_bit) != 0;
  if (compressed) return errc::ok;
  const std::uint64_t so_far = h.op == opcode::continuation ? message_size_ : 0;
  return h.payload_size > options_.max_message_size - so_far ? errc::message_too_large : errc::ok;
}

event connection::control_frame_complete() {
  const std::span<const std::byte> payload{control_buf_.data(), control_have_};
  event ev;
  ev.payload = payload;
  switch (parser_.header().op) {
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
      ignoring_input_ = true;  // 5.5.1: nothing after a close frame is processed
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

// Fast path for the most common input: a whole small data frame arriving while no message is
// open (the frame parser recognises it by one header pattern). Anything else falls through to
// the general path.
bool connection::try_whole_frame(std::span<std::byte> input, receive_result& out) {
  small_frame frame;
  if (ignoring_input_ || in_message_ ||
      !parser_.take_small_frame(input, options_.max_message_size, frame)) {
    return false;
  }
  out.consumed = frame.size;
  if (frame.text && frame.non_ascii && options_.validate_utf8 && !is_valid_utf8(frame.payload)) {
    out.ev = fail(errc::invalid_utf8);
    return true;
  }
  out.ev.type = event_type::message;
  out.ev.kind = frame.text ? message_kind::text : message_kind::binary;
  out.ev.payload = frame.payload;
  return true;
}

namespace {
// Which directions drop their history between messages (RFC 7692 7.1.1), from our side.
struct reset_directions {
  bool ours = false;
  bool peers = false;
};
reset_directions resets_of(const connection_options& o) noexcept {
  if (!o.deflate) return {};
  const bool server = o.endpoint_role == role::server;
  const deflate_agreement& a = o.deflate->agreement;
  return {server ? a.server_no_context_takeover : a.client_no_context_takeover,
          server ? a.client_no_context_takeover : a.server_no_context_takeover};
}
}  // namespace

// Between messages, a direction without takeover keeps nothing worth its memory.
bool connection::deflater_releasable() const noexcept {
  return deflater_ && resets_of(options_).ours && !send_in_message_;
}

bool connection::inflater_releasable() const noexcept {
  return inflater_ && resets_of(options_).peers && !in_message_ && !inflate_pending_;
}

bool connection::holds_releasable_deflate_memory() const noexcept {
  return (deflater_releasable() && deflater_->holds_memory()) ||
         (inflater_releasable() && (inflater_->holds_memory() || inflate_in_.capacity() != 0));
}

void connection::release_idle_memory() noexcept {
  if (deflater_releasable()) deflater_->release();
  // inflate_out_ stays (one step): a piece handed out may still be read from it.
  if (inflater_releasable()) {
    inflater_->release();
    inflate_in_ = {};
  }
  // A message is being assembled (perhaps into room reserved for it and not yet filled, which a
  // read may be writing into: direct_input).
  if (in_message_ || (!message_buf_.empty() && !assembled_pending_clear_)) return;
  assembled_pending_clear_ = false;
  message_buf_ = {};
}

bool connection::holds_deflate_memory() const noexcept {
  return (deflater_ && deflater_->holds_memory()) || (inflater_ && inflater_->holds_memory());
}

// One step at a time: each is at most inflate_step bytes, counted against max_message_size and
// checked for UTF-8 before the next, so a bomb fails at the first step past the limit.
event connection::inflate_data(std::span<const std::byte> in, bool ends_message) {
  const std::size_t step = options_.deflate->inflate_step;
  const bool pieces = !options_.assemble_messages;
  const bool from_pending = inflate_pending_;
  std::span<const std::byte> src = in;
  if (from_pending) {
    src = {inflate_in_.data() + inflate_in_head_, inflate_in_.size() - inflate_in_head_};
    ends_message = inflate_in_ends_message_;
  }
  const bool text = message_kind_ == message_kind::text && options_.validate_utf8;
  for (;;) {
    detail::byte_buffer& into = pieces ? inflate_out_ : message_buf_;
    if (pieces) into.clear();
    const std::size_t at = into.size();
    const std::span<std::byte> room{into.extend(step), step};
    // The message's own bytes first; then the tail (whose consumption is the inflater's business).
    const bool tail = src.empty() && ends_message;
    const auto r = tail ? inflater_->end_message(room) : inflater_->inflate(src, room);
    into.truncate(at + r.produced);
    if (!tail) src = src.subspan(r.consumed);
    using st = detail::message_inflater::status;
    // What came out before a failure is judged first: the first fault in the stream's order wins,
    // however the input was split.
    message_size_ += r.produced;
    if (message_size_ > options_.max_message_size) return fail(errc::message_too_large);
    if (text && !utf8_.feed({into.data() + at, r.produced})) return fail(errc::invalid_utf8);
    if (r.st == st::bad_data) return fail(errc::invalid_compressed_data);
    if (r.st == st::no_memory) return fail(errc::out_of_memory);
    const bool message_done = r.st == st::message_end;
    if (message_done) {
      if (text && !utf8_.complete()) return fail(errc::invalid_utf8);
      in_message_ = false;
      message_compressed_ = false;
    }
    const bool more = !message_done && (r.st == st::room_full || !src.empty() || ends_message);
    if (pieces && (r.produced != 0 || message_done)) {
      // Hand this step out; what is left waits in inflate_in_ for the next receive() call.
      if (more && !from_pending) {
        inflate_in_.clear();
        inflate_in_.append(src.data(), src.size());
        inflate_in_head_ = 0;
      } else if (more) {
        inflate_in_head_ = inflate_in_.size() - src.size();
      } else {
        inflate_in_.clear();
        inflate_in_head_ = 0;
      }
      inflate_pending_ = more;
      inflate_in_ends_message_ = ends_message;
      return deliver_inflated(r.produced, message_done);
    }
    if (message_done) {
      inflate_pending_ = false;
      return deliver_inflated(message_buf_.size(), true);
    }
    if (!more) {
      inflate_pending_ = false;
      if (from_pending) inflate_in_.clear();
      return {};
    }
  }
}

event connection::deliver_inflated(std::size_t produced, bool message_done) {
  event ev;
  ev.type = event_type::message;
  ev.kind = message_kind_;
  ev.rsv = message_rsv_;
  ev.last = message_done;
  if (!options_.assemble_messages) {
    ev.payload = {inflate_out_.data(), produced};
  } else {
    ev.payload = {message_buf_.data(), produced};
    assembled_pending_clear_ = true;
  }
  return ev;
}

event connection::fail_from_outside(errc e) {
  if (failed()) return {};
  event ev = fail(e);
  assembled_pending_clear_ = false;
  message_buf_ = {};
  return ev;
}

receive_result connection::receive(std::span<std::byte> input) {
  if (assembled_pending_clear_) {
    assembled_pending_clear_ = false;
    message_buf_.clear();
    message_buf_.release_if_larger(retained_message_capacity);
  }
  if (inflate_pending_ && !ignoring_input_) {
    // A compressed frame's output not yet handed out goes first; new input waits.
    event ev = inflate_data({}, false);
    if (ev.type != event_type::none) return {0, ev};
  }
  receive_result fast;
  if (try_whole_frame(input, fast)) return fast;
  std::size_t consumed = 0;
  for (;;) {
    if (ignoring_input_) return {consumed + input.size(), {}};

    if (parser_.in_header()) {
      if (input.empty()) return {consumed, {}};
      const next_data_frame expected =
          in_message_ ? next_data_frame::continuation : next_data_frame::new_message;
      switch (parser_.read_header(input, consumed, expected)) {
        case header_status::need_more:
          return {consumed, {}};
        case header_status::error:
          return {consumed, fail(parser_.error())};
        case header_status::ready:
          break;
      }
      if (errc e = check_message_size(); e != errc::ok) return {consumed, fail(e)};
      const frame_header& h = parser_.header();
      if (is_control(h.op)) {
        control_have_ = 0;
      } else if (h.op != opcode::continuation) {
        in_message_ = true;
        message_kind_ = h.op == opcode::text ? message_kind::text : message_kind::binary;
        // RSV1 with deflate negotiated: compressed, and the bit is ours, not the application's.
        message_compressed_ = options_.deflate && (h.rsv & rsv1_bit) != 0;
        message_rsv_ = message_compressed_ ? static_cast<std::uint8_t>(h.rsv & ~rsv1_bit) : h.rsv;
        message_size_ = 0;
        utf8_.reset();
      }
    }

    const frame_header& h = parser_.header();
    if (options_.assemble_messages && !is_control(h.op) && !message_compressed_ &&
        !(h.fin && message_buf_.empty() && parser_.payload_offset() == 0 &&
          parser_.payload_remaining() <= input.size())) {
      // A message that does not arrive whole in this input is assembled: its bytes are unmasked
      // as they are copied, into room sized from the frame header.
      const std::uint64_t rest = parser_.payload_remaining();
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(rest, input.size()));
      const std::size_t want = message_buf_.size() + take + static_cast<std::size_t>(std::min(rest - take, presize_limit));
      if (want > message_buf_.capacity()) {
        // It grows by doubling (a message of many small frames must not copy itself per frame),
        // but in a message's last frame never past the message's end, which is then known.
        std::size_t cap = std::max(want, 2 * message_buf_.capacity());
        if (h.fin) cap = std::min(cap, message_buf_.size() + static_cast<std::size_t>(rest));
        message_buf_.reserve_exact(cap);
      }
      const std::span<std::byte> piece = parser_.read_payload_to(input, consumed, message_buf_.extend(take));
      event ev = take_data(piece, parser_.in_header(), true);
      if (ev.type != event_type::none) return {consumed, ev};
      if (input.empty()) return {consumed, {}};
      continue;
    }
    const std::span<std::byte> data = parser_.read_payload(input, consumed);
    const bool frame_done = parser_.in_header();

    if (is_control(h.op)) {
      if (!data.empty()) std::memcpy(control_buf_.data() + control_have_, data.data(), data.size());
      control_have_ += data.size();
      if (!frame_done) return {consumed, {}};
      return {consumed, control_frame_complete()};
    }

    if (message_compressed_) {
      event ev = inflate_data(data, frame_done && h.fin);
      if (ev.type != event_type::none) return {consumed, ev};
      if (input.empty()) return {consumed, {}};
      continue;
    }

    event ev = take_data(data, frame_done, false);
    if (ev.type != event_type::none) return {consumed, ev};
    if (input.empty()) return {consumed, {}};
  }
}

event connection::take_data(std::span<const std::byte> piece, bool frame_done, bool in_place) {
  // Validate text as it arrives so invalid UTF-8 fails at its first bad byte (8.1).
  const frame_header& h = parser_.header();
  const bool text = message_kind_ == message_kind::text && options_.validate_utf8;
  if (text && !utf8_.feed(piece)) return fail(errc::invalid_utf8);
  message_size_ += piece.size();
  const bool message_done = frame_done && h.fin;
  if (message_done && text && !utf8_.complete()) return fail(errc::invalid_utf8);
  if (message_done) in_message_ = false;

  event ev;
  ev.type = event_type::message;
  ev.kind = message_kind_;
  ev.rsv = message_rsv_;
  if (!options_.assemble_messages) {
    if (piece.empty() && !message_done) return {};  // nothing to hand out for an empty middle frame
    ev.last = message_done;
    ev.payload = piece;
    return ev;
  }
  if (message_done && message_buf_.empty() && parser_.payload_offset() == piece.size()) {
    ev.payload = piece;  // the whole message arrived in this buffer: no copy
    return ev;
  }
  if (!in_place) message_buf_.append(piece.data(), piece.size());
  if (!message_done) return {};
  ev.payload = {message_buf_.data(), message_buf_.size()};
  assembled_pending_clear_ = true;
  return ev;
}

std::span<std::byte> connection::direct_input() noexcept {
  if (ignoring_input_ || !options_.assemble_messages || message_compressed_ || inflate_pending_ ||
      parser_.in_header() || is_control(parser_.header().op)) {
    return {};
  }
  const std::uint64_t rest = parser_.payload_remaining();
  const std::size_t room = message_buf_.capacity() - message_buf_.size();
  if (rest < direct_input_min || room < direct_input_min) return {};
  return {message_buf_.data() + message_buf_.size(), static_cast<std::size_t>(std::min<std::uint64_t>(rest, room))};
}

receive_result connection::receive_direct(std::size_t n) {
  std::span<std::byte> in{message_buf_.data() + message_buf_.size(), n};
  std::size_t consumed = 0;
  const std::span<std::byte> data = parser_.read_payload(in, consumed);  // unmasks in place
  message_buf_.extend(data.size());  // within the capacity direct_input() offered: no copy
  return {consumed, take_data(data, parser_.in_header(), true)};
}

std::unique_ptr<std::byte[]> connection::take_message_buffer(std::span<const std::byte> payload) noexcept {
  if (!assembled_pending_clear_ || payload.empty() || payload.data() != message_buf_.data()) return nullptr;
  assembled_pending_clear_ = false;
  return message_buf_.release();
}

event connection::transport_closed() noexcept {
  ignoring_input_ = true;
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

errc connection::append_frame(opcode op, bool fin, std::span<const std::byte> payload, std::uint8_t rsv) {
  if (outbox_head_ == outbox_.size()) {
    outbox_.clear();
    outbox_head_ = 0;
  }
  const bool masked = options_.endpoint_role == role::client;
  const auto first = static_cast<std::byte>((fin ? 0x80 : 0x00) | rsv | static_cast<std::uint8_t>(op));
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
  h.rsv = rsv;
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
      // The caller's payload goes out as it is: it cannot continue a compressed message.
      if (send_in_message_ && send_compressed_) return errc::message_kind_mismatch;
      if (!send_in_message_) send_compressed_ = false;
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

errc connection::encode_control_frame(opcode op, std::span<const std::byte> payload,
                                      std::span<std::byte> out, std::size_t& size) {
  size = 0;
  const auto value = static_cast<std::uint8_t>(op);
  if (!is_known_opcode(value) || !is_control(op)) return errc::not_a_control_opcode;
  if (op == opcode::close) {
    // Same verdicts as send_close() and start_frame() give for this payload.
    if (payload.size() > max_control_payload || payload.size() == 1) {
      return errc::close_reason_too_long;
    }
    if (!payload.empty()) {
      const auto code = static_cast<std::uint16_t>((std::to_integer<unsigned>(payload[0]) << 8) |
                                                   std::to_integer<unsigned>(payload[1]));
      const std::string_view reason{reinterpret_cast<const char*>(payload.data()) + 2,
                                    payload.size() - 2};
      // A payload carries its code on the wire, so 1005 here is a code sent, not "no code".
      if (!is_valid_wire_close_code(code)) return errc::bad_close_code_to_send;
      if (errc e = check_close_to_send(code, reason); e != errc::ok) return e;
    }
  } else if (payload.size() > max_control_payload) {
    return errc::control_payload_too_long;
  }
  const bool masked = options_.endpoint_role == role::client;
  if (out.size() < header_size(payload.size(), masked) + payload.size()) {
    return errc::output_too_small;
  }
  outgoing_frame frame;
  if (errc e = start_frame(op, true, payload.size(), frame); e != errc::ok) return e;
  std::byte* at = out.data();
  std::memcpy(at, frame.header.data(), frame.header.size);
  at += frame.header.size;
  if (frame.masked) {
    copy_masked(at, payload.data(), payload.size(), frame.mask);
  } else if (!payload.empty()) {
    std::memcpy(at, payload.data(), payload.size());
  }
  size = frame.header.size + payload.size();
  return errc::ok;
}

errc connection::send_fragment(message_kind kind, std::span<const std::byte> payload, bool last) {
  if (failed()) return errc::connection_failed;
  if (close_sent_) return errc::send_after_close;
  if (send_in_message_ && kind != send_kind_) return errc::message_kind_mismatch;
  const bool first = !send_in_message_;
  const opcode op = send_in_message_ ? opcode::continuation
                    : kind == message_kind::text ? opcode::text
                                                 : opcode::binary;
  // A whole message below the threshold goes out as it is (RSV1 clear), which RFC 7692 allows.
  if (first) send_compressed_ = deflater_ && !(last && payload.size() < options_.deflate->min_compress_size);
  send_in_message_ = !last;
  send_kind_ = kind;
  if (!send_compressed_) return append_frame(op, last, payload);
  deflate_out_.clear();
  if (!deflater_->compress(payload, last, deflate_out_)) {
    fail(errc::out_of_memory);
    return errc::out_of_memory;
  }
  // 6.1: RSV1 on the first frame of the message only.
  const errc e = append_frame(op, last, {deflate_out_.data(), deflate_out_.size()}, first ? rsv1_bit : 0);
  deflate_out_.clear();
  deflate_out_.release_if_larger(options_.keep_output_capacity);
  return e;
}

errc connection::send(message_kind kind, std::span<const std::byte> payload) {
  return send_fragment(kind, payload, true);
}

bool connection::can_send_header_only(std::size_t size) const noexcept {
  return options_.endpoint_role == role::server && !send_in_message_ &&
         !(deflater_ && size >= options_.deflate->min_compress_size);
}

errc connection::send_header_only(message_kind kind, std::size_t size) {
  if (!can_send_header_only(size)) return errc::message_kind_mismatch;
  outgoing_frame f;
  if (const errc e = start_frame(kind == message_kind::text ? opcode::text : opcode::binary, true, size, f);
      e != errc::ok) {
    return e;
  }
  if (outbox_head_ == outbox_.size()) {
    outbox_.clear();
    outbox_head_ = 0;
  }
  outbox_.append(f.header.data(), f.header.size);
  return errc::ok;
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
  const std::size_t n = encode_close_payload(code, reason, payload);
  close_sent_ = true;
  return append_frame(opcode::close, true, {payload.data(), n});
}

}  // namespace websock::core
