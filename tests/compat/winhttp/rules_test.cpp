// Rules 30-55 of the WinHTTP WebSocket face (docs/compat/winhttp.md, "Rules"), each against two
// real servers on loopback: ours (websock::server, command_server.hpp) and Python `websockets`
// (peers/py_peer.py). Synchronous and asynchronous where the rule applies to both.
#include <windows.h>
#include <winhttp.h>

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "command_server.hpp"
#include "peers/peer_process.hpp"
#include "winhttp_client.hpp"

using namespace winhttp_test;

namespace {

enum class server_kind { ours, python };

INTERNET_PORT port_of(server_kind k) {
  if (k == server_kind::ours) {
    static command_server* ours = new command_server;  // for the whole test program
    return ours->port();
  }
  static PeerProcess* python = new PeerProcess;
  return static_cast<INTERNET_PORT>(python->port());
}

class Rule : public ::testing::TestWithParam<server_kind> {
 protected:
  INTERNET_PORT port() const { return port_of(GetParam()); }
  bool open(connection_handles& h, open_options o = {}) { return open_websocket(h, port(), o); }
  bool open_async(connection_handles& h, recorder& r, open_options o = {}) {
    o.async = true;
    o.events = &r;
    return open_websocket(h, port(), o);
  }
};

std::string name_of(const ::testing::TestParamInfo<server_kind>& p) {
  return p.param == server_kind::ours ? "Ours" : "PythonWebsockets";
}

// The upgrade request's headers as the /headers route reports them, one "name: value" per line
// (ours) or a JSON object (Python): a case-insensitive search for a field and its value works on both.
std::string headers_seen(HINTERNET ws) {
  received m = receive_message(ws);
  EXPECT_EQ(m.error, ERROR_SUCCESS);
  std::string text = as_text(m.data);
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

// Rule 30: Upgrade, Connection, Sec-WebSocket-Version 13 and a fresh key replacing the application's.
TEST_P(Rule, R30_UpgradeRequestCarriesTheHandshakeFieldsAndAFreshKey) {
  connection_handles h;
  open_options o;
  o.path = L"/headers";
  o.extra_headers = L"Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nX-Test: yes\r\n";
  ASSERT_TRUE(open(h, o));
  const std::string seen = headers_seen(h.websocket);
  EXPECT_NE(seen.find("upgrade"), std::string::npos);
  EXPECT_NE(seen.find("websocket"), std::string::npos);
  EXPECT_NE(seen.find("sec-websocket-version"), std::string::npos);
  EXPECT_NE(seen.find("13"), std::string::npos);
  EXPECT_EQ(occurrences(seen, "sec-websocket-key"), 1u);
  EXPECT_EQ(seen.find("aaaaaaaaaaaaaaaaaaaaaa=="), std::string::npos) << "the application's key went out";
  EXPECT_NE(seen.find("x-test"), std::string::npos);
  EXPECT_NE(seen.find("websock-test"), std::string::npos) << "User-Agent from WinHttpOpen";
}

// Rule 31: the option takes no data, and only before WinHttpSendRequest.
TEST_P(Rule, R31_UpgradeOptionTakesNoDataAndPrecedesSendRequest) {
  HINTERNET s = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0);
  HINTERNET c = WinHttpConnect(s, L"127.0.0.1", port(), 0);
  HINTERNET r = WinHttpOpenRequest(c, L"GET", L"/echo", nullptr, nullptr, nullptr, 0);
  DWORD value = 1;
  EXPECT_FALSE(WinHttpSetOption(r, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, &value, sizeof value));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  ASSERT_TRUE(WinHttpSendRequest(r, nullptr, 0, nullptr, 0, 0, 0));
  EXPECT_FALSE(WinHttpSetOption(r, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_STATE));
  // Without the option the request was a plain GET: no upgrade is possible.
  ASSERT_TRUE(WinHttpReceiveResponse(r, nullptr));
  EXPECT_EQ(WinHttpWebSocketCompleteUpgrade(r, 0), nullptr);
  for (HINTERNET x : {r, c, s}) WinHttpCloseHandle(x);
}

// Rule 32: CompleteUpgrade is NULL unless the status was 101.
TEST_P(Rule, R32_CompleteUpgradeFailsUnlessTheStatusWas101) {
  HINTERNET s = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0);
  HINTERNET c = WinHttpConnect(s, L"127.0.0.1", port(), 0);
  HINTERNET r = WinHttpOpenRequest(c, L"GET", L"/no-such-route", nullptr, nullptr, nullptr, 0);
  ASSERT_TRUE(WinHttpSetOption(r, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0));
  ASSERT_TRUE(WinHttpSendRequest(r, nullptr, 0, nullptr, 0, 0, 0));
  ASSERT_TRUE(WinHttpReceiveResponse(r, nullptr));
  DWORD status = 0, size = sizeof status;
  ASSERT_TRUE(WinHttpQueryHeaders(r, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, nullptr, &status, &size, nullptr));
  EXPECT_NE(status, 101u);
  SetLastError(0);
  EXPECT_EQ(WinHttpWebSocketCompleteUpgrade(r, 0), nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_STATE));
  for (HINTERNET x : {r, c, s}) WinHttpCloseHandle(x);
}

