// The send path: WebSocketSend queues one frame; the send queue hands it out as
// SEND_TO_NETWORK actions (frame header, then payload) and ends with INDICATE_SEND_COMPLETE.
//
// Each WebSocketSend is exactly one frame: *_FRAGMENT types send a frame with FIN clear, *_MESSAGE
// types a frame with FIN set (a continuation frame when a fragmented message is open).
// Server frames point at the application's own bytes (zero copy). Client frames are masked
// (RFC 6455 5.3) chunk by chunk into the handle's send buffer, unless masking was disabled, in
// which case the key is all zeros and the application's bytes go out as they are.
#include <algorithm>
#include <string_view>

#include "handle.hpp"

namespace websock::compat::wsh {
namespace {

HRESULT send_error(core::errc e) noexcept {
  switch (e) {
    case core::errc::ok:
      return S_OK;
    // RFC 6455 5.5.1: no data after our close; a failed connection sends nothing more;
    // a fragment must continue the open message's kind.
    case core::errc::send_after_close:
    case core::errc::connection_failed:
    case core::errc::message_kind_mismatch:
    case core::errc::no_message_in_progress:
      return E_INVALID_PROTOCOL_OPERATION;
    default:
      return E_INVALIDARG;
  }
}

bool is_zero(const core::mask_key& key) noexcept {
  return std::all_of(key.begin(), key.end(), [](std::byte b) { return b == std::byte{0}; });
}

HRESULT queue_send(handle& h, WEB_SOCKET_BUFFER_TYPE type, const WEB_SOCKET_BUFFER* buffer,
                   void* context) {
  if (HRESULT hr = ensure_session(h); FAILED(hr)) return hr;
  if (h.aborted || h.send.active) return E_INVALID_PROTOCOL_OPERATION;

  send_op op;
  core::outgoing_frame frame;
  core::errc e = core::errc::ok;
  switch (type) {
    case WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE:
    case WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE:
    case WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE:
    case WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE: {
      if (buffer != nullptr) {
        if (buffer->Data.pbBuffer == nullptr && buffer->Data.ulBufferLength != 0) return E_INVALIDARG;
        op.payload = reinterpret_cast<const std::byte*>(buffer->Data.pbBuffer);
        op.payload_size = buffer->Data.ulBufferLength;
      }
      const bool text = type == WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE ||
                        type == WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
      const bool fin = type == WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE ||
                       type == WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
      e = h.conn->start_frame(text ? core::opcode::text : core::opcode::binary, fin,
                              op.payload_size, frame);
      if (e == core::errc::ok && frame.masked && !is_zero(frame.mask) && op.payload_size != 0) {
        op.mask_through_send_buffer = true;
        op.mask = frame.mask;
      }
      break;
    }
    case WEB_SOCKET_CLOSE_BUFFER_TYPE: {
      // NULL buffer: a close frame without payload (status 1005 on the peer's side).
      std::uint16_t code = core::close_code::no_status;
      std::string_view reason;
      if (buffer != nullptr) {
        const auto& cs = buffer->CloseStatus;
        if (cs.ulReasonLength > WEB_SOCKET_MAX_CLOSE_REASON_LENGTH) return E_INVALIDARG;
        if (cs.pbReason == nullptr && cs.ulReasonLength != 0) return E_INVALIDARG;
        code = cs.usStatus;
        if (cs.ulReasonLength != 0) {
          reason = {reinterpret_cast<const char*>(cs.pbReason), cs.ulReasonLength};
        }
      }
      // 7.4.1: 1005, 1006, 1015 never go on the wire; the reason must be UTF-8 (5.5.1).
      if (core::connection::check_close_to_send(code, reason) != core::errc::ok) return E_INVALIDARG;
      const std::size_t n = core::encode_close_payload(code, reason, op.control_payload);
      e = h.conn->start_frame(core::opcode::close, true, n, frame);
      op.payload_size = n;
      break;
    }
    case WEB_SOCKET_PING_PONG_BUFFER_TYPE:
    case WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE:
      // No application payload on pings and pongs: the buffer must be NULL.
      if (buffer != nullptr) return E_INVALIDARG;
      e = h.conn->start_frame(
          type == WEB_SOCKET_PING_PONG_BUFFER_TYPE ? core::opcode::ping : core::opcode::pong, true,
          0, frame);
      break;
    default:
      return E_INVALIDARG;
  }
  if (HRESULT hr = send_error(e); FAILED(hr)) return hr;

  op.active = true;
  op.type = type;
  op.context = context;
  op.header = frame.header;
  if (type == WEB_SOCKET_CLOSE_BUFFER_TYPE) {
    // A control payload is small: mask it once, here, and send it from the handle.
    if (frame.masked) {
      core::copy_masked(op.control_payload.data(), op.control_payload.data(), op.payload_size,
                        frame.mask);
    }
    h.send = op;
    h.send.payload = h.send.control_payload.data();
  } else {
    h.send = op;
  }
  return S_OK;
}

}  // namespace

void next_send_action(handle& h, action_out& out) {
  send_op& op = h.send;
  if (h.send_token != 0 || !op.active) return;
  if (op.finished) {
    out.action = WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION;
    out.type = op.type;
    out.has_context = true;
    out.context = op.context;
    out.token = h.send_token = h.new_token(slot::send_indicate);
    return;
  }
  if (h.writer != writer_kind::none) return;  // an automatic pong is being written

  ULONG n = 0;
  std::size_t expected = 0;
  if (!op.header_done) {
    out.buffers[n].Data.pbBuffer = reinterpret_cast<PBYTE>(op.header.bytes.data());
    out.buffers[n].Data.ulBufferLength = op.header.size;
    expected += op.header.size;
    ++n;
  }
  op.chunk = 0;
  const std::size_t remaining = op.payload_size - op.payload_done;
  if (remaining != 0 && n < out.capacity) {
    const std::byte* source = op.payload + op.payload_done;
    std::byte* chunk_start = const_cast<std::byte*>(source);  // handed out, never written
    op.chunk = remaining;
    if (op.mask_through_send_buffer) {
      op.chunk = std::min<std::size_t>(remaining, h.send_buffer_size());
      core::copy_masked(h.send_buffer, source, op.chunk, op.mask, op.payload_done);
      chunk_start = h.send_buffer;
    }
    out.buffers[n].Data.pbBuffer = reinterpret_cast<PBYTE>(chunk_start);
    out.buffers[n].Data.ulBufferLength = static_cast<ULONG>(op.chunk);
    expected += op.chunk;
    ++n;
  }
  op.expected = expected;
  out.count = n;
  out.action = WEB_SOCKET_SEND_TO_NETWORK_ACTION;
  out.type = op.type;
  out.has_context = true;
  out.context = op.context;
  out.token = h.send_token = h.new_token(slot::send_network);
  h.writer = writer_kind::send;
}

void complete_send_action(handle& h, std::uintptr_t token, ULONG bytes) {
  send_op& op = h.send;
  h.send_token = 0;
  if (slot_of(token) == slot::send_indicate) {
    op = send_op{};
    return;
  }
  h.writer = writer_kind::none;
  if (bytes != op.expected) {
    op.finished = true;  // short (or over-long) write: the send is cancelled
    return;
  }
  op.header_done = true;
  op.payload_done += op.chunk;
  if (op.payload_done == op.payload_size) op.finished = true;
}

}  // namespace websock::compat::wsh

using namespace websock::compat::wsh;

extern "C" HRESULT WINAPI WebSocketSend(WEB_SOCKET_HANDLE hWebSocket,
                                        WEB_SOCKET_BUFFER_TYPE BufferType,
                                        WEB_SOCKET_BUFFER* pBuffer, PVOID Context) {
  handle* h = from(hWebSocket);
  if (h == nullptr) return E_INVALIDARG;
  std::lock_guard lock(h->mutex);
  return guarded([&] { return queue_send(*h, BufferType, pBuffer, Context); });
}
