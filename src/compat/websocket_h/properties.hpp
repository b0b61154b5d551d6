// Creation properties of a websocket.h handle.
#pragma once

#include "handle.hpp"

namespace websock::compat::wsh {

// Reads properties 0-4 into `out`. E_INVALIDARG for NULL values, wrong sizes, values out of range,
// a too small or misaligned allocated buffer, and types 5, 6 or unknown.
HRESULT parse_properties(const WEB_SOCKET_PROPERTY* properties, ULONG count, core::role role,
                         settings& out) noexcept;

// Keep-alive interval in milliseconds: WEBSOCK_KEEPALIVE_INTERVAL from the environment (our stand-in
// for the registry value HKLM\SOFTWARE\Microsoft\WebSocket\KeepaliveInterval), else 30000; never
// below 15000.
ULONG keepalive_interval() noexcept;

inline constexpr ULONG default_keepalive_interval = 30000;
inline constexpr ULONG min_keepalive_interval = 15000;

}  // namespace websock::compat::wsh
