// permessage-deflate (RFC 7692): what each side asks for and the negotiation of its parameters
// (sections 5 to 7), both roles. The compression itself is deflate_codec.hpp's.
//
// The client offers one element (deflate_offer); the server takes the first offer it can honour
// (select_deflate) and answers with one element; the client then checks that answer
// (accept_deflate_response), failing the handshake on anything RFC 7692 7.1 forbids.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "websock/core/error.hpp"

namespace websock::core {

inline constexpr std::string_view permessage_deflate_name = "permessage-deflate";

// What one side wants. Off by default: compressing secrets next to data an attacker chooses lets
// the attacker learn the secrets from the compressed sizes (CRIME, BREACH), so a server turns it on
// only where its messages do not mix the two.
struct deflate_options {
  bool enabled = false;
  // Ask (client) or require (server) that the server compresses each message on its own.
  bool server_no_context_takeover = false;
  // Ask (client) or require (server) that the client compresses each message on its own. A
  // connection without takeover keeps no compressor between messages (less memory per idle one).
  bool client_no_context_takeover = false;
  // The largest LZ77 window each side may use, 8..15 (2^bits bytes). A client offers its caps; a
  // server answers with at most them. Smaller windows cost less memory and compress less.
  std::uint8_t server_max_window_bits = 15;
  std::uint8_t client_max_window_bits = 15;
  // zlib's memLevel, 1..9: the compressor's hash memory (1: about 1 KiB + window, 8: about 128 KiB).
  int memory_level = 8;
  // zlib's level, 0..9 (-1: zlib's default, 6).
  int compression_level = -1;
  // Messages shorter than this go out uncompressed (RSV1 clear), which the extension allows:
  // deflate makes short messages longer and costs time.
  std::size_t min_compress_size = 0;
};

// The parameters both sides agreed on.
struct deflate_agreement {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  std::uint8_t server_max_window_bits = 15;
  std::uint8_t client_max_window_bits = 15;
};

// What a connection needs to compress and decompress: the agreement and our own levers.
struct deflate_session {
  deflate_agreement agreement;
  int compression_level = -1;
  int memory_level = 8;
  std::size_t min_compress_size = 0;
  // Inflated bytes produced per step: the most a compressed frame costs at once beyond the
  // message being assembled, and the largest piece handed out when messages come in pieces.
  std::size_t inflate_step = 16u << 10;
};
inline deflate_session session_for(const deflate_options& o, const deflate_agreement& a) noexcept {
  return {a, o.compression_level, o.memory_level, o.min_compress_size};
}

// One element of a Sec-WebSocket-Extensions value: "name; p1; p2=value" (RFC 6455 9.1; a quoted
// value is unquoted).
struct extension_param {
  std::string name;
  std::optional<std::string> value;
};
struct extension_element {
  std::string name;
  std::vector<extension_param> params;
};
// errc::bad_extension when `text` is not one element of that grammar.
errc parse_extension_element(std::string_view text, extension_element& out);

// ---- client ----
// The offer element for these options: the caps and no-context-takeover wishes, and
// client_max_window_bits (with our cap as its value when it is below 15) so that the server may
// choose a smaller client window.
std::string deflate_offer(const deflate_options& options);
// Checks the server's answer to deflate_offer(options) (RFC 7692 7.1): errc::http_bad_extension_response
// for an unknown parameter, one given twice, a value out of 8..15 or above what we allowed, a
// client_max_window_bits we did not offer, or a value missing. On success `out` is what both use.
errc accept_deflate_response(std::string_view element, const deflate_options& options, deflate_agreement& out);

// The agreement as one line for logs: "permessage-deflate" with its parameters that differ from
// the defaults (takeover both ways, windows of 15 bits).
std::string describe(const deflate_agreement& agreement);

// ---- server ----
// Takes the first of the client's offered elements (each "permessage-deflate; ..." or another
// extension, which is skipped) that these options can honour, and returns the answer element;
// nullopt when there is none. An offer with an unknown parameter, one twice or a bad value is
// declined (RFC 7692 7.1: a server declines, it does not fail).
std::optional<std::string> select_deflate(std::span<const std::string> offers, const deflate_options& options,
                                          deflate_agreement& out);

}  // namespace websock::core
