// The ordinary WinHTTP calls of the face (spec sections 2.1, 3.2): handles, WinHttpQueryHeaders,
// WinHttpAddRequestHeaders, WinHttpSetTimeouts, WinHttpSetOption / WinHttpQueryOption, against
// ours (websock::server) and, where the server's answer matters, Python websockets.
#include <windows.h>
#include <winhttp.h>

#include <gtest/gtest.h>

#include <string>

#include "calls_support.hpp"

using namespace winhttp_test;

namespace {

INTERNET_PORT ours() { return port_of(server_kind::ours); }

// Every upgrade step done, request handle kept open (close_request = false).
void open_upgraded(connection_handles& h, INTERNET_PORT port, const wchar_t* path = L"/echo",
                   const wchar_t* extra = nullptr) {
  open_options o;
  o.path = path;
  o.close_request = false;
  o.extra_headers = extra;
  ASSERT_TRUE(open_websocket(h, port, o));
}

const HINTERNET invented = reinterpret_cast<HINTERNET>(static_cast<std::uintptr_t>(0x7ffff0));

class OnServer : public ::testing::TestWithParam<server_kind> {
 protected:
  INTERNET_PORT port() const { return port_of(GetParam()); }
};

// The headers the /headers route received, lower-cased (ours: "name: value" lines; Python: JSON).
std::string headers_seen(HINTERNET ws) {
  const received m = receive_message(ws);
  EXPECT_EQ(m.error, ERROR_SUCCESS);
  return lower(as_text(m.data));
}

}  // namespace

// ---------------------------------------------------------------------------------------- handles

TEST(Handles, CloseHandleClosesEveryKindOnceThenItIsInvalid) {
  connection_handles h;
  open_upgraded(h, ours());
  for (HINTERNET* x : {&h.websocket, &h.request, &h.connect, &h.session}) {
    SetLastError(ERROR_INVALID_DATA);
    EXPECT_TRUE(WinHttpCloseHandle(*x));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_FALSE(WinHttpCloseHandle(*x)) << "closed twice";
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    DWORD type = 0, size = sizeof type;
    EXPECT_FALSE(WinHttpQueryOption(*x, WINHTTP_OPTION_HANDLE_TYPE, &type, &size));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    *x = nullptr;
  }
}

TEST(Handles, InventedOrNullHandleIsInvalidHandle) {
  for (HINTERNET bad : {invented, HINTERNET{}}) {
    auto expect_invalid = [](BOOL ok, const char* call) {
      EXPECT_FALSE(ok) << call;
      EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE)) << call;
    };
    expect_invalid(WinHttpCloseHandle(bad), "CloseHandle");
    expect_invalid(WinHttpConnect(bad, L"127.0.0.1", 80, 0) != nullptr, "Connect");
    expect_invalid(WinHttpOpenRequest(bad, L"GET", L"/", nullptr, nullptr, nullptr, 0) != nullptr, "OpenRequest");
    expect_invalid(WinHttpAddRequestHeaders(bad, L"X: y", static_cast<DWORD>(-1), WINHTTP_ADDREQ_FLAG_ADD),
                   "AddRequestHeaders");
    expect_invalid(WinHttpSendRequest(bad, nullptr, 0, nullptr, 0, 0, 0), "SendRequest");
    expect_invalid(WinHttpReceiveResponse(bad, nullptr), "ReceiveResponse");
    DWORD value = 0, size = sizeof value;
    expect_invalid(WinHttpQueryHeaders(bad, WINHTTP_QUERY_STATUS_CODE, nullptr, &value, &size, nullptr), "QueryHeaders");
    expect_invalid(WinHttpQueryOption(bad, WINHTTP_OPTION_HANDLE_TYPE, &value, &size), "QueryOption");
    expect_invalid(WinHttpSetOption(bad, WINHTTP_OPTION_CONNECT_TIMEOUT, &value, sizeof value), "SetOption");
    expect_invalid(WinHttpSetTimeouts(bad, 0, 0, 0, 0), "SetTimeouts");
    expect_invalid(WinHttpWebSocketCompleteUpgrade(bad, 0) != nullptr, "CompleteUpgrade");
    // The WebSocket calls return their error (rule 54).
    EXPECT_EQ(WinHttpWebSocketSend(bad, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, nullptr, 0),
              static_cast<DWORD>(ERROR_INVALID_HANDLE));
  }
}

