// Bad input for every function: NULL handles and pointers, out-of-range properties, buffers that
// are too small, calls in the wrong state, completions that are repeated, made up or missing.
// Each returns its documented HRESULT (docs/compat/websocket_h.md) and nothing crashes.
#include <windows.h>
#include <websocket.h>

#include <gtest/gtest.h>

#include <vector>

#include "wsh_harness.hpp"

using namespace wsh_test;

TEST(WebSocketHBadInput, NullHandle) {
  PWEB_SOCKET_HTTP_HEADER headers = nullptr;
  ULONG count = 0;
  EXPECT_EQ(WebSocketBeginClientHandshake(nullptr, nullptr, 0, nullptr, 0, nullptr, 0, &headers, &count),
            E_INVALIDARG);
  EXPECT_EQ(WebSocketEndClientHandshake(nullptr, nullptr, 0, nullptr, nullptr, nullptr), E_INVALIDARG);
  EXPECT_EQ(WebSocketBeginServerHandshake(nullptr, nullptr, nullptr, 0, nullptr, 0, &headers, &count),
            E_INVALIDARG);
  EXPECT_EQ(WebSocketEndServerHandshake(nullptr), E_INVALIDARG);
  EXPECT_EQ(WebSocketSend(nullptr, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, nullptr, nullptr), E_INVALIDARG);
  EXPECT_EQ(WebSocketReceive(nullptr, nullptr, nullptr), E_INVALIDARG);
  EXPECT_EQ(get_action(nullptr, WEB_SOCKET_ALL_ACTION_QUEUE).hr, E_INVALIDARG);
  WebSocketCompleteAction(nullptr, reinterpret_cast<PVOID>(9), 1);
  WebSocketAbortHandle(nullptr);
  WebSocketDeleteHandle(nullptr);
}

TEST(WebSocketHBadInput, NullOutputPointers) {
  EXPECT_EQ(WebSocketCreateClientHandle(nullptr, 0, nullptr), E_POINTER);
  EXPECT_EQ(WebSocketCreateServerHandle(nullptr, 0, nullptr), E_POINTER);

  WEB_SOCKET_HANDLE client = make_client();
  ULONG count = 0;
  PWEB_SOCKET_HTTP_HEADER headers = nullptr;
  EXPECT_EQ(WebSocketBeginClientHandshake(client, nullptr, 0, nullptr, 0, nullptr, 0, nullptr, &count),
            E_POINTER);
  EXPECT_EQ(WebSocketBeginClientHandshake(client, nullptr, 0, nullptr, 0, nullptr, 0, &headers, nullptr),
            E_POINTER);
  WEB_SOCKET_HANDLE server = make_server();
  EXPECT_EQ(WebSocketBeginServerHandshake(server, nullptr, nullptr, 0, nullptr, 0, nullptr, &count),
            E_POINTER);

  ASSERT_TRUE(handshake(client, server));
  WEB_SOCKET_BUFFER buffers[2];
  ULONG n = 2;
  WEB_SOCKET_ACTION act;
  WEB_SOCKET_BUFFER_TYPE type;
  PVOID app = nullptr;
  PVOID token = nullptr;
  EXPECT_EQ(WebSocketGetAction(client, WEB_SOCKET_ALL_ACTION_QUEUE, buffers, &n, nullptr, &type, &app, &token),
            E_POINTER);
  EXPECT_EQ(WebSocketGetAction(client, WEB_SOCKET_ALL_ACTION_QUEUE, buffers, &n, &act, nullptr, &app, &token),
            E_POINTER);
  EXPECT_EQ(WebSocketGetAction(client, WEB_SOCKET_ALL_ACTION_QUEUE, buffers, &n, &act, &type, &app, nullptr),
            E_POINTER);
  EXPECT_EQ(WebSocketGetAction(client, WEB_SOCKET_ALL_ACTION_QUEUE, nullptr, &n, &act, &type, &app, &token),
            E_INVALIDARG);
  EXPECT_EQ(WebSocketGetAction(client, WEB_SOCKET_ALL_ACTION_QUEUE, buffers, nullptr, &act, &type, &app, &token),
            E_INVALIDARG);
  // The application context is optional.
  EXPECT_EQ(WebSocketGetAction(client, WEB_SOCKET_ALL_ACTION_QUEUE, buffers, &n, &act, &type, nullptr, &token),
            S_OK);
  ULONG size = 4;
  EXPECT_EQ(WebSocketGetGlobalProperty(WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, nullptr, &size), E_POINTER);
  ULONG value = 0;
  EXPECT_EQ(WebSocketGetGlobalProperty(WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, &value, nullptr), E_POINTER);
  EXPECT_EQ(WebSocketGetGlobalProperty(static_cast<WEB_SOCKET_PROPERTY_TYPE>(42), &value, &size), E_INVALIDARG);
  WebSocketDeleteHandle(client);
  WebSocketDeleteHandle(server);
}

