#include "http/http_date.hpp"

#include <cstdio>

namespace websock::http {
namespace {

constexpr const char* day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool digits(std::string_view s, int& out) noexcept {
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

}  // namespace

std::string format_http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", day_names[tm.tm_wday % 7],
                tm.tm_mday, month_names[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::optional<std::time_t> parse_http_date(std::string_view s) noexcept {
  // 0         1         2
  // 0123456789012345678901234567 8
  // Sun, 06 Nov 1994 08:49:37 GMT
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
    return std::nullopt;
  }
  bool day_ok = false;
  for (const char* d : day_names) day_ok = day_ok || s.substr(0, 3) == d;
  int month = -1;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(8, 3) == month_names[i]) month = i;
  }
  std::tm tm{};
  if (!day_ok || month < 0 || !digits(s.substr(5, 2), tm.tm_mday) ||
      !digits(s.substr(12, 4), tm.tm_year) || !digits(s.substr(17, 2), tm.tm_hour) ||
      !digits(s.substr(20, 2), tm.tm_min) || !digits(s.substr(23, 2), tm.tm_sec)) {
    return std::nullopt;
  }
  if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return std::nullopt;
  }
  tm.tm_mon = month;
  tm.tm_year -= 1900;
  return timegm(&tm);
}

}  // namespace websock::http
