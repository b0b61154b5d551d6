// Sessions and connections (WinHttpOpen, WinHttpConnect), and the calls that work on every kind
// of handle: WinHttpSetTimeouts, WinHttpSetStatusCallback, WinHttpCloseHandle.
#include "close_handle.hpp"
#include "errors.hpp"
#include "objects.hpp"
#include "win32/wide_string.hpp"

using namespace websock::winhttp;

namespace {

// WINHTTP_FLAG_SECURE_DEFAULTS includes the async bit.
constexpr DWORD open_flags = WINHTTP_FLAG_ASYNC | WINHTTP_FLAG_SECURE_DEFAULTS;

void announce(object& obj) {
  HINTERNET h = obj.handle;
  notify(obj, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &h, sizeof h);
}

}  // namespace

extern "C" HINTERNET WINAPI WinHttpOpen(LPCWSTR pszAgentW, DWORD dwAccessType, LPCWSTR pszProxyW,
                                        LPCWSTR pszProxyBypassW, DWORD dwFlags) {
  if ((dwFlags & ~open_flags) != 0) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  switch (dwAccessType) {
    case WINHTTP_ACCESS_TYPE_DEFAULT_PROXY:
    case WINHTTP_ACCESS_TYPE_NO_PROXY:
    case WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY:
      break;
    case WINHTTP_ACCESS_TYPE_NAMED_PROXY:
      if (!pszProxyW || !*pszProxyW) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return nullptr;
      }
      break;
    default:
      SetLastError(ERROR_INVALID_PARAMETER);
      return nullptr;
  }
  auto s = std::make_shared<session>();
  s->agent = websock::win32::to_utf8(pszAgentW);
  s->access_type = dwAccessType;
  if (dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY) {
    s->proxy = websock::win32::to_utf8(pszProxyW);
    s->bypass = websock::win32::to_utf8(pszProxyBypassW);
  }
  s->async = (dwFlags & WINHTTP_FLAG_ASYNC) != 0;
  HINTERNET h = register_handle(s);
  SetLastError(ERROR_SUCCESS);
  return h;
}

extern "C" HINTERNET WINAPI WinHttpConnect(HINTERNET hSession, LPCWSTR pswzServerName, INTERNET_PORT nServerPort,
                                           DWORD dwReserved) {
  auto obj = find_handle(hSession);
  if (!obj) {
    SetLastError(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  if (obj->type != kind::session) {
    SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    return nullptr;
  }
  if (!pswzServerName || !*pswzServerName || dwReserved != 0) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  auto c = std::make_shared<connection>();
  c->inherit(obj);
  c->host = websock::win32::to_utf8(pswzServerName);
  if (c->host.size() > 2 && c->host.front() == '[' && c->host.back() == ']') c->host = c->host.substr(1, c->host.size() - 2);
  c->port = nServerPort;
  register_handle(c);
  announce(*c);
  SetLastError(ERROR_SUCCESS);
  return c->handle;
}

extern "C" BOOL WINAPI WinHttpSetTimeouts(HINTERNET hInternet, int nResolveTimeout, int nConnectTimeout,
                                          int nSendTimeout, int nReceiveTimeout) {
  auto obj = find_handle(hInternet);
  if (!obj) return fail(ERROR_INVALID_HANDLE);
  if (obj->type == kind::websocket) return fail(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
  for (int t : {nResolveTimeout, nConnectTimeout, nSendTimeout, nReceiveTimeout}) {
    if (t < -1) return fail(ERROR_INVALID_PARAMETER);
  }
  auto ms = [](int t) { return t == -1 ? 0 : t; };  // -1 and 0 both mean no limit
  std::lock_guard lock(obj->mu);
  // The four transfer timeouts only: the WebSocket close timeout and keep-alive stay as set.
  obj->limits.resolve = ms(nResolveTimeout);
  obj->limits.connect = ms(nConnectTimeout);
  obj->limits.send = ms(nSendTimeout);
  obj->limits.receive = ms(nReceiveTimeout);
  return succeed();
}

extern "C" WINHTTP_STATUS_CALLBACK WINAPI WinHttpSetStatusCallback(HINTERNET hInternet,
                                                                   WINHTTP_STATUS_CALLBACK lpfnInternetCallback,
                                                                   DWORD dwNotificationFlags, DWORD_PTR dwReserved) {
  (void)dwReserved;
  auto obj = find_handle(hInternet);
  if (!obj) {
    SetLastError(ERROR_INVALID_HANDLE);
    return WINHTTP_INVALID_STATUS_CALLBACK;
  }
  std::lock_guard lock(obj->mu);
  WINHTTP_STATUS_CALLBACK previous = obj->callback;
  obj->callback = lpfnInternetCallback;
  obj->mask = lpfnInternetCallback ? dwNotificationFlags : 0;
  SetLastError(ERROR_SUCCESS);
  return previous;
}

extern "C" BOOL WINAPI WinHttpCloseHandle(HINTERNET hInternet) {
  auto obj = remove_handle(hInternet);
  if (!obj) return fail(ERROR_INVALID_HANDLE);
  obj->closed.store(true, std::memory_order_release);
  switch (obj->type) {
    case kind::request:
      close_request(std::static_pointer_cast<request>(obj));
      break;
    case kind::websocket:
      close_websocket(obj);
      break;
    case kind::session:
    case kind::connection:
      notify_closing(*obj);
      break;
  }
  return succeed();
}
