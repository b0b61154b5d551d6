// Plain HTTP requests that are not WebSocket upgrades, so a page and its WebSocket endpoint can
// share one port. Connections are kept alive (HTTP/1.1) and pipelined requests answered in order.
#pragma once

#include <string>

#include "websock/core/handshake.hpp"
#include "websock/core/http.hpp"

namespace websock {

using header_list = core::header_list;
using upgrade_request = core::upgrade_request;

struct http_request {
  std::string method;
  std::string target;  // as sent: path and query
  std::string path;    // target without the query
  header_list headers;
  std::string body;    // Content-Length or chunked, at most 1 MiB (larger: 413)
};

struct http_response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  header_list headers;  // extra headers
};

// The reason phrase for the statuses this library writes.
const char* http_reason(int status) noexcept;
// A whole response on its own: status line, Content-Type, Content-Length, Connection: close,
// body. (The server writes its responses through its HTTP front instead, with keep-alive.)
std::string serialize(const http_response& r, bool head_only = false);

}  // namespace websock
