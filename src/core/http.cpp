#include "websock/core/http.hpp"

#include <algorithm>

namespace websock::core {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "HTTP/x.y"
bool parse_version(std::string_view s, int& major, int& minor) noexcept {
  if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || s[6] != '.') return false;
  if (s[5] < '0' || s[5] > '9' || s[7] < '0' || s[7] > '9') return false;
  major = s[5] - '0';
  minor = s[7] - '0';
  return true;
}

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace

bool is_token(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

bool is_field_value(std::string_view s) noexcept {
  return std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7F;
  });
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

const http_header* find_header(const header_list& headers, std::string_view name) noexcept {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return &h;
  }
  return nullptr;
}

std::size_t count_header(const header_list& headers, std::string_view name) noexcept {
  return static_cast<std::size_t>(std::count_if(
      headers.begin(), headers.end(), [&](const http_header& h) { return iequals(h.name, name); }));
}

std::vector<std::string_view> header_tokens(const header_list& headers, std::string_view name) {
  std::vector<std::string_view> out;
  for (const auto& h : headers) {
    if (!iequals(h.name, name)) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto element = trim(rest.substr(0, comma));
      if (!element.empty()) out.push_back(element);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

bool has_token(const header_list& headers, std::string_view name, std::string_view token) {
  const auto tokens = header_tokens(headers, name);
  return std::any_of(tokens.begin(), tokens.end(),
                     [&](std::string_view t) { return iequals(t, token); });
}

void append_headers(std::string& out, const header_list& headers) {
  for (const auto& h : headers) {
    out.append(h.name).append(": ").append(h.value).append("\r\n");
  }
}

const char* http_reason_phrase(int status) noexcept {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::size_t http_parser::feed(std::span<const std::byte> data) {
  if (done_ || error_ != errc::ok) return 0;
  const std::size_t before = buffer_.size();
  // Take no more than the limit allows, plus the bytes that may complete a terminator.
  const std::size_t room = limits_.max_header_bytes > before ? limits_.max_header_bytes - before : 0;
  const std::size_t take = std::min(data.size(), room);
  buffer_.append(reinterpret_cast<const char*>(data.data()), take);
  const auto end = buffer_.find("\r\n\r\n", before >= 3 ? before - 3 : 0);
  if (end == std::string::npos) {
    if (buffer_.size() >= limits_.max_header_bytes) error_ = errc::http_header_too_large;
    return take;
  }
  const std::size_t head_size = end + 4;
  buffer_.resize(head_size);
  error_ = parse();
  done_ = error_ == errc::ok;
  return head_size - before;
}

errc http_parser::parse() {
  std::string_view rest{buffer_.data(), buffer_.size() - 2};  // drop the final blank line's CRLF
  auto next_line = [&rest]() {
    const auto eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 2);
    return line;
  };

  const std::string_view start = next_line();
  const auto sp1 = start.find(' ');
  if (sp1 == std::string_view::npos) return errc::http_malformed;
  if (kind_ == http_kind::request) {
    const auto sp2 = start.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return errc::http_malformed;
    const auto method = start.substr(0, sp1);
    const auto target = start.substr(sp1 + 1, sp2 - sp1 - 1);
    if (!is_token(method) || target.empty() || !is_field_value(target) ||
        target.find_first_of(" \t") != std::string_view::npos) {
      return errc::http_malformed;
    }
    if (!parse_version(start.substr(sp2 + 1), head_.version_major, head_.version_minor)) {
      return errc::http_malformed;
    }
    head_.method = method;
    head_.target = target;
  } else {
    if (!parse_version(start.substr(0, sp1), head_.version_major, head_.version_minor)) {
      return errc::http_malformed;
    }
    const auto status = start.substr(sp1 + 1, 3);
    if (status.size() != 3 || !std::all_of(status.begin(), status.end(), [](char c) {
          return c >= '0' && c <= '9';
        })) {
      return errc::http_malformed;
    }
    if (start.size() > sp1 + 4 && start[sp1 + 4] != ' ') return errc::http_malformed;
    head_.status = (status[0] - '0') * 100 + (status[1] - '0') * 10 + (status[2] - '0');
    const auto reason = start.size() > sp1 + 5 ? start.substr(sp1 + 5) : std::string_view{};
    if (!is_field_value(reason)) return errc::http_malformed;
    head_.reason = reason;
  }

  while (!rest.empty()) {
    const std::string_view line = next_line();
    if (line.empty()) return errc::http_malformed;
    // RFC 9112 5.2: obsolete line folding is rejected; 5.1: no whitespace before the colon.
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return errc::http_malformed;
    const auto name = line.substr(0, colon);
    const auto value = trim(line.substr(colon + 1));
    if (!is_token(name) || !is_field_value(value)) return errc::http_malformed;
    if (head_.headers.size() == limits_.max_header_count) return errc::http_too_many_headers;
    head_.headers.push_back({std::string(name), std::string(value)});
  }
  return errc::ok;
}

}  // namespace websock::core
