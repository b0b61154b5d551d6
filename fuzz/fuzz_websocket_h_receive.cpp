// Fuzzes the websocket.h receive path through its public C API: arbitrary bytes handed to a
// client or server handle through RECEIVE_FROM_NETWORK completions, split where the input says,
// interleaved with sends, 0-byte reads and aborts.
//
// Input: [flags] then records. flags: bit 0 server role, bit 1 DISABLE_MASKING, bit 2
// DISABLE_UTF8_VERIFICATION, bit 3 receive into an application buffer, bits 4-5 receive buffer
// size (256, 300, 4096, 65536), bit 6 pump with the RECEIVE queue only (else ALL).
// A record's first byte L:
//   L < 0xF0   the next L bytes arrive from the network (delivered over as many reads as needed)
//   0xF0       WebSocketSend of a small message, a ping, a pong or a close (next byte picks)
//   0xF1       the pending read completes with 0 bytes (transport closed)
//   0xF2       WebSocketAbortHandle
//
// Oracles (a violation traps, so libFuzzer keeps the input):
//  - every HRESULT is a documented one: GetAction returns S_OK or E_INVALID_PROTOCOL_FORMAT (the
//    receive side's failures), Send/Receive S_OK, E_INVALIDARG or E_INVALID_PROTOCOL_OPERATION;
//  - actions are well formed: 1-2 buffers for SEND_TO_NETWORK, 1 for the receive actions, no data
//    piece larger than the receive buffer (or the application's buffer), documented buffer types;
//  - delivered text is valid UTF-8 (when verification is on), close reasons at most 123 bytes with
//    a status valid on the wire or 1005;
//  - a failure sticks: GetAction keeps returning it and Send/Receive are refused;
//  - abort + drain reaches NO_ACTION in a bounded number of steps, and Delete is clean (ASan).
#include <windows.h>
#include <websocket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "chunker.hpp"
#include "oracle.hpp"
#include "websock/core/close.hpp"
#include "websock/core/utf8.hpp"

namespace websock::fuzz {
namespace {

constexpr ULONG receive_sizes[4] = {256, 300, 4096, 65536};
constexpr int step_limit = 1 << 16;  // actions per record before we call it a livelock

WEB_SOCKET_HTTP_HEADER header(const char* name, const char* value) {
  WEB_SOCKET_HTTP_HEADER h{};
  h.pcName = const_cast<PCHAR>(name);
  h.ulNameLength = static_cast<ULONG>(std::strlen(name));
  h.pcValue = const_cast<PCHAR>(value);
  h.ulValueLength = static_cast<ULONG>(std::strlen(value));
  return h;
}

// Brings `h` (client or server) into the session with a peer handle of the other role.
bool handshake(WEB_SOCKET_HANDLE h, bool server) {
  WEB_SOCKET_HANDLE peer = nullptr;
  if ((server ? WebSocketCreateClientHandle(nullptr, 0, &peer) : WebSocketCreateServerHandle(nullptr, 0, &peer)) !=
      S_OK) {
    return false;
  }
  WEB_SOCKET_HANDLE client = server ? peer : h;
  WEB_SOCKET_HANDLE srv = server ? h : peer;
  WEB_SOCKET_HTTP_HEADER initial[] = {header("Host", "fuzz")};
  PWEB_SOCKET_HTTP_HEADER added = nullptr;
  ULONG added_count = 0;
  bool ok = WebSocketBeginClientHandshake(client, nullptr, 0, nullptr, 0, initial, 1, &added, &added_count) == S_OK;
  std::vector<WEB_SOCKET_HTTP_HEADER> request(initial, initial + 1);
  if (ok) request.insert(request.end(), added, added + added_count);
  PWEB_SOCKET_HTTP_HEADER response = nullptr;
  ULONG response_count = 0;
  ok = ok && WebSocketBeginServerHandshake(srv, nullptr, nullptr, 0, request.data(),
                                           static_cast<ULONG>(request.size()), &response, &response_count) == S_OK;
  ok = ok && WebSocketEndClientHandshake(client, response, response_count, nullptr, nullptr, nullptr) == S_OK;
  ok = ok && WebSocketEndServerHandshake(srv) == S_OK;
  WebSocketDeleteHandle(peer);
  return ok;
}

bool is_data_type(WEB_SOCKET_BUFFER_TYPE t) {
  return t == WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || t == WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE ||
         t == WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE || t == WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
}

struct session {
  WEB_SOCKET_HANDLE h = nullptr;
  bool server = false;
  bool check_utf8 = true;
  bool app_buffer = false;
  ULONG receive_size = 4096;
  WEB_SOCKET_ACTION_QUEUE queue = WEB_SOCKET_ALL_ACTION_QUEUE;

