// The WinHTTP calls where the route to the server matters: a named proxy (a real tinyproxy doing
// CONNECT), its bypass list, a proxy that refuses, WINHTTP_OPTION_PROXY; a host name with more
// than one address; and plain (non-upgrade) requests with a response body or a request body.
#include <netdb.h>
#include <sys/socket.h>
#include <windows.h>
#include <winhttp.h>

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "calls_support.hpp"
#include "peers/tinyproxy_process.hpp"

using namespace winhttp_test;

namespace {

INTERNET_PORT ours() { return port_of(server_kind::ours); }

// Connect, upgrade on /echo and echo one text message over `session`. Returns the error of the
// first step that failed (ERROR_SUCCESS when the echo came back).
DWORD echo_over(HINTERNET session, const wchar_t* host, INTERNET_PORT port) {
  connection_handles h;
  h.connect = WinHttpConnect(session, host, port, 0);
  if (!h.connect) return GetLastError();
  h.request = WinHttpOpenRequest(h.connect, L"GET", L"/echo", nullptr, nullptr, nullptr, 0);
  if (!h.request) return GetLastError();
  if (!WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0)) return GetLastError();
  if (!WinHttpSendRequest(h.request, nullptr, 0, nullptr, 0, 0, 0)) return GetLastError();
  if (!WinHttpReceiveResponse(h.request, nullptr)) return GetLastError();
  h.websocket = WinHttpWebSocketCompleteUpgrade(h.request, 0);
  if (!h.websocket) return GetLastError();
  if (const DWORD e = send_text(h.websocket, "via the route"); e != ERROR_SUCCESS) return e;
  const received m = receive_message(h.websocket);
  if (m.error != ERROR_SUCCESS) return m.error;
  EXPECT_EQ(as_text(m.data), "via the route");
  return ERROR_SUCCESS;
}

struct session_handle {
  HINTERNET h = nullptr;
  ~session_handle() {
    if (h) WinHttpCloseHandle(h);
  }
};

}  // namespace

// --------------------------------------------------------------------------------- named proxy

TEST(Proxy, NamedProxyCarriesTheUpgradeThroughOneConnect) {
  TinyproxyProcess proxy({ours()});
  session_handle s{WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NAMED_PROXY, proxy.address().c_str(), WINHTTP_NO_PROXY_BYPASS, 0)};
  ASSERT_NE(s.h, nullptr) << GetLastError();
  EXPECT_EQ(echo_over(s.h, L"127.0.0.1", ours()), static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(proxy.connects_to(ours()), 1u);
}

TEST(Proxy, BypassListNamingTheHostGoesDirect) {
  TinyproxyProcess proxy({ours()});
  session_handle by_address{WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NAMED_PROXY, proxy.address().c_str(), L"127.0.0.1", 0)};
  ASSERT_NE(by_address.h, nullptr);
  EXPECT_EQ(echo_over(by_address.h, L"127.0.0.1", ours()), static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(proxy.connects_to(ours()), 0u) << "bypass 127.0.0.1";
  // "<local>": names without a dot, such as localhost.
  session_handle local{WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NAMED_PROXY, proxy.address().c_str(), L"<local>", 0)};
  ASSERT_NE(local.h, nullptr);
  EXPECT_EQ(echo_over(local.h, L"localhost", ours()), static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(proxy.connects_to(ours()), 0u) << "bypass <local> for localhost";
  // A bypass list that does not name the host leaves the proxy in use.
  session_handle other{WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NAMED_PROXY, proxy.address().c_str(), L"*.example.com", 0)};
  ASSERT_NE(other.h, nullptr);
  EXPECT_EQ(echo_over(other.h, L"127.0.0.1", ours()), static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(proxy.connects_to(ours()), 1u);
}

