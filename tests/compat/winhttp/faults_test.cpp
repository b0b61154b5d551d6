// Faults seen through the WinHTTP face, each giving the error the spec documents
// (/work/shared/spec/winhttp-websocket.md sections 4 and 7) and never a hang: a refused or
// unresolvable connection, a response other than 101, a 101 that fails the client's checks, a
// connection that drops or resets, invalid server frames (rule 55), a server that never answers a
// close (rule 51), a response head that never comes, and frame bytes that arrive with the 101.
// The faulty servers are py_peer.py's /fault/* paths. Synchronous calls that could block run under
// bounded(); asynchronous completions are waited for with a bound.
#include <windows.h>
#include <winhttp.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "fault_client.hpp"
#include "peers/peer_process.hpp"
#include "winhttp_client.hpp"

using namespace winhttp_test;

namespace {

INTERNET_PORT peer_port() {
  static PeerProcess* peer = new PeerProcess;  // for the whole test program
  return static_cast<INTERNET_PORT>(peer->port());
}

// A port on 127.0.0.1 that refuses connections: bound (so no one else takes it) but not listening,
// so a SYN to it is answered with a reset.
class refusing_port {
 public:
  refusing_port() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &size) != 0) {
      ADD_FAILURE() << "cannot bind a socket on 127.0.0.1";
    }
    port_ = ntohs(a.sin_port);
  }
  ~refusing_port() {
    if (fd_ >= 0) ::close(fd_);
  }
  refusing_port(const refusing_port&) = delete;
  refusing_port& operator=(const refusing_port&) = delete;
  INTERNET_PORT port() const { return port_; }

 private:
  int fd_ = -1;
  INTERNET_PORT port_ = 0;
};

// A BOOL call and the GetLastError of the thread that made it.
using outcome = std::pair<BOOL, DWORD>;

outcome send_request_bounded(HINTERNET request) {
  return bounded("WinHttpSendRequest", [request] {
           const BOOL ok = WinHttpSendRequest(request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0);
           return outcome{ok, GetLastError()};
         })
      .value;
}

// Asynchronous SendRequest that must fail: it is accepted, then REQUEST_ERROR names the step.
void expect_async_send_request_error(connection_handles& h, recorder& events, DWORD expected) {
  ASSERT_TRUE(WinHttpSendRequest(h.request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0)) << GetLastError();
  const auto e = events.wait_for(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, h.request);
  EXPECT_EQ(e.error.dwResult, static_cast<DWORD_PTR>(API_SEND_REQUEST));
  EXPECT_EQ(e.error.dwError, expected);
  EXPECT_EQ(events.count(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, h.request), 0u);
}

std::wstring query_wide(HINTERNET request, DWORD level) {
  wchar_t text[256] = {};
  DWORD size = sizeof text;
  EXPECT_TRUE(WinHttpQueryHeaders(request, level, WINHTTP_HEADER_NAME_BY_INDEX, text, &size, WINHTTP_NO_HEADER_INDEX))
      << GetLastError();
  return text;
}

DWORD query_status(HINTERNET request) {
  DWORD status = 0, size = sizeof status;
  EXPECT_TRUE(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                                  WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX))
      << GetLastError();
  return status;
}

// One asynchronous websocket receive into `buffer`: its READ_COMPLETE or REQUEST_ERROR.
callback_event receive_async(HINTERNET ws, recorder& events, void* buffer, DWORD size) {
  const int n = static_cast<int>(events.count(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, ws) +
                                 events.count(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, ws)) + 1;
  const DWORD r = WinHttpWebSocketReceive(ws, buffer, size, nullptr, nullptr);
  EXPECT_EQ(r, static_cast<DWORD>(ERROR_SUCCESS));
  if (r != ERROR_SUCCESS) return {};
  return events.wait_for_any({WINHTTP_CALLBACK_STATUS_READ_COMPLETE, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR}, ws, n);
}

// Asynchronous receives until one fails (fragments of a message that never ends may come first):
// the REQUEST_ERROR, or an empty event (with a failure) if none came.
callback_event receive_async_until_error(HINTERNET ws, recorder& events) {
  static char buffer[4096];  // written by at most one pending receive at a time
  for (int round = 0; round < 64; ++round) {
    const auto e = receive_async(ws, events, buffer, sizeof buffer);
    if (e.status != WINHTTP_CALLBACK_STATUS_READ_COMPLETE) return e;
    if (e.ws_status.eBufferType == WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE) break;  // a close is no fault
  }
  ADD_FAILURE() << "no receive failed";
  return {};
}

