// The HTTP/1.1 head that carries the opening handshake (RFC 6455 section 4, RFC 9112): an
// incremental parser with limits, and the header-list helpers the handshake rules need.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "websock/core/error.hpp"

namespace websock::core {

struct http_header {
  std::string name;
  std::string value;
};
using header_list = std::vector<http_header>;

struct http_limits {
  std::size_t max_header_bytes = 16 * 1024;  // the whole head, start line included
  std::size_t max_header_count = 100;
};

// Start line and headers of a request or response.
struct http_head {
  // Request: method and target. Response: status and reason.
  std::string method;
  std::string target;
  int status = 0;
  std::string reason;
  int version_major = 1;
  int version_minor = 1;
  header_list headers;
};

enum class http_kind : unsigned char { request, response };

class http_parser {
 public:
  explicit http_parser(http_kind kind, http_limits limits = {}) : kind_(kind), limits_(limits) {}

  // Takes bytes until the blank line that ends the head and returns how many it took; bytes after
  // the head (the first WebSocket frames) are left to the caller. Check done() and error().
  std::size_t feed(std::span<const std::byte> data);
  std::size_t feed(std::string_view data) {
    return feed(std::span{reinterpret_cast<const std::byte*>(data.data()), data.size()});
  }

  bool done() const noexcept { return done_; }
  errc error() const noexcept { return error_; }
  const http_head& head() const noexcept { return head_; }

 private:
  errc parse();

  http_kind kind_;
  http_limits limits_;
  std::string buffer_;
  bool done_ = false;
  errc error_ = errc::ok;
  http_head head_;
};

// RFC 9110 5.6.2 tchar.
constexpr bool is_tchar(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// A non-empty run of tchar: header names, methods, subprotocols.
bool is_token(std::string_view s) noexcept;
// A field value as RFC 9110 5.5 allows it: visible characters, obs-text, SP and HTAB; no CR, LF,
// NUL or other control character, so it cannot end its line or start another.
bool is_field_value(std::string_view s) noexcept;

// Case-insensitive ASCII comparison, as header names and the handshake tokens require.
bool iequals(std::string_view a, std::string_view b) noexcept;

// First header with this name, or nullptr.
const http_header* find_header(const header_list& headers, std::string_view name) noexcept;
// Number of headers with this name.
std::size_t count_header(const header_list& headers, std::string_view name) noexcept;

// Comma-separated list elements of every header with this name, trimmed, empty ones dropped
// (RFC 9110 5.6.1). Views into `headers`.
std::vector<std::string_view> header_tokens(const header_list& headers, std::string_view name);
// True if one of those elements equals `token`, ignoring case.
bool has_token(const header_list& headers, std::string_view name, std::string_view token);

// Appends "Name: value\r\n" for each header.
void append_headers(std::string& out, const header_list& headers);

// The reason phrase written after `status` in a status line (RFC 9110 section 15), for every
// status the library writes; "Unknown" for others. The one table of the project.
const char* http_reason_phrase(int status) noexcept;

}  // namespace websock::core
