// WinHttpSetOption and WinHttpQueryOption for the options a WebSocket client uses (spec 3.2).
// An option this face does not implement is ERROR_WINHTTP_INVALID_OPTION, never ignored.
#include <cstring>

#include "errors.hpp"
#include "headers.hpp"
#include "objects.hpp"
#include "websocket.hpp"
#include "win32/wide_string.hpp"

using namespace websock;
using namespace websock::winhttp;

namespace {

DWORD read_dword(LPVOID buffer, DWORD length, DWORD& out) {
  if (!buffer) return ERROR_INVALID_PARAMETER;
  if (length != sizeof(DWORD)) return ERROR_INSUFFICIENT_BUFFER;
  std::memcpy(&out, buffer, sizeof out);
  return ERROR_SUCCESS;
}

template <class T>
DWORD write_value(const T& value, LPVOID buffer, LPDWORD length) {
  if (!length) return ERROR_INVALID_PARAMETER;
  if (!buffer || *length < sizeof(T)) {
    *length = sizeof(T);
    return ERROR_INSUFFICIENT_BUFFER;
  }
  std::memcpy(buffer, &value, sizeof(T));
  *length = sizeof(T);
  return ERROR_SUCCESS;
}

int* timeout_field(timeouts& t, DWORD option) {
  switch (option) {
    case WINHTTP_OPTION_RESOLVE_TIMEOUT:
      return &t.resolve;
    case WINHTTP_OPTION_CONNECT_TIMEOUT:
      return &t.connect;
    case WINHTTP_OPTION_SEND_TIMEOUT:
      return &t.send;
    case WINHTTP_OPTION_RECEIVE_TIMEOUT:
    case WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT:
      return &t.receive;
    default:
      return nullptr;
  }
}

std::string request_url(const request& r) {
  const auto c = std::static_pointer_cast<connection>(r.parent);
  const bool secure = (r.flags & WINHTTP_FLAG_SECURE) != 0;
  const INTERNET_PORT port = c->port != INTERNET_DEFAULT_PORT ? c->port : (secure ? 443 : 80);
  std::string host = c->host.find(':') != std::string::npos ? "[" + c->host + "]" : c->host;
  if (port != (secure ? 443 : 80)) host += ":" + std::to_string(port);
  return (secure ? "https://" : "http://") + host + r.target;
}

DWORD set_option(object& obj, DWORD option, LPVOID buffer, DWORD length) {
  DWORD value = 0;
  if (int* field = timeout_field(obj.limits, option)) {
    if (obj.type == kind::websocket) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    if (const DWORD e = read_dword(buffer, length, value); e != ERROR_SUCCESS) return e;
    std::lock_guard lock(obj.mu);
    *field = static_cast<int>(value == static_cast<DWORD>(-1) ? 0 : value);
    return ERROR_SUCCESS;
  }
  switch (option) {
    case WINHTTP_OPTION_CONTEXT_VALUE: {
      if (!buffer) return ERROR_INVALID_PARAMETER;
      if (length != sizeof(DWORD_PTR)) return ERROR_INSUFFICIENT_BUFFER;
      std::lock_guard lock(obj.mu);
      std::memcpy(&obj.context, buffer, sizeof(DWORD_PTR));
      return ERROR_SUCCESS;
    }
    case WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET: {
      if (obj.type != kind::request) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
      if (buffer || length != 0) return ERROR_INVALID_PARAMETER;  // rule 31: no data
      auto& r = static_cast<request&>(obj);
      std::lock_guard lock(r.mu);
      if (r.state != request_state::opened) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
      r.upgrade = true;
      return ERROR_SUCCESS;
    }
    case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT:
    case WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL: {
      if (const DWORD e = read_dword(buffer, length, value); e != ERROR_SUCCESS) return e;
      const bool keepalive = option == WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL;
      if (keepalive && value < WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE) return ERROR_INVALID_PARAMETER;  // rule 53
      if (obj.type == kind::websocket) {
        auto& ws = static_cast<websocket&>(obj);
        return keepalive ? ws.set_keepalive(value) : ws.set_close_timeout(value);
      }
      std::lock_guard lock(obj.mu);
      (keepalive ? obj.limits.ws_keepalive : obj.limits.ws_close) = value;
      return ERROR_SUCCESS;
    }
    case WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE:
    case WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE: {
      if (const DWORD e = read_dword(buffer, length, value); e != ERROR_SUCCESS) return e;
      const bool send = option == WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE;
      std::lock_guard lock(obj.mu);
      if (obj.type == kind::session) {
        auto& s = static_cast<session&>(obj);
        (send ? s.ws_send_buffer : s.ws_receive_buffer) = value;
      } else if (obj.type == kind::request) {
        auto& r = static_cast<request&>(obj);
        (send ? r.ws_send_buffer : r.ws_receive_buffer) = value;
      } else {
        return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
      }
      return ERROR_SUCCESS;
    }
    case WINHTTP_OPTION_SECURITY_FLAGS: {
      if (obj.type != kind::request) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
      if (const DWORD e = read_dword(buffer, length, value); e != ERROR_SUCCESS) return e;
      if (value & ~static_cast<DWORD>(SECURITY_FLAG_IGNORE_ALL_CERT_ERRORS)) return ERROR_INVALID_PARAMETER;
      std::lock_guard lock(obj.mu);
      static_cast<request&>(obj).security_flags = value;
      return ERROR_SUCCESS;
    }
    case WINHTTP_OPTION_SECURE_PROTOCOLS: {
      if (obj.type != kind::session) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
      if (const DWORD e = read_dword(buffer, length, value); e != ERROR_SUCCESS) return e;
      // Only TLS 1.2 and 1.3 are ever spoken (RFC 8996): a mask without either is refused.
      if ((value & (WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3)) == 0) {
        return ERROR_INVALID_PARAMETER;
      }
      std::lock_guard lock(obj.mu);
      static_cast<session&>(obj).secure_protocols = value;
      return ERROR_SUCCESS;
    }
    case WINHTTP_OPTION_USER_AGENT: {
      if (obj.type != kind::session) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
      if (!buffer) return ERROR_INVALID_PARAMETER;
      std::lock_guard lock(obj.mu);
      static_cast<session&>(obj).agent = win32::to_utf8(std::wstring_view(static_cast<const WCHAR*>(buffer), length));
      return ERROR_SUCCESS;
    }
    case WINHTTP_OPTION_PROXY: {
      if (obj.type != kind::session) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
      if (!buffer) return ERROR_INVALID_PARAMETER;
      if (length < sizeof(WINHTTP_PROXY_INFO)) return ERROR_INSUFFICIENT_BUFFER;
      WINHTTP_PROXY_INFO info;
      std::memcpy(&info, buffer, sizeof info);
      if (info.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY && (!info.lpszProxy || !*info.lpszProxy)) {
        return ERROR_INVALID_PARAMETER;
      }
      auto& s = static_cast<session&>(obj);
      std::lock_guard lock(obj.mu);
      s.access_type = info.dwAccessType;
      s.proxy = win32::to_utf8(info.lpszProxy);
      s.bypass = win32::to_utf8(info.lpszProxyBypass);
      return ERROR_SUCCESS;
    }
    case WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS:
      // A promise from the application that changes nothing here: callbacks already run on the
      // loop threads whether or not they block.
      return read_dword(buffer, length, value);
    default:
      return ERROR_WINHTTP_INVALID_OPTION;
  }
}

DWORD query_option(object& obj, DWORD option, LPVOID buffer, LPDWORD length) {
  if (int* field = timeout_field(obj.limits, option)) {
    std::lock_guard lock(obj.mu);
    return write_value(static_cast<DWORD>(*field), buffer, length);
  }
  switch (option) {
    case WINHTTP_OPTION_HANDLE_TYPE:
      return write_value(static_cast<DWORD>(obj.type), buffer, length);
    case WINHTTP_OPTION_PARENT_HANDLE:
      return write_value(obj.parent ? obj.parent->handle : HINTERNET{}, buffer, length);
    case WINHTTP_OPTION_CONTEXT_VALUE: {
      std::lock_guard lock(obj.mu);
      return write_value(obj.context, buffer, length);
    }
    case WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT: {
      if (obj.type == kind::websocket) return write_value(static_cast<websocket&>(obj).close_timeout(), buffer, length);
      std::lock_guard lock(obj.mu);
      return write_value(obj.limits.ws_close, buffer, length);
    }
    case WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL: {
      if (obj.type == kind::websocket) return write_value(static_cast<websocket&>(obj).keepalive(), buffer, length);
      std::lock_guard lock(obj.mu);
      return write_value(obj.limits.ws_keepalive, buffer, length);
    }
    case WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE:
    case WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE: {
      const bool send = option == WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE;
      std::lock_guard lock(obj.mu);
      if (obj.type == kind::session) {
        auto& s = static_cast<session&>(obj);
        return write_value(send ? s.ws_send_buffer : s.ws_receive_buffer, buffer, length);
      }
      if (obj.type == kind::request) {
        auto& r = static_cast<request&>(obj);
        return write_value(send ? r.ws_send_buffer : r.ws_receive_buffer, buffer, length);
      }
      return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    }
    case WINHTTP_OPTION_SECURITY_FLAGS: {
      if (obj.type != kind::request) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
      std::lock_guard lock(obj.mu);
      return write_value(static_cast<request&>(obj).security_flags, buffer, length);
    }
    case WINHTTP_OPTION_SECURE_PROTOCOLS: {
      if (obj.type != kind::session) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
      std::lock_guard lock(obj.mu);
      return write_value(static_cast<session&>(obj).secure_protocols, buffer, length);
    }
    case WINHTTP_OPTION_USER_AGENT: {
      if (obj.type != kind::session) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
      std::lock_guard lock(obj.mu);
      return write_wide(static_cast<session&>(obj).agent, buffer, length);
    }
    case WINHTTP_OPTION_URL: {
      if (obj.type != kind::request) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
      return write_wide(request_url(static_cast<request&>(obj)), buffer, length);
    }
    default:
      return ERROR_WINHTTP_INVALID_OPTION;
  }
}

}  // namespace

extern "C" BOOL WINAPI WinHttpSetOption(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer, DWORD dwBufferLength) {
  auto obj = find_handle(hInternet);
  if (!obj) return fail(ERROR_INVALID_HANDLE);
  const DWORD e = set_option(*obj, dwOption, lpBuffer, dwBufferLength);
  return e == ERROR_SUCCESS ? succeed() : fail(e);
}

extern "C" BOOL WINAPI WinHttpQueryOption(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
                                          LPDWORD lpdwBufferLength) {
  auto obj = find_handle(hInternet);
  if (!obj) return fail(ERROR_INVALID_HANDLE);
  const DWORD e = query_option(*obj, dwOption, lpBuffer, lpdwBufferLength);
  return e == ERROR_SUCCESS ? succeed() : fail(e);
}
