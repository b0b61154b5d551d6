// Rules 12-22, 26, 28 and 29 of shared/spec/README.md (Protocol Component): the action queue,
// short transfers, pings and pongs, closes, abort and drain, no hidden I/O.
#include <windows.h>
#include <websocket.h>

#include <dirent.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "wsh_harness.hpp"

using namespace wsh_test;

namespace {

PVOID ctx(std::uintptr_t v) { return reinterpret_cast<PVOID>(v); }

WEB_SOCKET_BUFFER data_buffer(std::vector<BYTE>& v) {
  WEB_SOCKET_BUFFER b{};
  b.Data.pbBuffer = v.data();
  b.Data.ulBufferLength = static_cast<ULONG>(v.size());
  return b;
}

WEB_SOCKET_BUFFER close_buffer(USHORT status, std::string& reason) {
  WEB_SOCKET_BUFFER b{};
  b.CloseStatus.usStatus = status;
  b.CloseStatus.pbReason = reason.empty() ? nullptr : reinterpret_cast<PBYTE>(reason.data());
  b.CloseStatus.ulReasonLength = static_cast<ULONG>(reason.size());
  return b;
}

}  // namespace

// 12. A send is SEND_TO_NETWORK with at most two buffers (header, then payload), then exactly one
// INDICATE_SEND_COMPLETE.
TEST(WebSocketHRules, Rule12_SendIsHeaderAndPayloadThenOneIndicate) {
  WEB_SOCKET_HANDLE server = make_server_session();
  std::vector<BYTE> hello{'h', 'e', 'l', 'l', 'o'};
  WEB_SOCKET_BUFFER b = data_buffer(hello);
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, &b, ctx(0x51)), S_OK);

  action a = get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE);
  ASSERT_EQ(a.hr, S_OK);
  ASSERT_EQ(a.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  EXPECT_EQ(a.type, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
  EXPECT_EQ(a.app_context, ctx(0x51));
  ASSERT_EQ(a.count, 2u);
  EXPECT_EQ(a.data(0), (bytes{0x81, 0x05}));
  EXPECT_EQ(a.data(1), text("hello"));
  EXPECT_EQ(a.buffers[1].Data.pbBuffer, hello.data());  // the server's payload: zero copy
  WebSocketCompleteAction(server, a.action_context, 7);

  a = get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE);
  ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION);
  EXPECT_EQ(a.app_context, ctx(0x51));
  EXPECT_EQ(a.type, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
  WebSocketCompleteAction(server, a.action_context, 0);
  EXPECT_EQ(get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  WebSocketDeleteHandle(server);

  // A client's large payload: header + first masked chunk, then one buffer per chunk.
  WEB_SOCKET_HANDLE client = make_client_session();
  std::vector<BYTE> big(10000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<BYTE>(i * 7);
  b = data_buffer(big);
  ASSERT_EQ(WebSocketSend(client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b, ctx(0x52)), S_OK);
  bytes wire;
  std::vector<ULONG> counts;
  for (;;) {
    a = get_action(client, WEB_SOCKET_SEND_ACTION_QUEUE);
    ASSERT_EQ(a.hr, S_OK);
    if (a.kind != WEB_SOCKET_SEND_TO_NETWORK_ACTION) break;
    ASSERT_LE(a.count, 2u);
    counts.push_back(a.count);
    const bytes d = a.all_data();
    wire.insert(wire.end(), d.begin(), d.end());
    WebSocketCompleteAction(client, a.action_context, a.total());
  }
  ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION);
  EXPECT_EQ(a.app_context, ctx(0x52));
  WebSocketCompleteAction(client, a.action_context, 0);
  EXPECT_EQ(counts, (std::vector<ULONG>{2, 1, 1}));
  decoded_frame f;
  ASSERT_EQ(decode_frame(wire, f), wire.size());
  EXPECT_EQ(f.first_byte, 0x82);
  EXPECT_TRUE(f.masked);
  EXPECT_EQ(f.payload, bytes(big.begin(), big.end()));
  WebSocketDeleteHandle(client);
}

// 13. Each non-NO_ACTION result is completed exactly once; until then its queue has nothing more;
// NO_ACTION carries no token, and a completion of an action no longer outstanding changes nothing.
TEST(WebSocketHRules, Rule13_EachActionCompletedExactlyOnce) {
  WEB_SOCKET_HANDLE server = make_server_session();
  std::vector<BYTE> one{'a'};
  std::vector<BYTE> two{'b'};
  WEB_SOCKET_BUFFER b1 = data_buffer(one);
  WEB_SOCKET_BUFFER b2 = data_buffer(two);

  const action none = get_action(server, WEB_SOCKET_ALL_ACTION_QUEUE);
  EXPECT_EQ(none.kind, WEB_SOCKET_NO_ACTION);
  EXPECT_EQ(none.action_context, nullptr);
  EXPECT_EQ(none.app_context, sentinel_context);  // not written for NO_ACTION
  WebSocketCompleteAction(server, none.action_context, 0);  // harmless

  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b1, ctx(1)), S_OK);
  const action first = get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE);
  ASSERT_EQ(first.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  // Not completed yet: the queue hands out nothing else.
  EXPECT_EQ(get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  EXPECT_EQ(get_action(server, WEB_SOCKET_ALL_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  WebSocketCompleteAction(server, first.action_context, 3);
  const action indicate = get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE);
  ASSERT_EQ(indicate.kind, WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION);
  WebSocketCompleteAction(server, indicate.action_context, 0);

  // Completing both again must not touch the next send.
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b2, ctx(2)), S_OK);
  WebSocketCompleteAction(server, first.action_context, 3);
  WebSocketCompleteAction(server, indicate.action_context, 0);
  const action second = get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE);
  ASSERT_EQ(second.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  EXPECT_EQ(second.app_context, ctx(2));
  EXPECT_EQ(second.all_data(), (bytes{0x82, 0x01, 'b'}));
  EXPECT_NE(second.action_context, first.action_context);
  WebSocketCompleteAction(server, second.action_context, 3);
  EXPECT_EQ(get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE).kind,
            WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION);
  WebSocketDeleteHandle(server);
}