  std::vector<BYTE> app_memory;
  bool receive_posted = false;
  bool closed = false;      // a close was received: no more receives
  bool failed = false;      // GetAction reported a failure
  bool aborted = false;
  bool read_pending = false;
  WEB_SOCKET_BUFFER read_buffer{};
  PVOID read_token = nullptr;
  std::vector<std::byte> text;  // the text message being delivered
  bool in_text = false;
  std::array<BYTE, 64> send_payload{};

  void post_receive() {
    if (receive_posted || closed || failed || aborted) return;
    WEB_SOCKET_BUFFER b{};
    b.Data.pbBuffer = app_memory.data();
    b.Data.ulBufferLength = static_cast<ULONG>(app_memory.size());
    const HRESULT hr = WebSocketReceive(h, app_buffer ? &b : nullptr, nullptr);
    WEBSOCK_FUZZ_CHECK(hr == S_OK);
    receive_posted = true;
  }

  void delivered(WEB_SOCKET_BUFFER_TYPE type, const WEB_SOCKET_BUFFER& b, ULONG count) {
    WEBSOCK_FUZZ_CHECK(count == 1);
    if (type == WEB_SOCKET_CLOSE_BUFFER_TYPE) {
      const auto& cs = b.CloseStatus;
      WEBSOCK_FUZZ_CHECK(cs.ulReasonLength <= WEB_SOCKET_MAX_CLOSE_REASON_LENGTH);
      WEBSOCK_FUZZ_CHECK((cs.ulReasonLength == 0) == (cs.pbReason == nullptr));
      WEBSOCK_FUZZ_CHECK(cs.usStatus == core::close_code::no_status || core::is_valid_wire_close_code(cs.usStatus));
      if (cs.usStatus == core::close_code::no_status) WEBSOCK_FUZZ_CHECK(cs.ulReasonLength == 0);
      if (check_utf8 && cs.ulReasonLength != 0) {
        WEBSOCK_FUZZ_CHECK(core::is_valid_utf8({reinterpret_cast<const std::byte*>(cs.pbReason), cs.ulReasonLength}));
      }
      closed = true;
      return;
    }
    const auto& d = b.Data;
    WEBSOCK_FUZZ_CHECK(d.pbBuffer != nullptr || d.ulBufferLength == 0);
    if (type == WEB_SOCKET_PING_PONG_BUFFER_TYPE) {
      WEBSOCK_FUZZ_CHECK(d.ulBufferLength <= 125);
      return;
    }
    WEBSOCK_FUZZ_CHECK(is_data_type(type));
    WEBSOCK_FUZZ_CHECK(d.ulBufferLength <= (app_buffer ? app_memory.size() : receive_size));
    if (app_buffer && d.ulBufferLength != 0) WEBSOCK_FUZZ_CHECK(d.pbBuffer == app_memory.data());
    const bool text_piece = type == WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || type == WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
    if (!text_piece) {
      WEBSOCK_FUZZ_CHECK(!in_text);
      return;
    }
    in_text = type == WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
    const auto* p = reinterpret_cast<const std::byte*>(d.pbBuffer);
    text.insert(text.end(), p, p + d.ulBufferLength);
    if (!in_text) {
      if (check_utf8) WEBSOCK_FUZZ_CHECK(core::is_valid_utf8(text));
      text.clear();
    }
  }

