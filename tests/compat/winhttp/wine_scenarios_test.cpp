// Scenarios W1-W12 of docs/compat/winhttp_callbacks.md (Wine's notification.c, test_websocket, as
// Windows passes it) against py_peer.py on loopback, over ws:// and wss://: an asynchronous session
// with WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, the exact callback order per handle, the payloads
// and the "calling thread" entries.
//
// Wine runs W1-W8 on one websocket, step after step. Here each test is its own process (ctest runs
// them one by one), so test Wn replays the steps before it: W5 runs W1-W5, checking each.
//
// Where our face deliberately differs from the doc, both are accepted:
//  - RESOLVING_NAME / NAME_RESOLVED are never sent (the name is resolved inside the connect step);
//    the doc makes them optional in W9-W12 only, here they are optional everywhere.
//  - ReceiveResponse's RECEIVING_RESPONSE, RESPONSE_RECEIVED and HEADERS_AVAILABLE come from a loop
//    thread, not inline: their thread is not checked, HEADERS_AVAILABLE is waited for.
//  - WinHttpOpen uses WINHTTP_ACCESS_TYPE_NO_PROXY rather than Wine's 0 (default proxy) so that a
//    proxy in the environment cannot come between the test and the loopback peer.
#include <windows.h>
#include <winhttp.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "callback_sequence.hpp"
#include "peers/peer_process.hpp"
#include "peers/test_certificates.hpp"

using namespace winhttp_test;

namespace {

enum class scheme { ws, wss };

INTERNET_PORT peer_port(scheme s) {
  if (s == scheme::ws) {
    static PeerProcess* plain_peer = new PeerProcess;  // for the whole test program
    return static_cast<INTERNET_PORT>(plain_peer->port());
  }
  static TestCertificates* certs = new TestCertificates;
  static PeerProcess* tls_peer = new PeerProcess({"--tls", certs->server.cert, certs->server.key});
  return static_cast<INTERNET_PORT>(tls_peer->port());
}

constexpr DWORD unset = 0xdeadbeef;
constexpr DWORD cancelled = ERROR_WINHTTP_OPERATION_CANCELLED;  // 12017
char success_reason[] = "success";                                // 8 bytes with its NUL, as Wine sends
char hello[] = "hello";                                           // 6 bytes with its NUL

class WineScenario : public ::testing::TestWithParam<scheme> {
 protected:
  sequence_events events;  // before the handles: HANDLE_CLOSING may come after CloseHandle returned
  callback_sequence seq{events};
  HINTERNET session = nullptr;
  HINTERNET connection = nullptr;
  HINTERNET request = nullptr;
  HINTERNET websocket = nullptr;

  void TearDown() override {
    close(websocket, "teardown websocket");
    close(request, "teardown request");
    close(connection, "teardown connection");
    close(session, "teardown session");
    seq.expect_drained();
  }

  // WinHttpCloseHandle, then HANDLE_CLOSING as the handle's only further callback.
  void close(HINTERNET& h, const char* where) {
    if (!h) return;
    ASSERT_TRUE(WinHttpCloseHandle(h));
    events.events.wait_for(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, h);
    seq.expect_next(h, {{WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING}}, where);
    h = nullptr;
  }