// Rule 33: HANDLE_CREATED arrives before CompleteUpgrade returns; the handle is async iff the session is.
TEST_P(Rule, R33_CompleteUpgradeDeliversHandleCreatedFirstAndInheritsAsync) {
  recorder events;
  connection_handles h;
  open_options o;
  o.close_request = false;
  ASSERT_TRUE(open_async(h, events, o));
  // Already recorded when CompleteUpgrade returned: no waiting.
  EXPECT_EQ(events.count(WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, h.websocket), 1u);
  // Asynchronous: a receive returns at once and reports through READ_COMPLETE.
  char buf[64];
  ASSERT_EQ(send_text(h.websocket, "hi"), ERROR_SUCCESS);
  ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, buf, sizeof buf, nullptr, nullptr), ERROR_SUCCESS);
  const auto e = events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.websocket);
  EXPECT_EQ(e.ws_status.dwBytesTransferred, 2u);
  EXPECT_EQ(std::string(buf, 2), "hi");
}

// Rule 34: closing the request handle after the upgrade leaves the websocket working.
TEST_P(Rule, R34_ClosingTheRequestHandleLeavesTheWebSocket) {
  connection_handles h;
  ASSERT_TRUE(open(h));  // closes the request handle right after the upgrade
  ASSERT_EQ(send_text(h.websocket, "still here"), ERROR_SUCCESS);
  const received m = receive_message(h.websocket);
  ASSERT_EQ(m.error, ERROR_SUCCESS);
  EXPECT_EQ(as_text(m.data), "still here");
}

// Rule 35: a send buffer under 16 bytes makes the upgrade's WinHttpSendRequest fail.
TEST_P(Rule, R35_SendBufferUnder16FailsTheUpgradeSendRequest) {
  connection_handles h;
  h.session = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0);
  h.connect = WinHttpConnect(h.session, L"127.0.0.1", port(), 0);
  h.request = WinHttpOpenRequest(h.connect, L"GET", L"/echo", nullptr, nullptr, nullptr, 0);
  ASSERT_TRUE(WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0));
  DWORD size = 15;
  ASSERT_TRUE(WinHttpSetOption(h.request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &size, sizeof size));
  EXPECT_FALSE(WinHttpSendRequest(h.request, nullptr, 0, nullptr, 0, 0, 0));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY));
}

