// The six WebSocket functions of winhttp.h. They return their error (rule 54); only
// WinHttpWebSocketCompleteUpgrade, which returns a handle, uses SetLastError.
#include "websocket.hpp"

using namespace websock;
using namespace websock::winhttp;

namespace {

// The websocket behind a handle, or the error a WebSocket function returns for it.
std::shared_ptr<websocket> websocket_of(HINTERNET h, DWORD& error) {
  auto obj = find_handle(h);
  if (!obj) {
    error = ERROR_INVALID_HANDLE;
    return nullptr;
  }
  if (obj->type != kind::websocket) {
    error = ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    return nullptr;
  }
  return std::static_pointer_cast<websocket>(obj);
}

}  // namespace

extern "C" HINTERNET WINAPI WinHttpWebSocketCompleteUpgrade(HINTERNET hRequest, DWORD_PTR pContext) {
  auto obj = find_handle(hRequest);
  if (!obj) {
    SetLastError(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  if (obj->type != kind::request) {
    SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    return nullptr;
  }
  auto r = std::static_pointer_cast<request>(obj);
  std::string subprotocol;
  {
    std::lock_guard lock(r->mu);
    // Rule 32: only a request marked for the upgrade whose response was a 101.
    if (!r->upgrade || r->state != request_state::received || r->busy || r->exchange->response().status != 101) {
      SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
      return nullptr;
    }
    // The 101 must answer our key, with a subprotocol we offered and no extension (none is
    // offered): RFC 6455 4.1, the client's checks. WinHTTP does not say when it checks; we check
    // here, so the application could still read the response's headers (docs/compat/winhttp.md).
    core::negotiated chosen;
    const core::http_head& head = r->exchange->response();
    if (r->handshake->check_response(head.status, head.headers, chosen) != core::errc::ok) {
      r->state = request_state::failed;
      SetLastError(ERROR_WINHTTP_INVALID_SERVER_RESPONSE);
      return nullptr;
    }
    subprotocol = chosen.subprotocol;
    r->state = request_state::upgraded;
  }
  auto ws = std::make_shared<websocket>();
  if (!ws->open(r, subprotocol, pContext)) {
    SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    return nullptr;
  }
  register_handle(ws);
  // Rule 33: HANDLE_CREATED before CompleteUpgrade returns.
  HINTERNET h = ws->handle;
  notify(*ws, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &h, sizeof h);
  SetLastError(ERROR_SUCCESS);
  return h;
}

extern "C" DWORD WINAPI WinHttpWebSocketSend(HINTERNET hWebSocket, WINHTTP_WEB_SOCKET_BUFFER_TYPE eBufferType,
                                             PVOID pvBuffer, DWORD dwBufferLength) {
  DWORD error = ERROR_SUCCESS;
  auto ws = websocket_of(hWebSocket, error);
  return ws ? ws->send(eBufferType, pvBuffer, dwBufferLength) : error;
}

extern "C" DWORD WINAPI WinHttpWebSocketReceive(HINTERNET hWebSocket, PVOID pvBuffer, DWORD dwBufferLength,
                                                DWORD* pdwBytesRead, WINHTTP_WEB_SOCKET_BUFFER_TYPE* peBufferType) {
  DWORD error = ERROR_SUCCESS;
  auto ws = websocket_of(hWebSocket, error);
  return ws ? ws->receive(pvBuffer, dwBufferLength, pdwBytesRead, peBufferType) : error;
}

extern "C" DWORD WINAPI WinHttpWebSocketShutdown(HINTERNET hWebSocket, USHORT usStatus, PVOID pvReason,
                                                 DWORD dwReasonLength) {
  DWORD error = ERROR_SUCCESS;
  auto ws = websocket_of(hWebSocket, error);
  return ws ? ws->shutdown(usStatus, pvReason, dwReasonLength) : error;
}

extern "C" DWORD WINAPI WinHttpWebSocketClose(HINTERNET hWebSocket, USHORT usStatus, PVOID pvReason,
                                              DWORD dwReasonLength) {
  DWORD error = ERROR_SUCCESS;
  auto ws = websocket_of(hWebSocket, error);
  return ws ? ws->close(usStatus, pvReason, dwReasonLength) : error;
}

extern "C" DWORD WINAPI WinHttpWebSocketQueryCloseStatus(HINTERNET hWebSocket, USHORT* pusStatus, PVOID pvReason,
                                                         DWORD dwReasonLength, DWORD* pdwReasonLengthConsumed) {
  DWORD error = ERROR_SUCCESS;
  auto ws = websocket_of(hWebSocket, error);
  return ws ? ws->query_close_status(pusStatus, pvReason, dwReasonLength, pdwReasonLengthConsumed) : error;
}