TEST(Handles, WrongKindOfHandleIsIncorrectHandleType) {
  connection_handles h;
  open_upgraded(h, ours());
  auto expect_wrong_type = [](BOOL ok, const char* call) {
    EXPECT_FALSE(ok) << call;
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE)) << call;
  };
  expect_wrong_type(WinHttpConnect(h.connect, L"127.0.0.1", 80, 0) != nullptr, "Connect on a connection");
  expect_wrong_type(WinHttpConnect(h.request, L"127.0.0.1", 80, 0) != nullptr, "Connect on a request");
  expect_wrong_type(WinHttpOpenRequest(h.session, L"GET", L"/", nullptr, nullptr, nullptr, 0) != nullptr,
                    "OpenRequest on a session");
  expect_wrong_type(WinHttpOpenRequest(h.websocket, L"GET", L"/", nullptr, nullptr, nullptr, 0) != nullptr,
                    "OpenRequest on a websocket");
  expect_wrong_type(WinHttpAddRequestHeaders(h.connect, L"X: y", static_cast<DWORD>(-1), WINHTTP_ADDREQ_FLAG_ADD),
                    "AddRequestHeaders on a connection");
  expect_wrong_type(WinHttpSendRequest(h.session, nullptr, 0, nullptr, 0, 0, 0), "SendRequest on a session");
  expect_wrong_type(WinHttpReceiveResponse(h.connect, nullptr), "ReceiveResponse on a connection");
  DWORD value = 0, size = sizeof value;
  expect_wrong_type(WinHttpQueryHeaders(h.session, WINHTTP_QUERY_STATUS_CODE, nullptr, &value, &size, nullptr),
                    "QueryHeaders on a session");
  expect_wrong_type(WinHttpWebSocketCompleteUpgrade(h.connect, 0) != nullptr, "CompleteUpgrade on a connection");
  expect_wrong_type(WinHttpSetOption(h.session, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0),
                    "UPGRADE_TO_WEB_SOCKET on a session");
  expect_wrong_type(WinHttpSetTimeouts(h.websocket, 0, 0, 0, 0), "SetTimeouts on a websocket");
  EXPECT_EQ(WinHttpWebSocketSend(h.request, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, nullptr, 0),
            static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE));
}

TEST(Handles, HandleTypeAndParentHandleOfEachKind) {
  connection_handles h;
  open_upgraded(h, ours());
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_HANDLE_TYPE), static_cast<DWORD>(WINHTTP_HANDLE_TYPE_SESSION));
  EXPECT_EQ(query_number(h.connect, WINHTTP_OPTION_HANDLE_TYPE), static_cast<DWORD>(WINHTTP_HANDLE_TYPE_CONNECT));
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_HANDLE_TYPE), static_cast<DWORD>(WINHTTP_HANDLE_TYPE_REQUEST));
  EXPECT_EQ(query_number(h.websocket, WINHTTP_OPTION_HANDLE_TYPE), static_cast<DWORD>(WINHTTP_HANDLE_TYPE_WEBSOCKET));
  EXPECT_EQ(query_pointer(h.session, WINHTTP_OPTION_PARENT_HANDLE), DWORD_PTR{0});
  EXPECT_EQ(query_pointer(h.connect, WINHTTP_OPTION_PARENT_HANDLE), reinterpret_cast<DWORD_PTR>(h.session));
  EXPECT_EQ(query_pointer(h.request, WINHTTP_OPTION_PARENT_HANDLE), reinterpret_cast<DWORD_PTR>(h.connect));
  EXPECT_EQ(query_pointer(h.websocket, WINHTTP_OPTION_PARENT_HANDLE), reinterpret_cast<DWORD_PTR>(h.request));
}

TEST(Handles, ContextValueIsInheritedAtCreationAndSetOnEachHandle) {
  connection_handles h;
  h.session = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0);
  EXPECT_EQ(query_pointer(h.session, WINHTTP_OPTION_CONTEXT_VALUE), DWORD_PTR{0});
  DWORD_PTR context = 0x1111;
  ASSERT_TRUE(WinHttpSetOption(h.session, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof context));
  h.connect = WinHttpConnect(h.session, L"127.0.0.1", ours(), 0);
  EXPECT_EQ(query_pointer(h.connect, WINHTTP_OPTION_CONTEXT_VALUE), DWORD_PTR{0x1111});
  context = 0x2222;
  ASSERT_TRUE(WinHttpSetOption(h.connect, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof context));
  EXPECT_EQ(query_pointer(h.session, WINHTTP_OPTION_CONTEXT_VALUE), DWORD_PTR{0x1111}) << "the parent keeps its own";
  h.request = WinHttpOpenRequest(h.connect, L"GET", L"/echo", nullptr, nullptr, nullptr, 0);
  EXPECT_EQ(query_pointer(h.request, WINHTTP_OPTION_CONTEXT_VALUE), DWORD_PTR{0x2222});
  context = 0x3333;
  ASSERT_TRUE(WinHttpSetOption(h.request, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof context));
  EXPECT_EQ(query_pointer(h.request, WINHTTP_OPTION_CONTEXT_VALUE), DWORD_PTR{0x3333});
  ASSERT_TRUE(WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0));
  send_and_receive(h.request);
  // CompleteUpgrade's pContext is the websocket's context.
  h.websocket = WinHttpWebSocketCompleteUpgrade(h.request, 0x4444);
  ASSERT_NE(h.websocket, nullptr);
  EXPECT_EQ(query_pointer(h.websocket, WINHTTP_OPTION_CONTEXT_VALUE), DWORD_PTR{0x4444});
  context = 0x5555;
  ASSERT_TRUE(WinHttpSetOption(h.websocket, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof context));
  EXPECT_EQ(query_pointer(h.websocket, WINHTTP_OPTION_CONTEXT_VALUE), DWORD_PTR{0x5555});
}

