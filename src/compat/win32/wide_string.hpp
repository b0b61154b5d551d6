// Wide strings of the Windows faces (wchar_t: UTF-32 here, UTF-16 on Windows) to and from the
// UTF-8 that goes on the wire. Code points that are not Unicode scalar values (lone surrogates,
// values over U+10FFFF) and bytes that are not UTF-8 become U+FFFD, so a conversion never fails.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace websock::win32 {

std::string to_utf8(std::wstring_view wide);
// A NUL-terminated wide string, or "" for NULL.
std::string to_utf8(const wchar_t* wide);
std::wstring to_wide(std::string_view utf8);

}  // namespace websock::win32
