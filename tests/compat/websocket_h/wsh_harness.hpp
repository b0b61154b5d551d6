// Test harness for the websocket.h face: direct GetAction calls with every output captured, raw
// frame bytes, a handshake helper, and an in-memory transport that pumps a client handle against
// a server handle.
#pragma once

#include <windows.h>
#include <websocket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wsh_test {

using bytes = std::vector<std::uint8_t>;

inline const void* const sentinel_context = reinterpret_cast<const void*>(0x5e471e1);

// Everything one WebSocketGetAction call produced.
struct action {
  HRESULT hr = E_FAIL;
  WEB_SOCKET_ACTION kind = WEB_SOCKET_NO_ACTION;
  WEB_SOCKET_BUFFER_TYPE type{};
  ULONG count = 0;
  WEB_SOCKET_BUFFER buffers[2]{};
  PVOID app_context = const_cast<void*>(sentinel_context);  // left alone when not set
  PVOID action_context = nullptr;

  // The bytes of buffer i (Data arm).
  bytes data(ULONG i = 0) const;
  // All buffers concatenated.
  bytes all_data() const;
  ULONG total() const;
};

action get_action(WEB_SOCKET_HANDLE h, WEB_SOCKET_ACTION_QUEUE queue, ULONG capacity = 2);

// Header helpers.
WEB_SOCKET_HTTP_HEADER header(const char* name, const char* value);
std::string header_value(const WEB_SOCKET_HTTP_HEADER* headers, ULONG count, std::string_view name);

// A handle created with the given properties, or nullptr (the HRESULT is checked by the caller).
struct property_set {
  ULONG receive_buffer = 0;  // 0: not given
  ULONG send_buffer = 0;
  bool disable_masking = false;
  bool disable_utf8 = false;
};
WEB_SOCKET_HANDLE make_client(const property_set& p = {});
WEB_SOCKET_HANDLE make_server(const property_set& p = {});

// Full handshake between a client and a server handle (the server's End is called when
// `end_server` is true). Returns false with a gtest failure if a step fails.
bool handshake(WEB_SOCKET_HANDLE client, WEB_SOCKET_HANDLE server, bool end_server = true);
// A server handle in session, with the standard request headers.
WEB_SOCKET_HANDLE make_server_session(const property_set& p = {});
// A client handle in session, against a computed server response.
WEB_SOCKET_HANDLE make_client_session(const property_set& p = {});

// A frame's bytes. `mask` nullptr: unmasked.
bytes frame(std::uint8_t first_byte, const bytes& payload, const std::uint8_t* mask = nullptr);
bytes masked_frame(std::uint8_t first_byte, const bytes& payload);  // key 0x11 0x22 0x33 0x44
bytes text(std::string_view s);

// Takes a RECEIVE_FROM_NETWORK action from the receive queue and fills it with `data` (which
// must fit). Returns false with a gtest failure otherwise.
bool feed(WEB_SOCKET_HANDLE h, const bytes& data);

// Decodes one frame from `wire` (client frames are unmasked). Returns bytes used, 0 if incomplete.
struct decoded_frame {
  std::uint8_t first_byte = 0;
  bool masked = false;
  std::uint8_t mask[4]{};
  bytes payload;
};
std::size_t decode_frame(const bytes& wire, decoded_frame& out);

// Writes everything the send queue has (SEND_TO_NETWORK until INDICATE_SEND_COMPLETE) and
// returns the bytes. The INDICATE is completed too.
bytes drain_send(WEB_SOCKET_HANDLE h);

// ---------------------------------------------------------------- in-memory pair

struct delivery {
  WEB_SOCKET_BUFFER_TYPE type{};
  bytes data;            // payload, or close reason
  USHORT status = 0;     // close
  void* context = nullptr;
};

struct endpoint {
  WEB_SOCKET_HANDLE h = nullptr;
  bytes inbox;
  std::size_t inbox_pos = 0;
  // A RECEIVE_FROM_NETWORK waiting for bytes.
  bool read_pending = false;
  WEB_SOCKET_BUFFER read_buffer{};
  PVOID read_token = nullptr;

  std::vector<delivery> received;
  std::vector<void*> sends_completed;
  std::vector<std::size_t> piece_sizes;  // every delivered data piece
  bool keep_receiving = true;            // post a new Receive after each data/pong delivery
  bool receive_posted = false;
  std::size_t max_read = 0;              // 0: as much as fits
  std::uint32_t read_seed = 0;           // non-zero: pseudo-random read sizes
};

// Runs both endpoints until neither can make progress. Returns the number of actions done.
std::size_t pump(endpoint& a, endpoint& b);

// Posts a Receive on `e` if none is outstanding and it may receive.
void post_receive(endpoint& e);

// Pieces received by `e` joined into messages: (type of the last piece, bytes).
struct message {
  WEB_SOCKET_BUFFER_TYPE type{};
  bytes data;
};
std::vector<message> messages(const endpoint& e);

}  // namespace wsh_test
