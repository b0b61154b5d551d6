// WINHTTP_ACCESS_TYPE_NAMED_PROXY: which proxy a request goes through, from WinHttpOpen's proxy
// list ("host:port", "http=host:port;https=host:port", "http://host:port") and bypass list
// ("<local>", "*.example.com", "10.*", separated by ';' or spaces).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace websock::winhttp {

struct proxy_choice {
  std::string host;
  std::uint16_t port = 80;
};

// The proxy for a request to `host` (secure: https), or nothing when it goes direct: no entry
// for its scheme, or the host matches the bypass list.
std::optional<proxy_choice> choose_proxy(std::string_view proxies, std::string_view bypass, std::string_view host,
                                         bool secure);

}  // namespace websock::winhttp