TEST(WebSocketHBadInput, Properties) {
  ULONG ok_size = 4096;
  ULONG too_big = 65537;
  ULONG max = 65536;
  BOOL yes = TRUE;
  unsigned char two_bytes[2] = {};
  struct bad_case {
    WEB_SOCKET_PROPERTY prop;
    HRESULT expected;
  };
  const bad_case cases[] = {
      {{WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &too_big, 4}, E_INVALIDARG},
      {{WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &max, 4}, S_OK},
      {{WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE, &too_big, 4}, E_INVALIDARG},
      {{WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE, &max, 4}, S_OK},
      {{WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, two_bytes, 2}, E_INVALIDARG},
      {{WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, nullptr, 4}, E_INVALIDARG},
      {{WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE, &yes, 1}, E_INVALIDARG},
      {{WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE, nullptr, 4}, E_INVALIDARG},
      {{WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE, &yes, 8}, E_INVALIDARG},
      {{WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE, nullptr, 100000}, E_INVALIDARG},
      {{WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, &ok_size, 4}, E_INVALIDARG},
      {{WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE, &ok_size, 4}, E_INVALIDARG},
      {{static_cast<WEB_SOCKET_PROPERTY_TYPE>(7), &ok_size, 4}, E_INVALIDARG},
      {{static_cast<WEB_SOCKET_PROPERTY_TYPE>(-1), &ok_size, 4}, E_INVALIDARG},
  };
  for (const bad_case& c : cases) {
    for (bool client : {true, false}) {
      WEB_SOCKET_PROPERTY p = c.prop;
      WEB_SOCKET_HANDLE h = reinterpret_cast<WEB_SOCKET_HANDLE>(0x1);
      const HRESULT hr = client ? WebSocketCreateClientHandle(&p, 1, &h) : WebSocketCreateServerHandle(&p, 1, &h);
      EXPECT_EQ(hr, c.expected) << "type " << c.prop.Type << " client " << client;
      if (SUCCEEDED(hr)) {
        EXPECT_NE(h, nullptr);
        WebSocketDeleteHandle(h);
      } else {
        EXPECT_EQ(h, nullptr);  // the output is cleared on failure
      }
    }
  }
  // A count with no array.
  WEB_SOCKET_HANDLE h = nullptr;
  EXPECT_EQ(WebSocketCreateClientHandle(nullptr, 1, &h), E_INVALIDARG);
  // A misaligned allocated buffer.
  std::vector<std::uint64_t> memory(2000);
  WEB_SOCKET_PROPERTY misaligned{WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE,
                                 reinterpret_cast<BYTE*>(memory.data()) + 1, 15000};
  EXPECT_EQ(WebSocketCreateClientHandle(&misaligned, 1, &h), E_INVALIDARG);
  // An allocated buffer sized for the defaults but not for a larger receive buffer given after it.
  ULONG big_receive = 8192;
  WEB_SOCKET_PROPERTY two[2] = {
      {WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE, memory.data(), 4096 + 4096 + 144},
      {WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &big_receive, 4}};
  EXPECT_EQ(WebSocketCreateClientHandle(two, 2, &h), E_INVALIDARG);
}

