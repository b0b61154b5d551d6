// The HRESULTs of the IIS face (docs/compat/iis.md, "Errors"), and the one mapping from the
// runtime's errors to them.
#pragma once

#include <system_error>

#include <windows.h>

namespace websock::iis {

// A WebSocket operation ended by CancelOutstandingIO (rule 66).
inline constexpr HRESULT hr_cancelled = HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED);      // 0x800703E3
// The client went away (reset, end of stream, protocol failure, timeout).
inline constexpr HRESULT hr_peer_gone = HRESULT_FROM_WIN32(ERROR_NETNAME_DELETED);        // 0x80070040
// The connection was dropped on our side (CloseTcpConnection, ResetConnection, host stop).
inline constexpr HRESULT hr_aborted = HRESULT_FROM_WIN32(ERROR_CONNECTION_ABORTED);       // 0x800704D4
// A call in the wrong state: a second read or write, after the close, before any close arrived.
inline constexpr HRESULT hr_wrong_state = HRESULT_FROM_WIN32(ERROR_INVALID_OPERATION);    // 0x800710DD
// A server variable that does not exist.
inline constexpr HRESULT hr_no_variable = HRESULT_FROM_WIN32(ERROR_INVALID_INDEX);        // 0x80070585
// ReadEntityBody past the end of the body.
inline constexpr HRESULT hr_end_of_body = HRESULT_FROM_WIN32(ERROR_HANDLE_EOF);           // 0x80070026
inline constexpr HRESULT hr_unsupported = HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED);        // 0x80070032

// A pull read's or write's error. `aborted_by_us`: we dropped the connection ourselves.
HRESULT hresult_from(const std::error_code& ec, bool aborted_by_us) noexcept;

}  // namespace websock::iis
