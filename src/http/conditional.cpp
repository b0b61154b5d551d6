#include "http/conditional.hpp"

#include <cstdio>

#include "http/http_date.hpp"

namespace websock::http {
namespace {

// Walks an If-None-Match value: "*" or a list of [W/]"opaque" tags. Calls on_tag(opaque tag,
// including quotes) for each; returns false when the value does not parse (then it is ignored).
template <typename OnTag>
bool for_each_tag(std::string_view v, bool& star, OnTag on_tag) {
  std::size_t i = 0;
  while (i < v.size()) {
    const char c = v[i];
    if (c == ' ' || c == '\t' || c == ',') {
      ++i;
      continue;
    }
    if (c == '*') {
      star = true;
      ++i;
      continue;
    }
    if (v.substr(i, 2) == "W/") i += 2;
    if (i >= v.size() || v[i] != '"') return false;
    const auto close = v.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    on_tag(v.substr(i, close - i + 1));
    i = close + 1;
  }
  return true;
}

}  // namespace

std::string make_etag(std::uint64_t size, std::time_t mtime_sec, long mtime_nsec) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%llx-%llx.%lx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(mtime_sec), static_cast<unsigned long>(mtime_nsec));
  return buf;
}

bool is_not_modified(const header_list& headers, std::string_view etag, std::time_t mtime) {
  bool present = false;
  bool match = false;
  for (const auto& h : headers) {
    if (!core::iequals(h.name, "If-None-Match")) continue;
    present = true;
    bool star = false;
    bool hit = false;
    // Weak comparison (13.1.2): the opaque tags are compared, W/ ignored.
    if (for_each_tag(h.value, star, [&](std::string_view tag) { hit = hit || tag == etag; })) {
      match = match || star || hit;
    }
  }
  if (present) return match;
  const auto* ims = core::find_header(headers, "If-Modified-Since");
  if (ims == nullptr) return false;
  const auto since = parse_http_date(ims->value);
  return since && mtime <= *since;
}

bool if_range_allows(const header_list& headers, std::string_view etag, std::time_t mtime) {
  const auto* h = core::find_header(headers, "If-Range");
  if (h == nullptr) return true;
  const std::string_view v = h->value;
  if (!v.empty() && (v.front() == '"' || v.starts_with("W/"))) return v == etag;  // strong only
  const auto date = parse_http_date(v);
  return date && *date == mtime;
}

}  // namespace websock::http