received receive_bounded(HINTERNET ws) {
  return bounded("WinHttpWebSocketReceive", [ws] { return receive_message(ws); }).value;
}

open_options at(const wchar_t* path, recorder* events = nullptr) {
  open_options o;
  o.path = path;
  o.async = events != nullptr;
  o.events = events;
  return o;
}

}  // namespace

// ------------------------------------------------------------------ connecting

TEST(Fault, ServerRefusesConnection_SendRequestFailsCannotConnect) {
  refusing_port closed;
  connection_handles h;
  ASSERT_TRUE(open_request(h, closed.port(), {}));
  const auto [ok, error] = send_request_bounded(h.request);
  EXPECT_FALSE(ok);
  EXPECT_EQ(error, static_cast<DWORD>(ERROR_WINHTTP_CANNOT_CONNECT));
}

TEST(Fault, ServerRefusesConnection_AsyncRequestErrorCannotConnect) {
  refusing_port closed;
  recorder events;
  connection_handles h;
  request_options o;
  o.events = &events;
  ASSERT_TRUE(open_request(h, closed.port(), o));
  expect_async_send_request_error(h, events, ERROR_WINHTTP_CANNOT_CONNECT);
}

TEST(Fault, NameDoesNotResolve_SendRequestFailsNameNotResolved) {
  connection_handles h;
  request_options o;
  o.host = L"no-such-host.invalid";
  ASSERT_TRUE(open_request(h, 80, o));
  const auto [ok, error] = send_request_bounded(h.request);
  EXPECT_FALSE(ok);
  EXPECT_EQ(error, static_cast<DWORD>(ERROR_WINHTTP_NAME_NOT_RESOLVED));
}

TEST(Fault, NameDoesNotResolve_AsyncRequestErrorNameNotResolved) {
  recorder events;
  connection_handles h;
  request_options o;
  o.host = L"no-such-host.invalid";
  o.events = &events;
  ASSERT_TRUE(open_request(h, 80, o));
  expect_async_send_request_error(h, events, ERROR_WINHTTP_NAME_NOT_RESOLVED);
}

// ------------------------------------------------------------------ a response other than 101

struct refusal {
  const char* name;
  const wchar_t* path;
  DWORD status;
  const wchar_t* status_text;
  const char* body;  // py_peer.py's NOT_FOUND_BODY, FORBIDDEN_BODY
};

class Non101Response : public ::testing::TestWithParam<refusal> {
 protected:
  // The response is an ordinary one: its status is queryable and the upgrade is refused (rule 32).
  void expect_refused_upgrade(HINTERNET request) {
    EXPECT_EQ(query_status(request), GetParam().status);
    EXPECT_EQ(query_wide(request, WINHTTP_QUERY_STATUS_CODE), std::to_wstring(GetParam().status));
    EXPECT_EQ(query_wide(request, WINHTTP_QUERY_STATUS_TEXT), GetParam().status_text);
    SetLastError(0);
    EXPECT_EQ(WinHttpWebSocketCompleteUpgrade(request, 0), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_STATE));
  }
};

