// websock_win_wprintf and its kin (the functions <windows.h> maps wprintf, fwprintf, swprintf, ...
// to): format with wide_format, then write to a stream or copy to the caller's buffer.
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cwchar>
#include <string>

#include "websock_win_wprintf.h"
#include "wide_format.hpp"

namespace {

using websock::compat::win32::format_wide;
using websock::compat::win32::to_multibyte;

// Windows streams are byte streams that wprintf converts into, so mixing printf and wprintf works
// there; writing bytes keeps it so here. A stream the program already made wide-oriented (fputws,
// fwide) is written wide, since a byte write would fail on it.
int write_to(FILE* stream, const std::wstring& text) {
  if (text.size() > static_cast<std::size_t>(INT_MAX)) return -1;
  if (std::fwide(stream, 0) > 0) return std::fputws(text.c_str(), stream) < 0 ? -1 : static_cast<int>(text.size());
  const std::string bytes = to_multibyte(text);
  if (std::fwrite(bytes.data(), 1, bytes.size(), stream) != bytes.size()) return -1;
  return static_cast<int>(text.size());
}

}  // namespace

extern "C" int websock_win_vfwprintf(FILE* stream, const wchar_t* format, va_list arguments) {
  if (stream == nullptr || format == nullptr) return -1;
  try {
    std::wstring text;
    if (!format_wide(text, format, arguments)) return -1;  // Windows prints nothing then either
    return write_to(stream, text);
  } catch (...) {  // std::bad_alloc: a C caller gets the error result
    return -1;
  }
}

extern "C" int websock_win_vwprintf(const wchar_t* format, va_list arguments) {
  return websock_win_vfwprintf(stdout, format, arguments);
}

extern "C" int websock_win_vswprintf(wchar_t* buffer, std::size_t count, const wchar_t* format,
                                     va_list arguments) {
  if (buffer == nullptr || format == nullptr || count == 0) return -1;
  try {
    std::wstring text;
    const bool accepted = format_wide(text, format, arguments);
    if (!accepted || text.size() >= count || text.size() > static_cast<std::size_t>(INT_MAX)) {
      // As ISO swprintf: -1, and what fits (NUL-terminated) when the text is too long.
      const std::size_t kept = text.size() < count ? text.size() : count - 1;
      text.copy(buffer, kept);
      buffer[kept] = L'\0';
      return -1;
    }
    text.copy(buffer, text.size());
    buffer[text.size()] = L'\0';
    return static_cast<int>(text.size());
  } catch (...) {
    buffer[0] = L'\0';
    return -1;
  }
}

extern "C" int websock_win_fwprintf(FILE* stream, const wchar_t* format, ...) {
  va_list arguments;
  va_start(arguments, format);
  const int result = websock_win_vfwprintf(stream, format, arguments);
  va_end(arguments);
  return result;
}

extern "C" int websock_win_wprintf(const wchar_t* format, ...) {
  va_list arguments;
  va_start(arguments, format);
  const int result = websock_win_vfwprintf(stdout, format, arguments);
  va_end(arguments);
  return result;
}

extern "C" int websock_win_swprintf(wchar_t* buffer, std::size_t count, const wchar_t* format, ...) {
  va_list arguments;
  va_start(arguments, format);
  const int result = websock_win_vswprintf(buffer, count, format, arguments);
  va_end(arguments);
  return result;
}