TEST_P(Rule, R35_SendBufferUnder16FailsTheUpgradeSendRequestAsync) {
  recorder events;
  connection_handles h;
  h.session = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, WINHTTP_FLAG_ASYNC);
  ASSERT_TRUE(record_callbacks(h, events));
  h.connect = WinHttpConnect(h.session, L"127.0.0.1", port(), 0);
  h.request = WinHttpOpenRequest(h.connect, L"GET", L"/echo", nullptr, nullptr, nullptr, 0);
  ASSERT_TRUE(WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0));
  DWORD size = 15;
  ASSERT_TRUE(WinHttpSetOption(h.request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, &size, sizeof size));
  ASSERT_TRUE(WinHttpSendRequest(h.request, nullptr, 0, nullptr, 0, 0, 0));
  const auto e = events.wait_for(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, h.request);
  EXPECT_EQ(e.error.dwResult, static_cast<DWORD_PTR>(API_SEND_REQUEST));
  EXPECT_EQ(e.error.dwError, static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY));
  EXPECT_EQ(events.count(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE), 0u);
}

// Rule 36: an empty binary message with a NULL buffer.
TEST_P(Rule, R36_EmptyBinaryMessageWithNullBuffer) {
  connection_handles h;
  ASSERT_TRUE(open(h));
  ASSERT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, nullptr, 0), ERROR_SUCCESS);
  const received m = receive_message(h.websocket);
  ASSERT_EQ(m.error, ERROR_SUCCESS);
  EXPECT_TRUE(m.data.empty());
  ASSERT_EQ(m.types.size(), 1u);
  EXPECT_EQ(m.types[0], WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
  EXPECT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, nullptr, 1),
            static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

// Rule 37: a fragmented message goes on in its own kind; a mismatch is refused and sends nothing.
TEST_P(Rule, R37_FragmentKindMismatchIsRefusedAndSendsNothing) {
  connection_handles h;
  ASSERT_TRUE(open(h));
  char a[] = "ab", b[] = "cd";
  ASSERT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, a, 2), ERROR_SUCCESS);
  EXPECT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, b, 2),
            static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE, b, 2),
            static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  ASSERT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, b, 2), ERROR_SUCCESS);
  const received m = receive_message(h.websocket);
  ASSERT_EQ(m.error, ERROR_SUCCESS);
  EXPECT_EQ(as_text(m.data), "abcd");
  EXPECT_EQ(m.types.back(), WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
  // And the other way round.
  ASSERT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE, a, 2), ERROR_SUCCESS);
  EXPECT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, b, 2),
            static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  ASSERT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, b, 2), ERROR_SUCCESS);
  const received t = receive_message(h.websocket);
  EXPECT_EQ(as_text(t.data), "abcd");
  EXPECT_EQ(t.types.back(), WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
}

// Rule 38: an asynchronous send completes once with WRITE_COMPLETE {length, type} (inline allowed).
TEST_P(Rule, R38_AsyncSendCompletesOnceWithWriteComplete) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_async(h, events));
  char data[] = "twelve bytes";
  ASSERT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, data, 12), ERROR_SUCCESS);
  const auto e = events.wait_for(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, h.websocket);
  EXPECT_EQ(e.ws_status.dwBytesTransferred, 12u);
  EXPECT_EQ(e.ws_status.eBufferType, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
  EXPECT_EQ(e.length, sizeof(WINHTTP_WEB_SOCKET_STATUS));
  // The echo proves the send went out; still one WRITE_COMPLETE.
  char buf[32];
  ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, buf, sizeof buf, nullptr, nullptr), ERROR_SUCCESS);
  events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.websocket);
  EXPECT_EQ(events.count(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, h.websocket), 1u);
}

// Rule 39: an asynchronous receive leaves *pdwBytesRead and *peBufferType alone.
TEST_P(Rule, R39_AsyncReceiveDoesNotWriteItsOutputs) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_async(h, events));
  ASSERT_EQ(send_text(h.websocket, "abc"), ERROR_SUCCESS);
  char buf[16];
  DWORD n = 0xDEADBEEF;
  auto type = static_cast<WINHTTP_WEB_SOCKET_BUFFER_TYPE>(77);
  ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, buf, sizeof buf, &n, &type), ERROR_SUCCESS);
  const auto e = events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.websocket);
  EXPECT_EQ(e.ws_status.dwBytesTransferred, 3u);
  EXPECT_EQ(e.ws_status.eBufferType, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
  EXPECT_EQ(n, 0xDEADBEEFu);
  EXPECT_EQ(static_cast<int>(type), 77);
}