TEST_P(Non101Response, StatusQueryableUpgradeRefusedBodyReadableToTheEnd) {
  connection_handles h;
  request_options o;
  o.path = GetParam().path;
  ASSERT_TRUE(open_request(h, peer_port(), o));
  ASSERT_TRUE(send_and_receive(h, nullptr));
  expect_refused_upgrade(h.request);
  const body_read b = bounded("reading the body", [&] { return read_body_sync(h.request); }).value;
  EXPECT_EQ(b.error, static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(b.data, GetParam().body);
  EXPECT_TRUE(b.ended);
}

TEST_P(Non101Response, StatusQueryableUpgradeRefusedBodyReadableToTheEndAsync) {
  recorder events;
  connection_handles h;
  request_options o;
  o.path = GetParam().path;
  o.events = &events;
  ASSERT_TRUE(open_request(h, peer_port(), o));
  ASSERT_TRUE(send_and_receive(h, &events));
  expect_refused_upgrade(h.request);
  const body_read b = read_body_async(h.request, events);
  EXPECT_EQ(b.error, static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(b.data, GetParam().body);
  EXPECT_TRUE(b.ended);
}

INSTANTIATE_TEST_SUITE_P(
    Fault, Non101Response,
    ::testing::Values(refusal{"NotFound404", L"/fault/404", 404, L"Not Found",
                              "<html><body><h1>404 Not Found</h1><p>py_peer fault</p></body></html>\n"},
                      refusal{"ChunkedForbidden403", L"/fault/chunked-403", 403, L"Forbidden",
                              "<html><body><h1>403 Forbidden</h1><p>py_peer fault</p></body></html>\n"}),
    [](const auto& p) { return std::string(p.param.name); });

// ------------------------------------------------------------------ a 101 the client must refuse

struct bad_upgrade {
  const char* name;
  const wchar_t* path;
};

// RFC 6455 4.1: the client fails the connection if Sec-WebSocket-Accept is not the value for its
// key, or if the server names an extension the client did not offer (it offers none).
class Bad101 : public ::testing::TestWithParam<bad_upgrade> {};

TEST_P(Bad101, CompleteUpgradeFailsInvalidServerResponse) {
  connection_handles h;
  request_options o;
  o.path = GetParam().path;
  ASSERT_TRUE(open_request(h, peer_port(), o));
  ASSERT_TRUE(send_and_receive(h, nullptr));
  EXPECT_EQ(query_status(h.request), 101u);
  SetLastError(0);
  EXPECT_EQ(WinHttpWebSocketCompleteUpgrade(h.request, 0), nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INVALID_SERVER_RESPONSE));
}

TEST_P(Bad101, CompleteUpgradeFailsInvalidServerResponseAsync) {
  recorder events;
  connection_handles h;
  request_options o;
  o.path = GetParam().path;
  o.events = &events;
  ASSERT_TRUE(open_request(h, peer_port(), o));
  ASSERT_TRUE(send_and_receive(h, &events));
  const std::size_t created = events.count(WINHTTP_CALLBACK_STATUS_HANDLE_CREATED);
  SetLastError(0);
  EXPECT_EQ(WinHttpWebSocketCompleteUpgrade(h.request, reinterpret_cast<DWORD_PTR>(&events)), nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INVALID_SERVER_RESPONSE));
  EXPECT_EQ(events.count(WINHTTP_CALLBACK_STATUS_HANDLE_CREATED), created) << "a websocket handle was created";
}

INSTANTIATE_TEST_SUITE_P(Fault, Bad101,
                         ::testing::Values(bad_upgrade{"WrongAcceptKey", L"/fault/bad-accept"},
                                           bad_upgrade{"UnofferedExtension", L"/fault/extension"}),
                         [](const auto& p) { return std::string(p.param.name); });

// ------------------------------------------------------------------ the connection ends badly

// A connection that ends under a receive is ERROR_WINHTTP_CONNECTION_ERROR (spec 7: "connection
// reset/aborted"), whether it ends with a FIN in the middle of a frame or with a reset. (Spec 4.3
// also lists "connection closed mid-frame" under 12152: that is Wine's receive_bytes, not a
// Windows-tested result; the face reports the lost connection, as Windows programs see it.)
TEST(Fault, ServerDropsMidFrame_ReceiveFailsConnectionError) {
  connection_handles h;
  ASSERT_TRUE(open_websocket(h, peer_port(), at(L"/fault/drop-mid-message")));
  const received m = receive_bounded(h.websocket);
  EXPECT_EQ(m.error, static_cast<DWORD>(ERROR_WINHTTP_CONNECTION_ERROR));
}

TEST(Fault, ServerDropsMidFrame_AsyncRequestErrorConnectionError) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_websocket(h, peer_port(), at(L"/fault/drop-mid-message", &events)));
  const auto e = receive_async_until_error(h.websocket, events);
  EXPECT_EQ(e.status, static_cast<DWORD>(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR));
  EXPECT_EQ(e.ws_error.Operation, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION);
  EXPECT_EQ(e.ws_error.AsyncResult.dwResult, 0u);
  EXPECT_EQ(e.ws_error.AsyncResult.dwError, static_cast<DWORD>(ERROR_WINHTTP_CONNECTION_ERROR));
}

TEST(Fault, ServerResetsConnection_ReceiveFailsConnectionError) {
  connection_handles h;
  ASSERT_TRUE(open_websocket(h, peer_port(), at(L"/fault/reset")));
  const received m = receive_bounded(h.websocket);
  EXPECT_EQ(m.error, static_cast<DWORD>(ERROR_WINHTTP_CONNECTION_ERROR));
}

