#include "net/url.hpp"

#include <charconv>

#include "websock/error.hpp"

namespace websock::net {
namespace {

bool parse_port(std::string_view s, std::uint16_t& port) {
  unsigned value = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), value);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || value == 0 || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// authority = host [":" port], host possibly a bracketed IPv6 literal.
bool parse_authority(std::string_view a, std::string& host, std::uint16_t& port, bool& has_port) {
  has_port = false;
  if (a.empty()) return false;
  std::string_view rest;
  if (a.front() == '[') {
    const auto close = a.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    host = std::string(a.substr(1, close - 1));
    rest = a.substr(close + 1);
  } else {
    const auto colon = a.find(':');
    host = std::string(a.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view{} : a.substr(colon);
    if (host.empty()) return false;
  }
  if (rest.empty()) return true;
  if (rest.front() != ':') return false;
  has_port = true;
  return parse_port(rest.substr(1), port);
}

}  // namespace

std::string url::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string h;
  if (v6) h += '[';
  h += host;
  if (v6) h += ']';
  if (port != (tls ? 443 : 80)) h.append(":").append(std::to_string(port));
  return h;
}

std::error_code parse_url(std::string_view text, url& out) {
  const auto bad = make_error_code(net_errc::bad_url);
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return bad;
  const std::string_view scheme = text.substr(0, sep);
  if (scheme == "ws" || scheme == "http") {
    out.tls = false;
  } else if (scheme == "wss" || scheme == "https") {
    out.tls = true;
  } else {
    return bad;
  }
  std::string_view rest = text.substr(sep + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  const auto slash = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) return bad;  // no userinfo in ws URLs
  bool has_port = false;
  if (!parse_authority(authority, out.host, out.port, has_port)) return bad;
  if (!has_port) out.port = out.tls ? 443 : 80;
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  return {};
}

std::error_code parse_host_port(std::string_view text, std::string& host, std::uint16_t& port) {
  if (text.starts_with("http://")) text.remove_prefix(7);
  if (!text.empty() && text.back() == '/') text.remove_suffix(1);
  bool has_port = false;
  if (!parse_authority(text, host, port, has_port)) return make_error_code(net_errc::bad_url);
  if (!has_port) port = 8080;
  return {};
}

}  // namespace websock::net
