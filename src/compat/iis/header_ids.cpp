#include "header_ids.hpp"

#include <array>

namespace websock::iis {
namespace {

constexpr std::array<std::string_view, HttpHeaderRequestMaximum> request_names = {
    "Cache-Control",     "Connection",     "Date",           "Keep-Alive",        "Pragma",
    "Trailer",           "Transfer-Encoding", "Upgrade",     "Via",               "Warning",
    "Allow",             "Content-Length", "Content-Type",   "Content-Encoding",  "Content-Language",
    "Content-Location",  "Content-MD5",    "Content-Range",  "Expires",           "Last-Modified",
    "Accept",            "Accept-Charset", "Accept-Encoding", "Accept-Language",  "Authorization",
    "Cookie",            "Expect",         "From",           "Host",              "If-Match",
    "If-Modified-Since", "If-None-Match",  "If-Range",       "If-Unmodified-Since", "Max-Forwards",
    "Proxy-Authorization", "Referer",      "Range",          "TE",                "Translate",
    "User-Agent"};

constexpr std::array<std::string_view, HttpHeaderResponseMaximum - 20> response_only_names = {
    "Accept-Ranges", "Age",  "ETag",       "Location", "Proxy-Authenticate",
    "Retry-After",   "Server", "Set-Cookie", "Vary",   "WWW-Authenticate"};

}  // namespace

std::string_view request_header_name(HTTP_HEADER_ID id) noexcept {
  const auto i = static_cast<std::size_t>(id);
  return i < request_names.size() ? request_names[i] : std::string_view{};
}

std::string_view response_header_name(HTTP_HEADER_ID id) noexcept {
  const auto i = static_cast<std::size_t>(id);
  if (i < 20) return request_names[i];
  return i < HttpHeaderResponseMaximum ? response_only_names[i - 20] : std::string_view{};
}

}  // namespace websock::iis
