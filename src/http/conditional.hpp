// Validators of a file and the conditional requests that use them (RFC 9110 8.8, 13).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace websock::http {

// A quoted strong entity tag from size and modification time (nanoseconds included), so an
// edit that keeps the size still changes it.
std::string make_etag(std::uint64_t size, std::time_t mtime_sec, long mtime_nsec);

// RFC 9110 13.2.2 steps 3-4 for GET/HEAD: true when the answer is 304. If-None-Match (a list
// of tags, or "*", weak comparison) decides when present; If-Modified-Since only otherwise.
bool is_not_modified(const header_list& headers, std::string_view etag, std::time_t mtime);

// RFC 9110 13.1.5: the Range is honoured only when If-Range is absent, is our strong tag
// (strong comparison), or is exactly our Last-Modified date.
bool if_range_allows(const header_list& headers, std::string_view etag, std::time_t mtime);

}  // namespace websock::http
