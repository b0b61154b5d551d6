// Rules 1-9, 11 and 27 of shared/spec/README.md (Protocol Component): signatures, HRESULTs,
// handle creation and properties, the handshake calls, the global property.
#include <windows.h>
#include <websocket.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <type_traits>
#include <vector>

#include "wsh_harness.hpp"

using namespace wsh_test;

namespace {

// Standard base64 decoding; returns false on any character outside the alphabet or bad padding.
bool base64_decode(const std::string& in, std::vector<unsigned char>& out) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (in.size() % 4 != 0) return false;
  out.clear();
  for (std::size_t i = 0; i < in.size(); i += 4) {
    unsigned v = 0;
    int pad = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = in[i + j];
      unsigned d = 0;
      if (c == '=') {
        if (i + 4 != in.size() || j < 2) return false;
        ++pad;
      } else {
        if (pad != 0) return false;
        const auto pos = alphabet.find(c);
        if (pos == std::string::npos) return false;
        d = static_cast<unsigned>(pos);
      }
      v = (v << 6) | d;
    }
    out.push_back(static_cast<unsigned char>(v >> 16));
    if (pad < 2) out.push_back(static_cast<unsigned char>(v >> 8));
    if (pad < 1) out.push_back(static_cast<unsigned char>(v));
  }
  return true;
}

HRESULT create_with(bool client, std::vector<WEB_SOCKET_PROPERTY> props, WEB_SOCKET_HANDLE* h) {
  return client ? WebSocketCreateClientHandle(props.data(), static_cast<ULONG>(props.size()), h)
                : WebSocketCreateServerHandle(props.data(), static_cast<ULONG>(props.size()), h);
}

// Whether a handle accepts a caller-allocated buffer of `size` bytes with default sizes.
HRESULT with_allocated_buffer(bool client, ULONG size) {
  std::vector<std::uint64_t> memory(size / 8 + 1);  // 8-byte aligned
  WEB_SOCKET_HANDLE h = nullptr;
  const HRESULT hr = create_with(
      client, {{WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE, memory.data(), size}}, &h);
  if (h != nullptr) WebSocketDeleteHandle(h);
  return hr;
}

}  // namespace

