// The state behind a WEB_SOCKET_HANDLE, shared by the files of the websocket.h face.
//
// Layout of the work (one file per job):
//   handle.cpp        create, abort, delete; the session buffers
//   properties.cpp    creation properties and WebSocketGetGlobalProperty
//   handshake.cpp     the four handshake calls
//   send.cpp          WebSocketSend and the send-queue actions
//   receive.cpp       WebSocketReceive and the receive-queue actions (pongs included)
//   action_queue.cpp  WebSocketGetAction / WebSocketCompleteAction: queue selection and tokens
//
// Invariants (each entry point takes `mutex` for its whole body):
//  1. At most one send operation and one receive operation exist; each queue has at most one
//     action handed out and not yet completed (`send_token` / `receive_token` non-zero).
//  2. At most one SEND_TO_NETWORK action is outstanding across both queues (`writer`), and an
//     automatic pong never goes out between two pieces of one frame (`send_op::in_frame`).
//  3. The receive buffer holds unparsed bytes in [parse_begin, parse_end); a fresh
//     RECEIVE_FROM_NETWORK is handed out only when none are left and the piece reader holds no
//     remainder of a piece (`reader.has_remainder()`), so bytes handed out stay put until
//     completed.
//  4. Nothing here performs I/O, blocks, starts a thread or calls back into the application.
#pragma once

#include <windows.h>
#include <websocket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "websock/core/connection.hpp"
#include "websock/core/handshake.hpp"
#include "websock/core/piece_reader.hpp"

namespace websock::compat::wsh {

inline constexpr std::uint32_t handle_magic = 0x57534831;  // "WSH1"

// Limits and defaults of the creation properties (docs/compat/websocket_h.md, "Properties").
inline constexpr ULONG default_receive_buffer = 4096;
inline constexpr ULONG min_receive_buffer = 256;
inline constexpr ULONG max_receive_buffer = 65536;
inline constexpr ULONG default_client_send_buffer = 4096;
inline constexpr ULONG default_server_send_buffer = 16;
inline constexpr ULONG min_client_send_buffer = 256;
inline constexpr ULONG min_server_send_buffer = 16;
inline constexpr ULONG max_send_buffer = 65536;
// Room beyond the receive and send buffers in a caller-supplied buffer: enough for one whole
// control frame (14-byte header + 125-byte payload), where automatic pongs are built.
inline constexpr ULONG allocated_buffer_overhead = 144;

struct settings {
  ULONG receive_buffer_size = default_receive_buffer;
  ULONG send_buffer_size = 0;  // 0: the role's default
  bool disable_masking = false;
  bool disable_utf8_verification = false;
  std::byte* allocated_buffer = nullptr;  // caller's memory, used instead of our own
  ULONG allocated_buffer_size = 0;
};

enum class phase : std::uint8_t {
  created,          // no handshake call yet
  handshake_begun,  // Begin*Handshake succeeded
  session,          // handshake done: Send/Receive/GetAction work
};

// Headers handed to the application; the array and the strings it points into stay with the handle.
struct header_block {
  core::header_list storage;
  std::vector<WEB_SOCKET_HTTP_HEADER> view;

  void assign(core::header_list headers);
};

struct client_handshake_state {
  std::optional<core::client_handshake> engine;
  std::vector<std::string> subprotocols;  // as offered, for the selected-index outputs
  std::vector<std::string> extensions;
  header_block additional;
};

struct server_handshake_state {
  header_block response;
};

// Which action a token stands for (low bits of the token).
enum class slot : std::uintptr_t {
  send_network = 1,
  send_indicate = 2,
  receive_network = 3,
  receive_indicate = 4,
  pong_network = 5,
};

enum class writer_kind : std::uint8_t { none, send, pong };

struct send_op {
  bool active = false;
  WEB_SOCKET_BUFFER_TYPE type{};
  void* context = nullptr;
  core::encoded_header header;
  bool header_done = false;
  const std::byte* payload = nullptr;  // the application's bytes, or control_payload
  std::size_t payload_size = 0;
  std::size_t payload_done = 0;
  bool mask_through_send_buffer = false;  // client data with a non-zero key
  core::mask_key mask{};
  bool finished = false;  // written or cancelled: the next send action is INDICATE_SEND_COMPLETE
  std::array<std::byte, core::max_control_payload> control_payload{};
  // The network action handed out: its second buffer's bytes and the total expected.
  std::size_t chunk = 0;
  std::size_t expected = 0;