// tinyproxy answers a CONNECT to a port outside its ConnectPort list with 403; the face reports a
// refused tunnel as ERROR_WINHTTP_CANNOT_CONNECT (src/compat/winhttp/errors.cpp, failure_kind::proxy).
TEST(Proxy, ProxyRefusingTheConnectFailsSendRequestWithCannotConnect) {
  TinyproxyProcess proxy({1});  // may CONNECT to port 1 only
  session_handle s{WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NAMED_PROXY, proxy.address().c_str(), WINHTTP_NO_PROXY_BYPASS, 0)};
  ASSERT_NE(s.h, nullptr);
  connection_handles h;
  h.connect = WinHttpConnect(s.h, L"127.0.0.1", ours(), 0);
  h.request = WinHttpOpenRequest(h.connect, L"GET", L"/echo", nullptr, nullptr, nullptr, 0);
  ASSERT_TRUE(WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0));
  EXPECT_FALSE(WinHttpSendRequest(h.request, nullptr, 0, nullptr, 0, 0, 0));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_CANNOT_CONNECT));
  EXPECT_EQ(proxy.connects_to(ours()), 1u) << "the CONNECT was asked and refused";
  EXPECT_FALSE(WinHttpReceiveResponse(h.request, nullptr));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_STATE));
}

TEST(Proxy, ProxyOptionSetOnTheSessionAfterOpenIsUsed) {
  TinyproxyProcess proxy({ours()});
  session_handle s{WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0)};
  std::wstring address = proxy.address();
  WINHTTP_PROXY_INFO info{WINHTTP_ACCESS_TYPE_NAMED_PROXY, address.data(), nullptr};
  ASSERT_TRUE(WinHttpSetOption(s.h, WINHTTP_OPTION_PROXY, &info, sizeof info)) << GetLastError();
  EXPECT_EQ(echo_over(s.h, L"127.0.0.1", ours()), static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(proxy.connects_to(ours()), 1u);
  // Back to no proxy.
  WINHTTP_PROXY_INFO none{WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr};
  ASSERT_TRUE(WinHttpSetOption(s.h, WINHTTP_OPTION_PROXY, &none, sizeof none));
  EXPECT_EQ(echo_over(s.h, L"127.0.0.1", ours()), static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(proxy.connects_to(ours()), 1u);
  // A named proxy without a name, or a short buffer, is refused.
  WINHTTP_PROXY_INFO nameless{WINHTTP_ACCESS_TYPE_NAMED_PROXY, nullptr, nullptr};
  EXPECT_FALSE(WinHttpSetOption(s.h, WINHTTP_OPTION_PROXY, &nameless, sizeof nameless));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_FALSE(WinHttpSetOption(s.h, WINHTTP_OPTION_PROXY, &info, sizeof info - 1));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
}

// ------------------------------------------------------------------------------- name resolution

// Every address of the name is tried in turn: ours listens on 127.0.0.1 only, so where localhost
// also resolves to ::1 that attempt is refused and the next one succeeds.
TEST(Resolution, LocalhostReachesAServerListeningOn127001Only) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  bool v6_first = false;
  if (::getaddrinfo("localhost", "80", &hints, &list) == 0 && list) v6_first = list->ai_family == AF_INET6;
  if (list) ::freeaddrinfo(list);
  RecordProperty("localhost_resolves_to_ipv6_first", v6_first ? "yes" : "no");
  session_handle s{WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0)};
  EXPECT_EQ(echo_over(s.h, L"localhost", ours()), static_cast<DWORD>(ERROR_SUCCESS));
}

// -------------------------------------------------------------------------- plain HTTP requests

TEST(PlainRequest, GetBodyIsReadThroughQueryDataAvailableAndReadData) {
  connection_handles h;
  open_request(h, plain_port(), L"/body?20000", false);  // more than one read-ahead (8 KiB)
  send_and_receive(h.request);
  DWORD status = 0, size = sizeof status;
  ASSERT_TRUE(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, nullptr, &status,
                                  &size, nullptr));
  EXPECT_EQ(status, 200u);
  EXPECT_EQ(query_header(h.request, WINHTTP_QUERY_CONTENT_LENGTH), L"20000");
  const std::string body = read_body(h.request);
  ASSERT_EQ(body.size(), 20000u);
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != static_cast<char>('a' + i % 26)) FAIL() << "byte " << i;
  }
  // At the end: nothing more, and ReadData reads 0.
  DWORD available = 1;
  ASSERT_TRUE(WinHttpQueryDataAvailable(h.request, &available));
  EXPECT_EQ(available, 0u);
  char byte;
  DWORD got = 1;
  ASSERT_TRUE(WinHttpReadData(h.request, &byte, 1, &got));
  EXPECT_EQ(got, 0u);
}