// 1. CompleteAction, AbortHandle and DeleteHandle return void; the other ten return HRESULT.
TEST(WebSocketHRules, Rule01_ThreeFunctionsReturnVoidTenReturnHresult) {
  static_assert(std::is_same_v<decltype(&WebSocketCompleteAction), VOID (*)(WEB_SOCKET_HANDLE, PVOID, ULONG)>);
  static_assert(std::is_same_v<decltype(&WebSocketAbortHandle), VOID (*)(WEB_SOCKET_HANDLE)>);
  static_assert(std::is_same_v<decltype(&WebSocketDeleteHandle), VOID (*)(WEB_SOCKET_HANDLE)>);
  static_assert(std::is_same_v<decltype(&WebSocketCreateClientHandle),
                               HRESULT (*)(const PWEB_SOCKET_PROPERTY, ULONG, WEB_SOCKET_HANDLE*)>);
  static_assert(std::is_same_v<decltype(&WebSocketCreateServerHandle),
                               HRESULT (*)(const PWEB_SOCKET_PROPERTY, ULONG, WEB_SOCKET_HANDLE*)>);
  static_assert(std::is_same_v<decltype(&WebSocketBeginClientHandshake),
                               HRESULT (*)(WEB_SOCKET_HANDLE, PCSTR*, ULONG, PCSTR*, ULONG,
                                           const PWEB_SOCKET_HTTP_HEADER, ULONG,
                                           PWEB_SOCKET_HTTP_HEADER*, ULONG*)>);
  static_assert(std::is_same_v<decltype(&WebSocketEndClientHandshake),
                               HRESULT (*)(WEB_SOCKET_HANDLE, const PWEB_SOCKET_HTTP_HEADER, ULONG,
                                           ULONG*, ULONG*, ULONG*)>);
  static_assert(std::is_same_v<decltype(&WebSocketBeginServerHandshake),
                               HRESULT (*)(WEB_SOCKET_HANDLE, PCSTR, PCSTR*, ULONG,
                                           const PWEB_SOCKET_HTTP_HEADER, ULONG,
                                           PWEB_SOCKET_HTTP_HEADER*, ULONG*)>);
  static_assert(std::is_same_v<decltype(&WebSocketEndServerHandshake), HRESULT (*)(WEB_SOCKET_HANDLE)>);
  static_assert(std::is_same_v<decltype(&WebSocketSend),
                               HRESULT (*)(WEB_SOCKET_HANDLE, WEB_SOCKET_BUFFER_TYPE,
                                           WEB_SOCKET_BUFFER*, PVOID)>);
  static_assert(std::is_same_v<decltype(&WebSocketReceive),
                               HRESULT (*)(WEB_SOCKET_HANDLE, WEB_SOCKET_BUFFER*, PVOID)>);
  static_assert(std::is_same_v<decltype(&WebSocketGetAction),
                               HRESULT (*)(WEB_SOCKET_HANDLE, WEB_SOCKET_ACTION_QUEUE,
                                           WEB_SOCKET_BUFFER*, ULONG*, WEB_SOCKET_ACTION*,
                                           WEB_SOCKET_BUFFER_TYPE*, PVOID*, PVOID*)>);
  static_assert(std::is_same_v<decltype(&WebSocketGetGlobalProperty),
                               HRESULT (*)(WEB_SOCKET_PROPERTY_TYPE, PVOID, ULONG*)>);
  static_assert(sizeof(HRESULT) == 4 && sizeof(ULONG) == 4 && sizeof(DWORD) == 4 && sizeof(BOOL) == 4);
  // And the void ones are callable with a NULL handle without effect.
  WebSocketCompleteAction(nullptr, nullptr, 0);
  WebSocketAbortHandle(nullptr);
  WebSocketDeleteHandle(nullptr);
  SUCCEED();
}

// 2. The 0x8376000x family, under both spellings the documentation uses.
TEST(WebSocketHRules, Rule02_ProtocolHresultValues) {
  EXPECT_EQ(static_cast<ULONG>(E_INVALID_PROTOCOL_OPERATION), 0x83760001u);
  EXPECT_EQ(static_cast<ULONG>(E_INVALID_PROTOCOL_FORMAT), 0x83760002u);
  EXPECT_EQ(static_cast<ULONG>(E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED), 0x83760003u);
  EXPECT_EQ(static_cast<ULONG>(E_SUBPROTOCOL_NOT_SUPPORTED), 0x83760004u);
  EXPECT_EQ(static_cast<ULONG>(E_PROTOCOL_VERSION_NOT_SUPPORTED), 0x83760005u);
  EXPECT_EQ(E_UNSUPPORTED_EXTENSION, E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED);
  EXPECT_EQ(E_UNSUPPORTED_SUBPROTOCOL, E_SUBPROTOCOL_NOT_SUPPORTED);
  EXPECT_TRUE(FAILED(E_INVALID_PROTOCOL_FORMAT));
  EXPECT_EQ(static_cast<ULONG>(E_INVALIDARG), 0x80070057u);
  EXPECT_EQ(static_cast<ULONG>(E_OUTOFMEMORY), 0x8007000Eu);
  EXPECT_EQ(static_cast<ULONG>(E_POINTER), 0x80004003u);
  EXPECT_EQ(static_cast<ULONG>(E_FAIL), 0x80004005u);
  EXPECT_EQ(static_cast<ULONG>(HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER)), 0x8007007Au);
}

