#include "http/range.hpp"

#include "websock/core/http.hpp"

namespace websock::http {
namespace {

// 1*DIGIT, saturating at UINT64_MAX (a huge position is simply past the end).
bool read_number(std::string_view s, std::uint64_t& out) noexcept {
  if (s.empty()) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    out = out > (UINT64_MAX - d) / 10 ? UINT64_MAX : out * 10 + d;
  }
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

range_result evaluate_range(std::string_view value, std::uint64_t size) noexcept {
  const range_result whole{};
  value = trim(value);
  const auto eq = value.find('=');
  if (eq == std::string_view::npos || !core::iequals(trim(value.substr(0, eq)), "bytes")) return whole;
  const auto spec = trim(value.substr(eq + 1));
  if (spec.find(',') != std::string_view::npos) return whole;  // several ranges
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  const auto first_text = spec.substr(0, dash);
  const auto last_text = spec.substr(dash + 1);

  if (first_text.empty()) {  // suffix: the last n bytes
    std::uint64_t n = 0;
    if (!read_number(last_text, n)) return whole;
    if (n == 0 || size == 0) return {range_outcome::unsatisfiable, 0, 0};
    if (n > size) n = size;
    return {range_outcome::partial, size - n, n};
  }
  std::uint64_t first = 0;
  if (!read_number(first_text, first)) return whole;
  std::uint64_t last = UINT64_MAX;
  if (!last_text.empty() && !read_number(last_text, last)) return whole;
  if (last < first) return whole;  // invalid range-spec: the header is ignored
  if (first >= size) return {range_outcome::unsatisfiable, 0, 0};
  if (last >= size) last = size - 1;
  return {range_outcome::partial, first, last - first + 1};
}

}  // namespace websock::http
