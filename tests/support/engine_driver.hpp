// Test support for the sans-I/O core: frames built by hand (independently of encode_header), an
// injectable random source, a driver that feeds bytes to a connection in chosen chunk sizes and
// records owned copies of the events, and a strict decoder for the frames an engine writes.
//
// Header-only so that every test folder (unit, conformance, property) can include it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "websock/core/connection.hpp"

namespace websock::test {

namespace core = websock::core;
using bytes = std::vector<std::byte>;

// ------------------------------------------------------------------ byte helpers

inline bytes to_bytes(std::string_view s) {
  bytes out(s.size());
  if (!s.empty()) std::memcpy(out.data(), s.data(), s.size());
  return out;
}

inline std::string to_string(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline std::span<const std::byte> as_span(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// "81 05 48" or "810548" -> bytes. Whitespace is ignored.
inline bytes from_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  bytes out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n' || c == '\t') continue;
    const int v = nibble(c);
    if (v < 0) {
      ADD_FAILURE() << "bad hex digit '" << c << "' in " << hex;
      return out;
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::byte>((high << 4) | v));
      high = -1;
    }
  }
  if (high >= 0) ADD_FAILURE() << "odd number of hex digits in " << hex;
  return out;
}

inline std::string to_hex(std::span<const std::byte> b, std::size_t limit = 64) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < b.size() && i < limit; ++i) {
    const auto v = std::to_integer<unsigned>(b[i]);
    if (i != 0) out += ' ';
    out += digits[v >> 4];
    out += digits[v & 0xF];
  }
  if (b.size() > limit) out += " ... (" + std::to_string(b.size()) + " bytes)";
  return out;
}

// n bytes made of `pattern` repeated (and cut).
inline bytes repeat(std::span<const std::byte> pattern, std::size_t n) {
  bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = pattern[i % pattern.size()];
  return out;
}
inline bytes repeat(std::string_view pattern, std::size_t n) { return repeat(as_span(pattern), n); }
inline bytes repeat_byte(std::uint8_t b, std::size_t n) { return bytes(n, std::byte{b}); }

inline bytes concat(std::initializer_list<std::span<const std::byte>> parts) {
  bytes out;
  for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline void append(bytes& out, std::span<const std::byte> more) {
  out.insert(out.end(), more.begin(), more.end());
}

// ------------------------------------------------------------------ building frames by hand

namespace op {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xA;
}  // namespace op

// The masking key of RFC 6455 section 5.7's masked examples.
inline constexpr core::mask_key rfc_key{std::byte{0x37}, std::byte{0xfa}, std::byte{0x21},
                                        std::byte{0x3d}};

enum class length_form { minimal, bits7, bits16, bits64 };

struct raw_frame {
  bool fin = true;
  std::uint8_t rsv = 0;  // RSV bits in wire position (0x40, 0x20, 0x10)
  std::uint8_t opcode = op::text;
  bytes payload;
  std::optional<core::mask_key> mask;
  length_form form = length_form::minimal;
  std::optional<std::uint64_t> declared_length;  // header length when it should lie
};

// Encodes a frame from first principles (RFC 6455 5.2), masking the payload if a key is given.
inline bytes encode(const raw_frame& f) {
  bytes out;
  out.push_back(static_cast<std::byte>((f.fin ? 0x80 : 0) | (f.rsv & 0x70) | (f.opcode & 0x0F)));
  const std::uint64_t len = f.declared_length.value_or(f.payload.size());
  length_form form = f.form;
  if (form == length_form::minimal) {
    form = len <= 125 ? length_form::bits7 : len <= 0xFFFF ? length_form::bits16 : length_form::bits64;
  }
  const std::uint8_t mask_bit = f.mask ? 0x80 : 0x00;
  switch (form) {
    case length_form::bits7:
      out.push_back(static_cast<std::byte>(mask_bit | (len & 0x7F)));
      break;
    case length_form::bits16:
      out.push_back(static_cast<std::byte>(mask_bit | 126));
      out.push_back(static_cast<std::byte>((len >> 8) & 0xFF));
      out.push_back(static_cast<std::byte>(len & 0xFF));
      break;
    default:
      out.push_back(static_cast<std::byte>(mask_bit | 127));
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::byte>((len >> shift) & 0xFF));
      }
      break;
  }
  if (f.mask) {
    out.insert(out.end(), f.mask->begin(), f.mask->end());
    for (std::size_t i = 0; i < f.payload.size(); ++i) {
      out.push_back(f.payload[i] ^ (*f.mask)[i % 4]);
    }
  } else {
    out.insert(out.end(), f.payload.begin(), f.payload.end());
  }
  return out;
}