// 3. NULL/0 properties give the defaults: receive 4096; send 4096 (client) / 16 (server). The
// send size shows in the smallest allocated buffer accepted (receive + send + 144).
TEST(WebSocketHRules, Rule03_CreateWithNoPropertiesUsesDefaults) {
  WEB_SOCKET_HANDLE client = nullptr;
  WEB_SOCKET_HANDLE server = nullptr;
  ASSERT_EQ(WebSocketCreateClientHandle(nullptr, 0, &client), S_OK);
  ASSERT_EQ(WebSocketCreateServerHandle(nullptr, 0, &server), S_OK);
  ASSERT_NE(client, nullptr);
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(handshake(client, server));

  // Receive buffer: the RECEIVE_FROM_NETWORK buffer is 4096 bytes on both.
  for (WEB_SOCKET_HANDLE h : {client, server}) {
    ASSERT_EQ(WebSocketReceive(h, nullptr, nullptr), S_OK);
    const action a = get_action(h, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
    ASSERT_EQ(a.kind, WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION);
    EXPECT_EQ(a.buffers[0].Data.ulBufferLength, 4096u);
  }
  // Client send buffer: a 10000-byte payload is masked through it 4096 bytes at a time.
  std::vector<BYTE> payload(10000, 0x5A);
  WEB_SOCKET_BUFFER b{};
  b.Data.pbBuffer = payload.data();
  b.Data.ulBufferLength = 10000;
  ASSERT_EQ(WebSocketSend(client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b, nullptr), S_OK);
  const action first = get_action(client, WEB_SOCKET_SEND_ACTION_QUEUE);
  ASSERT_EQ(first.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  ASSERT_EQ(first.count, 2u);
  EXPECT_EQ(first.buffers[1].Data.ulBufferLength, 4096u);
  WebSocketDeleteHandle(client);
  WebSocketDeleteHandle(server);

  EXPECT_EQ(with_allocated_buffer(true, 4096 + 4096 + 144), S_OK);
  EXPECT_EQ(with_allocated_buffer(true, 4096 + 4096 + 143), E_INVALIDARG);
  EXPECT_EQ(with_allocated_buffer(false, 4096 + 16 + 144), S_OK);
  EXPECT_EQ(with_allocated_buffer(false, 4096 + 16 + 143), E_INVALIDARG);
}

// 4. A server handle takes send buffer size 16 (.NET's value); a client handle does not.
TEST(WebSocketHRules, Rule04_ServerSendBufferSixteenAccepted) {
  ULONG sixteen = 16;
  ULONG fifteen = 15;
  WEB_SOCKET_HANDLE h = nullptr;
  EXPECT_EQ(create_with(false, {{WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE, &sixteen, 4}}, &h), S_OK);
  ASSERT_NE(h, nullptr);
  WebSocketDeleteHandle(h);
  h = nullptr;
  EXPECT_EQ(create_with(false, {{WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE, &fifteen, 4}}, &h),
            E_INVALIDARG);
  EXPECT_EQ(h, nullptr);
  EXPECT_EQ(create_with(true, {{WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE, &sixteen, 4}}, &h),
            E_INVALIDARG);
  EXPECT_EQ(h, nullptr);

  // And the server works with it: a 1000-byte message goes out whole (zero copy).
  WEB_SOCKET_HANDLE server = make_server_session({.send_buffer = 16});
  ASSERT_NE(server, nullptr);
  std::vector<BYTE> payload(1000, 7);
  WEB_SOCKET_BUFFER b{};
  b.Data.pbBuffer = payload.data();
  b.Data.ulBufferLength = 1000;
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b, nullptr), S_OK);
  const action a = get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE);
  ASSERT_EQ(a.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  ASSERT_EQ(a.count, 2u);
  EXPECT_EQ(a.data(0), (bytes{0x82, 126, 0x03, 0xE8}));
  EXPECT_EQ(a.buffers[1].Data.pbBuffer, payload.data());
  EXPECT_EQ(a.buffers[1].Data.ulBufferLength, 1000u);
  WebSocketDeleteHandle(server);
}

