// A client handle and a server handle pumped against each other in memory: the full handshake,
// text and binary messages from 0 B to 16 MiB through small receive buffers, fragments,
// ping/pong, and the close handshake started from either side.
#include <windows.h>
#include <websocket.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "wsh_harness.hpp"

using namespace wsh_test;

namespace {

struct pair {
  endpoint client;
  endpoint server;

  explicit pair(const property_set& client_props = {}, const property_set& server_props = {}) {
    client.h = make_client(client_props);
    server.h = make_server(server_props);
    EXPECT_TRUE(handshake(client.h, server.h));
  }
  ~pair() {
    WebSocketDeleteHandle(client.h);
    WebSocketDeleteHandle(server.h);
  }
  pair(const pair&) = delete;
  pair& operator=(const pair&) = delete;
};

std::vector<BYTE> pattern(std::size_t n, bool text_only) {
  std::vector<BYTE> v(n);
  std::uint32_t x = static_cast<std::uint32_t>(n) * 2654435761u + 1;
  for (auto& b : v) {
    x = x * 1664525u + 1013904223u;
    b = text_only ? static_cast<BYTE>('a' + (x >> 24) % 26) : static_cast<BYTE>(x >> 24);
  }
  return v;
}

HRESULT send(endpoint& e, WEB_SOCKET_BUFFER_TYPE type, std::vector<BYTE>& payload, void* context) {
  WEB_SOCKET_BUFFER b{};
  b.Data.pbBuffer = payload.empty() ? nullptr : payload.data();
  b.Data.ulBufferLength = static_cast<ULONG>(payload.size());
  return WebSocketSend(e.h, type, &b, context);
}

// Sends one message from `from` to `to` and checks it arrives whole, in pieces no larger than
// `piece_limit`.
void roundtrip(endpoint& from, endpoint& to, WEB_SOCKET_BUFFER_TYPE type, std::size_t size,
               std::size_t piece_limit) {
  const bool is_text = type == WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE;
  std::vector<BYTE> payload = pattern(size, is_text);
  to.received.clear();
  to.piece_sizes.clear();
  from.sends_completed.clear();
  ASSERT_EQ(send(from, type, payload, &payload), S_OK);
  pump(from, to);
  ASSERT_EQ(from.sends_completed.size(), 1u);
  EXPECT_EQ(from.sends_completed[0], &payload);
  const auto got = messages(to);
  ASSERT_EQ(got.size(), 1u) << size;
  EXPECT_EQ(got[0].type, type);
  ASSERT_EQ(got[0].data.size(), size);
  EXPECT_TRUE(got[0].data == bytes(payload.begin(), payload.end())) << "payload differs, size " << size;
  for (std::size_t n : to.piece_sizes) ASSERT_LE(n, piece_limit);
  if (size > piece_limit) {
    EXPECT_GE(to.piece_sizes.size(), (size + piece_limit - 1) / piece_limit);
  }
}

const std::size_t sizes[] = {0, 1, 125, 126, 127, 255, 256, 257, 4095, 4096, 4097,
                             65535, 65536, 65537, 1u << 20};

}  // namespace

TEST(WebSocketHLoopback, TextAndBinaryBothWaysThroughSmallBuffers) {
  pair p({.receive_buffer = 256}, {.receive_buffer = 256});
  for (std::size_t size : sizes) {
    for (auto type : {WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE}) {
      roundtrip(p.client, p.server, type, size, 256);
      roundtrip(p.server, p.client, type, size, 256);
    }
  }
}

TEST(WebSocketHLoopback, SixteenMebibytesEachWayAndType) {
  pair p({.receive_buffer = 256}, {.receive_buffer = 256});
  for (auto type : {WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE}) {
    roundtrip(p.client, p.server, type, 16u << 20, 256);
    roundtrip(p.server, p.client, type, 16u << 20, 256);
  }
}

// Reads of random sizes split headers and payloads at every boundary.
TEST(WebSocketHLoopback, RandomReadSizes) {
  pair p({.receive_buffer = 300}, {.receive_buffer = 300});
  p.client.read_seed = 7;
  p.server.read_seed = 11;
  for (std::size_t size : sizes) {
    roundtrip(p.client, p.server, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, size, 300);
    roundtrip(p.server, p.client, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, size, 300);
  }
}

