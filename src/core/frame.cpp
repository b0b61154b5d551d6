#include "websock/core/frame.hpp"

#include <algorithm>
#include <cstring>

#include "websock/core/frame_parser.hpp"

namespace websock::core {

encoded_header encode_header(const frame_header& h) noexcept {
  encoded_header out;
  auto* b = out.bytes.data();
  b[0] = static_cast<std::byte>((h.fin ? 0x80 : 0x00) | (h.rsv & 0x70) |
                                static_cast<std::uint8_t>(h.op));
  const std::byte mask_bit{static_cast<unsigned char>(h.mask ? 0x80 : 0x00)};
  std::size_t n;
  // RFC 6455 5.2: "the minimal number of bytes MUST be used to encode the length".
  if (h.payload_size < 126) {
    b[1] = mask_bit | static_cast<std::byte>(h.payload_size);
    n = 2;
  } else if (h.payload_size <= 0xFFFF) {
    b[1] = mask_bit | std::byte{126};
    b[2] = static_cast<std::byte>(h.payload_size >> 8);
    b[3] = static_cast<std::byte>(h.payload_size);
    n = 4;
  } else {
    b[1] = mask_bit | std::byte{127};
    for (int i = 0; i < 8; ++i) b[2 + i] = static_cast<std::byte>(h.payload_size >> (56 - 8 * i));
    n = 10;
  }
  if (h.mask) {
    for (int i = 0; i < 4; ++i) b[n + i] = (*h.mask)[i];
    n += 4;
  }
  out.size = static_cast<std::uint8_t>(n);
  return out;
}

}  // namespace websock::core

// ------------------------------------------------------------------ parsing

namespace websock::core {
namespace {

// Header length implied by the second header byte: 2, plus the extended length, plus the key.
inline std::size_t header_length(std::byte b1) noexcept {
  const auto v = std::to_integer<std::uint8_t>(b1);
  const std::uint8_t len7 = v & 0x7F;
  return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((v & 0x80) != 0 ? 4 : 0);
}

}  // namespace

// Fields the first two header bytes decide; the rest of the header may not have arrived yet.
void frame_parser::decode_first_bytes(std::uint8_t b0, std::uint8_t b1) noexcept {
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

// Rules that the first two header bytes already decide, checked before the rest arrives.
errc frame_parser::check_first_bytes(next_data_frame expected) const noexcept {
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
    if (!frame_.fin) return errc::fragmented_control_frame;  // 5.5
    if (frame_.payload_size > max_control_payload) return errc::control_frame_too_large;
  } else if (op == opcode::continuation) {
    if (expected != next_data_frame::continuation) return errc::unexpected_continuation;  // 5.4
  } else if (expected == next_data_frame::continuation) {
    return errc::expected_continuation;  // 5.4
  }
  if (!options_.accept_wrong_masking) {
    // 5.1: clients MUST mask, servers MUST NOT; the receiver MUST fail the connection otherwise.
    const bool masked = frame_.mask.has_value();
    if (options_.expect_masked && !masked) return errc::unmasked_frame;
    if (!options_.expect_masked && masked) return errc::masked_frame;
  }
  return errc::ok;
}

// Decodes and checks a complete header.
errc frame_parser::decode_header(const std::byte* h, next_data_frame expected) noexcept {
  const auto b0 = std::to_integer<std::uint8_t>(h[0]);
  const auto b1 = std::to_integer<std::uint8_t>(h[1]);
  if (!is_known_opcode(b0 & 0x0F)) return errc::reserved_opcode;
  decode_first_bytes(b0, b1);
  // The same checks, on the same two bytes, as when the header arrives split: the error must not
  // depend on where the reads fell.
  if (errc e = check_first_bytes(expected); e != errc::ok) return e;
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
  if (!is_control(frame_.op) && frame_.payload_size > options_.max_frame_size) {
    return errc::frame_too_large;
  }
  return errc::ok;
}

header_status frame_parser::finish(errc e) noexcept {
  error_ = e;
  if (e != errc::ok) return header_status::error;
  in_payload_ = true;
  remaining_ = frame_.payload_size;
  offset_ = 0;
  return header_status::ready;
}

header_status frame_parser::read_header(std::span<std::byte>& input, std::size_t& consumed,
                                        next_data_frame expected) noexcept {
  if (header_have_ == 0 && input.size() >= 2) {
    const std::size_t need = header_length(input[1]);
    if (input.size() >= need) {
      // The whole header is contiguous in the caller's buffer: decode it there.
      const errc e = decode_header(input.data(), expected);
      input = input.subspan(need);
      consumed += need;
      return finish(e);
    }
  }
  while (header_have_ < header_need_ && !input.empty()) {
    header_buf_[header_have_++] = input[0];
    input = input.subspan(1);
    ++consumed;
    if (header_have_ == 2) {
      header_need_ = static_cast<std::uint8_t>(header_length(header_buf_[1]));
      // Fail fast on what two bytes already show: opcode, reserved bits, control rules, frame
      // order, masking. A peer announcing a bad frame is not waited for.
      const auto b0 = std::to_integer<std::uint8_t>(header_buf_[0]);
      if (!is_known_opcode(b0 & 0x0F)) return finish(errc::reserved_opcode);
      decode_first_bytes(b0, std::to_integer<std::uint8_t>(header_buf_[1]));
      if (errc e = check_first_bytes(expected); e != errc::ok) return finish(e);
    }
  }
  if (header_have_ < header_need_) return header_status::need_more;
  header_have_ = 0;
  header_need_ = 2;
  return finish(decode_header(header_buf_.data(), expected));
}

}  // namespace websock::core
