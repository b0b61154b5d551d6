// Handle lifetime: WebSocketCreateClientHandle, WebSocketCreateServerHandle, WebSocketAbortHandle,
// WebSocketDeleteHandle; and the session set-up both handshakes end with.
#include "handle.hpp"

#include <limits>
#include <new>

#include "properties.hpp"

namespace websock::compat::wsh {

void header_block::assign(core::header_list headers) {
  storage = std::move(headers);
  view.clear();
  view.reserve(storage.size());
  for (auto& header : storage) {
    WEB_SOCKET_HTTP_HEADER h{};
    h.pcName = header.name.data();
    h.ulNameLength = static_cast<ULONG>(header.name.size());
    h.pcValue = header.value.data();
    h.ulValueLength = static_cast<ULONG>(header.value.size());
    view.push_back(h);
  }
}

HRESULT start_session(handle& h) {
  core::connection_options options;
  options.endpoint_role = h.role;
  // websocket.h hands out messages as pieces of at most one receive buffer and sets no size limit.
  options.assemble_messages = false;
  options.max_message_size = std::numeric_limits<std::uint64_t>::max();
  // The application answers closes itself; pings are answered here, through the receive queue.
  options.auto_pong = false;
  options.auto_close = false;
  options.validate_utf8 = !h.config.disable_utf8_verification;
  if (h.config.disable_masking) {
    if (h.role == core::role::server) {
      options.accept_wrong_masking = true;  // unmasked client frames are accepted
    } else {
      options.zero_mask_key = true;  // frames keep MASK=1, with the all-zero key
    }
  }

  const std::size_t receive = h.config.receive_buffer_size;
  const std::size_t send = h.send_buffer_size();
  std::byte* memory = h.config.allocated_buffer;
  if (memory == nullptr) {
    h.owned_memory.reset(new (std::nothrow) std::byte[receive + send + allocated_buffer_overhead]);
    if (!h.owned_memory) return E_OUTOFMEMORY;
    memory = h.owned_memory.get();
  }
  h.conn.emplace(std::move(options));
  h.receive_buffer = memory;
  h.send_buffer = memory + receive;
  h.control_area = memory + receive + send;
  h.parse_begin = h.parse_end = 0;
  h.client_hs.reset();  // the handshake's memory is released here (Begin's outputs die with it)
  h.server_hs.reset();
  h.state = phase::session;
  return S_OK;
}

HRESULT ensure_session(handle& h) {
  if (h.state == phase::session) return S_OK;
  // WebSocketEndServerHandshake is optional: the first session call does its work.
  if (h.role == core::role::server && h.state == phase::handshake_begun) return start_session(h);
  return E_INVALID_PROTOCOL_OPERATION;
}

namespace {

HRESULT create(core::role role, const WEB_SOCKET_PROPERTY* properties, ULONG count,
               WEB_SOCKET_HANDLE* out) {
  if (out == nullptr) return E_POINTER;
  *out = nullptr;
  settings s;
  if (HRESULT hr = parse_properties(properties, count, role, s); FAILED(hr)) return hr;
  auto* h = new (std::nothrow) handle;
  if (h == nullptr) return E_OUTOFMEMORY;
  h->role = role;
  h->config = s;
  *out = reinterpret_cast<WEB_SOCKET_HANDLE>(h);
  return S_OK;
}

}  // namespace
}  // namespace websock::compat::wsh

using namespace websock::compat::wsh;
using websock::core::role;

extern "C" HRESULT WINAPI WebSocketCreateClientHandle(const PWEB_SOCKET_PROPERTY pProperties,
                                                      ULONG ulPropertyCount,
                                                      WEB_SOCKET_HANDLE* phWebSocket) {
  return guarded([&] { return create(role::client, pProperties, ulPropertyCount, phWebSocket); });
}

extern "C" HRESULT WINAPI WebSocketCreateServerHandle(const PWEB_SOCKET_PROPERTY pProperties,
                                                      ULONG ulPropertyCount,
                                                      WEB_SOCKET_HANDLE* phWebSocket) {
  return guarded([&] { return create(role::server, pProperties, ulPropertyCount, phWebSocket); });
}

extern "C" VOID WINAPI WebSocketAbortHandle(WEB_SOCKET_HANDLE hWebSocket) {
  handle* h = from(hWebSocket);
  if (h == nullptr) return;
  std::lock_guard lock(h->mutex);
  // Before the session exists there is nothing to abort (documented no-op). Afterwards new
  // Send/Receive calls fail, while GetAction still hands out queued work so it can be drained.
  if (h->state == phase::session) h->aborted = true;
}

extern "C" VOID WINAPI WebSocketDeleteHandle(WEB_SOCKET_HANDLE hWebSocket) {
  handle* h = from(hWebSocket);
  if (h == nullptr) return;
  h->magic = 0;  // a stale copy of the handle is then refused instead of used
  delete h;
}
