// What a client may put into its upgrade request (issue 9 defect 6). Every string of the options
// ends up inside the request head, so each is held to the grammar of its place there: nothing
// the caller passes can end a line early and add one of its own.
#include <algorithm>
#include <array>

#include "websock/core/handshake.hpp"

namespace websock::core {
namespace {

bool is_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// RFC 3986 2.3 unreserved and 2.2 sub-delims: the characters of a reg-name besides "%HH".
bool is_unreserved_or_sub_delim(char c) noexcept {
  if (is_alnum(c)) return true;
  switch (c) {
    case '-': case '.': case '_': case '~':
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',':
    case ';': case '=':
      return true;
    default:
      return false;
  }
}

// RFC 9112 3.2.1 origin-form: pchar (plus "/" and "?") may stand as they are.
bool is_target_char(char c) noexcept {
  return is_unreserved_or_sub_delim(c) || c == ':' || c == '@' || c == '/' || c == '?';
}

// A byte no request line may carry in any form: it would end the line or drive the reader's
// terminal. HTAB is not among them; it is encoded like a space.
bool is_control(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && u != '\t') || u == 0x7F;
}

bool is_digits(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// uri-host [":" port] (RFC 9110 7.2): a reg-name or IPv4 address, or an IP literal in brackets
// (which may hold a zone, "%25eth0"). Empty is allowed: websocket.h applications send Host
// themselves.
bool is_host_header(std::string_view h) noexcept {
  std::string_view port;
  if (!h.empty() && h.front() == '[') {
    const auto close = h.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    const auto literal = h.substr(1, close - 1);
    if (!std::all_of(literal.begin(), literal.end(),
                     [](char c) { return is_unreserved_or_sub_delim(c) || c == ':' || c == '%'; })) {
      return false;
    }
    const auto rest = h.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    port = rest;
  } else {
    const auto colon = h.find(':');
    const auto name = h.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(),
                     [](char c) { return is_unreserved_or_sub_delim(c) || c == '%'; })) {
      return false;
    }
    if (colon != std::string_view::npos) port = h.substr(colon);
  }
  return port.empty() || is_digits(port.substr(1));
}

// "name" or "name; param=value...": one list element, on one line.
bool is_extension_element(std::string_view e) noexcept {
  return !e.empty() && is_tchar(e.front()) && is_field_value(e) &&
         e.find(',') == std::string_view::npos;
}

// The fields the handshake writes or checks itself; a caller's copy would contradict them, and a
// second Sec-WebSocket-Protocol or -Extensions would offer what the client cannot check.
constexpr std::array<std::string_view, 8> reserved_names = {
    "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
    "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"};

errc refuse(errc e, std::string_view item, std::string* culprit) {
  if (culprit != nullptr) culprit->assign(item);
  return e;
}

}  // namespace

bool is_reserved_request_header(std::string_view name) noexcept {
  return std::any_of(reserved_names.begin(), reserved_names.end(),
                     [&](std::string_view r) { return iequals(r, name); });
}

errc encode_request_target(std::string_view target, std::string& out) {
  static constexpr char hex[] = "0123456789ABCDEF";
  if (target.empty() || target.front() != '/') return errc::bad_request_target;
  std::string encoded;
  encoded.reserve(target.size());
  for (std::size_t i = 0; i < target.size(); ++i) {
    const char c = target[i];
    if (is_control(c)) return errc::bad_request_target;
    // An escape already there stays one, so encoding twice changes nothing.
    const bool escape = c == '%' && i + 2 < target.size() && is_hex(target[i + 1]) && is_hex(target[i + 2]);
    if (is_target_char(c) || escape) {
      encoded.push_back(c);
    } else {
      const auto u = static_cast<unsigned char>(c);
      encoded.push_back('%');
      encoded.push_back(hex[u >> 4]);
      encoded.push_back(hex[u & 0xF]);
    }
  }
  out = std::move(encoded);
  return errc::ok;
}

errc check_client_request(client_handshake_options& options, std::string* culprit) {
  if (encode_request_target(options.target, options.target) != errc::ok) {
    return refuse(errc::bad_request_target, options.target, culprit);
  }
  if (!is_host_header(options.host)) return refuse(errc::bad_host, options.host, culprit);
  const auto& offered = options.subprotocols;
  for (auto it = offered.begin(); it != offered.end(); ++it) {
    // RFC 6455 4.1 (10): tokens, each offered once.
    if (!is_token(*it) || std::find(offered.begin(), it, *it) != it) {
      return refuse(errc::bad_subprotocol, *it, culprit);
    }
  }
  for (const auto& e : options.extensions) {
    if (!is_extension_element(e)) return refuse(errc::bad_extension, e, culprit);
  }
  for (const auto& h : options.extra_headers) {
    if (!is_token(h.name)) return refuse(errc::bad_header_name, h.name, culprit);
    if (is_reserved_request_header(h.name)) return refuse(errc::reserved_header, h.name, culprit);
    if (!is_field_value(h.value)) return refuse(errc::bad_header_value, h.name, culprit);
  }
  return errc::ok;
}

}  // namespace websock::core