// Rule 40: a second receive while one is pending.
TEST_P(Rule, R40_SecondReceiveWhilePendingIsInvalidOperation) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_async(h, events));
  char a[16], b[16];
  ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, a, sizeof a, nullptr, nullptr), ERROR_SUCCESS);
  EXPECT_EQ(WinHttpWebSocketReceive(h.websocket, b, sizeof b, nullptr, nullptr), static_cast<DWORD>(ERROR_INVALID_OPERATION));
  ASSERT_EQ(send_text(h.websocket, "x"), ERROR_SUCCESS);
  events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.websocket);
  EXPECT_EQ(events.count(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.websocket), 1u);
}

// Rule 41: a 16 KiB message read with a smaller buffer: BINARY_FRAGMENT pieces, then BINARY_MESSAGE.
TEST_P(Rule, R41_LargeMessageArrivesAsFragmentsThenMessage) {
  connection_handles h;
  ASSERT_TRUE(open(h));
  ASSERT_EQ(send_text(h.websocket, "send 16384"), ERROR_SUCCESS);
  const received m = receive_message(h.websocket, 1024);
  ASSERT_EQ(m.error, ERROR_SUCCESS);
  EXPECT_EQ(m.data, pattern(16384));
  ASSERT_GE(m.types.size(), 16u);
  for (std::size_t i = 0; i + 1 < m.types.size(); ++i) EXPECT_EQ(m.types[i], WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE);
  EXPECT_EQ(m.types.back(), WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
}

TEST_P(Rule, R41_LargeMessageArrivesAsFragmentsThenMessageAsync) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_async(h, events));
  ASSERT_EQ(send_text(h.websocket, "send 16384"), ERROR_SUCCESS);
  std::vector<std::byte> got, buf(1000);
  for (int i = 1;; ++i) {
    ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, buf.data(), 1000, nullptr, nullptr), ERROR_SUCCESS);
    const auto e = events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.websocket, i);
    got.insert(got.end(), buf.begin(), buf.begin() + e.ws_status.dwBytesTransferred);
    if (e.ws_status.eBufferType == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE) break;
    ASSERT_EQ(e.ws_status.eBufferType, WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE);
  }
  EXPECT_EQ(got, pattern(16384));
}

// Rule 42: the server's close is a CLOSE buffer of 0 bytes; the next receive is refused.
TEST_P(Rule, R42_ServerCloseIsACloseBufferThenReceiveIsRefused) {
  connection_handles h;
  ASSERT_TRUE(open(h));
  ASSERT_EQ(send_text(h.websocket, "close 4001 bye now"), ERROR_SUCCESS);
  char buf[64];
  DWORD n = 99;
  WINHTTP_WEB_SOCKET_BUFFER_TYPE type{};
  ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, buf, sizeof buf, &n, &type), ERROR_SUCCESS);
  EXPECT_EQ(type, WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(WinHttpWebSocketReceive(h.websocket, buf, sizeof buf, &n, &type), static_cast<DWORD>(ERROR_INVALID_OPERATION));
  USHORT status = 0;
  char reason[123];
  DWORD used = 0;
  ASSERT_EQ(WinHttpWebSocketQueryCloseStatus(h.websocket, &status, reason, sizeof reason, &used), ERROR_SUCCESS);
  EXPECT_EQ(status, 4001);
  EXPECT_EQ(std::string(reason, used), "bye now");
}

