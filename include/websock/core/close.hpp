// Close codes and close-frame payloads (RFC 6455 sections 5.5.1 and 7.4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "websock/core/error.hpp"

namespace websock::core {

// The IANA WebSocket Close Code Number Registry (RFC 6455 11.7): 1000-1015 are assigned.
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t reserved = 1004;        // reserved by RFC 6455 7.4.1; never sent
inline constexpr std::uint16_t no_status = 1005;       // reported for an empty close; never sent
inline constexpr std::uint16_t abnormal = 1006;        // reported for a lost connection; never sent
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t service_restart = 1012;  // registered after RFC 6455
inline constexpr std::uint16_t try_again_later = 1013;  // registered after RFC 6455
inline constexpr std::uint16_t bad_gateway = 1014;      // registered after RFC 6455
inline constexpr std::uint16_t tls_handshake = 1015;   // never sent
}  // namespace close_code

// Codes an endpoint may put on the wire and accept from it, after the IANA registry: 1000-1003
// and 1007-1014 (assigned for use in close frames), 3000-3999 (registered for libraries and
// applications) and 4000-4999 (private use). 1004 (reserved), 1005, 1006 and 1015 (RFC 6455
// 7.4.1: never in a close frame) are refused, and so are 0-999 (unused) and 1016-2999 (kept for
// future revisions of the protocol: a code from there cannot be understood yet).
constexpr bool is_valid_wire_close_code(std::uint16_t code) noexcept {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
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

// Size of the close payload encode_close_payload() writes: 0 for no_status (an empty close),
// else the 2-byte code and the reason.
constexpr std::size_t close_payload_size(std::uint16_t code, std::string_view reason) noexcept {
  return code == close_code::no_status ? 0 : 2 + reason.size();
}

// Writes the payload of a close frame to send (5.5.1: the code in network byte order, then the
// reason) and returns its size; no_status writes nothing (an empty close frame). The one encoder
// of close payloads: the connection's own closes and the faces' use it. It does not judge the
// code or reason (connection::check_close_to_send does); `out` must hold
// close_payload_size(code, reason) bytes, else nothing is written and 0 returned.
std::size_t encode_close_payload(std::uint16_t code, std::string_view reason,
                                 std::span<std::byte> out) noexcept;

}  // namespace websock::core
