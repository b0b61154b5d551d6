// The request-target split into path and query (RFC 9112 3.2, RFC 3986 3). Views, not decoded:
// percent-decoding belongs to whoever maps a path to a resource (static_path.hpp).
#pragma once

#include <string_view>

namespace websock::http {

struct target_parts {
  std::string_view path;   // "/..." for origin and absolute forms, "*" for asterisk, "" for CONNECT
  std::string_view query;  // after '?', without it; empty when there is none
};

target_parts split_target(std::string_view target) noexcept;

}  // namespace websock::http