// A frame as a client sends it: masked (with the RFC example key unless told otherwise).
inline bytes client_frame(std::uint8_t opcode, std::span<const std::byte> payload, bool fin = true,
                          core::mask_key key = rfc_key, std::uint8_t rsv = 0) {
  raw_frame f;
  f.fin = fin;
  f.rsv = rsv;
  f.opcode = opcode;
  f.payload.assign(payload.begin(), payload.end());
  f.mask = key;
  return encode(f);
}
inline bytes client_frame(std::uint8_t opcode, std::string_view payload, bool fin = true,
                          core::mask_key key = rfc_key, std::uint8_t rsv = 0) {
  return client_frame(opcode, as_span(payload), fin, key, rsv);
}

// A frame as a server sends it: unmasked.
inline bytes server_frame(std::uint8_t opcode, std::span<const std::byte> payload, bool fin = true,
                          std::uint8_t rsv = 0) {
  raw_frame f;
  f.fin = fin;
  f.rsv = rsv;
  f.opcode = opcode;
  f.payload.assign(payload.begin(), payload.end());
  return encode(f);
}
inline bytes server_frame(std::uint8_t opcode, std::string_view payload, bool fin = true,
                          std::uint8_t rsv = 0) {
  return server_frame(opcode, as_span(payload), fin, rsv);
}

// Close frame body: 2-byte code in network order, then the reason.
inline bytes close_body(std::uint16_t code, std::string_view reason = {}) {
  bytes out(2 + reason.size());
  out[0] = static_cast<std::byte>(code >> 8);
  out[1] = static_cast<std::byte>(code & 0xFF);
  if (!reason.empty()) std::memcpy(out.data() + 2, reason.data(), reason.size());
  return out;
}

// ------------------------------------------------------------------ deterministic randomness

// Hands out 0x00, 0x01, 0x02, ... so the n-th random byte requested is n mod 256, however the
// engine batches its requests. Keep it alive as long as the connection that uses it.
struct counting_random {
  std::uint8_t next = 0;
  std::size_t requested = 0;
  static void fill(void* ctx, std::byte* out, std::size_t n) {
    auto* self = static_cast<counting_random*>(ctx);
    for (std::size_t i = 0; i < n; ++i) out[i] = std::byte{self->next++};
    self->requested += n;
  }
  core::random_source source() { return {&counting_random::fill, this}; }
};

// Repeats a fixed byte pattern forever (a 4-byte pattern makes every masking key the same).
struct pattern_random {
  bytes pattern;
  std::size_t pos = 0;
  static void fill(void* ctx, std::byte* out, std::size_t n) {
    auto* self = static_cast<pattern_random*>(ctx);
    for (std::size_t i = 0; i < n; ++i) out[i] = self->pattern[self->pos++ % self->pattern.size()];
  }
  core::random_source source() { return {&pattern_random::fill, this}; }
};

// ------------------------------------------------------------------ recorded events

// An owned copy of an event. Fields that do not apply to the event's type are left at their
// defaults, so that == compares what matters.
struct recorded {
  core::event_type type = core::event_type::none;
  core::message_kind kind = core::message_kind::binary;
  bool last = true;
  std::uint8_t rsv = 0;
  std::uint16_t code = 0;
  core::errc error = core::errc::ok;
  bytes payload;

  std::string text() const { return to_string(payload); }
  friend bool operator==(const recorded&, const recorded&) = default;
};

inline recorded record(const core::event& ev) {
  recorded r;
  r.type = ev.type;
  switch (ev.type) {
    case core::event_type::message:
      r.kind = ev.kind;
      r.last = ev.last;
      r.rsv = ev.rsv;
      r.payload.assign(ev.payload.begin(), ev.payload.end());
      break;
    case core::event_type::ping:
    case core::event_type::pong:
      r.payload.assign(ev.payload.begin(), ev.payload.end());
      break;
    case core::event_type::close:
      r.code = ev.code;
      r.payload.assign(ev.payload.begin(), ev.payload.end());
      break;
    case core::event_type::error:
      r.code = ev.code;
      r.error = ev.error;
      break;
    case core::event_type::none:
      break;
  }
  return r;
}

inline const char* name_of(core::event_type t) {
  switch (t) {
    case core::event_type::none: return "none";
    case core::event_type::message: return "message";
    case core::event_type::ping: return "ping";
    case core::event_type::pong: return "pong";
    case core::event_type::close: return "close";
    case core::event_type::error: return "error";
  }
  return "?";
}

