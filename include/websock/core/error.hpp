// Every way the protocol core can refuse input or an API call: one value per violation,
// each mapped to the close code RFC 6455 section 7.4.1 prescribes.
#pragma once

#include <cstdint>
#include <system_error>

namespace websock::core {

enum class errc : int {
  ok = 0,

  // Frame layer (RFC 6455 section 5.2).
  reserved_bits = 1,          // RSV1-3 set without an extension that defines them
  reserved_opcode,            // opcodes 3-7 and 11-15
  fragmented_control_frame,   // control frame with FIN clear (5.5)
  control_frame_too_large,    // control payload over 125 bytes (5.5)
  non_minimal_length,         // 16/64-bit length where a shorter form fits (5.2)
  length_msb_set,             // 64-bit length with the most significant bit set (5.2)
  unmasked_frame,             // client-to-server frame without MASK (5.1)
  masked_frame,               // server-to-client frame with MASK (5.1)
  unexpected_continuation,    // continuation frame with no message open (5.4)
  expected_continuation,      // new data frame while a message is open (5.4)
  frame_too_large,            // frame payload over the configured max_frame_size
  message_too_large,          // message over the configured max_message_size
  invalid_utf8,               // text payload is not UTF-8 (8.1)

  // Close frames (5.5.1, 7.4).
  close_payload_too_short,    // close payload of exactly one byte
  invalid_close_code,         // code not valid on the wire (0-999, 1004-1006, 1015-2999, 5000+)
  invalid_close_reason,       // close reason is not UTF-8

  // Calls that the state or the arguments do not allow.
  send_after_close,           // data frame after our close frame
  connection_failed,          // the connection already failed; nothing more goes through
  close_reason_too_long,      // reason over 123 bytes
  control_payload_too_long,   // ping/pong payload over 125 bytes
  message_kind_mismatch,      // fragment of a different kind than the open message
  no_message_in_progress,     // continuation send with no message open
  bad_close_code_to_send,     // 1004, 1006, 1015 or another code not valid on the wire passed to send_close
  not_a_control_opcode,       // encode_control_frame given a data or reserved opcode
  output_too_small,           // the caller's buffer cannot hold the encoded frame
  invalid_compressed_data,    // a permessage-deflate message that does not inflate (RFC 7692 7.2.2)

  // Opening handshake (section 4).
  http_malformed = 100,       // not a parsable HTTP/1.1 head
  http_header_too_large,      // head over max_header_bytes
  http_too_many_headers,      // more than max_header_count fields
  http_bad_method,            // request method other than GET
  http_bad_version,           // not HTTP/1.1 or later
  http_missing_host,          // no Host header
  http_bad_upgrade,           // Upgrade lacks the token "websocket"
  http_bad_connection,        // Connection lacks the token "Upgrade"
  http_bad_ws_version,        // Sec-WebSocket-Version is not 13 (answer 426)
  http_bad_key,               // Sec-WebSocket-Key missing or not base64 of 16 bytes
  http_bad_status,            // response status is not 101
  http_bad_accept,            // Sec-WebSocket-Accept does not match the key
  http_unexpected_subprotocol,// server chose a subprotocol the client did not offer
  http_unexpected_extension,  // server chose an extension the client did not offer
  http_duplicate_header,      // a header that must appear once appears twice
  http_bad_response_version,  // a 101 that is not HTTP/1.1 (or a later 1.x)
  // A response body a client reads (RFC 9112 6.3 and 7.1; src/http/response_body.hpp).
  http_bad_chunk,             // chunked body breaks 7.1: size not hex or over 64 bits, no CRLF, bad extension or trailer
  http_chunk_line_too_long,   // chunk-size line or trailer section over its limit
  http_truncated_body,        // the connection closed before the body's declared end
  // A permessage-deflate answer RFC 7692 7.1 forbids: a parameter unknown, repeated, without
  // its value, out of range or beyond what the client allowed.
  http_bad_extension_response,

  // What a client asked to send, refused before any byte is written (check_client_request).
  bad_request_target = 150,   // target not "/...", or holds CR, LF, NUL or another control
  bad_host,                   // host is not a host name or IP literal with an optional port
  bad_header_name,            // extra header name is not a token
  bad_header_value,           // extra header value holds CR, LF, NUL or another control
  reserved_header,            // extra header the handshake writes itself (Host, Sec-WebSocket-*...)
  bad_subprotocol,            // offered subprotocol is not a token, or is offered twice
  bad_extension,              // offered extension is not "token[; params]" on one line

  // Resources.
  out_of_memory = 200,
  policy_violation,           // rejected by application policy
  overloaded,                 // a process-wide memory budget is spent (closes with 1013)
};

const std::error_category& core_category() noexcept;

// True for the errors of check_client_request: the caller's own input was refused and nothing
// was sent, so trying again cannot help.
constexpr bool is_request_option_error(errc e) noexcept {
  return e >= errc::bad_request_target && e <= errc::bad_extension;
}

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), core_category()};
}

// Close code that a connection failed with this error must send (RFC 6455 7.4.1).
std::uint16_t close_code_for(errc e) noexcept;

}  // namespace websock::core

template <>
struct std::is_error_code_enum<websock::core::errc> : std::true_type {};