// 5. Receive buffer size 255 is refused, 256 accepted (and used).
TEST(WebSocketHRules, Rule05_ReceiveBufferMinimumIs256) {
  ULONG v255 = 255;
  ULONG v256 = 256;
  for (bool client : {true, false}) {
    WEB_SOCKET_HANDLE h = nullptr;
    EXPECT_EQ(create_with(client, {{WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &v255, 4}}, &h),
              E_INVALIDARG);
    EXPECT_EQ(h, nullptr);
    EXPECT_EQ(create_with(client, {{WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &v256, 4}}, &h), S_OK);
    ASSERT_NE(h, nullptr);
    WebSocketDeleteHandle(h);
  }
  WEB_SOCKET_HANDLE server = make_server_session({.receive_buffer = 256});
  ASSERT_EQ(WebSocketReceive(server, nullptr, nullptr), S_OK);
  const action a = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(a.kind, WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION);
  EXPECT_EQ(a.buffers[0].Data.ulBufferLength, 256u);
  WebSocketDeleteHandle(server);
}

// 6. BeginClientHandshake hands out Sec-WebSocket-Key (base64 of 16 random bytes, new per handle)
// and Sec-WebSocket-Version: 13, in memory the handle owns.
TEST(WebSocketHRules, Rule06_ClientHandshakeAddsKeyAndVersion) {
  std::string keys[2];
  for (std::string& key : keys) {
    WEB_SOCKET_HANDLE h = make_client();
    WEB_SOCKET_HTTP_HEADER initial[] = {header("Host", "example.com")};
    PWEB_SOCKET_HTTP_HEADER added = nullptr;
    ULONG count = 0;
    ASSERT_EQ(WebSocketBeginClientHandshake(h, nullptr, 0, nullptr, 0, initial, 1, &added, &count),
              S_OK);
    ASSERT_NE(added, nullptr);
    // Not the caller's array: the handle's own memory.
    EXPECT_NE(added, initial);
    key = header_value(added, count, "Sec-WebSocket-Key");
    EXPECT_EQ(header_value(added, count, "Sec-WebSocket-Version"), "13");
    std::vector<unsigned char> nonce;
    ASSERT_TRUE(base64_decode(key, nonce)) << key;
    EXPECT_EQ(nonce.size(), 16u);
    EXPECT_EQ(key.size(), 24u);
    // Upgrade and Connection are added too, as the app did not send them.
    EXPECT_EQ(header_value(added, count, "Upgrade"), "websocket");
    EXPECT_EQ(header_value(added, count, "Connection"), "Upgrade");
    WebSocketDeleteHandle(h);
  }
  EXPECT_NE(keys[0], keys[1]);
}

// 7. A wrong Sec-WebSocket-Accept fails EndClientHandshake with E_INVALID_PROTOCOL_FORMAT.
TEST(WebSocketHRules, Rule07_WrongAcceptIsInvalidProtocolFormat) {
  WEB_SOCKET_HANDLE client = make_client();
  PWEB_SOCKET_HTTP_HEADER added = nullptr;
  ULONG count = 0;
  ASSERT_EQ(WebSocketBeginClientHandshake(client, nullptr, 0, nullptr, 0, nullptr, 0, &added, &count),
            S_OK);
  WEB_SOCKET_HTTP_HEADER wrong[] = {header("Upgrade", "websocket"), header("Connection", "Upgrade"),
                                    header("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")};
  EXPECT_EQ(WebSocketEndClientHandshake(client, wrong, 3, nullptr, nullptr, nullptr),
            E_INVALID_PROTOCOL_FORMAT);
  WEB_SOCKET_HTTP_HEADER missing[] = {header("Upgrade", "websocket"), header("Connection", "Upgrade")};
  EXPECT_EQ(WebSocketEndClientHandshake(client, missing, 2, nullptr, nullptr, nullptr),
            E_INVALID_PROTOCOL_FORMAT);
  // Still in the handshake: no session calls yet.
  EXPECT_EQ(WebSocketReceive(client, nullptr, nullptr), E_INVALID_PROTOCOL_OPERATION);
  WebSocketDeleteHandle(client);
}