TEST(WebSocketHBadInput, HandshakeArguments) {
  WEB_SOCKET_HANDLE client = make_client();
  PWEB_SOCKET_HTTP_HEADER out = nullptr;
  ULONG count = 0;
  PCSTR comma[] = {"a,b"};
  PCSTR empty[] = {""};
  PCSTR null_entry[] = {nullptr};
  PCSTR spaced[] = {"two words"};
  EXPECT_EQ(WebSocketBeginClientHandshake(client, comma, 1, nullptr, 0, nullptr, 0, &out, &count), E_INVALIDARG);
  EXPECT_EQ(WebSocketBeginClientHandshake(client, empty, 1, nullptr, 0, nullptr, 0, &out, &count), E_INVALIDARG);
  EXPECT_EQ(WebSocketBeginClientHandshake(client, null_entry, 1, nullptr, 0, nullptr, 0, &out, &count), E_INVALIDARG);
  EXPECT_EQ(WebSocketBeginClientHandshake(client, spaced, 1, nullptr, 0, nullptr, 0, &out, &count), E_INVALIDARG);
  EXPECT_EQ(WebSocketBeginClientHandshake(client, nullptr, 1, nullptr, 0, nullptr, 0, &out, &count), E_INVALIDARG);
  EXPECT_EQ(WebSocketBeginClientHandshake(client, nullptr, 0, comma, 1, nullptr, 0, &out, &count), E_INVALIDARG);
  EXPECT_EQ(WebSocketBeginClientHandshake(client, nullptr, 0, nullptr, 0, nullptr, 2, &out, &count), E_INVALIDARG);
  WEB_SOCKET_HTTP_HEADER colon[] = {header("Bad:Name", "v")};
  WEB_SOCKET_HTTP_HEADER crlf[] = {header("X", "a\r\nInjected: 1")};
  WEB_SOCKET_HTTP_HEADER nameless[] = {header("", "v")};
  EXPECT_EQ(WebSocketBeginClientHandshake(client, nullptr, 0, nullptr, 0, colon, 1, &out, &count), E_INVALIDARG);
  EXPECT_EQ(WebSocketBeginClientHandshake(client, nullptr, 0, nullptr, 0, crlf, 1, &out, &count), E_INVALIDARG);
  EXPECT_EQ(WebSocketBeginClientHandshake(client, nullptr, 0, nullptr, 0, nameless, 1, &out, &count), E_INVALIDARG);
  // None of the failures changed the state: a good Begin still works, once.
  PCSTR protocols[] = {"chat"};
  EXPECT_EQ(WebSocketBeginClientHandshake(client, protocols, 1, nullptr, 0, nullptr, 0, &out, &count), S_OK);
  EXPECT_EQ(WebSocketBeginClientHandshake(client, nullptr, 0, nullptr, 0, nullptr, 0, &out, &count),
            E_INVALID_PROTOCOL_OPERATION);
  // No extension offered: a zero capacity is enough; the bad response is what fails.
  ULONG sel[1];
  ULONG sel_count = 0;
  WEB_SOCKET_HTTP_HEADER garbage[] = {header("Upgrade", "nope")};
  EXPECT_EQ(WebSocketEndClientHandshake(client, garbage, 1, sel, &sel_count, nullptr), E_INVALID_PROTOCOL_FORMAT);
  EXPECT_EQ(WebSocketEndClientHandshake(client, nullptr, 3, nullptr, nullptr, nullptr), E_INVALIDARG);
  WebSocketDeleteHandle(client);

  // Offered two extensions, capacity one: refused before anything else.
  WEB_SOCKET_HANDLE c2 = make_client();
  PCSTR exts[] = {"x-a", "x-b"};
  ASSERT_EQ(WebSocketBeginClientHandshake(c2, nullptr, 0, exts, 2, nullptr, 0, &out, &count), S_OK);
  ULONG one = 1;
  EXPECT_EQ(WebSocketEndClientHandshake(c2, nullptr, 0, sel, &one, nullptr), E_INVALIDARG);
  EXPECT_EQ(WebSocketEndClientHandshake(c2, nullptr, 0, sel, nullptr, nullptr), E_INVALIDARG);
  WebSocketDeleteHandle(c2);

  // Server: bad requests.
  struct request_case {
    std::vector<WEB_SOCKET_HTTP_HEADER> headers;
    HRESULT expected;
  };
  const request_case requests[] = {
      {{}, E_INVALID_PROTOCOL_FORMAT},
      {{header("Host", "h"), header("Upgrade", "websocket"), header("Connection", "Upgrade"),
        header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), header("Sec-WebSocket-Version", "8")},
       E_PROTOCOL_VERSION_NOT_SUPPORTED},
      {{header("Host", "h"), header("Upgrade", "websocket"), header("Connection", "Upgrade"),
        header("Sec-WebSocket-Key", "short"), header("Sec-WebSocket-Version", "13")},
       E_INVALID_PROTOCOL_FORMAT},
      {{header("Host", "h"), header("Upgrade", "h2c"), header("Connection", "Upgrade"),
        header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), header("Sec-WebSocket-Version", "13")},
       E_INVALID_PROTOCOL_FORMAT},
      {{header("Upgrade", "websocket"), header("Connection", "Upgrade"),
        header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), header("Sec-WebSocket-Version", "13")},
       E_INVALID_PROTOCOL_FORMAT},
      // .NET's minimal set: an empty Host is fine, names in any case.
      {{header("connection", "Upgrade"), header("upgrade", "WebSocket"), header("Host", ""),
        header("sec-websocket-version", "13"), header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")},
       S_OK},
  };
  for (const request_case& r : requests) {
    WEB_SOCKET_HANDLE server = make_server();
    auto headers = r.headers;
    EXPECT_EQ(WebSocketBeginServerHandshake(server, nullptr, nullptr, 0, headers.data(),
                                            static_cast<ULONG>(headers.size()), &out, &count),
              r.expected);
    WebSocketDeleteHandle(server);
  }
  WEB_SOCKET_HANDLE server = make_server();
  EXPECT_EQ(WebSocketBeginServerHandshake(server, "not a token", nullptr, 0, nullptr, 0, &out, &count),
            E_INVALIDARG);
  EXPECT_EQ(WebSocketBeginServerHandshake(server, nullptr, nullptr, 0, nullptr, 3, &out, &count), E_INVALIDARG);
  WebSocketDeleteHandle(server);
}

