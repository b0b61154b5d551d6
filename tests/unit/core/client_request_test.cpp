// What a client may put into its upgrade request (issue 9 defect 6): the request builder holds
// every string of the options to its grammar, so none can end a line and start another.
#include <gtest/gtest.h>

#include <string>

#include "websock/core/handshake.hpp"

namespace websock::test {
namespace {

using core::errc;

core::client_handshake_options base() {
  core::client_handshake_options o;
  o.host = "server.example.com:8080";
  o.target = "/chat";
  return o;
}

// The request the builder writes for `o`, and what a server's parser makes of it.
struct written {
  std::string bytes;
  bool parsed = false;
  core::http_head head;
};

written write(core::client_handshake_options o) {
  core::client_handshake c(std::move(o));
  written w{c.request()};
  core::http_parser p(core::http_kind::request);
  p.feed(w.bytes);
  w.parsed = p.done() && p.error() == errc::ok;
  w.head = p.head();
  return w;
}

// True if a line of the head starts with "Injected" (what each hostile input below tries to add).
bool has_injected_line(const std::string& head) {
  return head.find("\nInjected") != std::string::npos || head.find("\rInjected") != std::string::npos;
}

// Line breaks in every spelling a reader might honour, plus NUL.
const std::string breaks[] = {"\r\n", "\n", "\r", std::string("\0", 1)};

// ---------------------------------------------------------------- nothing reaches the wire

TEST(client_request, issue9_defect6_line_break_in_a_header_value_writes_no_extra_line) {
  for (const auto& br : breaks) {
    auto o = base();
    o.extra_headers = {{"X-A", "a" + br + "Injected: yes"}};
    const auto w = write(o);
    EXPECT_FALSE(has_injected_line(w.bytes)) << w.bytes;
    EXPECT_EQ(w.bytes.find('\0'), std::string::npos);
    EXPECT_EQ(w.bytes, "") << "refused options write nothing";
  }
}

TEST(client_request, issue9_defect6_line_break_in_a_header_name_writes_no_extra_line) {
  auto o = base();
  o.extra_headers = {{"X-A: a\r\nInjected", "yes"}};
  EXPECT_EQ(write(o).bytes, "");
}

TEST(client_request, issue9_defect6_line_break_in_a_subprotocol_writes_no_extra_line) {
  for (const auto& br : breaks) {
    auto o = base();
    o.subprotocols = {"chat" + br + "Injected: yes"};
    const auto w = write(o);
    EXPECT_FALSE(has_injected_line(w.bytes)) << w.bytes;
    EXPECT_EQ(w.bytes, "");
  }
}

TEST(client_request, issue9_defect6_line_break_in_the_target_writes_no_extra_line) {
  for (const auto& br : breaks) {
    auto o = base();
    o.target = "/chat" + br + "Injected: yes";
    const auto w = write(o);
    EXPECT_FALSE(has_injected_line(w.bytes)) << w.bytes;
    EXPECT_EQ(w.bytes, "");
  }
}

TEST(client_request, issue9_defect6_line_break_in_the_host_writes_no_extra_line) {
  auto o = base();
  o.host = "example.com\r\nInjected: yes";
  EXPECT_EQ(write(o).bytes, "");
}

TEST(client_request, issue9_defect6_space_tab_and_utf8_in_the_target_are_percent_encoded) {
  auto o = base();
  o.target = "/a b\tc\xC3\xA9?q=<x> \"{|}\"";
  const auto w = write(o);
  ASSERT_TRUE(w.parsed) << w.bytes;
  EXPECT_EQ(w.head.target, "/a%20b%09c%C3%A9?q=%3Cx%3E%20%22%7B%7C%7D%22");
  EXPECT_EQ(w.bytes.rfind("GET /a%20b%09c%C3%A9?q=%3Cx%3E%20%22%7B%7C%7D%22 HTTP/1.1\r\n", 0), 0u);
}

// ---------------------------------------------------------------- the errors and the rules

errc check(core::client_handshake_options o, std::string* culprit = nullptr) {
  return core::check_client_request(o, culprit);
}

TEST(client_request, issue9_defect6_header_values_refuse_every_control_but_htab) {
  for (int b = 0; b < 0x20; ++b) {
    if (b == '\t') continue;
    auto o = base();
    o.extra_headers = {{"X-A", std::string("a") + static_cast<char>(b) + "b"}};
    EXPECT_EQ(check(o), errc::bad_header_value) << b;
  }
  auto o = base();
  o.extra_headers = {{"X-A", "a\x7F"}};
  EXPECT_EQ(check(o), errc::bad_header_value) << "DEL";
  o.extra_headers = {{"X-A", "a\tb c \xC3\xA9 \xFF ~!"}};
  EXPECT_EQ(check(o), errc::ok) << "HTAB, SP, visible ASCII and obs-text are field content";
  o.extra_headers = {{"X-A", ""}};
  EXPECT_EQ(check(o), errc::ok) << "an empty value is allowed";
}

TEST(client_request, issue9_defect6_header_names_are_tokens) {
  for (const char* name : {"", "X A", "X:A", "X-A:", "X\tA", "X(A)", "X\xC3\xA9", "X\r\nA"}) {
    auto o = base();
    o.extra_headers = {{name, "v"}};
    EXPECT_EQ(check(o), errc::bad_header_name) << name;
  }
  auto o = base();
  o.extra_headers = {{"X-Custom_1.2!#$%&'*+^`|~", "v"}, {"Origin", "http://example.com"}};
  EXPECT_EQ(check(o), errc::ok);
}

TEST(client_request, issue9_defect6_the_handshakes_own_headers_are_refused_in_any_case) {
  for (const char* name : {"Host", "upgrade", "CONNECTION", "Sec-WebSocket-Key", "sec-websocket-version",
                           "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"}) {
    auto o = base();
    o.extra_headers = {{name, "x"}};
    EXPECT_EQ(check(o), errc::reserved_header) << name;
    EXPECT_TRUE(core::is_reserved_request_header(name)) << name;
  }
  EXPECT_FALSE(core::is_reserved_request_header("Origin"));
  EXPECT_FALSE(core::is_reserved_request_header("Sec-WebSocket-Whatever"));
}

TEST(client_request, RFC6455_4_1_subprotocols_are_tokens_offered_once) {
  for (const char* p : {"", "chat room", "chat,room", "chat\r\n", "chat;v=1", "\"chat\""}) {
    auto o = base();
    o.subprotocols = {"ok", p};
    EXPECT_EQ(check(o), errc::bad_subprotocol) << p;
  }
  auto o = base();
  o.subprotocols = {"chat", "superchat", "chat"};
  EXPECT_EQ(check(o), errc::bad_subprotocol) << "offered twice";
  o.subprotocols = {"chat", "Chat", "v2.bin.example.com"};
  EXPECT_EQ(check(o), errc::ok);
}

TEST(client_request, issue9_defect6_extension_offers_are_one_element_on_one_line) {
  for (const char* e : {"", "a, b", "permessage-deflate\r\nInjected: yes", "; x", "deflate\x01"}) {
    auto o = base();
    o.extensions = {e};
    EXPECT_EQ(check(o), errc::bad_extension) << e;
  }
  auto o = base();
  o.extensions = {"permessage-deflate; client_max_window_bits"};
  EXPECT_EQ(check(o), errc::ok);
}

TEST(client_request, issue9_defect6_target_refuses_controls_and_needs_a_leading_slash) {
  for (const std::string& t : {std::string("/a\0b", 4), std::string("/a\x01"), std::string("/a\x1b[31m"),
                              std::string("/a\x7F"), std::string(""), std::string("chat"),
                              std::string("http://example.com/"), std::string("*")}) {
    auto o = base();
    o.target = t;
    EXPECT_EQ(check(o), errc::bad_request_target) << t;
    EXPECT_EQ(o.target, t) << "left as it was";
  }
}

TEST(client_request, RFC9112_3_2_1_target_keeps_pchar_and_escapes_and_encodes_the_rest) {
  std::string out;
  ASSERT_EQ(core::encode_request_target("/a-._~!$&'()*+,;=:@/b?c=d/e?f", out), errc::ok);
  EXPECT_EQ(out, "/a-._~!$&'()*+,;=:@/b?c=d/e?f") << "pchar, '/' and '?' stay";
  ASSERT_EQ(core::encode_request_target("/%20%c3%A9%zz%4", out), errc::ok);
  EXPECT_EQ(out, "/%20%c3%A9%25zz%254") << "escapes stay; a '%' that starts none is encoded";
  ASSERT_EQ(core::encode_request_target("/#[]\\^`", out), errc::ok);
  EXPECT_EQ(out, "/%23%5B%5D%5C%5E%60");
  ASSERT_EQ(core::encode_request_target("/\xFF\x80", out), errc::ok);
  EXPECT_EQ(out, "/%FF%80") << "any byte over 0x7E";
  std::string twice = out;
  ASSERT_EQ(core::encode_request_target(twice, twice), errc::ok);
  EXPECT_EQ(twice, out) << "encoding is idempotent: the API's and the channel's checks agree";
}

TEST(client_request, RFC9110_7_2_host_is_a_name_or_address_with_an_optional_port) {
  for (const char* h : {"example.com", "example.com:8080", "127.0.0.1:1", "[::1]", "[::1]:443",
                        "[fe80::1%25eth0]:80", "xn--bcher-kva.example", "a_b.example:", ""}) {
    auto o = base();
    o.host = h;
    EXPECT_EQ(check(o), errc::ok) << h;
  }
  for (const char* h : {"exa mple.com", "example.com/x", "example.com:80x", "a:1:2", "[::1", "[]",
                        "[::1]x", "user@example.com", "ex\xC3\xA4mple.com", "example.com\t"}) {
    auto o = base();
    o.host = h;
    EXPECT_EQ(check(o), errc::bad_host) << h;
  }
}

TEST(client_request, issue9_defect6_culprit_names_the_header_but_never_copies_its_value) {
  auto o = base();
  o.extra_headers = {{"Authorization", "Bearer secret\r\nInjected: yes"}};
  std::string culprit;
  EXPECT_EQ(check(o, &culprit), errc::bad_header_value);
  EXPECT_EQ(culprit, "Authorization");
  o = base();
  o.subprotocols = {"a b"};
  EXPECT_EQ(check(o, &culprit), errc::bad_subprotocol);
  EXPECT_EQ(culprit, "a b");
}

TEST(client_request, issue9_defect6_refused_options_finish_the_handshake_with_the_error) {
  auto o = base();
  o.extra_headers = {{"X-A", "a\r\nInjected: yes"}};
  core::client_handshake c(o);
  EXPECT_TRUE(c.done());
  EXPECT_EQ(c.error(), errc::bad_header_value);
  EXPECT_TRUE(core::is_request_option_error(c.error()));
  EXPECT_EQ(c.request(), "");
  EXPECT_TRUE(c.request_headers().empty());
  EXPECT_EQ(c.feed("HTTP/1.1 101 Switching Protocols\r\n\r\n"), 0u) << "no response is read";
  EXPECT_FALSE(core::is_request_option_error(errc::http_bad_status));
}

TEST(client_request, issue9_defect6_every_accepted_option_reaches_the_server_as_given) {
  auto o = base();
  o.target = "/a b?x=\xC3\xA9";
  o.subprotocols = {"chat", "superchat"};
  o.extra_headers = {{"Origin", "http://example.com"}, {"X-Tab", "a\tb"}, {"X-Tab", "again"}};
  const auto w = write(o);
  ASSERT_TRUE(w.parsed) << w.bytes;
  core::upgrade_request r;
  ASSERT_EQ(core::check_upgrade_request(w.head, r), errc::ok);
  EXPECT_EQ(r.target, "/a%20b?x=%C3%A9");
  EXPECT_EQ(r.subprotocols, (std::vector<std::string>{"chat", "superchat"}));
  ASSERT_EQ(w.head.headers.size(), 9u) << "Host, Upgrade, Connection, Key, Version, Protocol, then the 3 given";
  EXPECT_EQ(w.head.headers[6].value, "http://example.com");
  EXPECT_EQ(w.head.headers[7].value, "a\tb");
  EXPECT_EQ(w.head.headers[8].value, "again");
}

}  // namespace
}  // namespace websock::test