TEST(Fault, ServerResetsConnection_AsyncRequestErrorConnectionError) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_websocket(h, peer_port(), at(L"/fault/reset", &events)));
  const auto e = receive_async_until_error(h.websocket, events);
  EXPECT_EQ(e.status, static_cast<DWORD>(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR));
  EXPECT_EQ(e.ws_error.Operation, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION);
  EXPECT_EQ(e.ws_error.AsyncResult.dwError, static_cast<DWORD>(ERROR_WINHTTP_CONNECTION_ERROR));
}

// ------------------------------------------------------------------ rule 55: invalid server frames

void expect_receive_fails_invalid_server_response(const wchar_t* path) {
  connection_handles h;
  ASSERT_TRUE(open_websocket(h, peer_port(), at(path)));
  const received m = receive_bounded(h.websocket);
  EXPECT_EQ(m.error, static_cast<DWORD>(ERROR_WINHTTP_INVALID_SERVER_RESPONSE));
  EXPECT_TRUE(m.data.empty()) << "the invalid frame's payload was handed out";
}

void expect_async_receive_fails_invalid_server_response(const wchar_t* path) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_websocket(h, peer_port(), at(path, &events)));
  char buffer[256];
  const auto e = receive_async(h.websocket, events, buffer, sizeof buffer);
  EXPECT_EQ(e.status, static_cast<DWORD>(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR));
  EXPECT_EQ(e.ws_error.Operation, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION);
  EXPECT_EQ(e.ws_error.AsyncResult.dwResult, 0u);
  EXPECT_EQ(e.ws_error.AsyncResult.dwError, static_cast<DWORD>(ERROR_WINHTTP_INVALID_SERVER_RESPONSE));
}

TEST(Rule55, R55_MaskedServerFrameFailsReceiveInvalidServerResponse) {
  expect_receive_fails_invalid_server_response(L"/fault/masked-frame");
}
TEST(Rule55, R55_MaskedServerFrameFailsReceiveInvalidServerResponseAsync) {
  expect_async_receive_fails_invalid_server_response(L"/fault/masked-frame");
}
TEST(Rule55, R55_RsvBitsFailReceiveInvalidServerResponse) {
  expect_receive_fails_invalid_server_response(L"/fault/rsv-bits");
}
TEST(Rule55, R55_RsvBitsFailReceiveInvalidServerResponseAsync) {
  expect_async_receive_fails_invalid_server_response(L"/fault/rsv-bits");
}
TEST(Rule55, R55_ReservedOpcodeFailsReceiveInvalidServerResponse) {
  expect_receive_fails_invalid_server_response(L"/fault/reserved-opcode");
}
TEST(Rule55, R55_ReservedOpcodeFailsReceiveInvalidServerResponseAsync) {
  expect_async_receive_fails_invalid_server_response(L"/fault/reserved-opcode");
}
// Spec 8: a close payload is empty or at least a 2-byte status.
TEST(Rule55, R55_OneByteClosePayloadFailsReceiveInvalidServerResponse) {
  expect_receive_fails_invalid_server_response(L"/fault/close-1-byte");
}
TEST(Rule55, R55_OneByteClosePayloadFailsReceiveInvalidServerResponseAsync) {
  expect_async_receive_fails_invalid_server_response(L"/fault/close-1-byte");
}

// ------------------------------------------------------------------ rule 51: no close reply

constexpr DWORD close_timeout_ms = 300;  // the face takes the option as milliseconds

void set_close_timeout(HINTERNET ws) {
  DWORD value = close_timeout_ms;
  ASSERT_TRUE(WinHttpSetOption(ws, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, &value, sizeof value)) << GetLastError();
}

TEST(Rule51, R51_CloseWithoutServerReplyTimesOutAfterCloseTimeout) {
  connection_handles h;
  ASSERT_TRUE(open_websocket(h, peer_port(), at(L"/fault/no-close-reply")));
  set_close_timeout(h.websocket);
  const auto closed = bounded("WinHttpWebSocketClose", [&] {
    return WinHttpWebSocketClose(h.websocket, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, nullptr, 0);
  });
  EXPECT_EQ(closed.value, static_cast<DWORD>(ERROR_WINHTTP_TIMEOUT));
  EXPECT_GE(closed.took.count(), static_cast<long long>(close_timeout_ms) - 50) << "gave up before the timeout";
  EXPECT_LT(closed.took.count(), 5000) << "the timeout was not applied";
}