// 8. A subprotocol the client did not offer: 0x83760004; an extension it did not offer: 0x83760003.
TEST(WebSocketHRules, Rule08_UnofferedSubprotocolOrExtensionRefused) {
  struct pick {
    const char* subprotocol;
    const char* extension;
    HRESULT expected;
  };
  const pick cases[] = {{"other", nullptr, static_cast<HRESULT>(0x83760004u)},
                        {nullptr, "x-unknown", static_cast<HRESULT>(0x83760003u)},
                        {"superchat", "x-custom", S_OK}};
  for (const pick& c : cases) {
    WEB_SOCKET_HANDLE client = make_client();
    WEB_SOCKET_HANDLE server = make_server();
    PCSTR protocols[] = {"chat", "superchat"};
    PCSTR extensions[] = {"permessage-deflate", "x-custom"};
    WEB_SOCKET_HTTP_HEADER initial[] = {header("Host", "h")};
    PWEB_SOCKET_HTTP_HEADER added = nullptr;
    ULONG added_count = 0;
    ASSERT_EQ(WebSocketBeginClientHandshake(client, protocols, 2, extensions, 2, initial, 1, &added,
                                            &added_count),
              S_OK);
    EXPECT_EQ(header_value(added, added_count, "Sec-WebSocket-Protocol"), "chat, superchat");
    EXPECT_EQ(header_value(added, added_count, "Sec-WebSocket-Extensions"),
              "permessage-deflate, x-custom");
    std::vector<WEB_SOCKET_HTTP_HEADER> request(initial, initial + 1);
    request.insert(request.end(), added, added + added_count);
    PCSTR chosen_extensions[] = {c.extension};
    PWEB_SOCKET_HTTP_HEADER response = nullptr;
    ULONG response_count = 0;
    ASSERT_EQ(WebSocketBeginServerHandshake(server, c.subprotocol, c.extension ? chosen_extensions : nullptr,
                                            c.extension ? 1 : 0, request.data(),
                                            static_cast<ULONG>(request.size()), &response,
                                            &response_count),
              S_OK);
    ULONG selected[2] = {99, 99};
    ULONG selected_count = 2;
    ULONG subprotocol = 99;
    EXPECT_EQ(WebSocketEndClientHandshake(client, response, response_count, selected, &selected_count,
                                          &subprotocol),
              c.expected);
    if (c.expected == S_OK) {
      EXPECT_EQ(subprotocol, 1u);
      EXPECT_EQ(selected_count, 1u);
      EXPECT_EQ(selected[0], 1u);
    }
    WebSocketDeleteHandle(client);
    WebSocketDeleteHandle(server);
  }
}

