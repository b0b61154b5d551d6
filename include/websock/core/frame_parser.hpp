// The frame layer of the receive side (RFC 6455 section 5.2): gathers a frame header from input
// split anywhere, decodes and checks it, then steps through the payload, unmasking it in place.
// It knows frames only; messages (which frame may follow which, message size, UTF-8), control
// frame meaning and the close handshake belong to core::connection, which drives it.
//
// Use: while in_header(), call read_header() until it returns header_status::ready (or an error);
// then call read_payload() until payload_done(); the parser is back in the header state.
//
// Invariants:
//  1. Errors do not depend on how the input was split: what the first two header bytes decide
//     (opcode, RSV, control rules, frame order, masking) is checked as soon as those two bytes
//     are in, in the same order whether the header came whole or byte by byte, and the rest once
//     the header is complete.
//  2. read_header() consumes at most the header, read_payload() at most the current payload; a
//     partial header (at most 14 bytes) is kept inside, so the caller may reuse its buffer.
//  3. After an error the parser's state is unspecified; the owner stops feeding it (the
//     connection fails and ignores further input).
// Thread rules: none; like all of the core it is single-threaded and does no I/O.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "websock/core/error.hpp"
#include "websock/core/frame.hpp"

namespace websock::core {

struct frame_parser_options {
  bool expect_masked = true;          // server: peers' frames are masked (5.1); client: they are not
  bool accept_wrong_masking = false;  // skip the masking check (websocket.h DISABLE_MASKING)
  std::uint8_t allowed_rsv = 0;       // RSV bits an extension gives meaning to, in wire position
  std::uint64_t max_frame_size = std::uint64_t{1} << 62;  // frame_too_large beyond it
};

// What the message layer accepts as the next data frame. The parser checks it at the point where
// the frame order check has always been, between the control rules and the masking rule, so the
// error that wins when a header breaks several rules stays the same.
enum class next_data_frame : std::uint8_t {
  new_message,   // text or binary; a continuation is unexpected_continuation
  continuation,  // a message is open; text or binary is expected_continuation
};

enum class header_status : std::uint8_t {
  need_more,  // all input consumed, the header is not complete yet
  ready,      // header() holds a complete, valid header; the payload follows
  error,      // the header breaks a rule: see error()
};

// A whole small frame found by take_small_frame(): its payload, unmasked in place.
struct small_frame {
  std::span<std::byte> payload;
  std::size_t size = 0;     // header + payload bytes consumed
  bool text = false;        // text, else binary
  bool non_ascii = false;   // some payload byte has its high bit set
};

class frame_parser {
 public:
  explicit frame_parser(frame_parser_options options = {}) noexcept : options_(options) {}

  bool in_header() const noexcept { return !in_payload_; }
  // Some header bytes arrived and the rest has not.
  bool mid_header() const noexcept { return header_have_ != 0; }

  // Gathers and checks a header from `input`, advancing it and `consumed` past the bytes taken.
  header_status read_header(std::span<std::byte>& input, std::size_t& consumed,
                            next_data_frame expected) noexcept;
  errc error() const noexcept { return error_; }
  // The current frame's header (valid once read_header() returned ready).
  const frame_header& header() const noexcept { return frame_; }

  // Takes up to the rest of the current payload from `input`, unmasks it in place and returns it
  // (possibly empty). Back in the header state once the payload is done.
  // Inline: it runs once per frame of every message that is not a small whole frame.
  std::span<std::byte> read_payload(std::span<std::byte>& input, std::size_t& consumed) noexcept;
  // Payload bytes of the current frame still to come.
  // As read_payload, but the payload bytes go to `out` (room for min(remaining, input.size())),
  // unmasked as they are copied: one pass over them instead of two.
  std::span<std::byte> read_payload_to(std::span<std::byte>& input, std::size_t& consumed, std::byte* out) noexcept;
  std::uint64_t payload_remaining() const noexcept { return remaining_; }
  // Payload bytes of the current frame already handed out.
  std::uint64_t payload_offset() const noexcept { return offset_; }

