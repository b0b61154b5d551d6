// The action pump: WebSocketGetAction picks the next action of the selected queue(s) and hands
// out a token for it; WebSocketCompleteAction routes the token back to the queue that issued it.
//
// Tokens are (serial << 3 | slot): a completion for an action that is no longer outstanding
// (completed twice, made up, or from NO_ACTION) matches neither queue and is ignored.
#include "handle.hpp"

namespace websock::compat::wsh {
namespace {

HRESULT get_action(handle& h, WEB_SOCKET_ACTION_QUEUE queue, WEB_SOCKET_BUFFER* buffers,
                   ULONG* buffer_count, WEB_SOCKET_ACTION* action, WEB_SOCKET_BUFFER_TYPE* type,
                   PVOID* application_context, PVOID* action_context) {
  const ULONG capacity = *buffer_count;
  *buffer_count = 0;
  *action = WEB_SOCKET_NO_ACTION;
  *type = static_cast<WEB_SOCKET_BUFFER_TYPE>(0);  // no buffer type
  *action_context = nullptr;

  // Before the handshake is done there is no work; a begun server handshake ends here.
  if (h.state != phase::session) {
    if (h.role != core::role::server || h.state != phase::handshake_begun) return S_OK;
    if (HRESULT hr = ensure_session(h); FAILED(hr)) return hr;
  }

  action_out out{buffers, capacity};
  const auto bits = static_cast<unsigned>(queue);
  if ((bits & WEB_SOCKET_SEND_ACTION_QUEUE) != 0) next_send_action(h, out);
  if (out.action == WEB_SOCKET_NO_ACTION && (bits & WEB_SOCKET_RECEIVE_ACTION_QUEUE) != 0) {
    if (HRESULT hr = next_receive_action(h, out); FAILED(hr)) return hr;
  }
  *buffer_count = out.count;
  *action = out.action;
  *type = out.type;
  *action_context = reinterpret_cast<PVOID>(out.token);
  if (out.has_context && application_context != nullptr) *application_context = out.context;
  return S_OK;
}

}  // namespace
}  // namespace websock::compat::wsh

using namespace websock::compat::wsh;

extern "C" HRESULT WINAPI WebSocketGetAction(WEB_SOCKET_HANDLE hWebSocket,
                                             WEB_SOCKET_ACTION_QUEUE eActionQueue,
                                             WEB_SOCKET_BUFFER* pDataBuffers,
                                             ULONG* pulDataBufferCount, WEB_SOCKET_ACTION* pAction,
                                             WEB_SOCKET_BUFFER_TYPE* pBufferType,
                                             PVOID* pvApplicationContext, PVOID* pvActionContext) {
  handle* h = from(hWebSocket);
  if (h == nullptr) return E_INVALIDARG;
  if (pAction == nullptr || pBufferType == nullptr || pvActionContext == nullptr) return E_POINTER;
  if (pDataBuffers == nullptr || pulDataBufferCount == nullptr || *pulDataBufferCount == 0) {
    return E_INVALIDARG;
  }
  const auto bits = static_cast<unsigned>(eActionQueue);
  if (bits == 0 || (bits & ~static_cast<unsigned>(WEB_SOCKET_ALL_ACTION_QUEUE)) != 0) {
    return E_INVALIDARG;
  }
  std::lock_guard lock(h->mutex);
  return guarded([&] {
    return get_action(*h, eActionQueue, pDataBuffers, pulDataBufferCount, pAction, pBufferType,
                      pvApplicationContext, pvActionContext);
  });
}

extern "C" VOID WINAPI WebSocketCompleteAction(WEB_SOCKET_HANDLE hWebSocket, PVOID pvActionContext,
                                               ULONG ulBytesTransferred) {
  handle* h = from(hWebSocket);
  if (h == nullptr) return;
  const auto token = reinterpret_cast<std::uintptr_t>(pvActionContext);
  if (token == 0) return;
  std::lock_guard lock(h->mutex);
  // ulBytesTransferred counts for the network actions only; for INDICATE_* it is ignored.
  if (token == h->send_token) {
    complete_send_action(*h, token, ulBytesTransferred);
  } else if (token == h->receive_token) {
    complete_receive_action(*h, token, ulBytesTransferred);
  }
}
