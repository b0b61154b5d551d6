// Rules 23-25 of shared/spec/README.md (Protocol Component): UTF-8 verification, large messages
// delivered in pieces, masking checks on the server.
#include <windows.h>
#include <websocket.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "wsh_harness.hpp"

using namespace wsh_test;

// 23. Invalid UTF-8 in a text message: GetAction returns 0x83760002, unless verification is off.
TEST(WebSocketHRules, Rule23_InvalidUtf8IsInvalidProtocolFormat) {
  const bytes bad{'o', 'k', 0xC3, 0x28};  // 0xC3 must be followed by a continuation byte
  WEB_SOCKET_HANDLE client = make_client_session();
  ASSERT_EQ(WebSocketReceive(client, nullptr, nullptr), S_OK);
  ASSERT_TRUE(feed(client, frame(0x81, bad)));
  const action a = get_action(client, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  EXPECT_EQ(a.hr, static_cast<HRESULT>(0x83760002u));
  EXPECT_EQ(a.kind, WEB_SOCKET_NO_ACTION);
  // The failure sticks, and the stream takes no more receives.
  EXPECT_EQ(get_action(client, WEB_SOCKET_ALL_ACTION_QUEUE).hr, E_INVALID_PROTOCOL_FORMAT);
  WebSocketDeleteHandle(client);

  // A message that ends inside a code point is just as invalid.
  WEB_SOCKET_HANDLE server = make_server_session();
  ASSERT_EQ(WebSocketReceive(server, nullptr, nullptr), S_OK);
  ASSERT_TRUE(feed(server, masked_frame(0x81, {'a', 0xE2, 0x82})));
  EXPECT_EQ(get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE).hr, E_INVALID_PROTOCOL_FORMAT);
  WebSocketDeleteHandle(server);

  WEB_SOCKET_HANDLE lax = make_client_session({.disable_utf8 = true});
  ASSERT_EQ(WebSocketReceive(lax, nullptr, nullptr), S_OK);
  ASSERT_TRUE(feed(lax, frame(0x81, bad)));
  const action ok = get_action(lax, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(ok.hr, S_OK);
  ASSERT_EQ(ok.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(ok.type, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
  EXPECT_EQ(ok.data(0), bad);
  WebSocketCompleteAction(lax, ok.action_context, 0);
  WebSocketDeleteHandle(lax);
}

// 24. One unfragmented message larger than the receive buffer arrives as *_FRAGMENT pieces and a
// final *_MESSAGE; the lengths add up and no piece exceeds the receive buffer.
TEST(WebSocketHRules, Rule24_LargeMessageDeliveredAsFragmentsThenMessage) {
  WEB_SOCKET_HANDLE server = make_server_session({.receive_buffer = 256});
  bytes payload(1000);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i % 251);
  const bytes wire = masked_frame(0x82, payload);  // 1008 bytes on the wire
  std::size_t sent = 0;
  bytes got;
  std::vector<WEB_SOCKET_BUFFER_TYPE> types;
  ASSERT_EQ(WebSocketReceive(server, nullptr, nullptr), S_OK);
  for (int guard = 0; guard < 100; ++guard) {
    const action a = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
    ASSERT_EQ(a.hr, S_OK);
    if (a.kind == WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION) {
      ASSERT_EQ(a.buffers[0].Data.ulBufferLength, 256u);
      const std::size_t n = std::min<std::size_t>(256, wire.size() - sent);
      std::copy_n(wire.begin() + static_cast<std::ptrdiff_t>(sent), n, a.buffers[0].Data.pbBuffer);
      sent += n;
      WebSocketCompleteAction(server, a.action_context, static_cast<ULONG>(n));
      continue;
    }
    ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
    EXPECT_LE(a.buffers[0].Data.ulBufferLength, 256u);
    types.push_back(a.type);
    const bytes piece = a.data(0);
    got.insert(got.end(), piece.begin(), piece.end());
    WebSocketCompleteAction(server, a.action_context, 0);
    if (a.type == WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE) break;
    ASSERT_EQ(WebSocketReceive(server, nullptr, nullptr), S_OK);
  }
  EXPECT_EQ(got, payload);
  ASSERT_GE(types.size(), 4u);  // 1000 bytes cannot come in fewer than four 256-byte pieces
  for (std::size_t i = 0; i + 1 < types.size(); ++i) {
    EXPECT_EQ(types[i], WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE) << i;
  }
  EXPECT_EQ(types.back(), WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
  WebSocketDeleteHandle(server);
}

// 25. A server refuses unmasked client frames with E_INVALID_PROTOCOL_FORMAT unless masking was
// disabled; a client with masking disabled sends MASK=1 with the all-zero key.
TEST(WebSocketHRules, Rule25_ServerRejectsUnmaskedUnlessMaskingDisabled) {
  WEB_SOCKET_HANDLE strict = make_server_session();
  ASSERT_EQ(WebSocketReceive(strict, nullptr, nullptr), S_OK);
  ASSERT_TRUE(feed(strict, frame(0x82, {1, 2})));
  const action refused = get_action(strict, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  EXPECT_EQ(refused.hr, E_INVALID_PROTOCOL_FORMAT);
  WebSocketDeleteHandle(strict);

  WEB_SOCKET_HANDLE lax = make_server_session({.disable_masking = true});
  ASSERT_EQ(WebSocketReceive(lax, nullptr, nullptr), S_OK);
  ASSERT_TRUE(feed(lax, frame(0x82, {1, 2})));
  const action accepted = get_action(lax, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(accepted.hr, S_OK);
  ASSERT_EQ(accepted.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(accepted.data(0), (bytes{1, 2}));
  WebSocketCompleteAction(lax, accepted.action_context, 0);
  WebSocketDeleteHandle(lax);

  // The client side of the same property: exact bytes, key 00 00 00 00, payload as given.
  WEB_SOCKET_HANDLE client = make_client_session({.disable_masking = true});
  std::vector<BYTE> p{'a', 'b', 'c'};
  WEB_SOCKET_BUFFER b{};
  b.Data.pbBuffer = p.data();
  b.Data.ulBufferLength = 3;
  ASSERT_EQ(WebSocketSend(client, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, &b, nullptr), S_OK);
  EXPECT_EQ(drain_send(client), (bytes{0x81, 0x83, 0, 0, 0, 0, 'a', 'b', 'c'}));
  WebSocketDeleteHandle(client);

  // A client refuses masked server frames the same way.
  WEB_SOCKET_HANDLE c2 = make_client_session();
  ASSERT_EQ(WebSocketReceive(c2, nullptr, nullptr), S_OK);
  ASSERT_TRUE(feed(c2, masked_frame(0x82, {1})));
  EXPECT_EQ(get_action(c2, WEB_SOCKET_RECEIVE_ACTION_QUEUE).hr, E_INVALID_PROTOCOL_FORMAT);
  WebSocketDeleteHandle(c2);
}
