// Creation properties (WEB_SOCKET_PROPERTY) and WebSocketGetGlobalProperty.
#include "properties.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace websock::compat::wsh {
namespace {

bool read_ulong(const WEB_SOCKET_PROPERTY& p, ULONG& out) noexcept {
  if (p.pvValue == nullptr || p.ulValueSize != sizeof(ULONG)) return false;
  std::memcpy(&out, p.pvValue, sizeof out);  // the caller's alignment is not ours to trust
  return true;
}

bool read_bool(const WEB_SOCKET_PROPERTY& p, bool& out) noexcept {
  BOOL value = FALSE;
  if (p.pvValue == nullptr || p.ulValueSize != sizeof(BOOL)) return false;
  std::memcpy(&value, p.pvValue, sizeof value);
  out = value != FALSE;
  return true;
}

}  // namespace

HRESULT parse_properties(const WEB_SOCKET_PROPERTY* properties, ULONG count, core::role role,
                         settings& out) noexcept {
  if (count != 0 && properties == nullptr) return E_INVALIDARG;
  settings s;
  for (ULONG i = 0; i < count; ++i) {
    const WEB_SOCKET_PROPERTY& p = properties[i];
    switch (p.Type) {
      case WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE: {
        ULONG v = 0;
        if (!read_ulong(p, v) || v < min_receive_buffer || v > max_receive_buffer) {
          return E_INVALIDARG;
        }
        s.receive_buffer_size = v;
        break;
      }
      case WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE: {
        // The documentation says 256; .NET creates server handles with 16, and a server never
        // copies payload through this buffer (it only holds frame headers), so 16 is accepted there.
        const ULONG min = role == core::role::server ? min_server_send_buffer : min_client_send_buffer;
        ULONG v = 0;
        if (!read_ulong(p, v) || v < min || v > max_send_buffer) return E_INVALIDARG;
        s.send_buffer_size = v;
        break;
      }
      case WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE:
        if (!read_bool(p, s.disable_masking)) return E_INVALIDARG;
        break;
      case WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE:
        if (!read_bool(p, s.disable_utf8_verification)) return E_INVALIDARG;
        break;
      case WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE:
        // The buffer must be 8-byte aligned; its size is checked below, once both sizes are known.
        if (p.pvValue == nullptr || (reinterpret_cast<std::uintptr_t>(p.pvValue) & 7u) != 0) {
          return E_INVALIDARG;
        }
        s.allocated_buffer = static_cast<std::byte*>(p.pvValue);
        s.allocated_buffer_size = p.ulValueSize;
        break;
      default:  // KEEPALIVE_INTERVAL and SUPPORTED_VERSIONS are global, not per handle
        return E_INVALIDARG;
    }
  }
  if (s.allocated_buffer != nullptr) {
    const ULONG send = s.send_buffer_size != 0 ? s.send_buffer_size
                       : role == core::role::client ? default_client_send_buffer
                                                    : default_server_send_buffer;
    const std::uint64_t need = std::uint64_t{s.receive_buffer_size} + send + allocated_buffer_overhead;
    if (s.allocated_buffer_size < need) return E_INVALIDARG;
  }
  out = s;
  return S_OK;
}

ULONG keepalive_interval() noexcept {
  ULONG value = default_keepalive_interval;
  if (const char* text = std::getenv("WEBSOCK_KEEPALIVE_INTERVAL"); text != nullptr && *text != '\0') {
    errno = 0;
    char* end = nullptr;
    const unsigned long long parsed = std::strtoull(text, &end, 10);
    if (errno == 0 && end != nullptr && *end == '\0' && text[0] != '-' && parsed <= 0xFFFFFFFFull) {
      value = static_cast<ULONG>(parsed);
    }
  }
  return value < min_keepalive_interval ? min_keepalive_interval : value;
}

}  // namespace websock::compat::wsh

using namespace websock::compat::wsh;

extern "C" HRESULT WINAPI WebSocketGetGlobalProperty(WEB_SOCKET_PROPERTY_TYPE eType, PVOID pvValue,
                                                     ULONG* ulSize) {
  if (ulSize == nullptr) return E_POINTER;
  ULONG value = 0;
  switch (eType) {
    case WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE:
      value = keepalive_interval();
      break;
    case WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE:
      value = 13;  // the array of supported versions has one element
      break;
    default:
      return E_INVALIDARG;
  }
  if (*ulSize < sizeof(ULONG)) {
    *ulSize = sizeof(ULONG);
    return HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);
  }
  if (pvValue == nullptr) return E_POINTER;
  std::memcpy(pvValue, &value, sizeof value);
  *ulSize = sizeof(ULONG);
  return S_OK;
}