// Spec 2.1: Windows 7 and later set ERROR_SUCCESS on success.
TEST(Handles, LastErrorIsSuccessAfterEachSuccessfulCall) {
  connection_handles h;
  auto stale = [] { SetLastError(ERROR_INVALID_DATA); };
  auto expect_success = [](bool ok, const char* call) {
    EXPECT_TRUE(ok) << call;
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS)) << call;
  };
  stale();
  h.session = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0);
  expect_success(h.session != nullptr, "WinHttpOpen");
  stale();
  h.connect = WinHttpConnect(h.session, L"127.0.0.1", ours(), 0);
  expect_success(h.connect != nullptr, "WinHttpConnect");
  stale();
  h.request = WinHttpOpenRequest(h.connect, L"GET", L"/echo", nullptr, nullptr, nullptr, 0);
  expect_success(h.request != nullptr, "WinHttpOpenRequest");
  stale();
  expect_success(WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0), "WinHttpSetOption");
  stale();
  expect_success(WinHttpAddRequestHeaders(h.request, L"X-A: 1", static_cast<DWORD>(-1), WINHTTP_ADDREQ_FLAG_ADD),
                 "WinHttpAddRequestHeaders");
  stale();
  expect_success(WinHttpSendRequest(h.request, nullptr, 0, nullptr, 0, 0, 0), "WinHttpSendRequest");
  stale();
  expect_success(WinHttpReceiveResponse(h.request, nullptr), "WinHttpReceiveResponse");
  DWORD status = 0, size = sizeof status;
  stale();
  expect_success(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, nullptr,
                                     &status, &size, nullptr),
                 "WinHttpQueryHeaders");
  stale();
  h.websocket = WinHttpWebSocketCompleteUpgrade(h.request, 0);
  expect_success(h.websocket != nullptr, "WinHttpWebSocketCompleteUpgrade");
  stale();
  expect_success(WinHttpQueryOption(h.websocket, WINHTTP_OPTION_HANDLE_TYPE, &status, &size), "WinHttpQueryOption");
}

// ---------------------------------------------------------------------------- WinHttpQueryHeaders

TEST_P(OnServer, QueryHeaders_StatusCodeAsNumberAndAsString) {
  connection_handles h;
  open_upgraded(h, port());
  DWORD status = 0, size = sizeof status;
  ASSERT_TRUE(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, nullptr,
                                  &status, &size, nullptr));
  EXPECT_EQ(status, 101u);
  EXPECT_EQ(size, sizeof(DWORD));
  EXPECT_EQ(query_header(h.request, WINHTTP_QUERY_STATUS_CODE), L"101");
}

TEST_P(OnServer, QueryHeaders_StatusTextAndVersion) {
  connection_handles h;
  open_upgraded(h, port());
  EXPECT_EQ(query_header(h.request, WINHTTP_QUERY_STATUS_TEXT), L"Switching Protocols");
  EXPECT_EQ(query_header(h.request, WINHTTP_QUERY_VERSION), L"HTTP/1.1");
}

TEST_P(OnServer, QueryHeaders_CustomNameFindsUpgradeAndSecWebSocketAccept) {
  connection_handles h;
  open_upgraded(h, port());
  const auto upgrade = query_header(h.request, WINHTTP_QUERY_CUSTOM, L"Upgrade");
  ASSERT_TRUE(upgrade);
  EXPECT_EQ(lower(*upgrade), L"websocket");
  // The name is matched without regard to case.
  EXPECT_EQ(query_header(h.request, WINHTTP_QUERY_CUSTOM, L"uPgRaDe"), upgrade);
  const auto accept = query_header(h.request, WINHTTP_QUERY_CUSTOM, L"Sec-WebSocket-Accept");
  ASSERT_TRUE(accept);
  EXPECT_EQ(accept->size(), 28u) << "base64 of a SHA-1 (RFC 6455 4.2.2)";
}

TEST_P(OnServer, QueryHeaders_PredefinedLevelsUpgradeAndConnection) {
  connection_handles h;
  open_upgraded(h, port());
  const auto upgrade = query_header(h.request, WINHTTP_QUERY_UPGRADE);
  ASSERT_TRUE(upgrade);
  EXPECT_EQ(lower(*upgrade), L"websocket");
  const auto connection = query_header(h.request, WINHTTP_QUERY_CONNECTION);
  ASSERT_TRUE(connection);
  EXPECT_EQ(lower(*connection), L"upgrade");
}

TEST_P(OnServer, QueryHeaders_RawHeadersCrlfIsStatusLineFieldsAndABlankLine) {
  connection_handles h;
  open_upgraded(h, port());
  const auto raw = query_header(h.request, WINHTTP_QUERY_RAW_HEADERS_CRLF);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->rfind(L"HTTP/1.1 101 Switching Protocols\r\n", 0), 0u);
  ASSERT_GE(raw->size(), 4u);
  EXPECT_EQ(raw->substr(raw->size() - 4), L"\r\n\r\n");
  EXPECT_NE(lower(*raw).find(L"\r\nupgrade: websocket\r\n"), std::wstring::npos);
  EXPECT_NE(lower(*raw).find(L"\r\nsec-websocket-accept: "), std::wstring::npos);
}