TEST(WebSocketHBadInput, WrongState) {
  WEB_SOCKET_HANDLE client = make_client();
  WEB_SOCKET_HANDLE server = make_server();
  PWEB_SOCKET_HTTP_HEADER out = nullptr;
  ULONG count = 0;
  // Session calls before the handshake; handshake calls of the other role; End before Begin.
  EXPECT_EQ(WebSocketSend(client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, nullptr, nullptr),
            E_INVALID_PROTOCOL_OPERATION);
  EXPECT_EQ(WebSocketReceive(server, nullptr, nullptr), E_INVALID_PROTOCOL_OPERATION);
  const action idle = get_action(client, WEB_SOCKET_ALL_ACTION_QUEUE);
  EXPECT_EQ(idle.hr, S_OK);
  EXPECT_EQ(idle.kind, WEB_SOCKET_NO_ACTION);
  EXPECT_EQ(WebSocketEndClientHandshake(client, nullptr, 0, nullptr, nullptr, nullptr),
            E_INVALID_PROTOCOL_OPERATION);
  EXPECT_EQ(WebSocketEndServerHandshake(server), E_INVALID_PROTOCOL_OPERATION);
  EXPECT_EQ(WebSocketBeginServerHandshake(client, nullptr, nullptr, 0, nullptr, 0, &out, &count),
            E_INVALID_PROTOCOL_OPERATION);
  EXPECT_EQ(WebSocketBeginClientHandshake(server, nullptr, 0, nullptr, 0, nullptr, 0, &out, &count),
            E_INVALID_PROTOCOL_OPERATION);
  ASSERT_TRUE(handshake(client, server));
  EXPECT_EQ(WebSocketEndClientHandshake(client, nullptr, 0, nullptr, nullptr, nullptr),
            E_INVALID_PROTOCOL_OPERATION);
  EXPECT_EQ(WebSocketEndServerHandshake(server), E_INVALID_PROTOCOL_OPERATION);

  // One outstanding send and one outstanding receive.
  EXPECT_EQ(WebSocketSend(client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, nullptr, nullptr), S_OK);
  EXPECT_EQ(WebSocketSend(client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, nullptr, nullptr),
            E_INVALID_PROTOCOL_OPERATION);
  EXPECT_EQ(WebSocketReceive(client, nullptr, nullptr), S_OK);
  EXPECT_EQ(WebSocketReceive(client, nullptr, nullptr), E_INVALID_PROTOCOL_OPERATION);

  // Unknown buffer types and malformed buffers.
  WEB_SOCKET_HANDLE s2 = make_server_session();
  WEB_SOCKET_BUFFER b{};
  EXPECT_EQ(WebSocketSend(s2, static_cast<WEB_SOCKET_BUFFER_TYPE>(0), nullptr, nullptr), E_INVALIDARG);
  EXPECT_EQ(WebSocketSend(s2, static_cast<WEB_SOCKET_BUFFER_TYPE>(0x80000007u), nullptr, nullptr), E_INVALIDARG);
  b.Data.pbBuffer = nullptr;
  b.Data.ulBufferLength = 5;
  EXPECT_EQ(WebSocketSend(s2, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b, nullptr), E_INVALIDARG);
  EXPECT_EQ(WebSocketReceive(s2, &b, nullptr), E_INVALIDARG);
  BYTE one = 0;
  b.Data.pbBuffer = &one;
  b.Data.ulBufferLength = 0;
  EXPECT_EQ(WebSocketReceive(s2, &b, nullptr), E_INVALIDARG);
  WEB_SOCKET_BUFFER c{};
  c.CloseStatus.usStatus = 1006;  // never on the wire
  EXPECT_EQ(WebSocketSend(s2, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), E_INVALIDARG);
  c.CloseStatus.usStatus = 999;
  EXPECT_EQ(WebSocketSend(s2, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), E_INVALIDARG);
  c.CloseStatus.usStatus = 1000;
  c.CloseStatus.ulReasonLength = 3;  // with a NULL reason
  EXPECT_EQ(WebSocketSend(s2, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), E_INVALIDARG);
  BYTE not_utf8[2] = {0xFF, 0xFE};
  c.CloseStatus.pbReason = not_utf8;
  c.CloseStatus.ulReasonLength = 2;
  EXPECT_EQ(WebSocketSend(s2, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), E_INVALIDARG);
  // Nothing was queued by any of that.
  EXPECT_EQ(get_action(s2, WEB_SOCKET_ALL_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  // Bad queue values and a zero-capacity buffer array.
  EXPECT_EQ(get_action(s2, static_cast<WEB_SOCKET_ACTION_QUEUE>(0)).hr, E_INVALIDARG);
  EXPECT_EQ(get_action(s2, static_cast<WEB_SOCKET_ACTION_QUEUE>(4)).hr, E_INVALIDARG);
  EXPECT_EQ(get_action(s2, WEB_SOCKET_ALL_ACTION_QUEUE, 0).hr, E_INVALIDARG);

  WebSocketDeleteHandle(client);
  WebSocketDeleteHandle(server);
  WebSocketDeleteHandle(s2);
}

// A one-entry buffer array still sends everything: the header first, then the payload.
TEST(WebSocketHBadInput, OneBufferCapacitySplitsHeaderAndPayload) {
  WEB_SOCKET_HANDLE server = make_server_session();
  std::vector<BYTE> p{'a', 'b'};
  WEB_SOCKET_BUFFER b{};
  b.Data.pbBuffer = p.data();
  b.Data.ulBufferLength = 2;
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b, nullptr), S_OK);
  action a = get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE, 1);
  ASSERT_EQ(a.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  ASSERT_EQ(a.count, 1u);
  EXPECT_EQ(a.data(0), (bytes{0x82, 0x02}));
  WebSocketCompleteAction(server, a.action_context, 2);
  a = get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE, 1);
  ASSERT_EQ(a.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  EXPECT_EQ(a.data(0), (bytes{'a', 'b'}));
  WebSocketCompleteAction(server, a.action_context, 2);
  EXPECT_EQ(get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE, 1).kind, WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION);
  WebSocketDeleteHandle(server);
}