// 14. A short SEND_TO_NETWORK completion cancels the send: the next action is INDICATE_SEND_COMPLETE.
TEST(WebSocketHRules, Rule14_ShortWriteCompletesTheSend) {
  WEB_SOCKET_HANDLE client = make_client_session();
  std::vector<BYTE> big(10000, 1);
  WEB_SOCKET_BUFFER b = data_buffer(big);
  ASSERT_EQ(WebSocketSend(client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b, ctx(0x14)), S_OK);
  const action a = get_action(client, WEB_SOCKET_SEND_ACTION_QUEUE);
  ASSERT_EQ(a.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  WebSocketCompleteAction(client, a.action_context, a.total() - 1);
  const action next = get_action(client, WEB_SOCKET_SEND_ACTION_QUEUE);
  EXPECT_EQ(next.kind, WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION);
  EXPECT_EQ(next.app_context, ctx(0x14));
  WebSocketCompleteAction(client, next.action_context, 0);
  EXPECT_EQ(get_action(client, WEB_SOCKET_SEND_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  WebSocketDeleteHandle(client);
}

// 15. A 0-byte RECEIVE_FROM_NETWORK completion makes the next receive action
// INDICATE_RECEIVE_COMPLETE without data.
TEST(WebSocketHRules, Rule15_ZeroByteReadCompletesTheReceive) {
  WEB_SOCKET_HANDLE server = make_server_session();
  ASSERT_EQ(WebSocketReceive(server, nullptr, ctx(0x15)), S_OK);
  const action read = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(read.kind, WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION);
  EXPECT_EQ(read.app_context, ctx(0x15));
  WebSocketCompleteAction(server, read.action_context, 0);
  const action done = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(done.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(done.app_context, ctx(0x15));
  ASSERT_EQ(done.count, 1u);
  EXPECT_EQ(done.buffers[0].Data.ulBufferLength, 0u);
  EXPECT_EQ(done.type, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
  WebSocketCompleteAction(server, done.action_context, 0);
  EXPECT_EQ(get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  WebSocketDeleteHandle(server);
}

// 16. The byte count passed when completing INDICATE_* actions is ignored.
TEST(WebSocketHRules, Rule16_IndicateByteCountIgnored) {
  WEB_SOCKET_HANDLE server = make_server_session();
  // Two messages in one read; completing the first INDICATE with a bogus count must not disturb
  // the parse of the second.
  bytes wire = masked_frame(0x82, {1, 2, 3});
  const bytes second = masked_frame(0x81, text("xyz"));
  wire.insert(wire.end(), second.begin(), second.end());
  ASSERT_EQ(WebSocketReceive(server, nullptr, nullptr), S_OK);
  ASSERT_TRUE(feed(server, wire));
  action a = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(a.data(0), (bytes{1, 2, 3}));
  WebSocketCompleteAction(server, a.action_context, 12345);
  ASSERT_EQ(WebSocketReceive(server, nullptr, nullptr), S_OK);
  a = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(a.type, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
  EXPECT_EQ(a.data(0), text("xyz"));
  WebSocketCompleteAction(server, a.action_context, 7);

  // Same for INDICATE_SEND_COMPLETE.
  std::vector<BYTE> p{'q'};
  WEB_SOCKET_BUFFER b = data_buffer(p);
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b, nullptr), S_OK);
  a = get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE);
  WebSocketCompleteAction(server, a.action_context, a.total());
  a = get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE);
  ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION);
  WebSocketCompleteAction(server, a.action_context, 999);
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b, nullptr), S_OK);
  EXPECT_EQ(drain_send(server), (bytes{0x82, 0x01, 'q'}));
  WebSocketDeleteHandle(server);
}