TEST_P(OnServer, QueryHeaders_MissingHeaderIsHeaderNotFound) {
  connection_handles h;
  open_upgraded(h, port());
  DWORD error = 0;
  EXPECT_FALSE(query_header(h.request, WINHTTP_QUERY_CUSTOM, L"X-Not-There", nullptr, &error));
  EXPECT_EQ(error, static_cast<DWORD>(ERROR_WINHTTP_HEADER_NOT_FOUND));
  WCHAR buffer[64];
  DWORD size = sizeof buffer;
  EXPECT_FALSE(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_CONTENT_ENCODING, nullptr, buffer, &size, nullptr));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_HEADER_NOT_FOUND));
}

TEST(QueryHeaders, TooSmallOrNullBufferIsInsufficientBufferWithTheBytesNeeded) {
  connection_handles h;
  open_upgraded(h, ours());
  const DWORD needed = static_cast<DWORD>((std::wstring_view(L"websocket").size() + 1) * sizeof(WCHAR));
  DWORD size = 0;
  EXPECT_FALSE(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_UPGRADE, nullptr, nullptr, &size, nullptr));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(size, needed) << "WCHARs with the terminator, in bytes";
  WCHAR small[4];
  size = sizeof small;
  EXPECT_FALSE(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_UPGRADE, nullptr, small, &size, nullptr));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(size, needed);
  // One WCHAR short (no room for the terminator) is still too small.
  WCHAR exact[10];
  size = needed - sizeof(WCHAR);
  EXPECT_FALSE(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_UPGRADE, nullptr, exact, &size, nullptr));
  EXPECT_EQ(size, needed);
  size = needed;
  ASSERT_TRUE(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_UPGRADE, nullptr, exact, &size, nullptr));
  EXPECT_EQ(size, needed - sizeof(WCHAR)) << "on success: without the terminator";
  EXPECT_EQ(exact[size / sizeof(WCHAR)], L'\0');
  // The number form needs a DWORD.
  DWORD status = 0;
  size = 2;
  EXPECT_FALSE(WinHttpQueryHeaders(h.request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, nullptr,
                                   &status, &size, nullptr));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(size, sizeof(DWORD));
}

TEST(QueryHeaders, IndexWalksRepeatedHeadersThenHeaderNotFound) {
  connection_handles h;
  open_request(h, plain_port(), L"/repeat", false);
  send_and_receive(h.request);
  DWORD index = 0, error = 0;
  EXPECT_EQ(query_header(h.request, WINHTTP_QUERY_CUSTOM, L"X-Repeat", &index, &error), L"first");
  EXPECT_EQ(index, 1u);
  EXPECT_EQ(query_header(h.request, WINHTTP_QUERY_CUSTOM, L"X-Repeat", &index, &error), L"second");
  EXPECT_EQ(index, 2u);
  EXPECT_FALSE(query_header(h.request, WINHTTP_QUERY_CUSTOM, L"X-Repeat", &index, &error));
  EXPECT_EQ(error, static_cast<DWORD>(ERROR_WINHTTP_HEADER_NOT_FOUND));
  EXPECT_EQ(index, 2u) << "a failed query leaves the index";
  // Without an index: always the first.
  EXPECT_EQ(query_header(h.request, WINHTTP_QUERY_CUSTOM, L"X-Repeat"), L"first");
}

TEST(QueryHeaders, RequestHeadersFlagReadsTheApplicationsHeadersBeforeSending) {
  connection_handles h;
  open_request(h, ours(), L"/echo", true);
  ASSERT_TRUE(WinHttpAddRequestHeaders(h.request, L"X-Mine: mine\r\nX-Mine: again", static_cast<DWORD>(-1),
                                       WINHTTP_ADDREQ_FLAG_ADD));
  DWORD index = 0;
  const DWORD level = WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS;
  EXPECT_EQ(query_header(h.request, level, L"X-Mine", &index), L"mine");
  EXPECT_EQ(query_header(h.request, level, L"X-Mine", &index), L"again");
  DWORD error = 0;
  EXPECT_FALSE(query_header(h.request, level, L"Upgrade", nullptr, &error)) << "response fields are not request ones";
  EXPECT_EQ(error, static_cast<DWORD>(ERROR_WINHTTP_HEADER_NOT_FOUND));
}

