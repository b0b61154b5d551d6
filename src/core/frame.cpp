#include "websock/core/frame.hpp"

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
