#include "proxy.hpp"

#include <charconv>
#include <vector>

#include "websock/core/http.hpp"

namespace websock::winhttp {
namespace {

std::vector<std::string_view> split_list(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ';' || s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ';' && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// "*" matches any run of characters; the comparison ignores case.
bool wildcard_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (std::size_t k = 0; k <= text.size(); ++k) {
      if (wildcard_match(pattern.substr(1), text.substr(k))) return true;
    }
    return false;
  }
  return !text.empty() && core::iequals(pattern.substr(0, 1), text.substr(0, 1)) &&
         wildcard_match(pattern.substr(1), text.substr(1));
}

bool bypassed(std::string_view bypass, std::string_view host) {
  for (std::string_view entry : split_list(bypass)) {
    // "<local>": names without a dot (intranet names), as WinHTTP defines it.
    if (core::iequals(entry, "<local>")) {
      if (host.find('.') == std::string_view::npos && host.find(':') == std::string_view::npos) return true;
      continue;
    }
    if (wildcard_match(entry, host)) return true;
  }
  return false;
}

std::optional<proxy_choice> parse_server(std::string_view s) {
  if (const auto scheme = s.find("://"); scheme != std::string_view::npos) s = s.substr(scheme + 3);
  if (!s.empty() && s.back() == '/') s.remove_suffix(1);
  proxy_choice p;
  std::string_view host = s;
  std::string_view port;
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = s.substr(1, close - 1);
    if (close + 1 < s.size() && s[close + 1] == ':') port = s.substr(close + 2);
  } else if (const auto colon = s.rfind(':'); colon != std::string_view::npos) {
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  if (!port.empty()) {
    unsigned value = 0;
    const auto r = std::from_chars(port.data(), port.data() + port.size(), value);
    if (r.ec != std::errc{} || r.ptr != port.data() + port.size() || value == 0 || value > 65535) return std::nullopt;
    p.port = static_cast<std::uint16_t>(value);
  }
  p.host = std::string(host);
  return p;
}

}  // namespace

std::optional<proxy_choice> choose_proxy(std::string_view proxies, std::string_view bypass, std::string_view host,
                                         bool secure) {
  if (bypassed(bypass, host)) return std::nullopt;
  std::optional<proxy_choice> any;
  for (std::string_view entry : split_list(proxies)) {
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) {
      if (!any) any = parse_server(entry);
      continue;
    }
    const std::string_view scheme = entry.substr(0, eq);
    if (core::iequals(scheme, secure ? "https" : "http")) return parse_server(entry.substr(eq + 1));
  }
  return any;
}

}  // namespace websock::winhttp