  // The hot path: a whole unfragmented text or binary frame with a 7-bit length (at most 125
  // bytes and at most `size_limit`), masked as expected, at the start of `input` while no header
  // is partly gathered. Unmasks it and returns true; returns false, consuming nothing, for
  // anything else (the general path then handles it). Inline: it runs once per small message.
  bool take_small_frame(std::span<std::byte> input, std::uint64_t size_limit,
                        small_frame& out) const noexcept;

 private:
  errc check_first_bytes(next_data_frame expected) const noexcept;
  void decode_first_bytes(std::uint8_t b0, std::uint8_t b1) noexcept;
  errc decode_header(const std::byte* header, next_data_frame expected) noexcept;
  header_status finish(errc e) noexcept;

  frame_parser_options options_;
  bool in_payload_ = false;
  std::uint8_t header_have_ = 0;
  std::uint8_t header_need_ = 2;
  errc error_ = errc::ok;
  std::array<std::byte, max_frame_header> header_buf_{};
  // Past `take` payload bytes of the input.
  void advance(std::span<std::byte>& input, std::size_t& consumed, std::size_t take) noexcept;

  frame_header frame_{};
  std::uint64_t remaining_ = 0;
  std::uint64_t offset_ = 0;
};

inline std::span<std::byte> frame_parser::read_payload(std::span<std::byte>& input,
                                                std::size_t& consumed) noexcept {
  const std::size_t take =
      static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
  std::byte* data = input.data();
  if (frame_.mask && take > 0) apply_mask(data, take, *frame_.mask, offset_);
  advance(input, consumed, take);
  return {data, take};
}

inline void frame_parser::advance(std::span<std::byte>& input, std::size_t& consumed, std::size_t take) noexcept {
  input = input.subspan(take);
  consumed += take;
  remaining_ -= take;
  offset_ += take;
  if (remaining_ == 0) in_payload_ = false;
}

inline std::span<std::byte> frame_parser::read_payload_to(std::span<std::byte>& input, std::size_t& consumed,
                                                          std::byte* out) noexcept {
  const std::size_t take =
      static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
  if (take > 0) {
    if (frame_.mask) {
      copy_masked(out, input.data(), take, *frame_.mask, offset_);
    } else {
      std::memcpy(out, input.data(), take);
    }
  }
  advance(input, consumed, take);
  return {out, take};
}

namespace detail {

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
    const auto v =
        std::to_integer<std::uint8_t>(p[i]) ^ static_cast<std::uint8_t>(k64 >> (8 * (i & 7)));
    p[i] = static_cast<std::byte>(v);
    high |= v;
  }
  return high & 0x8080808080808080ull;
}

}  // namespace detail

inline bool frame_parser::take_small_frame(std::span<std::byte> input, std::uint64_t size_limit,
                                           small_frame& out) const noexcept {
  if (in_payload_ || header_have_ != 0 || input.size() < 2) return false;
  const auto b0 = std::to_integer<std::uint8_t>(input[0]);
  const auto b1 = std::to_integer<std::uint8_t>(input[1]);
  const bool masked = options_.expect_masked;
  // One pattern implies every header rule: FIN, no RSV, text or binary, the expected MASK bit,
  // the 7-bit length (always minimal). Wrong masking, even where accepted, takes the general path.
  if ((b0 != 0x81 && b0 != 0x82) || (b1 & 0x80) != (masked ? 0x80 : 0x00) || (b1 & 0x7F) > 125) {
    return false;
  }
  const std::size_t size = b1 & 0x7F;
  const std::size_t header = masked ? 6 : 2;
  if (input.size() < header + size || size > options_.max_frame_size || size > size_limit) {
    return false;
  }
  std::byte* payload = input.data() + header;
  out.non_ascii = detail::unmask_small(payload, size, masked ? input.data() + 2 : nullptr) != 0;
  out.payload = {payload, size};
  out.size = header + size;
  out.text = b0 == 0x81;
  return true;
}

}  // namespace websock::core