TEST_P(Rule, R42_ServerCloseIsACloseBufferAsync) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_async(h, events));
  ASSERT_EQ(send_text(h.websocket, "close 1000 done"), ERROR_SUCCESS);
  char buf[64];
  ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, buf, sizeof buf, nullptr, nullptr), ERROR_SUCCESS);
  const auto e = events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.websocket);
  EXPECT_EQ(e.ws_status.eBufferType, WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE);
  EXPECT_EQ(e.ws_status.dwBytesTransferred, 0u);
  EXPECT_EQ(WinHttpWebSocketReceive(h.websocket, buf, sizeof buf, nullptr, nullptr), static_cast<DWORD>(ERROR_INVALID_OPERATION));
}

// Rule 43: pings are answered and never reported.
TEST_P(Rule, R43_PingsAreAnsweredAndNeverReported) {
  connection_handles h;
  ASSERT_TRUE(open(h));
  ASSERT_EQ(send_text(h.websocket, "ping"), ERROR_SUCCESS);
  const received m = receive_message(h.websocket);
  ASSERT_EQ(m.error, ERROR_SUCCESS);
  EXPECT_EQ(as_text(m.data), "after-ping");
  ASSERT_EQ(m.types.size(), 1u);
  EXPECT_EQ(m.types[0], WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
}

// Rule 44: before the server's close, QueryCloseStatus is refused and writes nothing.
TEST_P(Rule, R44_QueryCloseStatusBeforeCloseIsRefusedAndWritesNothing) {
  connection_handles h;
  ASSERT_TRUE(open(h));
  USHORT status = 0xABCD;
  char reason[8] = "untouch";
  DWORD used = 0x12345678;
  EXPECT_EQ(WinHttpWebSocketQueryCloseStatus(h.websocket, &status, reason, sizeof reason, &used),
            static_cast<DWORD>(ERROR_INVALID_OPERATION));
  EXPECT_EQ(status, 0xABCD);
  EXPECT_EQ(std::string(reason), "untouch");
  EXPECT_EQ(used, 0x12345678u);
}

// Rule 45: too small a reason buffer: ERROR_INSUFFICIENT_BUFFER and the size needed.
TEST_P(Rule, R45_QueryCloseStatusTooSmallBufferGivesTheSizeNeeded) {
  connection_handles h;
  ASSERT_TRUE(open(h));
  ASSERT_EQ(send_text(h.websocket, "close 1000 twelve chars"), ERROR_SUCCESS);
  ASSERT_EQ(receive_message(h.websocket).types.back(), WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE);
  USHORT status = 0;
  char small[4];
  DWORD used = 0;
  EXPECT_EQ(WinHttpWebSocketQueryCloseStatus(h.websocket, &status, small, sizeof small, &used),
            static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(used, 12u);
  EXPECT_EQ(WinHttpWebSocketQueryCloseStatus(h.websocket, &status, nullptr, 0, &used),
            static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(used, 12u);
  char full[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH];
  EXPECT_EQ(WinHttpWebSocketQueryCloseStatus(h.websocket, &status, full, sizeof full, &used), ERROR_SUCCESS);
  EXPECT_EQ(std::string(full, used), "twelve chars");
}

// Rule 46: after Shutdown, Send and Shutdown are refused; Receive goes on and gets the server's close.
TEST_P(Rule, R46_AfterShutdownSendIsRefusedAndReceiveContinues) {
  connection_handles h;
  ASSERT_TRUE(open(h));
  ASSERT_EQ(send_text(h.websocket, "last words"), ERROR_SUCCESS);
  ASSERT_EQ(WinHttpWebSocketShutdown(h.websocket, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, nullptr, 0), ERROR_SUCCESS);
  EXPECT_EQ(send_text(h.websocket, "more"), static_cast<DWORD>(ERROR_INVALID_OPERATION));
  EXPECT_EQ(WinHttpWebSocketShutdown(h.websocket, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, nullptr, 0),
            static_cast<DWORD>(ERROR_INVALID_OPERATION));
  // Receiving goes on up to the server's close. Whether "last words" is echoed first is the
  // server's choice: ours does, Python websockets stops sending once our close has arrived.
  received r = receive_message(h.websocket);
  if (r.error == ERROR_SUCCESS && r.types.back() != WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE) {
    EXPECT_EQ(as_text(r.data), "last words");
    r = receive_message(h.websocket);
  }
  ASSERT_EQ(r.error, ERROR_SUCCESS);
  EXPECT_EQ(r.types.back(), WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE);
  USHORT status = 0;
  DWORD used = 0;
  char reason[123];
  ASSERT_EQ(WinHttpWebSocketQueryCloseStatus(h.websocket, &status, reason, sizeof reason, &used), ERROR_SUCCESS);
  EXPECT_EQ(status, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS);
}

// Rule 47: an asynchronous Shutdown succeeds (NO_ERROR or ERROR_IO_PENDING) and SHUTDOWN_COMPLETE comes.
TEST_P(Rule, R47_AsyncShutdownSucceedsAndCompletes) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_async(h, events));
  const DWORD r = WinHttpWebSocketShutdown(h.websocket, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, nullptr, 0);
  EXPECT_TRUE(r == ERROR_SUCCESS || r == ERROR_IO_PENDING) << r;
  const auto e = events.wait_for(WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE, h.websocket);
  EXPECT_TRUE(e.info_null);
  EXPECT_EQ(e.length, 0u);
  char buf[16];
  ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, buf, sizeof buf, nullptr, nullptr), ERROR_SUCCESS);
  EXPECT_EQ(events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.websocket).ws_status.eBufferType,
            WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE);
}

