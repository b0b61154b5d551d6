// The receive path: WebSocketReceive queues one receive; the receive queue hands out
// RECEIVE_FROM_NETWORK actions until the engine produces something to deliver, then one
// INDICATE_RECEIVE_COMPLETE. Pings are answered from here: the pong is a SEND_TO_NETWORK action
// on the receive queue, without application context.
//
// Delivery units are the engine's pieces (assemble_messages = false): a piece never exceeds the
// bytes one read brought in, so never the receive buffer size. A piece ending its message is
// *_MESSAGE, any other *_FRAGMENT, whatever the frames looked like on the wire.
#include <algorithm>
#include <cstring>

#include "handle.hpp"

namespace websock::compat::wsh {
namespace {

// memcpy that accepts an empty source whose pointer may be null.
void copy_bytes(std::byte* out, std::span<const std::byte> in) noexcept {
  if (!in.empty()) std::memcpy(out, in.data(), in.size());
}

HRESULT queue_receive(handle& h, const WEB_SOCKET_BUFFER* buffer, void* context) {
  if (HRESULT hr = ensure_session(h); FAILED(hr)) return hr;
  // Nothing more arrives after a close frame (RFC 6455 5.5.1) or after the stream failed.
  if (h.aborted || h.receive.active || h.receive_failure != S_OK || h.conn->close_received()) {
    return E_INVALID_PROTOCOL_OPERATION;
  }
  receive_op op;
  if (buffer != nullptr) {
    if (buffer->Data.pbBuffer == nullptr || buffer->Data.ulBufferLength == 0) return E_INVALIDARG;
    op.app_buffer = reinterpret_cast<std::byte*>(buffer->Data.pbBuffer);
    op.app_buffer_size = buffer->Data.ulBufferLength;
  }
  op.active = true;
  op.context = context;
  h.receive = op;
  return S_OK;
}

void indicate(handle& h, action_out& out, WEB_SOCKET_BUFFER_TYPE type) {
  out.action = WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION;
  out.type = type;
  out.count = 1;
  out.has_context = true;
  out.context = h.receive.context;
  out.token = h.receive_token = h.new_token(slot::receive_indicate);
}

// Hands the owed piece (or as much as the application's buffer takes) to the application.
void deliver_piece(handle& h, action_out& out) {
  owed_piece& p = h.owed;
  std::byte* data = const_cast<std::byte*>(p.data);  // our receive buffer
  std::size_t n = p.size;
  if (h.receive.app_buffer != nullptr) {
    n = std::min<std::size_t>(p.size, h.receive.app_buffer_size);
    if (n != 0) std::memcpy(h.receive.app_buffer, p.data, n);
    data = h.receive.app_buffer;
  }
  p.data += n;
  p.size -= n;
  const bool last = p.last && p.size == 0;
  out.buffers[0].Data.pbBuffer = reinterpret_cast<PBYTE>(data);
  out.buffers[0].Data.ulBufferLength = static_cast<ULONG>(n);
  indicate(h, out, data_buffer_type(p.kind, last));
  if (p.size == 0) p = owed_piece{};
}

// A cancelled receive (0-byte read, or drained after a failure) completes without data.
void deliver_nothing(handle& h, action_out& out) {
  std::byte* at = h.receive.app_buffer != nullptr ? h.receive.app_buffer : h.receive_buffer;
  out.buffers[0].Data.pbBuffer = reinterpret_cast<PBYTE>(at);
  out.buffers[0].Data.ulBufferLength = 0;
  indicate(h, out,
           h.message_open ? data_buffer_type(h.open_kind, false) : WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
}

// Builds the pong answering a ping (RFC 6455 5.5.2: same application data) in the control area.
void queue_pong(handle& h, std::span<const std::byte> ping_payload) {
  std::array<std::byte, core::max_control_payload> payload{};
  copy_bytes(payload.data(), ping_payload);
  core::outgoing_frame frame;
  // Refused only once both closes have crossed; then no pong is owed.
  if (h.conn->start_frame(core::opcode::pong, true, ping_payload.size(), frame) != core::errc::ok) {
    return;
  }
  std::memcpy(h.control_area, frame.header.data(), frame.header.size);
  std::byte* body = h.control_area + frame.header.size;
  if (frame.masked) {
    core::copy_masked(body, payload.data(), ping_payload.size(), frame.mask);
  } else if (!ping_payload.empty()) {
    std::memcpy(body, payload.data(), ping_payload.size());
  }
  h.pong.pending = true;
  h.pong.size = frame.header.size + ping_payload.size();
}

}  // namespace

HRESULT next_receive_action(handle& h, action_out& out) {
  if (h.receive_token != 0) return S_OK;
  for (;;) {
    if (h.pong.pending) {
      // One writer at a time, and never between two pieces of an application frame.
      if (h.writer != writer_kind::none || h.send.in_frame()) return S_OK;
      out.buffers[0].Data.pbBuffer = reinterpret_cast<PBYTE>(h.control_area);
      out.buffers[0].Data.ulBufferLength = static_cast<ULONG>(h.pong.size);
      out.count = 1;
      out.action = WEB_SOCKET_SEND_TO_NETWORK_ACTION;
      out.type = WEB_SOCKET_PING_PONG_BUFFER_TYPE;
      out.token = h.receive_token = h.new_token(slot::pong_network);
      h.writer = writer_kind::pong;
      return S_OK;
    }
    if (!h.receive.active) return S_OK;
    if (h.receive.cancelled) {
      deliver_nothing(h, out);
      return S_OK;
    }
    if (h.receive_failure != S_OK) {
      if (!h.aborted) return h.receive_failure;
      deliver_nothing(h, out);  // draining after abort gives the receive's context back
      return S_OK;
    }
    if (h.owed.size != 0) {
      deliver_piece(h, out);
      return S_OK;
    }

    const std::span<std::byte> input{h.receive_buffer + h.parse_begin, h.parse_end - h.parse_begin};
    const core::receive_result r = h.conn->receive(input);
    h.parse_begin += r.consumed;
    const core::event& ev = r.ev;
    switch (ev.type) {
      case core::event_type::none:
        // Everything is parsed (partial frames are kept by the engine): read more.
        h.parse_begin = h.parse_end = 0;
        out.buffers[0].Data.pbBuffer = reinterpret_cast<PBYTE>(h.receive_buffer);
        out.buffers[0].Data.ulBufferLength = h.config.receive_buffer_size;
        out.count = 1;
        out.action = WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION;
        out.has_context = true;
        out.context = h.receive.context;
        out.token = h.receive_token = h.new_token(slot::receive_network);
        return S_OK;

      case core::event_type::message:
        h.owed = {ev.payload.data(), ev.payload.size(), ev.kind, ev.last};
        h.message_open = !ev.last;
        h.open_kind = ev.kind;
        deliver_piece(h, out);
        return S_OK;

      case core::event_type::ping:
        queue_pong(h, ev.payload);
        continue;  // the pong is the receive queue's next action

      case core::event_type::pong:
        copy_bytes(h.received_control.data(), ev.payload);
        out.buffers[0].Data.pbBuffer = reinterpret_cast<PBYTE>(h.received_control.data());
        out.buffers[0].Data.ulBufferLength = static_cast<ULONG>(ev.payload.size());
        indicate(h, out, WEB_SOCKET_PING_PONG_BUFFER_TYPE);
        return S_OK;

      case core::event_type::close:
        // The answering close is the application's to send (auto_close is off).
        copy_bytes(h.received_control.data(), ev.payload);
        out.buffers[0].CloseStatus.pbReason =
            ev.payload.empty() ? nullptr : reinterpret_cast<PBYTE>(h.received_control.data());
        out.buffers[0].CloseStatus.ulReasonLength = static_cast<ULONG>(ev.payload.size());
        out.buffers[0].CloseStatus.usStatus = ev.code;
        indicate(h, out, WEB_SOCKET_CLOSE_BUFFER_TYPE);
        return S_OK;

      case core::event_type::error:
        // Every violation in the incoming stream (framing, masking, UTF-8, close payload).
        h.receive_failure = E_INVALID_PROTOCOL_FORMAT;
        if (h.aborted) {
          deliver_nothing(h, out);  // while draining, a bad stream just ends the receive
          return S_OK;
        }
        return h.receive_failure;
    }
    return S_OK;
  }
}

void complete_receive_action(handle& h, std::uintptr_t token, ULONG bytes) {
  h.receive_token = 0;
  switch (slot_of(token)) {
    case slot::pong_network:
      h.writer = writer_kind::none;
      h.pong = pong_op{};  // written or not, the pong is done with
      break;
    case slot::receive_network:
      if (bytes == 0) {
        h.receive.cancelled = true;  // the next receive-queue action completes the receive
      } else {
        h.parse_begin = 0;
        h.parse_end = std::min<std::size_t>(bytes, h.config.receive_buffer_size);
      }
      break;
    case slot::receive_indicate:
      h.receive = receive_op{};
      break;
    default:
      break;
  }
}

}  // namespace websock::compat::wsh

using namespace websock::compat::wsh;

extern "C" HRESULT WINAPI WebSocketReceive(WEB_SOCKET_HANDLE hWebSocket, WEB_SOCKET_BUFFER* pBuffer,
                                           PVOID pvContext) {
  handle* h = from(hWebSocket);
  if (h == nullptr) return E_INVALIDARG;
  std::lock_guard lock(h->mutex);
  return guarded([&] { return queue_receive(*h, pBuffer, pvContext); });
}
