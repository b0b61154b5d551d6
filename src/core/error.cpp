#include "websock/core/error.hpp"

#include <string>

#include "websock/core/close.hpp"

namespace websock::core {
namespace {

const char* describe(errc e) noexcept {
  switch (e) {
    case errc::ok: return "success";
    case errc::reserved_bits: return "reserved bits set without a negotiated extension";
    case errc::reserved_opcode: return "reserved opcode";
    case errc::fragmented_control_frame: return "control frame is fragmented";
    case errc::control_frame_too_large: return "control frame payload over 125 bytes";
    case errc::non_minimal_length: return "payload length not minimally encoded";
    case errc::length_msb_set: return "64-bit payload length has its most significant bit set";
    case errc::unmasked_frame: return "client frame is not masked";
    case errc::masked_frame: return "server frame is masked";
    case errc::unexpected_continuation: return "continuation frame with no message in progress";
    case errc::expected_continuation: return "new data frame while a fragmented message is in progress";
    case errc::frame_too_large: return "frame exceeds the maximum frame size";
    case errc::message_too_large: return "message exceeds the maximum message size";
    case errc::invalid_utf8: return "text message is not valid UTF-8";
    case errc::close_payload_too_short: return "close frame payload of one byte";
    case errc::invalid_close_code: return "invalid close code";
    case errc::invalid_close_reason: return "close reason is not valid UTF-8";
    case errc::send_after_close: return "send after the close frame";
    case errc::connection_failed: return "the connection has failed";
    case errc::close_reason_too_long: return "close reason over 123 bytes";
    case errc::control_payload_too_long: return "ping or pong payload to send is over 125 bytes";
    case errc::message_kind_mismatch: return "fragment kind differs from the message in progress";
    case errc::no_message_in_progress: return "no fragmented message in progress";
    case errc::bad_close_code_to_send: return "close code may not be sent";
    case errc::not_a_control_opcode: return "opcode is not ping, pong or close";
    case errc::output_too_small: return "output buffer too small for the frame";
    case errc::invalid_compressed_data: return "compressed message does not inflate";
    case errc::http_malformed: return "malformed HTTP head";
    case errc::http_header_too_large: return "HTTP head too large";
    case errc::http_too_many_headers: return "too many HTTP headers";
    case errc::http_bad_method: return "upgrade request method is not GET";
    case errc::http_bad_version: return "HTTP version below 1.1";
    case errc::http_missing_host: return "missing or repeated Host header";
    case errc::http_bad_upgrade: return "Upgrade header lacks \"websocket\"";
    case errc::http_bad_connection: return "Connection header lacks \"Upgrade\"";
    case errc::http_bad_ws_version: return "Sec-WebSocket-Version is not 13";
    case errc::http_bad_key: return "Sec-WebSocket-Key is not base64 of 16 bytes";
    case errc::http_bad_status: return "response status is not 101";
    case errc::http_bad_accept: return "Sec-WebSocket-Accept does not match the key";
    case errc::http_unexpected_subprotocol: return "subprotocol was not offered";
    case errc::http_unexpected_extension: return "extension was not offered";
    case errc::http_duplicate_header: return "header repeated";
    case errc::http_bad_response_version: return "101 response is not HTTP/1.1";
    case errc::http_bad_chunk: return "malformed chunked body";
    case errc::http_chunk_line_too_long: return "chunk-size line or trailer section too long";
    case errc::http_truncated_body: return "truncated body: the connection closed before its end";
    case errc::http_bad_extension_response:
      return "permessage-deflate answer with a parameter unknown, repeated, without its value or beyond what was offered";
    case errc::bad_request_target: return "request target does not start with '/' or holds a control character (CR, LF, NUL...)";
    case errc::bad_host: return "host is not a host name or IP address with an optional port";
    case errc::bad_header_name: return "header name is not a token";
    case errc::bad_header_value: return "header value holds a control character (CR, LF, NUL...)";
    case errc::reserved_header: return "header is written by the handshake itself (Host, Upgrade, Connection, Sec-WebSocket-*)";
    case errc::bad_subprotocol: return "subprotocol is not a token or is offered twice";
    case errc::bad_extension: return "extension offer is not one element on one line";
    case errc::out_of_memory: return "out of memory";
    case errc::policy_violation: return "policy violation";
    case errc::overloaded: return "server overloaded: message memory budget spent";
  }
  return "unknown websock core error";
}

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "websock.core"; }
  std::string message(int value) const override { return describe(static_cast<errc>(value)); }
};

}  // namespace

const std::error_category& core_category() noexcept {
  static const category instance;
  return instance;
}

std::uint16_t close_code_for(errc e) noexcept {
  switch (e) {
    case errc::ok: return close_code::normal;
    case errc::invalid_utf8:
    case errc::invalid_compressed_data:
    case errc::invalid_close_reason: return close_code::invalid_payload;
    case errc::frame_too_large:
    case errc::message_too_large: return close_code::message_too_big;
    case errc::policy_violation: return close_code::policy_violation;
    case errc::out_of_memory: return close_code::internal_error;
    case errc::overloaded: return close_code::try_again_later;
    default: return close_code::protocol_error;
  }
}

}  // namespace websock::core