inline void PrintTo(const recorded& r, std::ostream* os) {
  *os << name_of(r.type);
  switch (r.type) {
    case core::event_type::message:
      *os << (r.kind == core::message_kind::text ? "(text" : "(binary") << (r.last ? "" : ", more")
          << (r.rsv != 0 ? ", rsv=" + std::to_string(r.rsv) : std::string{}) << ", "
          << r.payload.size() << " B: " << to_hex(r.payload, 24) << ")";
      break;
    case core::event_type::ping:
    case core::event_type::pong:
      *os << "(" << to_hex(r.payload, 24) << ")";
      break;
    case core::event_type::close:
      *os << "(" << r.code << ", \"" << r.text() << "\")";
      break;
    case core::event_type::error:
      *os << "(" << core::make_error_code(r.error).message() << " [" << static_cast<int>(r.error)
          << "], close " << r.code << ")";
      break;
    case core::event_type::none:
      break;
  }
}

// Expected-event constructors.
inline recorded message(core::message_kind kind, std::span<const std::byte> payload,
                        bool last = true, std::uint8_t rsv = 0) {
  recorded r;
  r.type = core::event_type::message;
  r.kind = kind;
  r.last = last;
  r.rsv = rsv;
  r.payload.assign(payload.begin(), payload.end());
  return r;
}
inline recorded text_message(std::string_view s, bool last = true) {
  return message(core::message_kind::text, as_span(s), last);
}
inline recorded binary_message(std::span<const std::byte> b, bool last = true) {
  return message(core::message_kind::binary, b, last);
}
inline recorded ping_event(std::string_view payload = {}) {
  recorded r;
  r.type = core::event_type::ping;
  r.payload = to_bytes(payload);
  return r;
}
inline recorded pong_event(std::string_view payload = {}) {
  recorded r;
  r.type = core::event_type::pong;
  r.payload = to_bytes(payload);
  return r;
}
inline recorded close_event(std::uint16_t code, std::string_view reason = {}) {
  recorded r;
  r.type = core::event_type::close;
  r.code = code;
  r.payload = to_bytes(reason);
  return r;
}
inline recorded error_event(core::errc e) {
  recorded r;
  r.type = core::event_type::error;
  r.error = e;
  r.code = core::close_code_for(e);
  return r;
}
// An error event with the close code the RFC prescribes, stated independently of close_code_for.
inline recorded error_event(core::errc e, std::uint16_t code) {
  recorded r;
  r.type = core::event_type::error;
  r.error = e;
  r.code = code;
  return r;
}

using event_list = std::vector<recorded>;

// ------------------------------------------------------------------ feeding

// Feeds one buffer, calling receive() until it is consumed; appends the events. The buffer is a
// private copy that is scribbled over afterwards, so an engine that keeps pointing into a caller's
// buffer after returning none is caught.
inline void feed_one(core::connection& conn, std::span<const std::byte> input, event_list& events) {
  bytes buf(input.begin(), input.end());
  std::size_t pos = 0;
  int stalls = 0;
  for (;;) {
    const auto r = conn.receive(std::span<std::byte>{buf}.subspan(pos));
    if (r.consumed > buf.size() - pos) {
      ADD_FAILURE() << "receive() consumed " << r.consumed << " of " << buf.size() - pos << " bytes";
      break;
    }
    pos += r.consumed;
    if (r.ev.type == core::event_type::none) {
      EXPECT_EQ(pos, buf.size()) << "receive() returned no event without consuming all input";
      break;
    }
    events.push_back(record(r.ev));
    if (r.consumed == 0 && ++stalls > 1000) {
      ADD_FAILURE() << "receive() keeps returning events without consuming input";
      break;
    }
    if (r.consumed != 0) stalls = 0;
  }
  std::fill(buf.begin(), buf.end(), std::byte{0xCC});
}

// Feeds `input` in chunks of `chunk` bytes (0: all at once). Returns the events in order.
inline event_list feed(core::connection& conn, std::span<const std::byte> input,
                       std::size_t chunk = 0) {
  event_list events;
  if (chunk == 0) chunk = std::max<std::size_t>(input.size(), 1);
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    feed_one(conn, input.subspan(at, std::min(chunk, input.size() - at)), events);
  }
  return events;
}

// Feeds each buffer as its own read.
inline event_list feed_parts(core::connection& conn,
                             std::initializer_list<std::span<const std::byte>> parts) {
  event_list events;
  for (auto p : parts) feed_one(conn, p, events);
  return events;
}