TEST(QueryHeaders, ResponseHeadersBeforeReceiveResponseAreIncorrectHandleState) {
  connection_handles h;
  open_request(h, ours(), L"/echo", true);
  DWORD status = 0, size = sizeof status;
  const DWORD level = WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER;
  EXPECT_FALSE(WinHttpQueryHeaders(h.request, level, nullptr, &status, &size, nullptr));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_STATE)) << "before SendRequest";
  ASSERT_TRUE(WinHttpSendRequest(h.request, nullptr, 0, nullptr, 0, 0, 0));
  EXPECT_FALSE(WinHttpQueryHeaders(h.request, level, nullptr, &status, &size, nullptr));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_STATE)) << "before ReceiveResponse";
  ASSERT_TRUE(WinHttpReceiveResponse(h.request, nullptr));
  EXPECT_TRUE(WinHttpQueryHeaders(h.request, level, nullptr, &status, &size, nullptr));
  EXPECT_EQ(status, 101u);
}

TEST_P(OnServer, QueryHeaders_NegotiatedSubprotocolIsReadableAndTheEchoWorks) {
  connection_handles h;
  open_upgraded(h, port(), L"/protocol", L"Sec-WebSocket-Protocol: chat");
  EXPECT_EQ(query_header(h.request, WINHTTP_QUERY_CUSTOM, L"Sec-WebSocket-Protocol"), L"chat");
  if (GetParam() == server_kind::python) {
    const received offered = receive_message(h.websocket);  // py_peer's /protocol reports the offer first
    EXPECT_EQ(as_text(offered.data), "chat");
  }
  ASSERT_EQ(send_text(h.websocket, "over chat"), ERROR_SUCCESS);
  const received m = receive_message(h.websocket);
  ASSERT_EQ(m.error, ERROR_SUCCESS);
  EXPECT_EQ(as_text(m.data), "over chat");
}

// ----------------------------------------------------------------------- WinHttpAddRequestHeaders

namespace {

// The values of a request header, in order (WINHTTP_QUERY_FLAG_REQUEST_HEADERS with an index).
std::vector<std::wstring> request_values(HINTERNET r, const wchar_t* name) {
  std::vector<std::wstring> out;
  DWORD index = 0;
  while (auto v = query_header(r, WINHTTP_QUERY_CUSTOM | WINHTTP_QUERY_FLAG_REQUEST_HEADERS, name, &index)) {
    out.push_back(*v);
  }
  return out;
}

BOOL add(HINTERNET r, const wchar_t* lines, DWORD modifiers, DWORD length = static_cast<DWORD>(-1)) {
  return WinHttpAddRequestHeaders(r, lines, length, modifiers);
}

using values = std::vector<std::wstring>;

}  // namespace

TEST(AddRequestHeaders, AddAppendsAnotherFieldEvenWhenTheNameIsPresent) {
  connection_handles h;
  open_request(h, ours(), L"/echo", true);
  ASSERT_TRUE(add(h.request, L"X-A: 1", WINHTTP_ADDREQ_FLAG_ADD));
  ASSERT_TRUE(add(h.request, L"x-a: 2", WINHTTP_ADDREQ_FLAG_ADD));
  EXPECT_EQ(request_values(h.request, L"X-A"), (values{L"1", L"2"}));
}

TEST(AddRequestHeaders, AddIfNewRefusesAPresentNameWithHeaderAlreadyExists) {
  connection_handles h;
  open_request(h, ours(), L"/echo", true);
  ASSERT_TRUE(add(h.request, L"X-A: 1", WINHTTP_ADDREQ_FLAG_ADD_IF_NEW));
  EXPECT_FALSE(add(h.request, L"X-A: 2", WINHTTP_ADDREQ_FLAG_ADD_IF_NEW));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_HEADER_ALREADY_EXISTS));
  EXPECT_EQ(request_values(h.request, L"X-A"), (values{L"1"}));
}

TEST(AddRequestHeaders, ReplaceChangesTheValueAndAnEmptyValueRemovesTheField) {
  connection_handles h;
  open_request(h, ours(), L"/echo", true);
  ASSERT_TRUE(add(h.request, L"X-A: 1\r\nX-A: 2", WINHTTP_ADDREQ_FLAG_ADD));
  ASSERT_TRUE(add(h.request, L"X-A: 3", WINHTTP_ADDREQ_FLAG_REPLACE));
  EXPECT_EQ(request_values(h.request, L"X-A"), (values{L"3"}));
  ASSERT_TRUE(add(h.request, L"X-A:", WINHTTP_ADDREQ_FLAG_REPLACE));
  EXPECT_TRUE(request_values(h.request, L"X-A").empty());
}

TEST(AddRequestHeaders, CoalesceJoinsWithACommaOrASemicolon) {
  connection_handles h;
  open_request(h, ours(), L"/echo", true);
  ASSERT_TRUE(add(h.request, L"X-A: 1", WINHTTP_ADDREQ_FLAG_ADD));
  ASSERT_TRUE(add(h.request, L"X-A: 2", WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA));
  EXPECT_EQ(request_values(h.request, L"X-A"), (values{L"1, 2"}));
  ASSERT_TRUE(add(h.request, L"X-B: a", WINHTTP_ADDREQ_FLAG_ADD));
  ASSERT_TRUE(add(h.request, L"X-B: b", WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON));
  EXPECT_EQ(request_values(h.request, L"X-B"), (values{L"a; b"}));
  // Nothing to join with: the field is added.
  ASSERT_TRUE(add(h.request, L"X-C: c", WINHTTP_ADDREQ_FLAG_COALESCE));
  EXPECT_EQ(request_values(h.request, L"X-C"), (values{L"c"}));
}

