// The WinHTTP face's internal helpers on their own, no network: request header editing
// (add_request_headers), the WinHttpQueryHeaders output protocol (write_query_result), the
// RAW_HEADERS_CRLF text (raw_headers_crlf) and the named-proxy choice (choose_proxy).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "winhttp/headers.hpp"
#include "winhttp/proxy.hpp"

using websock::core::header_list;
using namespace websock::winhttp;

namespace {

std::string dump(const header_list& headers) {
  std::string out;
  for (const auto& h : headers) out += h.name + "=" + h.value + ";";
  return out;
}

}  // namespace

// ------------------------------------------------------------------------- add_request_headers

TEST(AddRequestHeadersHelper, AddKeepsOrderAndTrimsBlanksAroundTheValue) {
  header_list h;
  ASSERT_EQ(add_request_headers(h, "A: 1\r\nB:\t2 \nA:3\r\n\r\n", WINHTTP_ADDREQ_FLAG_ADD), ERROR_SUCCESS);
  EXPECT_EQ(dump(h), "A=1;B=2;A=3;");
}

TEST(AddRequestHeadersHelper, ZeroModifiersAddsLikeAdd) {
  header_list h{{"A", "1"}};
  ASSERT_EQ(add_request_headers(h, "A: 2", 0), ERROR_SUCCESS);
  EXPECT_EQ(dump(h), "A=1;A=2;");
}

TEST(AddRequestHeadersHelper, AddIfNewComparesNamesWithoutCase) {
  header_list h{{"X-Thing", "1"}};
  EXPECT_EQ(add_request_headers(h, "x-thing: 2", WINHTTP_ADDREQ_FLAG_ADD_IF_NEW),
            static_cast<DWORD>(ERROR_WINHTTP_HEADER_ALREADY_EXISTS));
  EXPECT_EQ(dump(h), "X-Thing=1;");
}

TEST(AddRequestHeadersHelper, ReplaceRemovesEveryCopyAndAddsOneOrNone) {
  header_list h{{"A", "1"}, {"B", "x"}, {"a", "2"}};
  ASSERT_EQ(add_request_headers(h, "A: 3", WINHTTP_ADDREQ_FLAG_REPLACE), ERROR_SUCCESS);
  EXPECT_EQ(dump(h), "B=x;A=3;");
  ASSERT_EQ(add_request_headers(h, "A:", WINHTTP_ADDREQ_FLAG_REPLACE), ERROR_SUCCESS);
  EXPECT_EQ(dump(h), "B=x;");
}

TEST(AddRequestHeadersHelper, CoalesceJoinsOntoTheFirstCopy) {
  header_list h{{"A", "1"}};
  ASSERT_EQ(add_request_headers(h, "A: 2", WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA), ERROR_SUCCESS);
  ASSERT_EQ(add_request_headers(h, "A: 3", WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON), ERROR_SUCCESS);
  EXPECT_EQ(dump(h), "A=1, 2; 3;");
}

TEST(AddRequestHeadersHelper, ARefusedLineLeavesTheListAsItWas) {
  header_list h{{"A", "1"}};
  const std::string nul("C: a\0b", 6);
  for (const std::string& bad : {std::string("B: 2\r\nC: a\rD: x"), nul, std::string("C: \x1b"),
                                 std::string("C D: 1"), std::string(": 1"), std::string("nocolon"),
                                 std::string("C\x01: 1"), std::string("C: \x7f")}) {
    EXPECT_EQ(add_request_headers(h, bad, WINHTTP_ADDREQ_FLAG_ADD), static_cast<DWORD>(ERROR_WINHTTP_INVALID_HEADER))
        << "line of " << bad.size() << " bytes";
    EXPECT_EQ(dump(h), "A=1;");
  }
}

TEST(AddRequestHeadersHelper, TabAndObsTextInAValueAreAllowed) {
  header_list h;
  ASSERT_EQ(add_request_headers(h, "A: x\ty\xc3\xa9", WINHTTP_ADDREQ_FLAG_ADD), ERROR_SUCCESS);
  EXPECT_EQ(dump(h), "A=x\ty\xc3\xa9;");
}

