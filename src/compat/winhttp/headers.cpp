#include "headers.hpp"

#include <charconv>
#include <cstring>

#include "win32/wide_string.hpp"

namespace websock::winhttp {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

core::http_header* find(core::header_list& headers, std::string_view name) {
  for (auto& h : headers) {
    if (core::iequals(h.name, name)) return &h;
  }
  return nullptr;
}

void erase_all(core::header_list& headers, std::string_view name) {
  std::erase_if(headers, [name](const core::http_header& h) { return core::iequals(h.name, name); });
}

}  // namespace

DWORD add_request_headers(core::header_list& headers, std::string_view lines, DWORD modifiers) {
  core::header_list result = headers;
  while (!lines.empty()) {
    const std::size_t eol = lines.find('\n');
    std::string_view line = lines.substr(0, eol);
    lines = eol == std::string_view::npos ? std::string_view{} : lines.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return ERROR_WINHTTP_INVALID_HEADER;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    // A name must be a token and a value may not hold CR, LF, NUL or other controls: nothing the
    // application passes can end the line and start a header of its own.
    if (!core::is_token(name) || !core::is_field_value(value)) return ERROR_WINHTTP_INVALID_HEADER;
    core::http_header* existing = find(result, name);
    if (modifiers & WINHTTP_ADDREQ_FLAG_REPLACE) {
      erase_all(result, name);
      if (!value.empty()) result.push_back({std::string(name), std::string(value)});
    } else if (modifiers & WINHTTP_ADDREQ_FLAG_ADD_IF_NEW) {
      if (existing) return ERROR_WINHTTP_HEADER_ALREADY_EXISTS;
      result.push_back({std::string(name), std::string(value)});
    } else if (existing && (modifiers & (WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA |
                                         WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON))) {
      existing->value += (modifiers & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON) ? "; " : ", ";
      existing->value += value;
    } else {
      result.push_back({std::string(name), std::string(value)});
    }
  }
  headers = std::move(result);
  return ERROR_SUCCESS;
}

const char* query_field_name(DWORD level) noexcept {
  // Index = WINHTTP_QUERY_* value; nullptr where the level is not one field.
  static constexpr const char* names[] = {
      "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-ID", "Content-Description",
      "Content-Length", "Content-Language", "Allow", "Public", "Date", "Expires", "Last-Modified",
      "Message-ID", "URI", "Derived-From", "Cost", "Link", "Pragma", nullptr, nullptr, nullptr, nullptr,
      nullptr, "Connection", "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language",
      "Authorization", "Content-Encoding", "Forwarded", "From", "If-Modified-Since", "Location",
      "Orig-URI", "Referer", "Retry-After", "Server", "Title", "User-Agent", "WWW-Authenticate",
      "Proxy-Authenticate", "Accept-Ranges", "Set-Cookie", "Cookie", nullptr, "Refresh",
      "Content-Disposition", "Age", "Cache-Control", "Content-Base", "Content-Location", "Content-MD5",
      "Content-Range", "ETag", "Host", "If-Match", "If-None-Match", "If-Range", "If-Unmodified-Since",
      "Max-Forwards", "Proxy-Authorization", "Range", "Transfer-Encoding", "Upgrade", "Vary", "Via",
      "Warning", "Expect", "Proxy-Connection", "Unless-Modified-Since"};
  return level < std::size(names) ? names[level] : nullptr;
}

DWORD write_query_result(std::string_view value, DWORD level, LPVOID buffer, LPDWORD length) {
  if (!length) return ERROR_INVALID_PARAMETER;
  if (level & WINHTTP_QUERY_FLAG_NUMBER) {
    DWORD n = 0;
    const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
    if (r.ec != std::errc{} || r.ptr != value.data() + value.size()) return ERROR_WINHTTP_INVALID_QUERY_REQUEST;
    if (!buffer || *length < sizeof(DWORD)) {
      *length = sizeof(DWORD);
      return ERROR_INSUFFICIENT_BUFFER;
    }
    std::memcpy(buffer, &n, sizeof n);
    *length = sizeof(DWORD);
    return ERROR_SUCCESS;
  }
  return write_wide(value, buffer, length);
}

DWORD write_wide(std::string_view utf8, LPVOID buffer, LPDWORD length) {
  if (!length) return ERROR_INVALID_PARAMETER;
  const std::wstring wide = win32::to_wide(utf8);
  const DWORD needed = static_cast<DWORD>((wide.size() + 1) * sizeof(WCHAR));
  if (!buffer || *length < needed) {
    *length = needed;
    return ERROR_INSUFFICIENT_BUFFER;
  }
  std::memcpy(buffer, wide.c_str(), needed);
  *length = needed - static_cast<DWORD>(sizeof(WCHAR));  // without the terminator
  return ERROR_SUCCESS;
}

std::string raw_headers_crlf(const core::http_head& head) {
  std::string out = "HTTP/" + std::to_string(head.version_major) + "." + std::to_string(head.version_minor) + " " +
                    std::to_string(head.status) + " " + head.reason + "\r\n";
  core::append_headers(out, head.headers);
  out += "\r\n";
  return out;
}

}  // namespace websock::winhttp