// Rule 48: a reason over 123 bytes is refused by Close and Shutdown.
TEST_P(Rule, R48_ReasonOver123BytesIsRefused) {
  connection_handles h;
  ASSERT_TRUE(open(h));
  std::string reason(124, 'r');
  EXPECT_EQ(WinHttpWebSocketShutdown(h.websocket, 1000, reason.data(), 124), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(WinHttpWebSocketClose(h.websocket, 1000, reason.data(), 124), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(WinHttpWebSocketClose(h.websocket, 1000, nullptr, 3), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  // 123 bytes are fine, and the connection was not harmed by the refusals.
  EXPECT_EQ(WinHttpWebSocketClose(h.websocket, 1000, reason.data(), 123), ERROR_SUCCESS);
}

// Rule 49: Close with a receive pending: REQUEST_ERROR {RECEIVE, 0, 12017} on the calling thread
// before Close returns, then CLOSE_COMPLETE with a NULL/0 payload.
TEST_P(Rule, R49_CloseCancelsThePendingReceiveOnTheCallingThreadFirst) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_async(h, events));
  char buf[16];
  ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, buf, sizeof buf, nullptr, nullptr), ERROR_SUCCESS);
  ASSERT_EQ(WinHttpWebSocketClose(h.websocket, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, nullptr, 0), ERROR_SUCCESS);
  const auto here = std::this_thread::get_id();
  const auto before = events.events();
  bool cancelled_here = false;
  for (const auto& e : before) {
    if (e.handle == h.websocket && e.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
      cancelled_here = e.thread == here;
      EXPECT_EQ(e.ws_error.Operation, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION);
      EXPECT_EQ(e.ws_error.AsyncResult.dwResult, 0u);
      EXPECT_EQ(e.ws_error.AsyncResult.dwError, static_cast<DWORD>(ERROR_WINHTTP_OPERATION_CANCELLED));
    }
  }
  EXPECT_TRUE(cancelled_here) << "the cancelled receive was not reported on the calling thread before Close returned";
  const auto done = events.wait_for(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, h.websocket);
  EXPECT_TRUE(done.info_null);
  EXPECT_EQ(done.length, 0u);
  EXPECT_EQ(events.count(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.websocket), 0u);
}