TEST(AddRequestHeaders, SeveralLinesInOneCallSeparatedByCrlf) {
  connection_handles h;
  open_request(h, ours(), L"/echo", true);
  ASSERT_TRUE(add(h.request, L"X-A: 1\r\nX-B: 2\r\nX-C:3\r\n", WINHTTP_ADDREQ_FLAG_ADD));
  EXPECT_EQ(request_values(h.request, L"X-A"), (values{L"1"}));
  EXPECT_EQ(request_values(h.request, L"X-B"), (values{L"2"}));
  EXPECT_EQ(request_values(h.request, L"X-C"), (values{L"3"}));
}

TEST(AddRequestHeaders, ExplicitLengthTakesThatManyCharactersAndMinusOneTheWholeString) {
  connection_handles h;
  open_request(h, ours(), L"/echo", true);
  const wchar_t* lines = L"X-A: 1\r\nX-B: 2";
  ASSERT_TRUE(add(h.request, lines, WINHTTP_ADDREQ_FLAG_ADD, 6));  // "X-A: 1"
  EXPECT_EQ(request_values(h.request, L"X-A"), (values{L"1"}));
  EXPECT_TRUE(request_values(h.request, L"X-B").empty());
  ASSERT_TRUE(add(h.request, lines, WINHTTP_ADDREQ_FLAG_ADD));
  EXPECT_EQ(request_values(h.request, L"X-A"), (values{L"1", L"1"}));
  EXPECT_EQ(request_values(h.request, L"X-B"), (values{L"2"}));
}

// A value holding CR, LF (other than as the line separator), NUL or another control character,
// or a name that is not a token, is refused whole: nothing of the call is kept or sent, so no
// application-supplied text can start a header of its own (request smuggling).
TEST_P(OnServer, AddRequestHeaders_InjectedLineBreakOrControlOrBadNameIsRefusedAndNothingIsSent) {
  connection_handles h;
  open_request(h, port(), L"/headers", true);
  const std::wstring with_nul(L"X-Nul: a\0Injected: nul", 22);
  struct bad_case {
    std::wstring lines;
    const char* why;
  };
  const bad_case cases[] = {
      {L"X-Good: 1\r\nX-Bad: a\rInjected: cr", "a lone CR in a value"},
      {with_nul, "a NUL in a value (explicit length)"},
      {L"X-Ctl: a\x01Injected: ctl", "a control character"},
      {L"X-Del: a\x7fInjected", "DEL"},
      {L"Bad Name: Injected", "a space in the name"},
      {L"X(A): Injected", "a separator in the name"},
      {L": Injected", "an empty name"},
      {L"Injected", "no colon"},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(add(h.request, c.lines.c_str(), WINHTTP_ADDREQ_FLAG_ADD, static_cast<DWORD>(c.lines.size()))) << c.why;
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INVALID_HEADER)) << c.why;
  }
  // The same through SendRequest's own header argument: refused before anything is sent.
  EXPECT_FALSE(WinHttpSendRequest(h.request, L"X-Bad: a\rInjected: send", static_cast<DWORD>(-1), nullptr, 0, 0, 0));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INVALID_HEADER));
  // The request is still usable, and what reaches the server has none of the refused text.
  ASSERT_TRUE(add(h.request, L"X-Kept: yes", WINHTTP_ADDREQ_FLAG_ADD));
  send_and_receive(h.request);
  h.websocket = WinHttpWebSocketCompleteUpgrade(h.request, 0);
  ASSERT_NE(h.websocket, nullptr) << GetLastError();
  const std::string seen = headers_seen(h.websocket);
  EXPECT_NE(seen.find("x-kept"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("injected"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("x-good"), std::string::npos) << "a refused call keeps none of its lines";
}

TEST(AddRequestHeaders, AfterSendRequestIsIncorrectHandleState) {
  connection_handles h;
  open_request(h, ours(), L"/echo", true);
  ASSERT_TRUE(WinHttpSendRequest(h.request, nullptr, 0, nullptr, 0, 0, 0));
  EXPECT_FALSE(add(h.request, L"X-Late: 1", WINHTTP_ADDREQ_FLAG_ADD));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_STATE));
  ASSERT_TRUE(WinHttpReceiveResponse(h.request, nullptr));
  EXPECT_FALSE(add(h.request, L"X-Late: 1", WINHTTP_ADDREQ_FLAG_ADD));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_STATE));
}

// ----------------------------------------------------------------------------- WinHttpSetTimeouts

TEST(SetTimeouts, DefaultsAreResolve0Connect60000Send30000Receive30000) {
  connection_handles h;
  open_request(h, ours(), L"/echo", true);
  for (HINTERNET x : {h.session, h.connect, h.request}) {
    EXPECT_EQ(query_number(x, WINHTTP_OPTION_RESOLVE_TIMEOUT), 0u);
    EXPECT_EQ(query_number(x, WINHTTP_OPTION_CONNECT_TIMEOUT), 60000u);
    EXPECT_EQ(query_number(x, WINHTTP_OPTION_SEND_TIMEOUT), 30000u);
    EXPECT_EQ(query_number(x, WINHTTP_OPTION_RECEIVE_TIMEOUT), 30000u);
  }
}

