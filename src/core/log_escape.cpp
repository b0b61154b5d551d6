#include "websock/core/log_escape.hpp"

#include "websock/core/utf8.hpp"

namespace websock::core {
namespace {

// The one spelling of an escaped byte: \r, \n, \t or \xNN.
void append_escaped(std::string& out, unsigned char u) {
  static constexpr char hex[] = "0123456789abcdef";
  switch (u) {
    case '\r': out += "\\r"; return;
    case '\n': out += "\\n"; return;
    case '\t': out += "\\t"; return;
    default: break;
  }
  out += "\\x";
  out.push_back(hex[u >> 4]);
  out.push_back(hex[u & 0xF]);
}

// Length of the UTF-8 sequence `lead` starts (RFC 3629 4), or 0 if it starts none.
std::size_t sequence_length(unsigned char lead) noexcept {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

}  // namespace

std::string escape_for_log(std::string_view bytes, std::size_t max_bytes) {
  const std::string_view shown = bytes.substr(0, max_bytes);
  std::string out;
  out.reserve(shown.size() + 16);
  for (const char c : shown) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (u >= 0x20 && u < 0x7F) {
      out.push_back(c);
    } else {
      append_escaped(out, u);
    }
  }
  if (bytes.size() > shown.size()) {
    out += "...(" + std::to_string(bytes.size()) + " bytes)";
  }
  return out;
}

std::string escape_for_terminal(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 16);
  for (std::size_t i = 0; i < bytes.size();) {
    const auto u = static_cast<unsigned char>(bytes[i]);
    if ((u >= 0x20 && u < 0x7F) || u == '\t') {
      out.push_back(bytes[i++]);
      continue;
    }
    const std::size_t n = sequence_length(u);
    const bool c1 = u == 0xC2 && i + 1 < bytes.size() && static_cast<unsigned char>(bytes[i + 1]) < 0xA0;
    if (n != 0 && !c1 && i + n <= bytes.size() && is_valid_utf8(bytes.substr(i, n))) {
      out.append(bytes.substr(i, n));
      i += n;
      continue;
    }
    // A control, or a byte of no valid sequence: escape it alone and look again at the next.
    append_escaped(out, u);
    ++i;
  }
  return out;
}

}  // namespace websock::core