// 17. A received ping yields the pong as SEND_TO_NETWORK on the receive queue, without
// application context; the send queue does not see it.
TEST(WebSocketHRules, Rule17_PingAnsweredOnReceiveQueue) {
  WEB_SOCKET_HANDLE server = make_server_session();
  ASSERT_EQ(WebSocketReceive(server, nullptr, ctx(0x17)), S_OK);
  ASSERT_TRUE(feed(server, masked_frame(0x89, text("are you there"))));
  EXPECT_EQ(get_action(server, WEB_SOCKET_SEND_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  const action pong = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(pong.hr, S_OK);
  ASSERT_EQ(pong.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  EXPECT_EQ(pong.app_context, sentinel_context);  // not set for an automatic pong
  bytes expected{0x8A, 13};
  const bytes body = text("are you there");
  expected.insert(expected.end(), body.begin(), body.end());
  EXPECT_EQ(pong.all_data(), expected);
  WebSocketCompleteAction(server, pong.action_context, pong.total());
  // The receive goes on: it wants more bytes.
  const action more = get_action(server, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  EXPECT_EQ(more.kind, WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION);
  EXPECT_EQ(more.app_context, ctx(0x17));
  WebSocketDeleteHandle(server);

  // A client's pong is masked, with the same payload.
  WEB_SOCKET_HANDLE client = make_client_session();
  ASSERT_EQ(WebSocketReceive(client, nullptr, nullptr), S_OK);
  ASSERT_TRUE(feed(client, frame(0x89, {9, 8, 7})));
  const action cpong = get_action(client, WEB_SOCKET_ALL_ACTION_QUEUE);
  ASSERT_EQ(cpong.kind, WEB_SOCKET_SEND_TO_NETWORK_ACTION);
  decoded_frame f;
  ASSERT_EQ(decode_frame(cpong.all_data(), f), cpong.total());
  EXPECT_EQ(f.first_byte, 0x8A);
  EXPECT_TRUE(f.masked);
  EXPECT_EQ(f.payload, (bytes{9, 8, 7}));
  WebSocketCompleteAction(client, cpong.action_context, cpong.total());
  WebSocketDeleteHandle(client);
}

// 18. A received pong completes the receive with WEB_SOCKET_PING_PONG_BUFFER_TYPE.
TEST(WebSocketHRules, Rule18_PongCompletesReceiveAsPingPong) {
  WEB_SOCKET_HANDLE client = make_client_session();
  ASSERT_EQ(WebSocketReceive(client, nullptr, ctx(0x18)), S_OK);
  ASSERT_TRUE(feed(client, frame(0x8A, text("p"))));
  const action a = get_action(client, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(a.type, WEB_SOCKET_PING_PONG_BUFFER_TYPE);
  EXPECT_EQ(a.app_context, ctx(0x18));
  EXPECT_EQ(a.data(0), text("p"));
  WebSocketCompleteAction(client, a.action_context, 0);
  EXPECT_EQ(get_action(client, WEB_SOCKET_ALL_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  WebSocketDeleteHandle(client);
}

// 19. Pings and unsolicited pongs take no application buffer.
TEST(WebSocketHRules, Rule19_PingOrPongWithBufferRefused) {
  WEB_SOCKET_HANDLE server = make_server_session();
  std::vector<BYTE> p{'x'};
  WEB_SOCKET_BUFFER b = data_buffer(p);
  EXPECT_EQ(WebSocketSend(server, WEB_SOCKET_PING_PONG_BUFFER_TYPE, &b, nullptr), E_INVALIDARG);
  EXPECT_EQ(WebSocketSend(server, WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE, &b, nullptr), E_INVALIDARG);
  EXPECT_EQ(get_action(server, WEB_SOCKET_ALL_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_PING_PONG_BUFFER_TYPE, nullptr, nullptr), S_OK);
  EXPECT_EQ(drain_send(server), (bytes{0x89, 0x00}));
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE, nullptr, nullptr), S_OK);
  EXPECT_EQ(drain_send(server), (bytes{0x8A, 0x00}));
  WebSocketDeleteHandle(server);
}

// 20. WebSocketSend(CLOSE, NULL) sends a close frame with an empty payload.
TEST(WebSocketHRules, Rule20_CloseWithNullBufferIsEmptyClose) {
  WEB_SOCKET_HANDLE server = make_server_session();
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_CLOSE_BUFFER_TYPE, nullptr, ctx(0x20)), S_OK);
  EXPECT_EQ(drain_send(server), (bytes{0x88, 0x00}));
  WebSocketDeleteHandle(server);

  WEB_SOCKET_HANDLE client = make_client_session();
  ASSERT_EQ(WebSocketSend(client, WEB_SOCKET_CLOSE_BUFFER_TYPE, nullptr, nullptr), S_OK);
  const bytes wire = drain_send(client);
  decoded_frame f;
  ASSERT_EQ(decode_frame(wire, f), 6u);
  EXPECT_EQ(f.first_byte, 0x88);
  EXPECT_TRUE(f.masked);
  EXPECT_TRUE(f.payload.empty());
  WebSocketDeleteHandle(client);
}

// 21. After our close frame, data sends fail with E_INVALID_PROTOCOL_OPERATION; pings and pongs
// still go.
TEST(WebSocketHRules, Rule21_DataAfterCloseRefusedControlAllowed) {
  WEB_SOCKET_HANDLE server = make_server_session();
  std::string reason = "bye";
  WEB_SOCKET_BUFFER c = close_buffer(1000, reason);
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), S_OK);
  EXPECT_EQ(drain_send(server), (bytes{0x88, 0x05, 0x03, 0xE8, 'b', 'y', 'e'}));
  std::vector<BYTE> p{'d'};
  WEB_SOCKET_BUFFER b = data_buffer(p);
  for (auto type : {WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
                    WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE}) {
    EXPECT_EQ(WebSocketSend(server, type, &b, nullptr), E_INVALID_PROTOCOL_OPERATION);
  }
  EXPECT_EQ(WebSocketSend(server, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), E_INVALID_PROTOCOL_OPERATION);
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_PING_PONG_BUFFER_TYPE, nullptr, nullptr), S_OK);
  EXPECT_EQ(drain_send(server), (bytes{0x89, 0x00}));
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE, nullptr, nullptr), S_OK);
  EXPECT_EQ(drain_send(server), (bytes{0x8A, 0x00}));
  WebSocketDeleteHandle(server);
}