TEST(PlainRequest, ReadDataWithoutQueryDataAvailableReadsTheBodyInPieces) {
  connection_handles h;
  open_request(h, plain_port(), L"/body?3000", false);
  send_and_receive(h.request);
  std::string body;
  char piece[1000];
  for (;;) {
    DWORD got = 0;
    ASSERT_TRUE(WinHttpReadData(h.request, piece, sizeof piece, &got)) << GetLastError();
    if (got == 0) break;
    EXPECT_LE(got, sizeof piece);
    body.append(piece, got);
  }
  EXPECT_EQ(body.size(), 3000u);
  EXPECT_EQ(body.substr(0, 3), "abc");
}

TEST(PlainRequest, NotFoundFromPythonPeerHasItsStatusAndBody) {
  static PeerProcess* python = new PeerProcess;  // kept for the program, like the other peers
  connection_handles h;
  open_request(h, static_cast<INTERNET_PORT>(python->port()), L"/fault/404", false);
  send_and_receive(h.request);
  DWORD status = 0, size = sizeof status;
  ASSERT_TRUE(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, nullptr, &status,
                                  &size, nullptr));
  EXPECT_EQ(status, 404u);
  EXPECT_EQ(query_header(h.request, WINHTTP_QUERY_STATUS_TEXT), L"Not Found");
  EXPECT_EQ(query_header(h.request, WINHTTP_QUERY_CONTENT_TYPE), L"text/html");
  EXPECT_EQ(read_body(h.request), "<html><body><h1>404 Not Found</h1><p>py_peer fault</p></body></html>\n");
}

TEST(PlainRequest, PostWithOptionalDataReachesTheServerWithContentLength) {
  connection_handles h;
  open_request(h, plain_port(), L"/post", false, L"POST");
  char data[] = "name=value&x=1";
  const DWORD length = sizeof data - 1;
  ASSERT_TRUE(WinHttpSendRequest(h.request, L"Content-Type: application/x-www-form-urlencoded",
                                 static_cast<DWORD>(-1), data, length, length, 0))
      << GetLastError();
  ASSERT_TRUE(WinHttpReceiveResponse(h.request, nullptr));
  EXPECT_EQ(read_body(h.request), "content-length=14 body=name=value&x=1");
}

TEST(PlainRequest, PostWithoutDataSendsContentLengthZero) {
  connection_handles h;
  open_request(h, plain_port(), L"/post", false, L"POST");
  send_and_receive(h.request);
  EXPECT_EQ(read_body(h.request), "content-length=0 body=");
}

// The same on an asynchronous session: DATA_AVAILABLE carries the count, READ_COMPLETE the bytes,
// and a QueryDataAvailable after a read-ahead completes from what is held.
TEST(PlainRequest, AsyncBodyIsReadThroughDataAvailableAndReadComplete) {
  recorder events;
  connection_handles h;
  h.session = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, WINHTTP_FLAG_ASYNC);
  ASSERT_TRUE(record_callbacks(h, events));
  h.connect = WinHttpConnect(h.session, L"127.0.0.1", plain_port(), 0);
  h.request = WinHttpOpenRequest(h.connect, L"GET", L"/body?100", nullptr, nullptr, nullptr, 0);
  ASSERT_TRUE(WinHttpSendRequest(h.request, nullptr, 0, nullptr, 0, 0, 0));
  events.wait_for(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, h.request);
  ASSERT_TRUE(WinHttpReceiveResponse(h.request, nullptr));
  events.wait_for(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, h.request);
  ASSERT_TRUE(WinHttpQueryDataAvailable(h.request, nullptr));
  EXPECT_EQ(events.wait_for(WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, h.request, 1).status,
            static_cast<DWORD>(WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE));
  // Asked again with the bytes still held: answered from them.
  ASSERT_TRUE(WinHttpQueryDataAvailable(h.request, nullptr));
  events.wait_for(WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, h.request, 2);
  char buffer[200];
  ASSERT_TRUE(WinHttpReadData(h.request, buffer, sizeof buffer, nullptr));
  const auto read = events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.request, 1);
  EXPECT_EQ(read.length, 100u);
  EXPECT_EQ(std::string(buffer, 3), "abc");
  ASSERT_TRUE(WinHttpReadData(h.request, buffer, sizeof buffer, nullptr));
  EXPECT_EQ(events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.request, 2).length, 0u) << "end of body";
}
