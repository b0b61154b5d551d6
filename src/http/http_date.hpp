// HTTP-date (RFC 9110 5.6.7): written as IMF-fixdate, read as IMF-fixdate.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace websock::http {

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::string format_http_date(std::time_t t);
// The IMF-fixdate form only; the obsolete RFC 850 and asctime forms give nullopt, which makes a
// conditional header that carries them ignored (RFC 9110 13.1.3 allows exactly that).
std::optional<std::time_t> parse_http_date(std::string_view s) noexcept;

}  // namespace websock::http