  // Set-up steps 1-4: session, callback, context value, connection handle.
  void set_up_session() {
    session = WinHttpOpen(L"winetest", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, WINHTTP_FLAG_ASYNC);
    ASSERT_TRUE(session);
    if (GetParam() == scheme::wss) {
      DWORD protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
      ASSERT_TRUE(WinHttpSetOption(session, WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof protocols));
    }
    SetLastError(unset);
    WinHttpSetStatusCallback(session, sequence_events::callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    DWORD_PTR context = events.context();
    SetLastError(unset);
    ASSERT_TRUE(WinHttpSetOption(session, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof context));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    // localhost, not 127.0.0.1: Wine always connects to a host name (and the certificate names it).
    SetLastError(unset);
    connection = WinHttpConnect(session, L"localhost", peer_port(GetParam()), 0);
    ASSERT_TRUE(connection);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    seq.expect_next(connection, {{WINHTTP_CALLBACK_STATUS_HANDLE_CREATED}}, "WinHttpConnect");
  }

  // Set-up step 5: a request with the upgrade option (and Wine's ignore flags over wss).
  void open_request(const wchar_t* path) {
    const bool secure = GetParam() == scheme::wss;
    SetLastError(unset);
    request = WinHttpOpenRequest(connection, nullptr, path, nullptr, nullptr, nullptr, secure ? WINHTTP_FLAG_SECURE : 0);
    ASSERT_TRUE(request);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    seq.expect_next(request, {{WINHTTP_CALLBACK_STATUS_HANDLE_CREATED}}, "WinHttpOpenRequest");
    if (secure) {
      DWORD flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID |
                    SECURITY_FLAG_IGNORE_CERT_CN_INVALID;
      ASSERT_TRUE(WinHttpSetOption(request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof flags));
    }
    ASSERT_TRUE(WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0));
  }

  // The upgrade sequence, steps 1-12. `created_on_caller`: W12 also checks HANDLE_CREATED's thread.
  void upgrade(bool created_on_caller = false) {
    const auto sent = events.events.count(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, request);
    SetLastError(unset);
    ASSERT_TRUE(WinHttpSendRequest(request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    events.events.wait_for(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, request, static_cast<int>(sent) + 1);
    seq.expect_next(request,
                    {{WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, optional},  // never sent by us (see top)
                     {WINHTTP_CALLBACK_STATUS_NAME_RESOLVED, optional},
                     {WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER},  // every upgrade: a new connection
                     {WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER},
                     {WINHTTP_CALLBACK_STATUS_SENDING_REQUEST},
                     {WINHTTP_CALLBACK_STATUS_REQUEST_SENT},
                     {WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE}},
                    "WinHttpSendRequest");

    SetLastError(unset);
    ASSERT_TRUE(WinHttpReceiveResponse(request, nullptr));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    // Windows: calling thread. Ours: a loop thread (see top), so waited for and not thread-checked.
    events.events.wait_for(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, request);
    seq.expect_next(request,
                    {{WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE},
                     {WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED},
                     {WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE}},
                    "WinHttpReceiveResponse");

    DWORD status = 0, size = sizeof status;
    SetLastError(unset);
    ASSERT_TRUE(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, nullptr,
                                    &status, &size, nullptr));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    ASSERT_EQ(status, 101u);
    seq.expect_next(request, {}, "WinHttpQueryHeaders");

    SetLastError(unset);
    websocket = WinHttpWebSocketCompleteUpgrade(request, events.context());
    ASSERT_TRUE(websocket);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    // Rule 33: HANDLE_CREATED before CompleteUpgrade returns (so not waited for); W12: on this thread.
    seq.expect_next(websocket, {{WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, created_on_caller ? on_caller : plain}},
                    "WinHttpWebSocketCompleteUpgrade");
  }

  // Receive into `buf`; returns the READ_COMPLETE, checked as Wine does: length 8, outputs untouched.
  callback_event receive(void* buf, DWORD size, const char* where) {
    const auto before = events.events.count(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, websocket);
    DWORD got = unset;
    DWORD type = unset;  // Wine's 0xdeadbeef, outside the enum's values: written through a DWORD
    static_assert(sizeof type == sizeof(WINHTTP_WEB_SOCKET_BUFFER_TYPE));
    EXPECT_EQ(WinHttpWebSocketReceive(websocket, buf, size, &got, reinterpret_cast<WINHTTP_WEB_SOCKET_BUFFER_TYPE*>(&type)),
              static_cast<DWORD>(ERROR_SUCCESS))
        << where;
    events.events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, websocket, static_cast<int>(before) + 1);
    const auto matched = seq.expect_next(websocket, {{WINHTTP_CALLBACK_STATUS_READ_COMPLETE}}, where);
    EXPECT_EQ(got, unset) << where << ": rule 39, *pdwBytesRead untouched";
    EXPECT_EQ(type, unset) << where << ": rule 39, *peBufferType untouched";
    if (matched.empty()) return {};
    EXPECT_EQ(matched[0].length, sizeof(WINHTTP_WEB_SOCKET_STATUS)) << where;
    return matched[0];
  }