  // Runs actions until the handle waits for network bytes we do not have, or has nothing to do.
  void pump(chunker& in, std::span<const std::uint8_t>& chunk) {
    for (int step = 0; step < step_limit; ++step) {
      if (read_pending) {
        if (chunk.empty()) return;  // the read stays outstanding until more bytes come
        const ULONG n = static_cast<ULONG>(std::min<std::size_t>(chunk.size(), read_buffer.Data.ulBufferLength));
        std::memcpy(read_buffer.Data.pbBuffer, chunk.data(), n);
        chunk = chunk.subspan(n);
        read_pending = false;
        WebSocketCompleteAction(h, read_token, n);
      }
      post_receive();
      WEB_SOCKET_BUFFER buffers[2]{};
      ULONG count = 2;
      WEB_SOCKET_ACTION action = WEB_SOCKET_NO_ACTION;
      WEB_SOCKET_BUFFER_TYPE type{};
      PVOID token = nullptr;
      const HRESULT hr = WebSocketGetAction(h, queue, buffers, &count, &action, &type, nullptr, &token);
      if (hr != S_OK) {
        WEBSOCK_FUZZ_CHECK(hr == E_INVALID_PROTOCOL_FORMAT);
        WEBSOCK_FUZZ_CHECK(!aborted);
        failed = true;
        // It sticks, and the handle takes no more work.
        ULONG c2 = 2;
        WEBSOCK_FUZZ_CHECK(WebSocketGetAction(h, WEB_SOCKET_RECEIVE_ACTION_QUEUE, buffers, &c2, &action, &type,
                                              nullptr, &token) == E_INVALID_PROTOCOL_FORMAT);
        WEBSOCK_FUZZ_CHECK(WebSocketSend(h, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, nullptr, nullptr) ==
                           E_INVALID_PROTOCOL_OPERATION);
        return;
      }
      switch (action) {
        case WEB_SOCKET_NO_ACTION:
          WEBSOCK_FUZZ_CHECK(token == nullptr && count == 0);
          return;
        case WEB_SOCKET_SEND_TO_NETWORK_ACTION: {
          WEBSOCK_FUZZ_CHECK(count >= 1 && count <= 2);
          ULONG total = 0;
          for (ULONG i = 0; i < count; ++i) {
            WEBSOCK_FUZZ_CHECK(buffers[i].Data.pbBuffer != nullptr || buffers[i].Data.ulBufferLength == 0);
            total += buffers[i].Data.ulBufferLength;
          }
          // The fuzzer may cut the write short.
          const std::uint8_t cut = in.take_byte();
          WebSocketCompleteAction(h, token, cut == 0xEE && total > 0 ? total - 1 : total);
          break;
        }
        case WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION:
          WebSocketCompleteAction(h, token, 0);
          break;
        case WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION:
          WEBSOCK_FUZZ_CHECK(count == 1);
          WEBSOCK_FUZZ_CHECK(buffers[0].Data.ulBufferLength == receive_size);
          read_pending = true;
          read_buffer = buffers[0];
          read_token = token;
          break;
        case WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION:
          delivered(type, buffers[0], count);
          receive_posted = false;
          WebSocketCompleteAction(h, token, 0);
          break;
        default:
          WEBSOCK_FUZZ_CHECK(false && "undocumented action");
      }
    }
    WEBSOCK_FUZZ_CHECK(false && "no progress: livelock");
  }

  void send(std::uint8_t what) {
    const std::size_t n = what % send_payload.size();
    for (std::size_t i = 0; i < n; ++i) send_payload[i] = static_cast<BYTE>('a' + i % 26);
    WEB_SOCKET_BUFFER b{};
    WEB_SOCKET_BUFFER_TYPE type = WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
    WEB_SOCKET_BUFFER* arg = &b;
    switch ((what >> 6) & 3) {
      case 0:
        type = (what & 0x20) ? WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE : WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE;
        b.Data.pbBuffer = send_payload.data();
        b.Data.ulBufferLength = static_cast<ULONG>(n);
        break;
      case 1:
        type = WEB_SOCKET_PING_PONG_BUFFER_TYPE;
        arg = nullptr;
        break;
      case 2:
        type = WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE;
        arg = nullptr;
        break;
      default:
        type = WEB_SOCKET_CLOSE_BUFFER_TYPE;
        b.CloseStatus.usStatus = static_cast<USHORT>(1000 + (what & 0xF));
        break;
    }
    const HRESULT hr = WebSocketSend(h, type, arg, nullptr);
    WEBSOCK_FUZZ_CHECK(hr == S_OK || hr == E_INVALIDARG || hr == E_INVALID_PROTOCOL_OPERATION);
    if (aborted || failed) WEBSOCK_FUZZ_CHECK(hr == E_INVALID_PROTOCOL_OPERATION);
  }

