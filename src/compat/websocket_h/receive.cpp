// The receive path: WebSocketReceive queues one receive; the receive queue hands out
// RECEIVE_FROM_NETWORK actions until the engine produces something to deliver, then one
// INDICATE_RECEIVE_COMPLETE. Pings are answered from here: the pong is a SEND_TO_NETWORK action
// on the receive queue, without application context.
//
// Delivery units come from core::piece_reader over the engine's pieces (assemble_messages =
// false): a piece never exceeds the bytes one read brought in, so never the receive buffer size,
// nor the application's buffer when it gave one (the reader holds the rest for the next receive).
// A piece ending its message is *_MESSAGE, any other *_FRAGMENT, whatever the frames looked like
// on the wire.
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

// Hands a data piece to the application: in its buffer, or in place in our receive buffer.
void deliver_piece(handle& h, action_out& out, const core::piece& p) {
  out.buffers[0].Data.pbBuffer = reinterpret_cast<PBYTE>(const_cast<std::byte*>(p.bytes.data()));
  out.buffers[0].Data.ulBufferLength = static_cast<ULONG>(p.bytes.size());
  indicate(h, out, data_buffer_type(p.kind, p.last));
}

// A cancelled receive (0-byte read, or drained after a failure) completes without data, typed
// as a fragment of the message still open, if any.
void deliver_nothing(handle& h, action_out& out) {
  std::byte* at = h.receive.app_buffer != nullptr ? h.receive.app_buffer : h.receive_buffer;
  out.buffers[0].Data.pbBuffer = reinterpret_cast<PBYTE>(at);
  out.buffers[0].Data.ulBufferLength = 0;
  indicate(h, out,
           h.reader.message_open() ? data_buffer_type(h.reader.open_kind(), false)
                                   : WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
}

// The pong answering a ping (RFC 6455 5.5.2: same application data), encoded by the core into
// the control area.
void queue_pong(handle& h, std::span<const std::byte> ping_payload) {
  std::size_t size = 0;
  // Refused only once both closes have crossed; then no pong is owed.
  if (h.conn->encode_control_frame(core::opcode::pong, ping_payload,
                                   {h.control_area, allocated_buffer_overhead},
                                   size) != core::errc::ok) {
    return;
  }
  h.pong.pending = true;
  h.pong.size = size;
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
    // The piece reader hands out what is left of a piece larger than the application's buffer
    // before it parses anything more.
    const std::span<std::byte> input{h.receive_buffer + h.parse_begin, h.parse_end - h.parse_begin};
    const core::piece_buffer into =
        h.receive.app_buffer != nullptr
            ? core::piece_buffer::copy_into({h.receive.app_buffer, h.receive.app_buffer_size})
            : core::piece_buffer::in_place();
    const core::piece_result r = h.reader.next(*h.conn, input, into);
    h.parse_begin += r.consumed;
    const core::piece& p = r.piece;
    switch (p.type) {
      case core::piece_type::need_input:
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

      case core::piece_type::data:
        deliver_piece(h, out, p);
        return S_OK;

      case core::piece_type::ping:
        queue_pong(h, p.bytes);
        continue;  // the pong is the receive queue's next action

      case core::piece_type::pong:
        copy_bytes(h.received_control.data(), p.bytes);
        out.buffers[0].Data.pbBuffer = reinterpret_cast<PBYTE>(h.received_control.data());
        out.buffers[0].Data.ulBufferLength = static_cast<ULONG>(p.bytes.size());
        indicate(h, out, WEB_SOCKET_PING_PONG_BUFFER_TYPE);
        return S_OK;

      case core::piece_type::close:
        // The answering close is the application's to send (auto_close is off).
        copy_bytes(h.received_control.data(), p.bytes);
        out.buffers[0].CloseStatus.pbReason =
            p.bytes.empty() ? nullptr : reinterpret_cast<PBYTE>(h.received_control.data());
        out.buffers[0].CloseStatus.ulReasonLength = static_cast<ULONG>(p.bytes.size());
        out.buffers[0].CloseStatus.usStatus = p.code;
        indicate(h, out, WEB_SOCKET_CLOSE_BUFFER_TYPE);
        return S_OK;

      case core::piece_type::error:
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