// 22. A received close completes the receive with CLOSE_BUFFER_TYPE and the status and reason;
// no answering close is sent by the component.
TEST(WebSocketHRules, Rule22_CloseReceivedReportedNotAnswered) {
  WEB_SOCKET_HANDLE server = make_server_session();
  ASSERT_EQ(WebSocketReceive(server, nullptr, ctx(0x22)), S_OK);
  ASSERT_TRUE(feed(server, masked_frame(0x88, {0x03, 0xE9, 'g', 'o', 'n', 'e'})));
  const action a = get_action(server, WEB_SOCKET_ALL_ACTION_QUEUE);
  ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(a.type, WEB_SOCKET_CLOSE_BUFFER_TYPE);
  EXPECT_EQ(a.app_context, ctx(0x22));
  EXPECT_EQ(a.buffers[0].CloseStatus.usStatus, 1001);
  ASSERT_EQ(a.buffers[0].CloseStatus.ulReasonLength, 4u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(a.buffers[0].CloseStatus.pbReason), 4), "gone");
  WebSocketCompleteAction(server, a.action_context, 0);
  EXPECT_EQ(get_action(server, WEB_SOCKET_ALL_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  // Nothing more can be received; the application answers.
  EXPECT_EQ(WebSocketReceive(server, nullptr, nullptr), E_INVALID_PROTOCOL_OPERATION);
  std::string reason;
  WEB_SOCKET_BUFFER c = close_buffer(1001, reason);
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), S_OK);
  EXPECT_EQ(drain_send(server), (bytes{0x88, 0x02, 0x03, 0xE9}));
  WebSocketDeleteHandle(server);

  // An empty close reads as 1005 with no reason.
  WEB_SOCKET_HANDLE client = make_client_session();
  ASSERT_EQ(WebSocketReceive(client, nullptr, nullptr), S_OK);
  ASSERT_TRUE(feed(client, frame(0x88, {})));
  const action e = get_action(client, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
  ASSERT_EQ(e.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
  EXPECT_EQ(e.type, WEB_SOCKET_CLOSE_BUFFER_TYPE);
  EXPECT_EQ(e.buffers[0].CloseStatus.usStatus, WEB_SOCKET_EMPTY_CLOSE_STATUS);
  EXPECT_EQ(e.buffers[0].CloseStatus.pbReason, nullptr);
  EXPECT_EQ(e.buffers[0].CloseStatus.ulReasonLength, 0u);
  WebSocketCompleteAction(client, e.action_context, 0);
  WebSocketDeleteHandle(client);
}

// 22, with the codes of the IANA close code registry (docs/compat/websocket_h.md rules 23 and 35):
// 1012 (Service Restart), 1013 (Try Again Later) and 1014 (Bad Gateway) are sent and reported as
// themselves; 1016, still unassigned, is refused to the sender like 1004 and 1015.
TEST(WebSocketHRules, Rule22_IANA_CloseCodes1012To1014SentAndReceived) {
  for (const USHORT status : {USHORT{1012}, USHORT{1013}, USHORT{1014}}) {
    SCOPED_TRACE(status);
    WEB_SOCKET_HANDLE server = make_server_session();
    std::string reason = "r";
    WEB_SOCKET_BUFFER c = close_buffer(status, reason);
    ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), S_OK);
    EXPECT_EQ(drain_send(server), (bytes{0x88, 0x03, static_cast<BYTE>(status >> 8), static_cast<BYTE>(status & 0xFF), 'r'}));
    WebSocketDeleteHandle(server);

    WEB_SOCKET_HANDLE client = make_client_session();
    ASSERT_EQ(WebSocketReceive(client, nullptr, nullptr), S_OK);
    ASSERT_TRUE(feed(client, frame(0x88, {static_cast<BYTE>(status >> 8), static_cast<BYTE>(status & 0xFF)})));
    const action a = get_action(client, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
    ASSERT_EQ(a.kind, WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION);
    EXPECT_EQ(a.type, WEB_SOCKET_CLOSE_BUFFER_TYPE);
    EXPECT_EQ(a.buffers[0].CloseStatus.usStatus, status);
    WebSocketCompleteAction(client, a.action_context, 0);
    WebSocketDeleteHandle(client);
  }
  for (const USHORT status : {USHORT{1004}, USHORT{1015}, USHORT{1016}}) {
    WEB_SOCKET_HANDLE server = make_server_session();
    std::string reason;
    WEB_SOCKET_BUFFER c = close_buffer(status, reason);
    EXPECT_EQ(WebSocketSend(server, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), E_INVALIDARG) << status;
    WebSocketDeleteHandle(server);
  }
}