// -------------------------------------------------------------------------- write_query_result

TEST(WriteQueryResult, StringIsNulTerminatedAndTheLengthExcludesTheTerminator) {
  WCHAR buffer[8];
  DWORD length = sizeof buffer;
  ASSERT_EQ(write_query_result("abc", WINHTTP_QUERY_CUSTOM, buffer, &length), ERROR_SUCCESS);
  EXPECT_EQ(length, 3 * sizeof(WCHAR));
  EXPECT_EQ(std::wstring(buffer), L"abc");
}

TEST(WriteQueryResult, NullOrShortBufferReportsTheBytesNeededWithTheTerminator) {
  DWORD length = 0;
  EXPECT_EQ(write_query_result("abc", WINHTTP_QUERY_CUSTOM, nullptr, &length),
            static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(length, 4 * sizeof(WCHAR));
  WCHAR buffer[3];
  length = sizeof buffer;
  EXPECT_EQ(write_query_result("abc", WINHTTP_QUERY_CUSTOM, buffer, &length),
            static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(length, 4 * sizeof(WCHAR));
  EXPECT_EQ(write_query_result("abc", WINHTTP_QUERY_CUSTOM, buffer, nullptr), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

TEST(WriteQueryResult, Utf8ValueBecomesWideCharacters) {
  WCHAR buffer[8];
  DWORD length = sizeof buffer;
  ASSERT_EQ(write_query_result("\xc3\xa9t\xc3\xa9", WINHTTP_QUERY_CUSTOM, buffer, &length), ERROR_SUCCESS);
  EXPECT_EQ(length, 3 * sizeof(WCHAR));
  EXPECT_EQ(std::wstring(buffer), L"\u00e9t\u00e9");
}

TEST(WriteQueryResult, NumberFlagGivesADwordOrInvalidQueryRequest) {
  DWORD n = 0, length = sizeof n;
  ASSERT_EQ(write_query_result("101", WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, &n, &length), ERROR_SUCCESS);
  EXPECT_EQ(n, 101u);
  EXPECT_EQ(length, sizeof(DWORD));
  length = 0;
  EXPECT_EQ(write_query_result("101", WINHTTP_QUERY_FLAG_NUMBER, nullptr, &length),
            static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_EQ(length, sizeof(DWORD));
  length = sizeof n;
  EXPECT_EQ(write_query_result("websocket", WINHTTP_QUERY_UPGRADE | WINHTTP_QUERY_FLAG_NUMBER, &n, &length),
            static_cast<DWORD>(ERROR_WINHTTP_INVALID_QUERY_REQUEST));
  EXPECT_EQ(write_query_result("12x", WINHTTP_QUERY_FLAG_NUMBER, &n, &length),
            static_cast<DWORD>(ERROR_WINHTTP_INVALID_QUERY_REQUEST));
}

TEST(QueryFieldName, PredefinedLevelsNameTheirFieldAndOthersNone) {
  EXPECT_STREQ(query_field_name(WINHTTP_QUERY_CONTENT_TYPE), "Content-Type");
  EXPECT_STREQ(query_field_name(WINHTTP_QUERY_CONNECTION), "Connection");
  EXPECT_STREQ(query_field_name(WINHTTP_QUERY_UPGRADE), "Upgrade");
  EXPECT_STREQ(query_field_name(WINHTTP_QUERY_USER_AGENT), "User-Agent");
  EXPECT_EQ(query_field_name(WINHTTP_QUERY_STATUS_CODE), nullptr);
  EXPECT_EQ(query_field_name(WINHTTP_QUERY_RAW_HEADERS_CRLF), nullptr);
  EXPECT_EQ(query_field_name(WINHTTP_QUERY_CUSTOM), nullptr);
}

// ---------------------------------------------------------------------------- raw_headers_crlf

TEST(RawHeadersCrlf, StatusLineThenFieldsThenABlankLine) {
  websock::core::http_head head;
  head.version_major = 1;
  head.version_minor = 1;
  head.status = 101;
  head.reason = "Switching Protocols";
  head.headers = {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}};
  EXPECT_EQ(raw_headers_crlf(head),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
  head.headers.clear();
  head.status = 204;
  head.reason = "No Content";
  EXPECT_EQ(raw_headers_crlf(head), "HTTP/1.1 204 No Content\r\n\r\n");
}

// -------------------------------------------------------------------------------- choose_proxy

TEST(ChooseProxy, OneServerForEverySchemeWithItsPortOr80) {
  auto p = choose_proxy("proxy.example:3128", "", "server", false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host, "proxy.example");
  EXPECT_EQ(p->port, 3128);
  p = choose_proxy("proxy.example", "", "server", true);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->port, 80);
  p = choose_proxy("http://proxy.example:8080/", "", "server", false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host, "proxy.example");
  EXPECT_EQ(p->port, 8080);
}

TEST(ChooseProxy, PerSchemeEntriesPickBySecureAndFallBackToDirect) {
  const char* list = "http=plain.example:1;https=secure.example:2";
  auto p = choose_proxy(list, "", "server", false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host, "plain.example");
  p = choose_proxy(list, "", "server", true);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host, "secure.example");
  EXPECT_EQ(p->port, 2);
  EXPECT_FALSE(choose_proxy("http=plain.example:1", "", "server", true)) << "no https entry: direct";
  // A scheme entry wins over a plain one, wherever it is in the list.
  p = choose_proxy("any.example:9 https=secure.example:2", "", "server", true);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host, "secure.example");
}

TEST(ChooseProxy, BracketedIpv6ProxyAddress) {
  auto p = choose_proxy("[::1]:8888", "", "server", false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host, "::1");
  EXPECT_EQ(p->port, 8888);
}

TEST(ChooseProxy, BadPortsAreNoProxy) {
  EXPECT_FALSE(choose_proxy("proxy:0", "", "server", false));
  EXPECT_FALSE(choose_proxy("proxy:65536", "", "server", false));
  EXPECT_FALSE(choose_proxy("proxy:12x", "", "server", false));
  EXPECT_FALSE(choose_proxy(":8080", "", "server", false));
  EXPECT_FALSE(choose_proxy("", "", "server", false));
}

TEST(ChooseProxy, BypassListMatchesHostsWithWildcardsAndWithoutCase) {
  const char* proxy = "proxy:3128";
  EXPECT_FALSE(choose_proxy(proxy, "127.0.0.1", "127.0.0.1", false));
  EXPECT_TRUE(choose_proxy(proxy, "127.0.0.1", "127.0.0.2", false));
  EXPECT_FALSE(choose_proxy(proxy, "*.example.com", "WWW.Example.COM", false));
  EXPECT_TRUE(choose_proxy(proxy, "*.example.com", "example.com", false));
  EXPECT_FALSE(choose_proxy(proxy, "10.*", "10.1.2.3", false));
  EXPECT_FALSE(choose_proxy(proxy, "a.test; b.test other.test", "other.test", false)) << "';' and spaces separate";
  EXPECT_TRUE(choose_proxy(proxy, "a.test; b.test", "c.test", false));
}

TEST(ChooseProxy, LocalBypassesDotlessNamesOnly) {
  const char* proxy = "proxy:3128";
  EXPECT_FALSE(choose_proxy(proxy, "<local>", "localhost", false));
  EXPECT_FALSE(choose_proxy(proxy, "<LOCAL>", "intranet", false));
  EXPECT_TRUE(choose_proxy(proxy, "<local>", "127.0.0.1", false));
  EXPECT_TRUE(choose_proxy(proxy, "<local>", "server.example", false));
  EXPECT_TRUE(choose_proxy(proxy, "<local>", "::1", false)) << "an IPv6 literal is not an intranet name";
}