TEST(SetTimeouts, ValuesAreReadableThroughTheTimeoutOptionsAndInheritedByNewChildren) {
  connection_handles h;
  h.session = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0);
  SetLastError(ERROR_INVALID_DATA);
  ASSERT_TRUE(WinHttpSetTimeouts(h.session, 1000, 2000, 3000, 4000));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_RESOLVE_TIMEOUT), 1000u);
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_CONNECT_TIMEOUT), 2000u);
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_SEND_TIMEOUT), 3000u);
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_RECEIVE_TIMEOUT), 4000u);
  h.connect = WinHttpConnect(h.session, L"127.0.0.1", ours(), 0);
  h.request = WinHttpOpenRequest(h.connect, L"GET", L"/echo", nullptr, nullptr, nullptr, 0);
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_CONNECT_TIMEOUT), 2000u);
  ASSERT_TRUE(WinHttpSetTimeouts(h.request, 5, 6, 7, 8));
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_SEND_TIMEOUT), 7u);
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_SEND_TIMEOUT), 3000u) << "the parent keeps its own";
  // -1 (and 0) mean no limit.
  ASSERT_TRUE(WinHttpSetTimeouts(h.request, -1, -1, -1, -1));
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_RECEIVE_TIMEOUT), 0u);
  // One option at a time too.
  ASSERT_TRUE(set_number(h.request, WINHTTP_OPTION_RECEIVE_TIMEOUT, 1234));
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_RECEIVE_TIMEOUT), 1234u);
}

TEST(SetTimeouts, NegativeOtherThanMinusOneIsInvalidParameterAndChangesNothing) {
  connection_handles h;
  h.session = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0);
  const int bad[][4] = {{-2, 0, 0, 0}, {0, -2, 0, 0}, {0, 0, -100, 0}, {0, 0, 0, -2147483647}};
  for (const auto& t : bad) {
    EXPECT_FALSE(WinHttpSetTimeouts(h.session, t[0], t[1], t[2], t[3]));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  }
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_CONNECT_TIMEOUT), 60000u);
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_SEND_TIMEOUT), 30000u);
}

// ------------------------------------------------------------------ WinHttpSetOption / QueryOption

TEST(Options, WebSocketCloseTimeoutDefaults10000AndIsTakenByTheWebSocket) {
  connection_handles h;
  open_request(h, ours(), L"/echo", true);
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT), 10000u);
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT), 10000u);
  ASSERT_TRUE(set_number(h.request, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, 2500));
  send_and_receive(h.request);
  h.websocket = WinHttpWebSocketCompleteUpgrade(h.request, 0);
  ASSERT_NE(h.websocket, nullptr);
  EXPECT_EQ(query_number(h.websocket, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT), 2500u);
  ASSERT_TRUE(set_number(h.websocket, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT, 3000));
  EXPECT_EQ(query_number(h.websocket, WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT), 3000u);
}

// Rule 53: WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE.
TEST(Options, KeepaliveIntervalDefaults30000AndRefusesLessThan15000) {
  connection_handles h;
  open_upgraded(h, ours());
  for (HINTERNET x : {h.session, h.request, h.websocket}) {
    EXPECT_EQ(query_number(x, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL), 30000u);
    EXPECT_FALSE(set_number(x, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, 14999));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_TRUE(set_number(x, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL, 15000));
    EXPECT_EQ(query_number(x, WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL), 15000u);
  }
}

TEST(Options, WebSocketBufferSizesOnSessionAndRequestAndTheRequestTakesTheSessions) {
  connection_handles h;
  h.session = WinHttpOpen(L"t", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0);
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE), 32768u);
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE), 32768u);
  ASSERT_TRUE(set_number(h.session, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 4096));
  ASSERT_TRUE(set_number(h.session, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE, 8192));
  h.connect = WinHttpConnect(h.session, L"127.0.0.1", ours(), 0);
  EXPECT_FALSE(set_number(h.connect, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 4096));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE));
  h.request = WinHttpOpenRequest(h.connect, L"GET", L"/echo", nullptr, nullptr, nullptr, 0);
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE), 4096u);
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE), 8192u);
  ASSERT_TRUE(set_number(h.request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE, 1024));
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE), 1024u);
  EXPECT_EQ(query_number(h.session, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE), 4096u);
  // Small buffers still carry a larger message (it goes in several frames or reads).
  ASSERT_TRUE(WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0));
  send_and_receive(h.request);
  h.websocket = WinHttpWebSocketCompleteUpgrade(h.request, 0);
  ASSERT_NE(h.websocket, nullptr);
  const std::string text(20000, 'w');
  ASSERT_EQ(send_text(h.websocket, text), ERROR_SUCCESS);
  const received m = receive_message(h.websocket);
  ASSERT_EQ(m.error, ERROR_SUCCESS);
  EXPECT_EQ(as_text(m.data), text);
}