// 9. Omitting WebSocketEndServerHandshake is legal: the first session call does its work.
TEST(WebSocketHRules, Rule09_EndServerHandshakeIsOptional) {
  WEB_SOCKET_HANDLE client = make_client();
  WEB_SOCKET_HANDLE server = make_server();
  ASSERT_TRUE(handshake(client, server, /*end_server=*/false));
  ASSERT_EQ(WebSocketReceive(server, nullptr, reinterpret_cast<PVOID>(0x99)), S_OK);
  ASSERT_TRUE(feed(server, masked_frame(0x81, text("hi"))));
  const action a = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(a.hr, S_OK);
  EXPECT_EQ(a.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(a.type, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
  EXPECT_EQ(a.data(0), text("hi"));
  EXPECT_EQ(a.app_context, reinterpret_cast<PVOID>(0x99));
  WebSocketCompleteAction(server, a.action_context, 0);
  // The session already started: an explicit End now is a call in the wrong state.
  EXPECT_EQ(WebSocketEndServerHandshake(server), E_INVALID_PROTOCOL_OPERATION);

  // GetAction alone also ends it.
  WEB_SOCKET_HANDLE client2 = make_client();
  WEB_SOCKET_HANDLE server2 = make_server();
  ASSERT_TRUE(handshake(client2, server2, false));
  const action none = get_action(server2, WEB_SOCKET_ALL_ACTION_QUEUE);
  EXPECT_EQ(none.hr, S_OK);
  EXPECT_EQ(none.kind, WEB_SOCKET_NO_ACTION);
  EXPECT_EQ(WebSocketEndServerHandshake(server2), E_INVALID_PROTOCOL_OPERATION);
  for (WEB_SOCKET_HANDLE h : {client, server, client2, server2}) WebSocketDeleteHandle(h);
}

// 11. The server's response carries Sec-WebSocket-Accept = base64(SHA-1(key + GUID)) (RFC 6455
// 4.2.2 example), after Upgrade and Connection.
TEST(WebSocketHRules, Rule11_ServerResponseAcceptKey) {
  WEB_SOCKET_HANDLE server = make_server();
  WEB_SOCKET_HTTP_HEADER request[] = {
      header("Host", "server.example.com"), header("Upgrade", "websocket"),
      header("Connection", "keep-alive, Upgrade"), header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
      header("Sec-WebSocket-Version", "13")};
  PWEB_SOCKET_HTTP_HEADER response = nullptr;
  ULONG count = 0;
  ASSERT_EQ(WebSocketBeginServerHandshake(server, nullptr, nullptr, 0, request, 5, &response, &count),
            S_OK);
  ASSERT_EQ(count, 3u);
  EXPECT_EQ(std::string(response[0].pcName, response[0].ulNameLength), "Upgrade");
  EXPECT_EQ(std::string(response[0].pcValue, response[0].ulValueLength), "websocket");
  EXPECT_EQ(std::string(response[1].pcName, response[1].ulNameLength), "Connection");
  EXPECT_EQ(std::string(response[1].pcValue, response[1].ulValueLength), "Upgrade");
  EXPECT_EQ(std::string(response[2].pcName, response[2].ulNameLength), "Sec-WebSocket-Accept");
  EXPECT_EQ(std::string(response[2].pcValue, response[2].ulValueLength), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  WebSocketDeleteHandle(server);
}

// 27. Keep-alive interval: 30000 ms by default, never below 15000.
TEST(WebSocketHRules, Rule27_KeepaliveDefaultAndFloor) {
  ULONG value = 0;
  ULONG size = sizeof value;
  unsetenv("WEBSOCK_KEEPALIVE_INTERVAL");
  ASSERT_EQ(WebSocketGetGlobalProperty(WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, &value, &size), S_OK);
  EXPECT_EQ(value, 30000u);
  EXPECT_EQ(size, 4u);

  setenv("WEBSOCK_KEEPALIVE_INTERVAL", "1000", 1);
  ASSERT_EQ(WebSocketGetGlobalProperty(WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, &value, &size), S_OK);
  EXPECT_EQ(value, 15000u);
  setenv("WEBSOCK_KEEPALIVE_INTERVAL", "60000", 1);
  ASSERT_EQ(WebSocketGetGlobalProperty(WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, &value, &size), S_OK);
  EXPECT_EQ(value, 60000u);
  unsetenv("WEBSOCK_KEEPALIVE_INTERVAL");

  // Too small a buffer: the Win32 error as an HRESULT, and the size needed.
  size = 2;
  EXPECT_EQ(WebSocketGetGlobalProperty(WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE, &value, &size),
            HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(size, 4u);

  // Supported versions: {13}.
  size = sizeof value;
  ASSERT_EQ(WebSocketGetGlobalProperty(WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE, &value, &size), S_OK);
  EXPECT_EQ(value, 13u);
  EXPECT_EQ(size, 4u);
  EXPECT_EQ(WebSocketGetGlobalProperty(WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &value, &size),
            E_INVALIDARG);
}