  // Some bytes of the frame are on the wire and more must follow before any other frame.
  bool in_frame() const noexcept { return active && !finished && header_done; }
};

struct pong_op {
  bool pending = false;
  std::size_t size = 0;  // bytes of the whole frame, built in handle::control_area
};

struct receive_op {
  bool active = false;
  void* context = nullptr;
  std::byte* app_buffer = nullptr;  // NULL: hand data out in place
  ULONG app_buffer_size = 0;
  bool cancelled = false;  // RECEIVE_FROM_NETWORK completed with 0 bytes
};

struct handle {
  std::uint32_t magic = handle_magic;
  std::mutex mutex;
  core::role role = core::role::client;
  settings config;
  phase state = phase::created;
  bool aborted = false;

  std::unique_ptr<client_handshake_state> client_hs;
  std::unique_ptr<server_handshake_state> server_hs;
  std::optional<core::connection> conn;

  // Session memory: [receive buffer][send buffer][control area], ours or the caller's.
  std::unique_ptr<std::byte[]> owned_memory;
  std::byte* receive_buffer = nullptr;
  std::byte* send_buffer = nullptr;
  std::byte* control_area = nullptr;  // allocated_buffer_overhead bytes: the automatic pong frame,
                                      // encoded by connection::encode_control_frame

  std::size_t parse_begin = 0;
  std::size_t parse_end = 0;
  core::piece_reader reader;  // data pieces cut to the application's buffer; message state
  HRESULT receive_failure = S_OK;  // sticky: the incoming stream was invalid

  // Payload of the last pong or close handed out (valid until that action is completed).
  std::array<std::byte, core::max_control_payload> received_control{};

  send_op send;
  pong_op pong;
  receive_op receive;

  writer_kind writer = writer_kind::none;
  std::uintptr_t send_token = 0;     // outstanding send-queue action, 0 if none
  std::uintptr_t receive_token = 0;  // outstanding receive-queue action (pongs too), 0 if none
  std::uintptr_t token_serial = 0;

  ULONG send_buffer_size() const noexcept {
    if (config.send_buffer_size != 0) return config.send_buffer_size;
    return role == core::role::client ? default_client_send_buffer : default_server_send_buffer;
  }

  std::uintptr_t new_token(slot s) noexcept {
    ++token_serial;
    return (token_serial << 3) | static_cast<std::uintptr_t>(s);
  }
};

inline handle* from(WEB_SOCKET_HANDLE h) noexcept {
  auto* p = reinterpret_cast<handle*>(h);
  return p != nullptr && p->magic == handle_magic ? p : nullptr;
}

inline slot slot_of(std::uintptr_t token) noexcept { return static_cast<slot>(token & 7u); }

// ---- shared helpers (defined in the file named) ----

// handle.cpp: builds the connection and the session buffers; E_OUTOFMEMORY on failure.
HRESULT start_session(handle& h);
// handle.cpp: a server handle whose handshake was begun enters the session on its first session
// call (WebSocketEndServerHandshake is optional). S_OK when the session is (now) running.
HRESULT ensure_session(handle& h);

// send.cpp / receive.cpp: the next action of each queue, filled into the GetAction outputs.
struct action_out {
  WEB_SOCKET_BUFFER* buffers;
  ULONG capacity;
  ULONG count = 0;
  WEB_SOCKET_ACTION action = WEB_SOCKET_NO_ACTION;
  WEB_SOCKET_BUFFER_TYPE type{};
  bool has_context = false;
  void* context = nullptr;
  std::uintptr_t token = 0;
};
void next_send_action(handle& h, action_out& out);
HRESULT next_receive_action(handle& h, action_out& out);
void complete_send_action(handle& h, std::uintptr_t token, ULONG bytes);
void complete_receive_action(handle& h, std::uintptr_t token, ULONG bytes);

// The buffer type of a delivered data piece.
inline WEB_SOCKET_BUFFER_TYPE data_buffer_type(core::message_kind kind, bool last) noexcept {
  if (kind == core::message_kind::text) {
    return last ? WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
  }
  return last ? WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE : WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
}

// Runs `body` and turns an escaping exception into an HRESULT: nothing may cross the C ABI.
template <class F>
HRESULT guarded(F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  } catch (...) {
    return E_FAIL;
  }
}

}  // namespace websock::compat::wsh