TEST(Options, SecurityFlagsOnARequestOnly) {
  connection_handles h;
  open_request(h, ours(), L"/echo", false);
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_SECURITY_FLAGS), 0u);
  const DWORD flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID;
  ASSERT_TRUE(set_number(h.request, WINHTTP_OPTION_SECURITY_FLAGS, flags));
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_SECURITY_FLAGS), flags);
  EXPECT_FALSE(set_number(h.session, WINHTTP_OPTION_SECURITY_FLAGS, flags));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE));
  EXPECT_FALSE(set_number(h.request, WINHTTP_OPTION_SECURITY_FLAGS, 0x1));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER)) << "not an IGNORE bit";
}

TEST_P(OnServer, Options_UserAgentIsReadableAndSentAsUserAgent) {
  connection_handles h;
  h.session = WinHttpOpen(L"first-agent", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0);
  EXPECT_EQ(query_string_option(h.session, WINHTTP_OPTION_USER_AGENT), L"first-agent");
  const std::wstring agent = L"calls-agent/2";
  // The length of a string option is in characters.
  ASSERT_TRUE(WinHttpSetOption(h.session, WINHTTP_OPTION_USER_AGENT, const_cast<wchar_t*>(agent.c_str()),
                               static_cast<DWORD>(agent.size())));
  EXPECT_EQ(query_string_option(h.session, WINHTTP_OPTION_USER_AGENT), agent);
  h.connect = WinHttpConnect(h.session, L"127.0.0.1", port(), 0);
  h.request = WinHttpOpenRequest(h.connect, L"GET", L"/headers", nullptr, nullptr, nullptr, 0);
  ASSERT_TRUE(WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0));
  send_and_receive(h.request);
  h.websocket = WinHttpWebSocketCompleteUpgrade(h.request, 0);
  ASSERT_NE(h.websocket, nullptr);
  const std::string seen = headers_seen(h.websocket);
  EXPECT_NE(seen.find("calls-agent/2"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("first-agent"), std::string::npos) << seen;
}

TEST(Options, UrlOfARequestIsSchemeHostPortAndTarget) {
  connection_handles h;
  open_request(h, ours(), L"/echo?x=1", false);
  EXPECT_EQ(query_string_option(h.request, WINHTTP_OPTION_URL),
            L"http://127.0.0.1:" + std::to_wstring(ours()) + L"/echo?x=1");
  DWORD size = 0;
  EXPECT_FALSE(WinHttpQueryOption(h.session, WINHTTP_OPTION_URL, nullptr, &size));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE));
}

TEST(Options, UnknownOptionIsInvalidOption) {
  connection_handles h;
  open_request(h, ours(), L"/echo", false);
  DWORD value = 1, size = sizeof value;
  for (HINTERNET x : {h.session, h.connect, h.request}) {
    EXPECT_FALSE(WinHttpSetOption(x, 9999, &value, sizeof value));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INVALID_OPTION));
    EXPECT_FALSE(WinHttpQueryOption(x, 9999, &value, &size));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_WINHTTP_INVALID_OPTION));
  }
}

TEST(Options, WrongBufferLengthIsInsufficientBuffer) {
  connection_handles h;
  open_request(h, ours(), L"/echo", false);
  DWORD value = 5000;
  EXPECT_FALSE(WinHttpSetOption(h.request, WINHTTP_OPTION_CONNECT_TIMEOUT, &value, 2));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(query_number(h.request, WINHTTP_OPTION_CONNECT_TIMEOUT), 60000u) << "unchanged";
  DWORD_PTR context = 7;
  EXPECT_FALSE(WinHttpSetOption(h.request, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(DWORD_PTR) - 1));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  DWORD size = 2;
  EXPECT_FALSE(WinHttpQueryOption(h.request, WINHTTP_OPTION_CONNECT_TIMEOUT, &value, &size));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(size, sizeof(DWORD));
}

TEST(Options, NullBufferQueryGivesTheSizeNeeded) {
  connection_handles h;
  open_request(h, ours(), L"/echo", false);
  DWORD size = 0;
  EXPECT_FALSE(WinHttpQueryOption(h.request, WINHTTP_OPTION_CONNECT_TIMEOUT, nullptr, &size));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(size, sizeof(DWORD));
  size = 0;
  EXPECT_FALSE(WinHttpQueryOption(h.request, WINHTTP_OPTION_CONTEXT_VALUE, nullptr, &size));
  EXPECT_EQ(size, sizeof(DWORD_PTR));
  size = 0;
  EXPECT_FALSE(WinHttpQueryOption(h.session, WINHTTP_OPTION_USER_AGENT, nullptr, &size));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(size, (std::wstring_view(L"websock-calls").size() + 1) * sizeof(WCHAR)) << "WCHARs with the terminator";
}

INSTANTIATE_TEST_SUITE_P(Calls, OnServer, ::testing::Values(server_kind::ours, server_kind::python), server_name);