TEST(WebSocketHLoopback, DefaultBuffersAndMaskingDisabled) {
  pair p({.disable_masking = true}, {.disable_masking = true});
  roundtrip(p.client, p.server, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, 100000, 4096);
  roundtrip(p.server, p.client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, 100000, 4096);
}

// A message sent as FRAGMENT, FRAGMENT, MESSAGE arrives as one message (pieces may differ).
TEST(WebSocketHLoopback, FragmentedMessages) {
  pair p;
  for (auto [fragment, message] :
       {std::pair{WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE},
        std::pair{WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE}}) {
    for (endpoint* from : {&p.client, &p.server}) {
      endpoint* to = from == &p.client ? &p.server : &p.client;
      to->received.clear();
      std::vector<BYTE> a = pattern(3000, true);
      std::vector<BYTE> b;  // an empty middle fragment
      std::vector<BYTE> c = pattern(5000, true);
      ASSERT_EQ(send(*from, fragment, a, nullptr), S_OK);
      pump(*from, *to);
      ASSERT_EQ(send(*from, fragment, b, nullptr), S_OK);
      pump(*from, *to);
      // While the message is open, the other kind is refused.
      std::vector<BYTE> other{'x'};
      const auto wrong = fragment == WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE
                             ? WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE
                             : WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE;
      EXPECT_EQ(send(*from, wrong, other, nullptr), E_INVALID_PROTOCOL_OPERATION);
      ASSERT_EQ(send(*from, message, c, nullptr), S_OK);
      pump(*from, *to);
      const auto got = messages(*to);
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0].type, message);
      bytes expected(a.begin(), a.end());
      expected.insert(expected.end(), c.begin(), c.end());
      EXPECT_EQ(got[0].data, expected);
    }
  }
}

// Ping from either side: answered automatically, the pong reported as PING_PONG.
TEST(WebSocketHLoopback, PingPongBothWays) {
  pair p;
  for (endpoint* from : {&p.client, &p.server}) {
    endpoint* to = from == &p.client ? &p.server : &p.client;
    from->received.clear();
    to->received.clear();
    ASSERT_EQ(WebSocketSend(from->h, WEB_SOCKET_PING_PONG_BUFFER_TYPE, nullptr, nullptr), S_OK);
    pump(*from, *to);
    ASSERT_EQ(from->received.size(), 1u);
    EXPECT_EQ(from->received[0].type, WEB_SOCKET_PING_PONG_BUFFER_TYPE);
    EXPECT_TRUE(from->received[0].data.empty());
    // The pinged side saw nothing: pings are not delivered.
    for (const auto& d : to->received) EXPECT_NE(d.type, WEB_SOCKET_PING_PONG_BUFFER_TYPE);
  }
  // An unsolicited pong is reported on the other side.
  p.server.received.clear();
  ASSERT_EQ(WebSocketSend(p.client.h, WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE, nullptr, nullptr), S_OK);
  pump(p.client, p.server);
  ASSERT_EQ(p.server.received.size(), 1u);
  EXPECT_EQ(p.server.received[0].type, WEB_SOCKET_PING_PONG_BUFFER_TYPE);
}