// Chunk sizes every receive test runs with: one read, then 1, 2, 3 and 7 bytes per read.
inline const std::vector<std::size_t>& standard_chunks() {
  static const std::vector<std::size_t> sizes{0, 1, 2, 3, 7};
  return sizes;
}

inline std::string chunk_label(std::size_t chunk) {
  return chunk == 0 ? std::string("whole input in one read") : "reads of " + std::to_string(chunk) + " bytes";
}

inline core::connection_options server_options() {
  core::connection_options o;
  o.endpoint_role = core::role::server;
  return o;
}
inline core::connection_options client_options() {
  core::connection_options o;
  o.endpoint_role = core::role::client;
  return o;
}

// ------------------------------------------------------------------ decoding engine output

struct wire_frame {
  bool fin = true;
  std::uint8_t rsv = 0;
  std::uint8_t opcode = 0;
  bool masked = false;
  core::mask_key key{};
  std::size_t header_size = 0;
  bytes payload;  // unmasked
};

struct decoded_output {
  std::vector<wire_frame> frames;
  std::string problem;  // empty when every byte formed a complete, well-formed frame
  bool ok() const { return problem.empty(); }
};

// Strict decoder for what an engine wrote: minimal length encoding, MSB clear, complete frames.
inline decoded_output decode_frames(std::span<const std::byte> data) {
  decoded_output out;
  std::size_t pos = 0;
  auto u8 = [&](std::size_t i) { return std::to_integer<std::uint8_t>(data[i]); };
  while (pos < data.size()) {
    if (data.size() - pos < 2) {
      out.problem = "truncated header";
      return out;
    }
    wire_frame f;
    const std::uint8_t b0 = u8(pos);
    const std::uint8_t b1 = u8(pos + 1);
    f.fin = (b0 & 0x80) != 0;
    f.rsv = b0 & 0x70;
    f.opcode = b0 & 0x0F;
    f.masked = (b1 & 0x80) != 0;
    std::uint64_t len = b1 & 0x7F;
    std::size_t h = 2;
    if (len == 126) {
      if (data.size() - pos < 4) {
        out.problem = "truncated 16-bit length";
        return out;
      }
      len = (std::uint64_t{u8(pos + 2)} << 8) | u8(pos + 3);
      if (len < 126) out.problem = "non-minimal 16-bit length";
      h = 4;
    } else if (len == 127) {
      if (data.size() - pos < 10) {
        out.problem = "truncated 64-bit length";
        return out;
      }
      len = 0;
      for (std::size_t i = 0; i < 8; ++i) len = (len << 8) | u8(pos + 2 + i);
      if (len >> 63) out.problem = "64-bit length with MSB set";
      if (len <= 0xFFFF) out.problem = "non-minimal 64-bit length";
      h = 10;
    }
    if (!out.problem.empty()) return out;
    if (f.masked) {
      if (data.size() - pos < h + 4) {
        out.problem = "truncated masking key";
        return out;
      }
      for (std::size_t i = 0; i < 4; ++i) f.key[i] = data[pos + h + i];
      h += 4;
    }
    if (data.size() - pos - h < len) {
      out.problem = "truncated payload";
      return out;
    }
    f.header_size = h;
    f.payload.assign(data.begin() + static_cast<std::ptrdiff_t>(pos + h),
                     data.begin() + static_cast<std::ptrdiff_t>(pos + h + len));
    if (f.masked) {
      for (std::size_t i = 0; i < f.payload.size(); ++i) f.payload[i] ^= f.key[i % 4];
    }
    pos += h + static_cast<std::size_t>(len);
    out.frames.push_back(std::move(f));
  }
  return out;
}

// Copies the engine's pending output and marks it written.
inline bytes take_output(core::connection& conn) {
  const auto pending = conn.pending_output();
  bytes out(pending.begin(), pending.end());
  conn.consume_output(out.size());
  return out;
}

// Decodes and consumes the pending output; fails the test if it is not well formed.
inline std::vector<wire_frame> take_frames(core::connection& conn) {
  auto decoded = decode_frames(take_output(conn));
  EXPECT_TRUE(decoded.ok()) << "engine output: " << decoded.problem;
  return std::move(decoded.frames);
}

inline std::string describe(const wire_frame& f) {
  return "frame(op=" + std::to_string(f.opcode) + (f.fin ? "" : ", no FIN") +
         (f.rsv != 0 ? ", rsv=" + std::to_string(f.rsv) : std::string{}) +
         (f.masked ? ", masked" : "") + ", " + std::to_string(f.payload.size()) +
         " B: " + to_hex(f.payload, 24) + ")";
}