// Completions that do not match an outstanding action are ignored; an over-long read count is
// clamped to the buffer; deleting with actions outstanding (never completed) is clean.
TEST(WebSocketHBadInput, BogusAndMissingCompletions) {
  WEB_SOCKET_HANDLE server = make_server_session();
  ASSERT_EQ(WebSocketReceive(server, nullptr, nullptr), S_OK);
  const action read = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(read.kind, WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION);
  WebSocketCompleteAction(server, reinterpret_cast<PVOID>(0x1234), 10);
  WebSocketCompleteAction(server, reinterpret_cast<PVOID>(~std::uintptr_t{0}), 10);
  // Still outstanding: nothing else on that queue.
  EXPECT_EQ(get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  const bytes f = masked_frame(0x82, {5});
  std::copy(f.begin(), f.end(), read.buffers[0].Data.pbBuffer);
  WebSocketCompleteAction(server, read.action_context, 0xFFFFFFFFu);  // more than the buffer holds
  const action a = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(a.data(0), (bytes{5}));
  // Never completed: deleted with the action outstanding.
  WebSocketDeleteHandle(server);

  WEB_SOCKET_HANDLE client = make_client_session();
  ASSERT_EQ(WebSocketSend(client, WEB_SOCKET_PING_PONG_BUFFER_TYPE, nullptr, nullptr), S_OK);
  ASSERT_EQ(get_action(client, WEB_SOCKET_ALL_ACTION_QUEUE).kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  WebSocketAbortHandle(client);
  WebSocketAbortHandle(client);  // twice is harmless
  WebSocketDeleteHandle(client);
}

// After a receive-side failure: sticky error, sends refused, abort drains the receive.
TEST(WebSocketHBadInput, AfterProtocolFailure) {
  WEB_SOCKET_HANDLE server = make_server_session();
  ASSERT_EQ(WebSocketReceive(server, nullptr, reinterpret_cast<PVOID>(0xF)), S_OK);
  ASSERT_TRUE(feed(server, masked_frame(0x83, {1})));  // reserved opcode 3
  EXPECT_EQ(get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE).hr, E_INVALID_PROTOCOL_FORMAT);
  EXPECT_EQ(get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE).hr, E_INVALID_PROTOCOL_FORMAT);
  EXPECT_EQ(WebSocketSend(server, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, nullptr, nullptr),
            E_INVALID_PROTOCOL_OPERATION);
  WebSocketAbortHandle(server);
  const action a = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(a.hr, S_OK);
  ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(a.app_context, reinterpret_cast<PVOID>(0xF));
  EXPECT_EQ(a.buffers[0].Data.ulBufferLength, 0u);
  WebSocketCompleteAction(server, a.action_context, 0);
  EXPECT_EQ(get_action(server, WEB_SOCKET_ALL_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  WebSocketDeleteHandle(server);
}

// A bad stream discovered while draining after an abort ends the receive instead of failing the
// drain (found by fuzz_websocket_h_receive).
TEST(WebSocketHBadInput, ProtocolFailureWhileDraining) {
  WEB_SOCKET_HANDLE server = make_server_session();
  ASSERT_EQ(WebSocketReceive(server, nullptr, reinterpret_cast<PVOID>(0xD)), S_OK);
  ASSERT_TRUE(feed(server, frame(0x82, {1})));  // unmasked: a violation, not parsed yet
  WebSocketAbortHandle(server);
  const action a = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(a.hr, S_OK);
  ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(a.app_context, reinterpret_cast<PVOID>(0xD));
  EXPECT_EQ(a.buffers[0].Data.ulBufferLength, 0u);
  WebSocketCompleteAction(server, a.action_context, 0);
  EXPECT_EQ(get_action(server, WEB_SOCKET_ALL_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  WebSocketDeleteHandle(server);
}
