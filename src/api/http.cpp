#include "websock/http.hpp"

namespace websock {

// The table lives in the core (one place); this keeps the public name.
const char* http_reason(int status) noexcept { return core::http_reason_phrase(status); }

std::string serialize(const http_response& r, bool head_only) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + http_reason(r.status) + "\r\n";
  out += "Content-Type: " + r.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  out += "Connection: close\r\n";
  core::append_headers(out, r.headers);
  out += "\r\n";
  if (!head_only) out += r.body;
  return out;
}

}  // namespace websock
