#include "http/static_path.hpp"

#include <vector>

#include "websock/core/utf8.hpp"

namespace websock::http {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One segment, decoded; nullopt for a bad escape or a byte no file name here may hold.
std::optional<std::string> decode_segment(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return std::nullopt;
      const int hi = hex_value(raw[i + 1]);
      const int lo = hex_value(raw[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || u < 0x20 || u == 0x7F) return std::nullopt;
    out.push_back(c);
  }
  if (!core::is_valid_utf8(out)) return std::nullopt;
  return out;
}

}  // namespace

std::optional<relative_path> resolve_static_path(std::string_view raw_path,
                                                 static_path_rules rules) {
  if (raw_path.empty() || raw_path.front() != '/') return std::nullopt;
  if (raw_path.find('\\') != std::string_view::npos) return std::nullopt;
  std::string_view rest = raw_path.substr(1);
  relative_path out;
  std::vector<std::string> segments;
  while (true) {
    const auto slash = rest.find('/');
    const auto raw = rest.substr(0, slash);
    const bool last = slash == std::string_view::npos;
    if (raw.empty()) {
      // Only the end may be empty ("/" or "/dir/"); "//" is an absolute path in disguise.
      if (!last) return std::nullopt;
      out.directory_form = true;
      break;
    }
    auto segment = decode_segment(raw);
    if (!segment) return std::nullopt;
    if (*segment == "..") {
      if (segments.empty()) return std::nullopt;  // would climb out of the root
      segments.pop_back();
    } else if (*segment != ".") {
      if (segment->front() == '.' && !rules.allow_dotfiles) return std::nullopt;
      segments.push_back(std::move(*segment));
    }
    if (last) break;
    rest.remove_prefix(slash + 1);
  }
  for (const auto& s : segments) {
    if (!out.path.empty()) out.path += '/';
    out.path += s;
  }
  return out;
}

}  // namespace websock::http