// The close code carried by a close frame's payload, or 1005 when it is empty.
inline std::uint16_t close_code_of(const wire_frame& f) {
  if (f.payload.size() < 2) return core::close_code::no_status;
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(f.payload[0]) << 8) |
                                    std::to_integer<unsigned>(f.payload[1]));
}


// ------------------------------------------------------------------ running one input every way

inline std::string summarize(const std::vector<wire_frame>& frames) {
  std::string out;
  for (const auto& f : frames) {
    out += "frame(op=" + std::to_string(f.opcode) + (f.fin ? "" : ", no FIN") +
           (f.rsv != 0 ? ", rsv=" + std::to_string(f.rsv) : std::string{}) +
           (f.masked ? ", masked" : "") + ": " + to_hex(f.payload, 1u << 20) + ")\n";
  }
  return out;
}

struct run_result {
  event_list events;
  std::vector<wire_frame> output;  // decoded, masking keys aside
};

// Runs `input` through a fresh connection in one read and with every standard chunk size.
// Expects `expected` events each time and the same output frames (keys aside) each time. Returns
// the result of the one-read run.
inline run_result expect_events(const core::connection_options& options,
                                std::span<const std::byte> input, const event_list& expected) {
  run_result first;
  for (const std::size_t chunk : standard_chunks()) {
    SCOPED_TRACE(chunk_label(chunk));
    core::connection conn(options);
    run_result r;
    r.events = feed(conn, input, chunk);
    r.output = take_frames(conn);
    EXPECT_EQ(r.events, expected);
    if (chunk == 0) {
      first = std::move(r);
    } else {
      EXPECT_EQ(summarize(r.output), summarize(first.output)) << "output depends on the read split";
    }
  }
  return first;
}

// Expects the input to fail the connection with `e` after `before` events, in every split, and
// the engine to queue a close frame carrying `code` as its last output (auto_close is on).
inline void expect_failure(const core::connection_options& options, std::span<const std::byte> input,
                           core::errc e, std::uint16_t code, const event_list& before = {}) {
  event_list expected = before;
  expected.push_back(error_event(e, code));
  for (const std::size_t chunk : standard_chunks()) {
    SCOPED_TRACE(chunk_label(chunk));
    core::connection conn(options);
    const auto events = feed(conn, input, chunk);
    EXPECT_EQ(events, expected);
    EXPECT_TRUE(conn.failed());
    EXPECT_EQ(conn.failure(), e);
    const auto frames = take_frames(conn);
    ASSERT_FALSE(frames.empty()) << "no close frame queued";
    EXPECT_EQ(frames.back().opcode, op::close);
    EXPECT_EQ(close_code_of(frames.back()), code);
    EXPECT_EQ(frames.back().payload.size(), 2u) << "a failure close carries the code only";
    EXPECT_EQ(frames.back().masked, options.endpoint_role == core::role::client);
    EXPECT_TRUE(conn.close_sent());
    // Invariant 1: later input is consumed and ignored.
    const bytes more = options.endpoint_role == core::role::server
                           ? client_frame(op::text, "more")
                           : server_frame(op::text, "more");
    EXPECT_TRUE(feed(conn, more).empty());
    EXPECT_FALSE(conn.has_output());
  }
}

// Concatenates streamed pieces; checks that only the final one has `last` and all share a kind.
struct joined_message {
  core::message_kind kind = core::message_kind::binary;
  bytes payload;
  std::size_t pieces = 0;
  bool complete = false;
};

inline std::vector<joined_message> join_pieces(const event_list& events) {
  std::vector<joined_message> out;
  bool open = false;
  for (const auto& e : events) {
    if (e.type != core::event_type::message) continue;
    if (!open) {
      out.push_back({e.kind, {}, 0, false});
      open = true;
    }
    auto& m = out.back();
    EXPECT_EQ(e.kind, m.kind) << "kind changed inside a message";
    append(m.payload, e.payload);
    ++m.pieces;
    if (e.last) {
      m.complete = true;
      open = false;
    }
  }
  return out;
}

// Events with the message pieces removed (pings, pongs, closes, errors), in order.
inline event_list non_message_events(const event_list& events) {
  event_list out;
  for (const auto& e : events) {
    if (e.type != core::event_type::message) out.push_back(e);
  }
  return out;
}

}  // namespace websock::test