  // Abort, then hand every queued action back with 0 bytes until both queues are empty.
  void drain() {
    WebSocketAbortHandle(h);
    for (WEB_SOCKET_ACTION_QUEUE q : {WEB_SOCKET_SEND_ACTION_QUEUE, WEB_SOCKET_RECEIVE_ACTION_QUEUE}) {
      int steps = 0;
      for (;; ++steps) {
        WEBSOCK_FUZZ_CHECK(steps < step_limit);
        WEB_SOCKET_BUFFER buffers[2]{};
        ULONG count = 2;
        WEB_SOCKET_ACTION action = WEB_SOCKET_NO_ACTION;
        WEB_SOCKET_BUFFER_TYPE type{};
        PVOID token = nullptr;
        const HRESULT hr = WebSocketGetAction(h, q, buffers, &count, &action, &type, nullptr, &token);
        WEBSOCK_FUZZ_CHECK(hr == S_OK);  // after abort even a failed stream drains
        if (action == WEB_SOCKET_NO_ACTION) break;
        WebSocketCompleteAction(h, token, 0);
      }
    }
  }
};

}  // namespace
}  // namespace websock::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace websock::fuzz;
  chunker in(data, size);
  const std::uint8_t flags = in.take_byte();
  session s;
  s.server = (flags & 1) != 0;
  s.check_utf8 = (flags & 4) == 0;
  s.app_buffer = (flags & 8) != 0;
  s.receive_size = receive_sizes[(flags >> 4) & 3];
  s.queue = (flags & 0x40) != 0 ? WEB_SOCKET_RECEIVE_ACTION_QUEUE : WEB_SOCKET_ALL_ACTION_QUEUE;
  if (s.app_buffer) s.app_memory.resize(1 + (flags >> 3) % 200);

  ULONG receive = s.receive_size;
  BOOL masking = (flags & 2) != 0;
  BOOL utf8 = (flags & 4) != 0;
  WEB_SOCKET_PROPERTY props[] = {{WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &receive, sizeof receive},
                                 {WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE, &masking, sizeof masking},
                                 {WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE, &utf8, sizeof utf8}};
  const HRESULT created = s.server ? WebSocketCreateServerHandle(props, 3, &s.h) : WebSocketCreateClientHandle(props, 3, &s.h);
  WEBSOCK_FUZZ_CHECK(created == S_OK);
  WEBSOCK_FUZZ_CHECK(handshake(s.h, s.server));

  std::span<const std::uint8_t> chunk;
  while (!in.empty()) {
    const std::uint8_t record = in.take_byte();
    if (record < 0xF0) {
      chunk = in.take(record);
      while (!chunk.empty()) {
        const std::size_t before = chunk.size();
        s.pump(in, chunk);
        if (s.failed || s.closed || s.aborted) break;
        if (chunk.size() == before) break;  // the handle wants no bytes now (e.g. blocked)
      }
      if (s.failed) break;
      continue;
    }
    switch (record) {
      case 0xF0:
        s.send(in.take_byte());
        s.pump(in, chunk);
        break;
      case 0xF1:
        if (s.read_pending) {
          s.read_pending = false;
          WebSocketCompleteAction(s.h, s.read_token, 0);
          s.pump(in, chunk);
        }
        break;
      case 0xF2:
        WebSocketAbortHandle(s.h);
        s.aborted = true;
        WEBSOCK_FUZZ_CHECK(WebSocketReceive(s.h, nullptr, nullptr) == E_INVALID_PROTOCOL_OPERATION);
        break;
      default:
        break;
    }
    if (s.failed) break;
  }
  s.drain();
  WebSocketDeleteHandle(s.h);
  return 0;
}
