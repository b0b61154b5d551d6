// Response heads (RFC 9112 4, RFC 9110 6.4 and 15) as bytes for the driver to write, in request
// order. The writer owns the framing and connection headers; callers' headers are checked so
// that no CR, LF, NUL or other control character reaches the wire.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace websock::http {

// What of the request shapes its response.
struct reply_to {
  bool head_request = false;  // HEAD: the headers a GET would get, no body
  bool keep_alive = true;     // the request allowed another one after it
  int version_minor = 1;

  static reply_to of(const request& r) noexcept {
    return {r.is_head(), r.keep_alive, r.version_minor};
  }
};

enum class response_body : unsigned char {
  length,   // Content-Length: content_length, then exactly that many bytes
  chunked,  // Transfer-Encoding: chunked (chunked.hpp); close-delimited for an HTTP/1.0 peer
};

struct response_head {
  int status = 200;
  header_list headers;  // Content-Type, ETag, ...; never Content-Length, Transfer-Encoding,
                        // Connection, Date or Server (the writer's own)
  response_body body = response_body::length;
  std::uint64_t content_length = 0;
};

struct written_head {
  bool ok = false;           // false: a header or the status was refused; nothing to send
  std::string bytes;         // status line through the blank line
  bool send_body = false;    // false for HEAD, 1xx, 204 and 304
  bool chunked = false;      // frame the body with chunked.hpp
  bool close_after = false;  // close the connection once this response is written
};

written_head write_head(const response_head& r, const reply_to& to, std::time_t now);

// A whole response with a small in-memory body (the body is left out for HEAD and statuses
// that have none). Empty when write_head refuses the head.
std::string write_response(const response_head& r, std::string_view body, const reply_to& to,
                           std::time_t now);

// The answer to a parse_error: the status, a text/plain body of the fixed text, Connection: close.
std::string write_error(const parse_error& e, std::time_t now);

// "HTTP/1.1 100 Continue" for a request with expect_continue, before reading its body.
std::string_view write_continue() noexcept;

}  // namespace websock::http
