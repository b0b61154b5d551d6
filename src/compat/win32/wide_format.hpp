// The formatter behind websock_win_wprintf and its kin: reads a wide printf format the way the
// Windows C runtime does (see include/win/websock_win_wprintf.h for the differences from ISO C).
#pragma once

#include <cstdarg>
#include <string>

namespace websock::compat::win32 {

// Appends the formatted text to out and consumes the arguments. False on a conversion Windows does
// not know (MSVC calls its invalid-parameter handler there); out then holds what came before it.
bool format_wide(std::wstring& out, const wchar_t* format, va_list arguments);

// The text in the current locale's multibyte encoding; a character it cannot represent becomes '?'.
std::string to_multibyte(const std::wstring& text);

}  // namespace websock::compat::win32