// A ping arriving while a large client frame is half written: the pong waits for the frame's
// end (it would corrupt the stream otherwise), then goes out on the receive queue.
TEST(WebSocketHLoopback, PongDoesNotSplitAFrame) {
  pair p({.send_buffer = 256}, {});
  std::vector<BYTE> big = pattern(100000, false);
  ASSERT_EQ(send(p.client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, big, nullptr), S_OK);
  action first = get_action(p.client.h, WEB_SOCKET_SEND_ACTION_QUEUE);
  ASSERT_EQ(first.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  bytes wire = first.all_data();
  WebSocketCompleteAction(p.client.h, first.action_context, first.total());

  ASSERT_EQ(WebSocketSend(p.server.h, WEB_SOCKET_PING_PONG_BUFFER_TYPE, nullptr, nullptr), S_OK);
  const bytes ping = drain_send(p.server.h);
  ASSERT_EQ(WebSocketReceive(p.client.h, nullptr, nullptr), S_OK);
  ASSERT_TRUE(feed(p.client.h, ping));
  EXPECT_EQ(get_action(p.client.h, WEB_SOCKET_RECEIVE_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);

  for (;;) {
    const action a = get_action(p.client.h, WEB_SOCKET_SEND_ACTION_QUEUE);
    ASSERT_EQ(a.hr, S_OK);
    if (a.kind != WEB_SOCKET_SEND_TO_NETWORK_ACTION) {
      ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION);
      WebSocketCompleteAction(p.client.h, a.action_context, 0);
      break;
    }
    // While the frame is unfinished the pong stays behind it.
    EXPECT_EQ(get_action(p.client.h, WEB_SOCKET_RECEIVE_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
    const bytes d = a.all_data();
    wire.insert(wire.end(), d.begin(), d.end());
    WebSocketCompleteAction(p.client.h, a.action_context, a.total());
  }
  const action pong = get_action(p.client.h, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(pong.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  const bytes pong_bytes = pong.all_data();
  WebSocketCompleteAction(p.client.h, pong.action_context, pong.total());
  wire.insert(wire.end(), pong_bytes.begin(), pong_bytes.end());

  decoded_frame f;
  const std::size_t used = decode_frame(wire, f);
  ASSERT_GT(used, 0u);
  EXPECT_EQ(f.first_byte, 0x82);
  EXPECT_TRUE(f.payload == bytes(big.begin(), big.end()));
  decoded_frame g;
  const bytes rest(wire.begin() + static_cast<std::ptrdiff_t>(used), wire.end());
  ASSERT_EQ(decode_frame(rest, g), rest.size());
  EXPECT_EQ(g.first_byte, 0x8A);
}

void close_from(bool client_first) {
  pair p;
  endpoint& first = client_first ? p.client : p.server;
  endpoint& second = client_first ? p.server : p.client;
  std::string reason = "done here";
  WEB_SOCKET_BUFFER c{};
  c.CloseStatus.usStatus = WEB_SOCKET_SUCCESS_CLOSE_STATUS;
  c.CloseStatus.pbReason = reinterpret_cast<PBYTE>(reason.data());
  c.CloseStatus.ulReasonLength = static_cast<ULONG>(reason.size());
  ASSERT_EQ(WebSocketSend(first.h, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), S_OK);
  pump(first, second);
  ASSERT_FALSE(second.received.empty());
  const delivery& got = second.received.back();
  EXPECT_EQ(got.type, WEB_SOCKET_CLOSE_BUFFER_TYPE);
  EXPECT_EQ(got.status, 1000);
  EXPECT_EQ(std::string(got.data.begin(), got.data.end()), reason);
  // The first side has not heard back: the component does not answer by itself.
  for (const auto& d : first.received) EXPECT_NE(d.type, WEB_SOCKET_CLOSE_BUFFER_TYPE);
  // The second side echoes the status, as an application does.
  WEB_SOCKET_BUFFER echo{};
  echo.CloseStatus.usStatus = got.status;
  ASSERT_EQ(WebSocketSend(second.h, WEB_SOCKET_CLOSE_BUFFER_TYPE, &echo, nullptr), S_OK);
  pump(first, second);
  ASSERT_FALSE(first.received.empty());
  EXPECT_EQ(first.received.back().type, WEB_SOCKET_CLOSE_BUFFER_TYPE);
  EXPECT_EQ(first.received.back().status, 1000);
  EXPECT_TRUE(first.received.back().data.empty());
  // Both closed: no data either way, nothing more to receive.
  std::vector<BYTE> late{'l'};
  EXPECT_EQ(send(first, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, late, nullptr), E_INVALID_PROTOCOL_OPERATION);
  EXPECT_EQ(send(second, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, late, nullptr), E_INVALID_PROTOCOL_OPERATION);
  EXPECT_EQ(WebSocketReceive(first.h, nullptr, nullptr), E_INVALID_PROTOCOL_OPERATION);
  EXPECT_EQ(WebSocketReceive(second.h, nullptr, nullptr), E_INVALID_PROTOCOL_OPERATION);
}

TEST(WebSocketHLoopback, CloseStartedByClient) { close_from(true); }
TEST(WebSocketHLoopback, CloseStartedByServer) { close_from(false); }

// Receiving into the application's own buffer (WebSocketReceive with a buffer).
TEST(WebSocketHLoopback, ReceiveIntoApplicationBuffer) {
  pair p;
  std::vector<BYTE> payload = pattern(1000, false);
  ASSERT_EQ(send(p.client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, payload, nullptr), S_OK);
  p.server.keep_receiving = false;
  pump(p.client, p.server);
  std::vector<BYTE> mine(300);
  bytes got;
  std::vector<WEB_SOCKET_BUFFER_TYPE> types;
  for (int guard = 0; guard < 100 && (types.empty() || types.back() != WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
       ++guard) {
    WEB_SOCKET_BUFFER b{};
    b.Data.pbBuffer = mine.data();
    b.Data.ulBufferLength = 300;
    ASSERT_EQ(WebSocketReceive(p.server.h, &b, nullptr), S_OK);
    for (;;) {
      action a = get_action(p.server.h, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
      ASSERT_EQ(a.hr, S_OK);
      if (a.kind == WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION) {
        const std::size_t n = std::min<std::size_t>(p.server.inbox.size() - p.server.inbox_pos,
                                                    a.buffers[0].Data.ulBufferLength);
        ASSERT_GT(n, 0u);
        std::copy_n(p.server.inbox.begin() + static_cast<std::ptrdiff_t>(p.server.inbox_pos), n,
                    a.buffers[0].Data.pbBuffer);
        p.server.inbox_pos += n;
        WebSocketCompleteAction(p.server.h, a.action_context, static_cast<ULONG>(n));
        continue;
      }
      ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
      EXPECT_EQ(a.buffers[0].Data.pbBuffer, mine.data());
      EXPECT_LE(a.buffers[0].Data.ulBufferLength, 300u);
      const bytes piece = a.data(0);
      got.insert(got.end(), piece.begin(), piece.end());
      types.push_back(a.type);
      WebSocketCompleteAction(p.server.h, a.action_context, 0);
      break;
    }
  }
  EXPECT_TRUE(got == bytes(payload.begin(), payload.end()));
  EXPECT_EQ(types.back(), WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
  EXPECT_GE(types.size(), 4u);
}

// The caller's own memory for the handle's buffers (ALLOCATED_BUFFER).
TEST(WebSocketHLoopback, AllocatedBufferProperty) {
  std::vector<std::uint64_t> memory((4096 + 4096 + 144) / 8);
  WEB_SOCKET_PROPERTY prop{WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE, memory.data(),
                           static_cast<ULONG>(memory.size() * 8)};
  endpoint client;
  ASSERT_EQ(WebSocketCreateClientHandle(&prop, 1, &client.h), S_OK);
  endpoint server{make_server()};
  ASSERT_TRUE(handshake(client.h, server.h));
  std::vector<BYTE> payload = pattern(20000, false);
  ASSERT_EQ(send(server, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, payload, nullptr), S_OK);
  pump(client, server);
  // A ping: the client's pong is built in the caller's memory too (the control area).
  ASSERT_EQ(WebSocketSend(server.h, WEB_SOCKET_PING_PONG_BUFFER_TYPE, nullptr, nullptr), S_OK);
  pump(client, server);
  ASSERT_FALSE(server.received.empty());
  EXPECT_EQ(server.received.back().type, WEB_SOCKET_PING_PONG_BUFFER_TYPE);
  // The client read into the caller's memory.
  const auto* begin = reinterpret_cast<const BYTE*>(memory.data());
  ASSERT_TRUE(client.read_pending);
  EXPECT_GE(client.read_buffer.Data.pbBuffer, begin);
  EXPECT_LT(client.read_buffer.Data.pbBuffer, begin + memory.size() * 8);
  const auto got = messages(client);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].data == bytes(payload.begin(), payload.end()));
  WebSocketDeleteHandle(client.h);
  WebSocketDeleteHandle(server.h);
}