// 26. After WebSocketAbortHandle new Send/Receive fail, but GetAction still hands out the queued
// work; completing network actions with 0 turns them into their INDICATE, then NO_ACTION.
TEST(WebSocketHRules, Rule26_AbortRefusesNewWorkDrainsQueued) {
  WEB_SOCKET_HANDLE client = make_client_session();
  std::vector<BYTE> p(100, 3);
  WEB_SOCKET_BUFFER b = data_buffer(p);
  ASSERT_EQ(WebSocketSend(client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b, ctx(0xA1)), S_OK);
  ASSERT_EQ(WebSocketReceive(client, nullptr, ctx(0xA2)), S_OK);
  WebSocketAbortHandle(client);
  EXPECT_EQ(WebSocketSend(client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b, nullptr),
            E_INVALID_PROTOCOL_OPERATION);
  EXPECT_EQ(WebSocketReceive(client, nullptr, nullptr), E_INVALID_PROTOCOL_OPERATION);

  // .NET's drain: the send queue, then the receive queue, each completed with 0 until NO_ACTION.
  std::vector<WEB_SOCKET_ACTION> send_actions;
  std::vector<PVOID> contexts;
  for (int i = 0; i < 10; ++i) {
    const action a = get_action(client, WEB_SOCKET_SEND_ACTION_QUEUE);
    ASSERT_EQ(a.hr, S_OK);
    if (a.kind == WEB_SOCKET_NO_ACTION) break;
    send_actions.push_back(a.kind);
    contexts.push_back(a.app_context);
    WebSocketCompleteAction(client, a.action_context, 0);
  }
  EXPECT_EQ(send_actions, (std::vector<WEB_SOCKET_ACTION>{WEB_SOCKET_SEND_TO_NETWORK_ACTION,
                                                          WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION}));
  EXPECT_EQ(contexts.back(), ctx(0xA1));
  std::vector<WEB_SOCKET_ACTION> receive_actions;
  for (int i = 0; i < 10; ++i) {
    const action a = get_action(client, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
    ASSERT_EQ(a.hr, S_OK);
    if (a.kind == WEB_SOCKET_NO_ACTION) break;
    receive_actions.push_back(a.kind);
    EXPECT_EQ(a.app_context, ctx(0xA2));
    WebSocketCompleteAction(client, a.action_context, 0);
  }
  EXPECT_EQ(receive_actions, (std::vector<WEB_SOCKET_ACTION>{WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION,
                                                             WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION}));
  WebSocketDeleteHandle(client);

  // Abort before the handshake is a no-op: the handle still completes it and works.
  WEB_SOCKET_HANDLE c2 = make_client();
  WEB_SOCKET_HANDLE s2 = make_server();
  WebSocketAbortHandle(c2);
  WebSocketAbortHandle(s2);
  ASSERT_TRUE(handshake(c2, s2));
  EXPECT_EQ(WebSocketSend(c2, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b, nullptr), S_OK);
  EXPECT_EQ(WebSocketReceive(s2, nullptr, nullptr), S_OK);
  WebSocketDeleteHandle(c2);
  WebSocketDeleteHandle(s2);
}

// 28. A close reason over 123 bytes is rejected; 123 bytes is the largest accepted.
TEST(WebSocketHRules, Rule28_CloseReasonOver123Rejected) {
  WEB_SOCKET_HANDLE server = make_server_session();
  std::string long_reason(124, 'r');
  WEB_SOCKET_BUFFER c = close_buffer(1000, long_reason);
  EXPECT_EQ(WebSocketSend(server, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), E_INVALIDARG);
  EXPECT_EQ(get_action(server, WEB_SOCKET_ALL_ACTION_QUEUE).kind, WEB_SOCKET_NO_ACTION);
  std::string max_reason(123, 'r');
  c = close_buffer(1000, max_reason);
  ASSERT_EQ(WebSocketSend(server, WEB_SOCKET_CLOSE_BUFFER_TYPE, &c, nullptr), S_OK);
  const bytes wire = drain_send(server);
  ASSERT_EQ(wire.size(), 127u);
  EXPECT_EQ(wire[0], 0x88);
  EXPECT_EQ(wire[1], 125);
  EXPECT_EQ(wire[2], 0x03);
  EXPECT_EQ(wire[3], 0xE8);
  WebSocketDeleteHandle(server);
}

namespace {

std::size_t entries_in(const char* dir) {
  std::size_t n = 0;
  if (DIR* d = opendir(dir)) {
    while (readdir(d) != nullptr) ++n;
    closedir(d);
  }
  return n;
}

}  // namespace

// 29. No function blocks on I/O, starts a thread or opens anything: a whole session leaves the
// thread and descriptor counts unchanged, and an idle GetAction returns at once.
TEST(WebSocketHRules, Rule29_NoBlockingNoThreadsNoIo) {
  const std::size_t threads_before = entries_in("/proc/self/task");
  const std::size_t fds_before = entries_in("/proc/self/fd");

  endpoint client{make_client()};
  endpoint server{make_server()};
  ASSERT_TRUE(handshake(client.h, server.h));
  std::vector<BYTE> p(5000, 'z');
  WEB_SOCKET_BUFFER b = data_buffer(p);
  ASSERT_EQ(WebSocketSend(client.h, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, &b, nullptr), S_OK);
  pump(client, server);
  ASSERT_EQ(WebSocketSend(client.h, WEB_SOCKET_CLOSE_BUFFER_TYPE, nullptr, nullptr), S_OK);
  pump(client, server);
  ASSERT_EQ(messages(server).size(), 1u);

  // Idle handles: nothing to do, nothing waited for.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 10000; ++i) {
    const action a = get_action(client.h, WEB_SOCKET_SEND_ACTION_QUEUE);
    ASSERT_EQ(a.kind, WEB_SOCKET_NO_ACTION);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));

  EXPECT_EQ(entries_in("/proc/self/task"), threads_before);
  EXPECT_EQ(entries_in("/proc/self/fd"), fds_before);
  WebSocketDeleteHandle(client.h);
  WebSocketDeleteHandle(server.h);
}
