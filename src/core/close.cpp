#include "websock/core/close.hpp"

#include <cstring>

#include "websock/core/utf8.hpp"

namespace websock::core {

errc parse_close_payload(std::span<const std::byte> payload, close_payload& out,
                         bool check_utf8) noexcept {
  out = {};
  if (payload.empty()) return errc::ok;  // RFC 6455 7.1.5: no status code -> 1005
  // 5.5.1: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned integer".
  if (payload.size() == 1) return errc::close_payload_too_short;
  const auto code = static_cast<std::uint16_t>((std::to_integer<unsigned>(payload[0]) << 8) |
                                               std::to_integer<unsigned>(payload[1]));
  if (!is_valid_wire_close_code(code)) return errc::invalid_close_code;
  const auto reason = payload.subspan(2);
  if (check_utf8 && !is_valid_utf8(reason)) return errc::invalid_close_reason;
  out.code = code;
  out.reason = {reinterpret_cast<const char*>(reason.data()), reason.size()};
  return errc::ok;
}

std::size_t encode_close_payload(std::uint16_t code, std::string_view reason,
                                 std::span<std::byte> out) noexcept {
  const std::size_t n = close_payload_size(code, reason);
  if (n == 0 || out.size() < n) return 0;
  out[0] = static_cast<std::byte>(code >> 8);
  out[1] = static_cast<std::byte>(code & 0xFF);
  if (!reason.empty()) std::memcpy(out.data() + 2, reason.data(), reason.size());
  return n;
}

}  // namespace websock::core