  void receive_greeting(const char* where) {
    char buf[1024] = {};
    const auto e = receive(buf, sizeof buf, where);
    EXPECT_EQ(e.ws_status.eBufferType, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE) << where;
    EXPECT_EQ(buf[0], 'R') << where << ": the greeting";
  }

  // A receive that stays pending (nothing more comes); it reads into `pending_buf`.
  void start_pending_receive() {
    ASSERT_EQ(WinHttpWebSocketReceive(websocket, pending_buf, sizeof pending_buf, nullptr, nullptr),
              static_cast<DWORD>(ERROR_SUCCESS));
  }

  // QueryCloseStatus before the close is received: 4317 and the outputs left alone (rule 44).
  void expect_no_close_status_yet(const char* where) {
    USHORT status = 0xdead;
    DWORD size = 1025;
    char reason[1024];
    EXPECT_EQ(WinHttpWebSocketQueryCloseStatus(websocket, &status, reason, sizeof reason, &size),
              static_cast<DWORD>(ERROR_INVALID_OPERATION))
        << where;
    EXPECT_EQ(status, 0xdead) << where;
    EXPECT_EQ(size, 1025u) << where;
  }

  void expect_close_status_1000(const char* where) {
    USHORT status = 0;
    DWORD size = 0;
    char reason[1024];
    EXPECT_EQ(WinHttpWebSocketQueryCloseStatus(websocket, &status, reason, sizeof reason, &size),
              static_cast<DWORD>(ERROR_SUCCESS))
        << where;
    EXPECT_EQ(status, 1000) << where;
    EXPECT_LE(size, 1024u) << where;
  }

  static void expect_cancelled(const callback_event& e, WINHTTP_WEB_SOCKET_OPERATION operation, const char* where) {
    EXPECT_EQ(e.length, sizeof(WINHTTP_WEB_SOCKET_ASYNC_RESULT)) << where;
    EXPECT_EQ(e.ws_error.Operation, operation) << where;
    EXPECT_EQ(e.ws_error.AsyncResult.dwResult, 0u) << where;
    EXPECT_EQ(e.ws_error.AsyncResult.dwError, cancelled) << where;
  }

  // ---- W1-W8: one websocket, step after step (Wine's websocket_test) ----

  void w1_send_buffer_below_16() {
    ASSERT_NO_FATAL_FAILURE(set_up_session());
    ASSERT_NO_FATAL_FAILURE(open_request(L"/echo?greeting"));
    DWORD small = 15;
    ASSERT_TRUE(WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &small, sizeof small));
    ASSERT_TRUE(WinHttpSendRequest(request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0));
    events.events.wait_for(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, request);
    // The single REQUEST_ERROR, before any connection callback: no connection was attempted.
    seq.expect_next(request, {{WINHTTP_CALLBACK_STATUS_REQUEST_ERROR}}, "W1 SendRequest");
    DWORD valid = 32768;
    ASSERT_TRUE(WinHttpSetOption(request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &valid, sizeof valid));
  }

  void w2_upgrade_then_close_request() {
    ASSERT_NO_FATAL_FAILURE(upgrade());  // the same request handle as W1: it starts over
    // No CLOSING_CONNECTION / CONNECTION_CLOSED: the connection now belongs to the websocket.
    ASSERT_NO_FATAL_FAILURE(close(request, "W2 CloseHandle(request)"));
  }

