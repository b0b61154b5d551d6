#include "wide_string.hpp"

#include <cwchar>

namespace websock::win32 {
namespace {

constexpr char32_t replacement = 0xFFFD;

bool is_scalar(char32_t c) noexcept { return c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF); }

void append_utf8(std::string& out, char32_t c) {
  if (!is_scalar(c)) c = replacement;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// One code point from `s` at `i` (advanced past it); malformed input yields U+FFFD for one byte.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i++]);
  if (b0 < 0x80) return b0;
  std::size_t extra = 0;
  char32_t c = 0;
  char32_t least = 0;
  if ((b0 & 0xE0) == 0xC0) {
    extra = 1, c = b0 & 0x1F, least = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2, c = b0 & 0x0F, least = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3, c = b0 & 0x07, least = 0x10000;
  } else {
    return replacement;
  }
  if (s.size() - i < extra) return replacement;
  for (std::size_t k = 0; k < extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return replacement;
    c = (c << 6) | (b & 0x3F);
  }
  i += extra;
  return (c < least || !is_scalar(c)) ? replacement : c;
}

}  // namespace

std::string to_utf8(std::wstring_view wide) {
  std::string out;
  out.reserve(wide.size());
  if constexpr (sizeof(wchar_t) == 2) {
    for (std::size_t i = 0; i < wide.size(); ++i) {
      char32_t c = static_cast<char16_t>(wide[i]);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < wide.size()) {
        const char32_t low = static_cast<char16_t>(wide[i + 1]);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
          ++i;
        }
      }
      append_utf8(out, c);
    }
  } else {
    for (wchar_t w : wide) append_utf8(out, static_cast<char32_t>(w));
  }
  return out;
}

std::string to_utf8(const wchar_t* wide) { return wide ? to_utf8(std::wstring_view(wide)) : std::string(); }

std::wstring to_wide(std::string_view utf8) {
  std::wstring out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t c = next_code_point(utf8, i);
    if constexpr (sizeof(wchar_t) == 2) {
      if (c >= 0x10000) {
        out += static_cast<wchar_t>(0xD800 + ((c - 0x10000) >> 10));
        out += static_cast<wchar_t>(0xDC00 + ((c - 0x10000) & 0x3FF));
        continue;
      }
    }
    out += static_cast<wchar_t>(c);
  }
  return out;
}

}  // namespace websock::win32
