#include "http/request.hpp"

#include <algorithm>

namespace websock::http {
namespace {

using core::count_header;
using core::has_token;
using core::header_tokens;
using core::iequals;

constexpr parse_error ok{};

// RFC 9112 3.2 and RFC 3986 3.2.2: uri-host [":" port]; reg-name, IP-literal and port characters
// only (no whitespace, '/', '@', quotes and the like). An empty value is allowed.
bool is_host_value(std::string_view v) noexcept {
  return std::all_of(v.begin(), v.end(), [](char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("-._~%!$&'()*+,;=:[]").find(c) != std::string_view::npos;
  });
}

// RFC 9112 6.3 item 5 and RFC 9110 8.6: Content-Length = 1*DIGIT, one value. 8.6 lets a
// recipient either read a list or repeat of one value as that value or refuse it as invalid;
// we refuse every repeat, equal or not (two field lines, or a list in one): no conforming sender
// makes one, and a repeat that two parsers in a chain read differently is how requests are
// smuggled. Sign, hex, spaces inside and empty values are not 1*DIGIT.
parse_error read_content_length(request& r, std::uint64_t max_body_bytes) {
  const std::size_t fields = count_header(r.headers, "Content-Length");
  if (fields == 0) return ok;
  if (fields > 1) return {400, "repeated Content-Length"};
  const std::string_view v = core::find_header(r.headers, "Content-Length")->value;
  if (v.find(',') != std::string_view::npos) return {400, "Content-Length list"};
  if (v.empty() || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return {400, "invalid Content-Length"};
  }
  // Saturating: a value too long for 64 bits is simply over any limit.
  std::uint64_t value = 0;
  for (char c : v) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return {413, "request body too large"};
    value = value * 10 + digit;
  }
  if (value > max_body_bytes) return {413, "request body too large"};
  r.framing = value > 0 ? body_framing::content_length : body_framing::none;
  r.content_length = value;
  return ok;
}

// RFC 9112 6.1 and 6.3 items 3-4: chunked must be the final coding of a request; other codings
// are not implemented here (501); Transfer-Encoding in HTTP/1.0 or beside Content-Length is a
// framing error (400).
parse_error read_transfer_encoding(request& r) {
  if (r.version_minor == 0) return {400, "Transfer-Encoding in HTTP/1.0"};
  if (count_header(r.headers, "Content-Length") != 0) {
    return {400, "both Content-Length and Transfer-Encoding"};
  }
  const auto codings = header_tokens(r.headers, "Transfer-Encoding");
  if (codings.empty() || !iequals(codings.back(), "chunked")) {
    return {400, "chunked is not the final transfer coding"};
  }
  for (std::size_t i = 0; i + 1 < codings.size(); ++i) {
    if (iequals(codings[i], "chunked")) return {400, "chunked applied twice"};
  }
  if (codings.size() > 1) return {501, "transfer coding not implemented"};
  r.framing = body_framing::chunked;
  return ok;
}

}  // namespace

parse_error interpret_headers(request& r, std::uint64_t max_body_bytes) {
  // RFC 9112 3.2: a 1.1 request has exactly one Host; two are refused in any version.
  const std::size_t hosts = count_header(r.headers, "Host");
  if (hosts > 1) return {400, "more than one Host"};
  if (hosts == 0 && r.version_minor == 1) return {400, "missing Host"};
  if (hosts == 1 && !is_host_value(core::find_header(r.headers, "Host")->value)) {
    return {400, "invalid Host"};
  }

  const parse_error framing = count_header(r.headers, "Transfer-Encoding") != 0
                                  ? read_transfer_encoding(r)
                                  : read_content_length(r, max_body_bytes);
  if (framing.status != 0) return framing;

  // RFC 9112 9.3: persistence.
  const bool close = has_token(r.headers, "Connection", "close");
  r.keep_alive = r.version_minor == 1 ? !close
                                      : !close && has_token(r.headers, "Connection", "keep-alive");

  // RFC 9110 10.1.1: only 100-continue is known; a 1.0 request's expectation is ignored.
  if (r.version_minor == 1 && count_header(r.headers, "Expect") != 0) {
    const auto expectations = header_tokens(r.headers, "Expect");
    for (const auto e : expectations) {
      if (!iequals(e, "100-continue")) return {417, "unsupported expectation"};
    }
    r.expect_continue = !expectations.empty();
  }

  // RFC 9110 7.8 and RFC 6455 4.1: a WebSocket upgrade. Its opening handshake is a GET without
  // content; one that announces a body is refused rather than served as plain HTTP or switched,
  // since after a 101 nobody could tell body bytes from frames. The rest of 4.2.1 (GET, HTTP/1.1
  // or later, key, version) is the core handshake's to judge: an HTTP/1.0 attempt reaches it and
  // gets its 400, so it never switches (RFC 9110 7.8 forbids acting on Upgrade in 1.0) and is
  // not answered as if it were a plain request for the resource.
  r.upgrade = has_token(r.headers, "Connection", "upgrade") && has_token(r.headers, "Upgrade", "websocket");
  if (r.upgrade && r.framing != body_framing::none) return {400, "upgrade request with a body"};
  return ok;
}

}  // namespace websock::http
