// Frame header layout and encoding (RFC 6455 section 5.2).
//
//   0                   1                   2                   3
//   |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//   |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//   |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//   | |1|2|3|       |K|             |                               |  + 4-byte masking key if MASK
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "websock/core/mask.hpp"

namespace websock::core {

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

constexpr bool is_control(opcode op) noexcept { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }
constexpr bool is_known_opcode(std::uint8_t op) noexcept {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

// RSV bits as they sit in the first header byte.
inline constexpr std::uint8_t rsv1_bit = 0x40;
inline constexpr std::uint8_t rsv2_bit = 0x20;
inline constexpr std::uint8_t rsv3_bit = 0x10;

inline constexpr std::size_t max_control_payload = 125;
inline constexpr std::size_t max_close_reason = 123;
inline constexpr std::size_t max_frame_header = 14;  // 2 + 8 extended length + 4 mask

struct frame_header {
  bool fin = true;
  std::uint8_t rsv = 0;  // RSV1-3 in their wire positions (0x70 mask)
  opcode op = opcode::text;
  std::uint64_t payload_size = 0;
  std::optional<mask_key> mask;
};

// Encoded header bytes, sized for the largest form.
struct encoded_header {
  std::array<std::byte, max_frame_header> bytes{};
  std::uint8_t size = 0;
  const std::byte* data() const noexcept { return bytes.data(); }
};

// Writes the header with the minimal length encoding. Never fails.
encoded_header encode_header(const frame_header& h) noexcept;

// Header length that encode_header produces for these fields.
constexpr std::size_t header_size(std::uint64_t payload_size, bool masked) noexcept {
  return (payload_size < 126 ? 2 : payload_size <= 0xFFFF ? 4 : 10) + (masked ? 4 : 0);
}

}  // namespace websock::core
