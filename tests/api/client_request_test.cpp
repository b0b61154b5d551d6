// What the client puts on the wire (issue 9 defect 6), which 101 it takes (RFC 6455 4.1) and
// what it reports of a hostile peer's bytes, seen from a hand-written server on 127.0.0.1.
#include <gtest/gtest.h>

#include "raw_listener.hpp"
#include "websock/core/http.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

struct refusal_case {
  const char* what;
  client_options options;
  std::string path;
  core::errc expected;
  std::string culprit;  // as the detail shows it: escaped
};

std::vector<refusal_case> refusal_cases() {
  return {
      {"CR LF in a header value", {.headers = {{"X-A", "a\r\nInjected: yes"}}}, "/x", core::errc::bad_header_value, "X-A"},
      {"LF in a header name", {.headers = {{"X-A\nInjected", "yes"}}}, "/x", core::errc::bad_header_name, "X-A\\nInjected"},
      {"CR LF in a subprotocol", {.subprotocols = {"chat\r\nInjected: yes"}}, "/x", core::errc::bad_subprotocol,
       "chat\\r\\nInjected: yes"},
      {"CR LF in the URL path", {}, "/x\r\nInjected: yes", core::errc::bad_request_target, "/x\\r\\nInjected: yes"},
      {"NUL in the URL query", {}, std::string("/x?a\0b", 6), core::errc::bad_request_target, "/x?a\\x00b"},
      {"a Host of our own", {.headers = {{"Host", "elsewhere.example"}}}, "/x", core::errc::reserved_header, "Host"},
      {"a second Sec-WebSocket-Key", {.headers = {{"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="}}}, "/x",
       core::errc::reserved_header, "sec-websocket-key"},
  };
}

TEST(ClientRequest, Issue9Defect6_RefusedRequestFailsConnectBeforeAnyConnectionIsMade) {
  for (auto& rc : refusal_cases()) {
    SCOPED_TRACE(rc.what);
    raw_listener listener;
    rc.options.reconnect.enabled = true;  // a refusal is final: no retry either
    client c(rc.options);
    connection conn;
    std::string detail;
    const std::error_code ec = c.connect_and_wait(listener.url(rc.path), conn, &detail);
    EXPECT_EQ(ec, rc.expected) << ec.message();
    EXPECT_FALSE(conn);
    EXPECT_NE(detail.find(ec.message()), std::string::npos) << detail;
    EXPECT_NE(detail.find(": " + rc.culprit), std::string::npos) << detail;
    EXPECT_EQ(detail.find_first_of(std::string("\r\n\0", 3)), std::string::npos) << "one line: " << detail;
    EXPECT_TRUE(c.wait(std::chrono::seconds(10))) << "no reconnect is pending";
    listener.stop();
    const auto heads = listener.heads();
    EXPECT_TRUE(heads.empty()) << "the listener was sent: " << (heads.empty() ? "" : heads[0]);
  }
}

TEST(ClientRequest, Issue9Defect6_SpaceTabAndUtf8InTheUrlArrivePercentEncoded) {
  raw_listener listener;
  client c;
  connection conn;
  std::string detail;
  EXPECT_TRUE(c.connect_and_wait(listener.url("/a b\tc\xC3\xA9?q=<x>#frag"), conn, &detail));
  listener.stop();
  const auto heads = listener.heads();
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0].substr(0, heads[0].find("\r\n")), "GET /a%20b%09c%C3%A9?q=%3Cx%3E HTTP/1.1");
}

// The 101 for the request in `head`, on the given status line.
std::string answer_101(const std::string& status_line, const std::string& head) {
  core::http_parser p(core::http_kind::request);
  p.feed(head);
  const auto* key = core::find_header(p.head().headers, "Sec-WebSocket-Key");
  return status_line + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
         core::compute_accept_key(key ? key->value : "") + "\r\n\r\n";
}

TEST(ClientRequest, RFC6455_4_1_A101OfAnotherHttpVersionFailsTheConnect) {
  for (const char* line : {"HTTP/1.0 101 Switching Protocols", "HTTP/2.0 101 Switching Protocols"}) {
    SCOPED_TRACE(line);
    raw_listener listener([line](const std::string& head) { return answer_101(line, head); });
    client c;
    connection conn;
    std::string detail;
    const std::error_code ec = c.connect_and_wait(listener.url("/x"), conn, &detail);
    EXPECT_EQ(ec, core::errc::http_bad_response_version) << detail;
    EXPECT_FALSE(conn);
    EXPECT_NE(detail.find("not HTTP/1.1"), std::string::npos) << detail;
  }
  // The same answer as HTTP/1.1 opens the connection: the listener's 101 is otherwise right.
  raw_listener listener([](const std::string& head) { return answer_101("HTTP/1.1 101 Switching Protocols", head); });
  client c;
  connection conn;
  EXPECT_FALSE(c.connect_and_wait(listener.url("/x"), conn));
}

// A failed attempt is reported in one line without control characters (issue 9), whatever the
// peer wrote: here a proxy whose refusal carries an escape sequence, a bare LF and a BEL.
TEST(ClientRequest, Issue9_FailureDetailHoldsNoControlCharacterOfThePeers) {
  raw_listener proxy([](const std::string&) { return std::string("HTTP/1.1 403 \x1b[2Jgo\naway\x07\r\n\r\n"); });
  client c({.proxy = "127.0.0.1:" + std::to_string(proxy.port())});
  connection conn;
  std::string detail;
  std::string reported;
  c.on_error([&](std::error_code, const std::string& d) { reported = d; });
  const std::error_code ec = c.connect_and_wait("ws://example.invalid/x", conn, &detail);
  EXPECT_EQ(ec, net_errc::proxy_refused) << detail;
  EXPECT_NE(detail.find("403 \\x1b[2Jgo\\naway\\x07"), std::string::npos) << detail;
  EXPECT_EQ(reported, detail) << "on_error gets the same line";
  for (const char c0 : detail) EXPECT_GE(static_cast<unsigned char>(c0), 0x20) << detail;
  proxy.stop();
  ASSERT_EQ(proxy.heads().size(), 1u);
  EXPECT_EQ(proxy.heads()[0].rfind("CONNECT example.invalid:80 HTTP/1.1\r\n", 0), 0u) << proxy.heads()[0];
}

}  // namespace
}  // namespace websock::test
