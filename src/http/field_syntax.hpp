// Character classes and the field-line rule shared by heads and trailers (RFC 9110 5, RFC 9112 5).
#pragma once

#include <cstddef>
#include <string_view>

#include "http/request.hpp"

namespace websock::http {

// RFC 9110 5.6.2 tchar: the core's (one table for the handshake and the front).
using core::is_tchar;

// Field values: visible characters, obs-text, SP and HTAB; no other control character.
constexpr bool is_field_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 0x20 || u == '\t') && u != 0x7F;
}

// Parses one field line (without its CRLF) and appends it to `out`; a refusal when the line
// breaks RFC 9112 5 (obs-fold, whitespace before the colon, bad name, control characters) or
// `out` already holds max_count fields (431).
parse_error parse_field_line(std::string_view line, header_list& out, std::size_t max_count);

}  // namespace websock::http