  void send_inline(WINHTTP_WEB_SOCKET_BUFFER_TYPE type, void* data, DWORD length, const char* where) {
    ASSERT_EQ(WinHttpWebSocketSend(websocket, type, data, length), static_cast<DWORD>(ERROR_SUCCESS)) << where;
    seq.expect_next(websocket, {{WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, on_caller}}, where);
  }

  void w3_sends_complete_on_the_calling_thread() {
    for (std::size_t i = 0; i < sizeof big_sent; ++i) big_sent[i] = static_cast<unsigned char>((i & 0xff) ^ 0xcc);
    send_inline(WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, big_sent, 8192, "W3 first fragment");
    EXPECT_EQ(WinHttpWebSocketSend(websocket, WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE, big_sent + 8192, 8192),
              static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(WinHttpWebSocketSend(websocket, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, big_sent + 8192, 8192),
              static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    seq.expect_next(websocket, {}, "W3 refused UTF8 sends");
    send_inline(WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, big_sent + 8192, 8192, "W3 second fragment");
    send_inline(WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, nullptr, 0, "W3 empty message");
    send_inline(WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, hello, sizeof hello, "W3 hello");
  }

  void w4_shutdown_inline_then_sending_is_over() {
    ASSERT_EQ(WinHttpWebSocketShutdown(websocket, 1000, success_reason, sizeof success_reason),
              static_cast<DWORD>(ERROR_SUCCESS));
    seq.expect_next(websocket, {{WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE, on_caller}}, "W4 Shutdown");
    EXPECT_EQ(WinHttpWebSocketSend(websocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, hello, sizeof hello),
              static_cast<DWORD>(ERROR_INVALID_OPERATION));
    EXPECT_EQ(WinHttpWebSocketShutdown(websocket, 1000, success_reason, sizeof success_reason),
              static_cast<DWORD>(ERROR_INVALID_OPERATION));
    EXPECT_EQ(WinHttpWebSocketSend(websocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, hello, sizeof hello),
              static_cast<DWORD>(ERROR_INVALID_OPERATION));
    seq.expect_next(websocket, {}, "W4 refused calls");
  }

  void w5_receive_after_shutdown() { receive_greeting("W5 Receive"); }

  void w6_big_message_in_pieces() {
    std::vector<unsigned char> big(16384);
    DWORD offset = 0;
    for (;;) {
      const auto e = receive(big.data() + offset, static_cast<DWORD>(big.size()) - offset, "W6 Receive");
      ASSERT_TRUE(e.ws_status.eBufferType == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE ||
                  e.ws_status.eBufferType == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE)
          << "type " << e.ws_status.eBufferType;
      offset += e.ws_status.dwBytesTransferred;
      ASSERT_LE(offset, big.size());
      if (e.ws_status.eBufferType == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE) break;
    }
    ASSERT_EQ(offset, 16384u);
    EXPECT_EQ(std::memcmp(big.data(), big_sent, sizeof big_sent), 0) << "the echo differs from W3's message";
  }

  void w7_no_close_status_before_the_close_frame() { expect_no_close_status_yet("W7"); }

  void w8_close_status_and_handle_close() {
    ASSERT_EQ(WinHttpWebSocketClose(websocket, 1000, success_reason, sizeof success_reason),
              static_cast<DWORD>(ERROR_SUCCESS));
    events.events.wait_for(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, websocket);
    seq.expect_next(websocket, {{WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE}}, "W8 Close");
    expect_close_status_1000("W8");
    close(websocket, "W8 CloseHandle(websocket)");
  }

  // Runs W1 up to and including step `last`, as Wine's websocket_test does in one go.
  void first_websocket_up_to(int last) {
    using step = void (WineScenario::*)();
    const step steps[] = {&WineScenario::w1_send_buffer_below_16,
                          &WineScenario::w2_upgrade_then_close_request,
                          &WineScenario::w3_sends_complete_on_the_calling_thread,
                          &WineScenario::w4_shutdown_inline_then_sending_is_over,
                          &WineScenario::w5_receive_after_shutdown,
                          &WineScenario::w6_big_message_in_pieces,
                          &WineScenario::w7_no_close_status_before_the_close_frame,
                          &WineScenario::w8_close_status_and_handle_close};
    for (int i = 0; i < last; ++i) {
      (this->*steps[i])();
      if (HasFatalFailure()) return;
    }
  }

  // ---- W9-W12: a new request and websocket each ----

  void upgraded_with_greeting(const wchar_t* path, bool created_on_caller = false) {
    ASSERT_NO_FATAL_FAILURE(set_up_session());
    ASSERT_NO_FATAL_FAILURE(open_request(path));
    ASSERT_NO_FATAL_FAILURE(upgrade(created_on_caller));
    receive_greeting("greeting");
  }

  unsigned char big_sent[16384];
  char pending_buf[1024];
};

std::string scheme_name(const ::testing::TestParamInfo<scheme>& p) { return p.param == scheme::ws ? "Ws" : "Wss"; }

}  // namespace

TEST_P(WineScenario, W1_SendBufferBelow16FailsTheUpgradeAsynchronously) { first_websocket_up_to(2); }
TEST_P(WineScenario, W2_UpgradeThenTheRequestHandleClosedAtOnce) { first_websocket_up_to(2); }
TEST_P(WineScenario, W3_SendsCompleteOnTheCallingThread) { first_websocket_up_to(3); }
TEST_P(WineScenario, W4_ShutdownCompletesInlineThenSendingIsOver) { first_websocket_up_to(4); }
TEST_P(WineScenario, W5_ReceiveAfterShutdownLeavesTheOutputsUntouched) { first_websocket_up_to(5); }
TEST_P(WineScenario, W6_The16KiBMessageInPieces) { first_websocket_up_to(6); }
TEST_P(WineScenario, W7_NoCloseStatusBeforeTheCloseFrameIsReceived) { first_websocket_up_to(7); }
TEST_P(WineScenario, W8_CloseThenCloseStatusThenHandleClose) { first_websocket_up_to(8); }

TEST_P(WineScenario, W9_CloseWithPendingReceiveCancelsItThenCompletes) {
  ASSERT_NO_FATAL_FAILURE(upgraded_with_greeting(L"/echo?greeting"));
  ASSERT_NO_FATAL_FAILURE(start_pending_receive());
  ASSERT_EQ(WinHttpWebSocketClose(websocket, 1000, success_reason, sizeof success_reason),
            static_cast<DWORD>(ERROR_SUCCESS));
  // The cancellation is delivered on this thread before Close returned.
  const auto cancel = seq.expect_next(websocket, {{WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, on_caller}}, "W9 Close");
  if (!cancel.empty()) expect_cancelled(cancel[0], WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, "W9");
  expect_no_close_status_yet("W9 right after Close");
  events.events.wait_for(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, websocket);
  seq.expect_next(websocket, {{WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE}}, "W9 close completes");
  expect_close_status_1000("W9");
  close(websocket, "W9 CloseHandle(websocket)");
  close(request, "W9 CloseHandle(request)");
}

TEST_P(WineScenario, W10_HandleClosedWhileACloseIsPending) {
  // This path greets, then never answers the close: it stays pending until CloseHandle.
  ASSERT_NO_FATAL_FAILURE(upgraded_with_greeting(L"/fault/no-close-reply?greeting"));
  ASSERT_NO_FATAL_FAILURE(start_pending_receive());
  ASSERT_EQ(WinHttpWebSocketClose(websocket, 1000, success_reason, sizeof success_reason),
            static_cast<DWORD>(ERROR_SUCCESS));
  const auto receive_cancel = seq.expect_next(websocket, {{WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, on_caller}}, "W10 Close");
  if (!receive_cancel.empty()) expect_cancelled(receive_cancel[0], WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, "W10 receive");
  HINTERNET ws = websocket;
  websocket = nullptr;
  ASSERT_TRUE(WinHttpCloseHandle(ws));
  events.events.wait_for(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, ws);
  // The close is cancelled (no CLOSE_COMPLETE ever), then HANDLE_CLOSING last.
  const auto closing = seq.expect_next(
      ws, {{WINHTTP_CALLBACK_STATUS_REQUEST_ERROR}, {WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING}}, "W10 CloseHandle");
  if (!closing.empty()) expect_cancelled(closing[0], WINHTTP_WEB_SOCKET_CLOSE_OPERATION, "W10 close");
  close(request, "W10 CloseHandle(request)");
}

TEST_P(WineScenario, W11_HandleClosedWhileAReceiveIsPending) {
  ASSERT_NO_FATAL_FAILURE(upgraded_with_greeting(L"/echo?greeting"));
  ASSERT_NO_FATAL_FAILURE(start_pending_receive());
  HINTERNET ws = websocket;
  websocket = nullptr;
  ASSERT_TRUE(WinHttpCloseHandle(ws));  // no close handshake: none is required
  events.events.wait_for(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, ws);
  const auto closing = seq.expect_next(
      ws, {{WINHTTP_CALLBACK_STATUS_REQUEST_ERROR}, {WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING}}, "W11 CloseHandle");
  if (!closing.empty()) expect_cancelled(closing[0], WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, "W11");
  close(request, "W11 CloseHandle(request)");
}

TEST_P(WineScenario, W12_ShutdownWithPendingReceiveThenCloseAfterTheHandshake) {
  ASSERT_NO_FATAL_FAILURE(upgraded_with_greeting(L"/echo?greeting", /*created_on_caller=*/true));
  ASSERT_NO_FATAL_FAILURE(start_pending_receive());
  char second[16];
  EXPECT_EQ(WinHttpWebSocketReceive(websocket, second, sizeof second, nullptr, nullptr),
            static_cast<DWORD>(ERROR_INVALID_OPERATION));
  seq.expect_next(websocket, {}, "W12 second receive");
  const auto reads = events.events.count(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, websocket);
  ASSERT_EQ(WinHttpWebSocketShutdown(websocket, 1000, success_reason, sizeof success_reason),
            static_cast<DWORD>(ERROR_SUCCESS));
  seq.expect_next(websocket, {{WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE, on_caller}}, "W12 Shutdown");
  expect_no_close_status_yet("W12 right after Shutdown");
  // The server's close answer completes the receive that was pending.
  events.events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, websocket, static_cast<int>(reads) + 1);
  const auto read = seq.expect_next(websocket, {{WINHTTP_CALLBACK_STATUS_READ_COMPLETE}}, "W12 close received");
  if (!read.empty()) {
    EXPECT_EQ(read[0].length, sizeof(WINHTTP_WEB_SOCKET_STATUS));
    EXPECT_EQ(read[0].ws_status.eBufferType, WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE);
    EXPECT_EQ(read[0].ws_status.dwBytesTransferred, 0u);
  }
  expect_close_status_1000("W12");
  EXPECT_EQ(WinHttpWebSocketReceive(websocket, second, sizeof second, nullptr, nullptr),
            static_cast<DWORD>(ERROR_INVALID_OPERATION));
  ASSERT_EQ(WinHttpWebSocketClose(websocket, 1000, success_reason, sizeof success_reason),
            static_cast<DWORD>(ERROR_SUCCESS));
  // Both close frames were exchanged: Close completes inline, with a payload of length 0.
  const auto closed = seq.expect_next(websocket, {{WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, on_caller}}, "W12 Close");
  if (!closed.empty()) {
    EXPECT_EQ(closed[0].length, 0u);
  }
  close(websocket, "W12 CloseHandle(websocket)");
  close(request, "W12 CloseHandle(request)");
  close(connection, "W12 CloseHandle(connection)");
  close(session, "W12 CloseHandle(session)");
}

INSTANTIATE_TEST_SUITE_P(Loopback, WineScenario, ::testing::Values(scheme::ws, scheme::wss), scheme_name);
