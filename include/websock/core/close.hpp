// Close codes and close-frame payloads (RFC 6455 sections 5.5.1 and 7.4).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "websock/core/error.hpp"

namespace websock::core {

namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005;       // reported for an empty close; never sent
inline constexpr std::uint16_t abnormal = 1006;        // reported for a lost connection; never sent
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t tls_handshake = 1015;   // never sent
}  // namespace close_code

// Codes an endpoint may put on the wire and accept from it: 1000-1003, 1007-1011 (RFC 6455 7.4.1)
// and 3000-4999 (registered and private use). 1004-1006, 1015 and everything else are refused.
constexpr bool is_valid_wire_close_code(std::uint16_t code) noexcept {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
         (code >= 3000 && code <= 4999);
}

struct close_payload {
  std::uint16_t code = close_code::no_status;  // no_status when the payload was empty
  std::string_view reason;                     // UTF-8, at most 123 bytes
};

// Parses a received close payload: empty -> 1005; one byte -> error; invalid code or non-UTF-8
// reason -> error (the UTF-8 check can be turned off). The reason views `payload`.
errc parse_close_payload(std::span<const std::byte> payload, close_payload& out,
                         bool check_utf8 = true) noexcept;

}  // namespace websock::core
