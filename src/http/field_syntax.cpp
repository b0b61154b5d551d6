#include "http/field_syntax.hpp"

#include <algorithm>

namespace websock::http {

parse_error parse_field_line(std::string_view line, header_list& out, std::size_t max_count) {
  if (line.front() == ' ' || line.front() == '\t') return {400, "obsolete line folding"};
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return {400, "invalid header line"};
  const auto name = line.substr(0, colon);
  if (name.back() == ' ' || name.back() == '\t') return {400, "whitespace before colon"};
  if (!std::all_of(name.begin(), name.end(), is_tchar)) return {400, "invalid header name"};
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (!std::all_of(value.begin(), value.end(), is_field_char)) {
    return {400, "invalid header value"};
  }
  if (out.size() >= max_count) return {431, "too many header fields"};
  out.push_back({std::string(name), std::string(value)});
  return {};
}

}  // namespace websock::http
