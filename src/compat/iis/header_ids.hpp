// The names of HTTP_HEADER_ID values (http.h): ids 0-19 are shared, from 20 on requests and
// responses number different headers.
#pragma once

#include <string_view>

#include <http.h>

namespace websock::iis {

// "" for an id out of range.
std::string_view request_header_name(HTTP_HEADER_ID id) noexcept;
std::string_view response_header_name(HTTP_HEADER_ID id) noexcept;

}  // namespace websock::iis