TEST(Rule51, R51_CloseWithoutServerReplyTimesOutAfterCloseTimeoutAsync) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_websocket(h, peer_port(), at(L"/fault/no-close-reply", &events)));
  set_close_timeout(h.websocket);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(WinHttpWebSocketClose(h.websocket, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, nullptr, 0),
            static_cast<DWORD>(ERROR_SUCCESS));
  const auto e = events.wait_for(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, h.websocket, 1, 5s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  EXPECT_EQ(e.ws_error.Operation, WINHTTP_WEB_SOCKET_CLOSE_OPERATION);
  EXPECT_EQ(e.ws_error.AsyncResult.dwResult, 0u);
  EXPECT_EQ(e.ws_error.AsyncResult.dwError, static_cast<DWORD>(ERROR_WINHTTP_TIMEOUT));
  EXPECT_GE(took.count(), static_cast<long long>(close_timeout_ms) - 50);
  EXPECT_EQ(events.count(WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, h.websocket), 0u);
}

// ------------------------------------------------------------------ a response head that never comes

constexpr int receive_timeout_ms = 300;

TEST(Fault, ResponseHeadNeverComes_ReceiveResponseFailsTimeout) {
  connection_handles h;
  request_options o;
  o.path = L"/fault/slow-head";
  o.receive_timeout_ms = receive_timeout_ms;
  ASSERT_TRUE(open_request(h, peer_port(), o));
  ASSERT_TRUE(WinHttpSendRequest(h.request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0)) << GetLastError();
  const auto received = bounded("WinHttpReceiveResponse", [&] {
    const BOOL ok = WinHttpReceiveResponse(h.request, nullptr);
    return outcome{ok, GetLastError()};
  });
  EXPECT_FALSE(received.value.first);
  EXPECT_EQ(received.value.second, static_cast<DWORD>(ERROR_WINHTTP_TIMEOUT));
  EXPECT_GE(received.took.count(), receive_timeout_ms - 50);
  EXPECT_LT(received.took.count(), 5000);
}

TEST(Fault, ResponseHeadNeverComes_AsyncRequestErrorTimeout) {
  recorder events;
  connection_handles h;
  request_options o;
  o.path = L"/fault/slow-head";
  o.receive_timeout_ms = receive_timeout_ms;
  o.events = &events;
  ASSERT_TRUE(open_request(h, peer_port(), o));
  ASSERT_TRUE(WinHttpSendRequest(h.request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0)) << GetLastError();
  ASSERT_NE(events.wait_for(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, h.request).status, 0u);
  ASSERT_TRUE(WinHttpReceiveResponse(h.request, nullptr)) << GetLastError();
  const auto e = events.wait_for(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, h.request, 1, 5s);
  EXPECT_EQ(e.error.dwResult, static_cast<DWORD_PTR>(API_RECEIVE_RESPONSE));
  EXPECT_EQ(e.error.dwError, static_cast<DWORD>(ERROR_WINHTTP_TIMEOUT));
  EXPECT_EQ(events.count(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, h.request), 0u);
}

// ------------------------------------------------------------------ bytes that come with the 101

TEST(Fault, FrameInTheSameWriteAs101_FirstReceiveReturnsIt) {
  connection_handles h;
  ASSERT_TRUE(open_websocket(h, peer_port(), at(L"/fault/frame-with-101")));
  const received m = receive_bounded(h.websocket);
  ASSERT_EQ(m.error, static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(as_text(m.data), "early");
  ASSERT_EQ(m.types.size(), 1u);
  EXPECT_EQ(m.types[0], WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
}

TEST(Fault, FrameInTheSameWriteAs101_FirstReceiveReturnsItAsync) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_websocket(h, peer_port(), at(L"/fault/frame-with-101", &events)));
  char buffer[64];
  const auto e = receive_async(h.websocket, events, buffer, sizeof buffer);
  ASSERT_EQ(e.status, static_cast<DWORD>(WINHTTP_CALLBACK_STATUS_READ_COMPLETE));
  EXPECT_EQ(e.ws_status.eBufferType, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
  EXPECT_EQ(std::string(buffer, e.ws_status.dwBytesTransferred), "early");
}
