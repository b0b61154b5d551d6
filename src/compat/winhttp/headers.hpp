// Request headers as WinHttpAddRequestHeaders takes them, and the response headers as
// WinHttpQueryHeaders gives them out (wide strings, lengths in bytes, ERROR_INSUFFICIENT_BUFFER
// with the size needed).
#pragma once

#include <windows.h>
#include <winhttp.h>

#include <string>
#include <string_view>

#include "websock/core/http.hpp"

namespace websock::winhttp {

// Adds "Name: value" lines (CRLF or LF separated) to `headers` under WINHTTP_ADDREQ_FLAG_*
// `modifiers`. Returns ERROR_SUCCESS or the error to report; on error `headers` is unchanged.
DWORD add_request_headers(core::header_list& headers, std::string_view lines, DWORD modifiers);

// The field name an info level stands for (WINHTTP_QUERY_CONTENT_TYPE: "Content-Type"), or
// nullptr for levels that are not a single field.
const char* query_field_name(DWORD level) noexcept;

// Writes `utf8` as a NUL-terminated wide string into a caller's buffer of *length bytes, the way
// WinHttpQueryHeaders and WinHttpQueryOption give strings out: too small (or NULL) is
// ERROR_INSUFFICIENT_BUFFER with the bytes needed, terminator included; on success *length is the
// bytes written without the terminator.
DWORD write_wide(std::string_view utf8, LPVOID buffer, LPDWORD length);

// Writes `value` for WinHttpQueryHeaders: as a NUL-terminated wide string, or as a DWORD with
// WINHTTP_QUERY_FLAG_NUMBER. Returns ERROR_SUCCESS or the error; *length is in bytes.
DWORD write_query_result(std::string_view value, DWORD level, LPVOID buffer, LPDWORD length);

// The head as WINHTTP_QUERY_RAW_HEADERS_CRLF gives it: status line and fields, CRLF after each,
// and a blank line at the end.
std::string raw_headers_crlf(const core::http_head& head);

}  // namespace websock::winhttp