// Rule 50: Close while a send is pending is refused. The send is 64 MiB to a server that echoes:
// it stays pending for as long as the kernel's buffers are full.
TEST_P(Rule, R50_CloseWhileASendIsPendingIsRefused) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_async(h, events));
  std::vector<std::byte> big(64u << 20);
  ASSERT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, big.data(),
                                 static_cast<DWORD>(big.size())),
            ERROR_SUCCESS);
  if (events.count(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, h.websocket) == 0) {
    EXPECT_EQ(WinHttpWebSocketClose(h.websocket, 1000, nullptr, 0), static_cast<DWORD>(ERROR_INVALID_OPERATION));
  }
  // Read the echo back so the send can finish, then close properly.
  std::vector<std::byte> buf(1 << 20);
  std::size_t got = 0;
  for (int i = 1; got < big.size(); ++i) {
    ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, buf.data(), static_cast<DWORD>(buf.size()), nullptr, nullptr), ERROR_SUCCESS);
    got += events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.websocket, i, std::chrono::seconds(60)).ws_status.dwBytesTransferred;
  }
  events.wait_for(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, h.websocket);
  EXPECT_EQ(WinHttpWebSocketClose(h.websocket, 1000, nullptr, 0), ERROR_SUCCESS);
  events.wait_for(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, h.websocket);
}

// Rule 52: closing the handle with a receive pending: REQUEST_ERROR 12017, then HANDLE_CLOSING last.
TEST_P(Rule, R52_CloseHandleCancelsPendingThenHandleClosingIsLast) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_async(h, events));
  char buf[16];
  ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, buf, sizeof buf, nullptr, nullptr), ERROR_SUCCESS);
  HINTERNET ws = h.websocket;
  h.websocket = nullptr;
  ASSERT_TRUE(WinHttpCloseHandle(ws));
  events.wait_for(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, ws);
  const auto order = events.statuses(ws);
  ASSERT_GE(order.size(), 2u);
  EXPECT_EQ(order.back(), static_cast<DWORD>(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING));
  EXPECT_EQ(order[order.size() - 2], static_cast<DWORD>(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR));
  for (const auto& e : events.events()) {
    if (e.handle == ws && e.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
      EXPECT_EQ(e.ws_error.Operation, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION);
      EXPECT_EQ(e.ws_error.AsyncResult.dwError, static_cast<DWORD>(ERROR_WINHTTP_OPERATION_CANCELLED));
    }
  }
  // A closed handle is gone.
  EXPECT_EQ(send_text(ws, "x"), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

// Rule 53: keep-alive under 15000 ms is refused; the default is 30000.
TEST_P(Rule, R53_KeepaliveUnder15000IsRefusedDefault30000) {
  connection_handles h;
  ASSERT_TRUE(open(h));
  DWORD value = 0, size = sizeof value;
  ASSERT_TRUE(WinHttpQueryOption(h.websocket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, &size));
  EXPECT_EQ(value, 30000u);
  value = 14999;
  EXPECT_FALSE(WinHttpSetOption(h.websocket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, sizeof value));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  value = 15000;
  EXPECT_TRUE(WinHttpSetOption(h.websocket, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, &value, sizeof value));
}

// Rule 54: the WebSocket functions return their errors and leave the last error alone.
TEST_P(Rule, R54_WebSocketFunctionsReturnErrorsNotLastError) {
  connection_handles h;
  ASSERT_TRUE(open(h));
  SetLastError(4242);
  EXPECT_EQ(WinHttpWebSocketSend(h.websocket, WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE, nullptr, 0),
            static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(WinHttpWebSocketReceive(h.websocket, nullptr, 0, nullptr, nullptr), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  USHORT s;
  DWORD u;
  EXPECT_EQ(WinHttpWebSocketQueryCloseStatus(h.websocket, &s, nullptr, 0, &u), static_cast<DWORD>(ERROR_INVALID_OPERATION));
  EXPECT_EQ(GetLastError(), 4242u);
  // CompleteUpgrade is the one that sets it.
  EXPECT_EQ(WinHttpWebSocketCompleteUpgrade(h.websocket, 0), nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE));
}

INSTANTIATE_TEST_SUITE_P(Servers, Rule, ::testing::Values(server_kind::ours, server_kind::python), name_of);
