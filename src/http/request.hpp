// One parsed request head and what its headers decide: body framing, keep-alive, upgrade, expect.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "websock/core/http.hpp"

namespace websock::http {

using core::header_list;
using core::http_header;

// How the body that follows the head is delimited (RFC 9112 section 6.3).
enum class body_framing : unsigned char { none, content_length, chunked };

// The request-target forms of RFC 9112 section 3.2.
enum class target_form : unsigned char { origin, absolute, authority, asterisk };

struct request {
  std::string method;
  std::string target;  // as sent; see split_target() (target.hpp) for path and query
  target_form form = target_form::origin;
  int version_minor = 1;  // HTTP/1.0 or HTTP/1.1 (a higher 1.x minor is read as 1.1)
  header_list headers;
  header_list trailers;  // chunked bodies only, complete at the end event

  body_framing framing = body_framing::none;
  std::uint64_t content_length = 0;  // framing == content_length
  bool keep_alive = true;        // the connection may carry another request after this one
  bool expect_continue = false;  // Expect: 100-continue on HTTP/1.1: answer 100 before reading
  bool upgrade = false;          // Connection: upgrade + Upgrade: websocket (never with a body)

  bool is_head() const noexcept { return method == "HEAD"; }
};

// A refusal: the status to answer with and a short fixed text (never peer bytes). The
// connection closes after the response.
struct parse_error {
  int status = 0;
  std::string_view text;
};

// What the driver answers when a started head does not complete in time (phase::head); a peer
// idle between requests (phase::idle) is closed without an answer.
inline constexpr parse_error request_timeout{408, "request head timed out"};

// Decides framing, keep-alive, upgrade and expectations from the headers of a parsed head;
// an error when they are contradictory or unsupported. Used by request_parser.
parse_error interpret_headers(request& r, std::uint64_t max_body_bytes);

}  // namespace websock::http
