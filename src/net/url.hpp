// ws:// and wss:// URLs (RFC 6455 3), and host:port for proxies.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace websock::net {

struct url {
  bool tls = false;
  std::string host;  // without brackets for IPv6 literals
  std::uint16_t port = 0;
  std::string target = "/";  // path and query, never empty; the fragment is dropped (3: MUST NOT)

  // The Host header: host[:port], the port only when not the scheme's default.
  std::string host_header() const;
};

// Fails with net_errc::bad_url.
std::error_code parse_url(std::string_view text, url& out);
// "host:port", "[::1]:port" or "http://host:port" (the proxy form).
std::error_code parse_host_port(std::string_view text, std::string& host, std::uint16_t& port);

}  // namespace websock::net
