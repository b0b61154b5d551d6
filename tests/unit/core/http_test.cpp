// The HTTP/1.1 head that carries the opening handshake (RFC 9112 sections 2-5, RFC 9110 5.6.1).
#include "websock/core/http.hpp"

#include <gtest/gtest.h>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

using core::errc;
using core::http_kind;
using core::http_parser;

const std::string rfc_request =
    "GET /chat HTTP/1.1\r\n"
    "Host: server.example.com\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Origin: http://example.com\r\n"
    "Sec-WebSocket-Protocol: chat, superchat\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n";

// Feeds `text` in chunks; returns the total taken.
std::size_t feed_in_chunks(http_parser& p, std::string_view text, std::size_t chunk) {
  std::size_t taken = 0;
  if (chunk == 0) chunk = text.size();
  for (std::size_t at = 0; at < text.size() && !p.done() && p.error() == errc::ok; at += chunk) {
    taken += p.feed(text.substr(at, chunk));
  }
  return taken;
}

TEST(http, parses_the_rfc_6455_request_in_any_split) {
  for (std::size_t chunk : {0u, 1u, 2u, 3u, 7u, 64u}) {
    SCOPED_TRACE(chunk);
    http_parser p(http_kind::request);
    EXPECT_EQ(feed_in_chunks(p, rfc_request, chunk), rfc_request.size());
    ASSERT_TRUE(p.done());
    ASSERT_EQ(p.error(), errc::ok);
    const auto& h = p.head();
    EXPECT_EQ(h.method, "GET");
    EXPECT_EQ(h.target, "/chat");
    EXPECT_EQ(h.version_major, 1);
    EXPECT_EQ(h.version_minor, 1);
    ASSERT_EQ(h.headers.size(), 7u);
    EXPECT_EQ(h.headers[0].name, "Host");
    EXPECT_EQ(h.headers[0].value, "server.example.com");
    EXPECT_EQ(h.headers[5].name, "Sec-WebSocket-Protocol");
    EXPECT_EQ(h.headers[5].value, "chat, superchat");
  }
}

TEST(http, leaves_bytes_after_the_head) {
  const std::string frames = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  const std::string input = rfc_request + frames;
  http_parser p(http_kind::request);
  EXPECT_EQ(p.feed(input), rfc_request.size());
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.feed(frames), 0u) << "a finished parser takes nothing more";
}

TEST(http, leaves_bytes_after_the_head_when_fed_in_pieces) {
  const std::string input = rfc_request + "FRAMES";
  http_parser p(http_kind::request);
  const std::size_t cut = rfc_request.size() - 2;  // the first piece ends inside the final CRLF
  EXPECT_EQ(p.feed(std::string_view(input).substr(0, cut)), cut);
  EXPECT_FALSE(p.done());
  EXPECT_EQ(p.feed(std::string_view(input).substr(cut)), 2u);
  EXPECT_TRUE(p.done());
}

TEST(http, incomplete_head_is_neither_done_nor_failed) {
  http_parser p(http_kind::request);
  const std::string partial = rfc_request.substr(0, rfc_request.size() - 1);
  EXPECT_EQ(p.feed(partial), partial.size());
  EXPECT_FALSE(p.done());
  EXPECT_EQ(p.error(), errc::ok);
}

TEST(http, values_trimmed_of_optional_whitespace) {
  http_parser p(http_kind::request);
  p.feed("GET / HTTP/1.1\r\nHost:   example.com \t\r\nX-Empty:\r\nX-Tab:\tv\r\n\r\n");
  ASSERT_TRUE(p.done());
  const auto& h = p.head().headers;
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].value, "example.com");
  EXPECT_EQ(h[1].value, "");
  EXPECT_EQ(h[2].value, "v");
}

TEST(http, parses_a_response) {
  const std::string response =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
      "\r\n";
  for (std::size_t chunk : {0u, 1u, 5u}) {
    http_parser p(http_kind::response);
    EXPECT_EQ(feed_in_chunks(p, response, chunk), response.size());
    ASSERT_TRUE(p.done()) << chunk;
    EXPECT_EQ(p.head().status, 101);
    EXPECT_EQ(p.head().reason, "Switching Protocols");
    EXPECT_EQ(p.head().headers.size(), 3u);
  }
}

TEST(http, response_with_empty_reason) {
  http_parser p(http_kind::response);
  p.feed("HTTP/1.1 101 \r\nUpgrade: websocket\r\n\r\n");
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.head().status, 101);
  EXPECT_EQ(p.head().reason, "");
}

TEST(http, version_is_reported) {
  http_parser p(http_kind::request);
  p.feed("GET / HTTP/1.0\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.head().version_major, 1);
  EXPECT_EQ(p.head().version_minor, 0);
}

TEST(http, malformed_heads) {
  const char* bad_requests[] = {
      "GET /\r\nHost: a\r\n\r\n",                   // no version
      "GET / HTTP/1.1\r\nHost a\r\n\r\n",           // no colon
      "GET / HTTP/1.1\r\nHost : a\r\n\r\n",         // whitespace before the colon (RFC 9112 5.1)
      "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",  // obsolete line folding (RFC 9112 5.2)
      "GET / HTTX/1.1\r\nHost: a\r\n\r\n",          // not HTTP
      "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",          // method is not a token
      "GET / HTTP/1.1\r\nBad\x01Name: a\r\n\r\n",   // name is not a token
      "GET / HTTP/1.1\r\nX: a\x01z\r\n\r\n",        // control character in a value
  };
  for (const char* text : bad_requests) {
    http_parser p(http_kind::request);
    p.feed(text);
    EXPECT_EQ(p.error(), errc::http_malformed) << text;
    EXPECT_FALSE(p.done()) << text;
  }
  const char* bad_responses[] = {
      "HTTP/1.1 1O1 Switching\r\n\r\n",  // status not digits
      "HTTP/1.1\r\n\r\n",                // no status
      "XTTP/1.1 101 OK\r\n\r\n",
  };
  for (const char* text : bad_responses) {
    http_parser p(http_kind::response);
    p.feed(text);
    EXPECT_EQ(p.error(), errc::http_malformed) << text;
  }
}

TEST(http, failed_parser_takes_nothing_more) {
  http_parser p(http_kind::request);
  p.feed("GET / HTTP/1.1\r\nno colon here\r\n\r\n");
  ASSERT_EQ(p.error(), errc::http_malformed);
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\n\r\n"), 0u);
  EXPECT_EQ(p.error(), errc::http_malformed);
}

std::string request_of_size(std::size_t total) {
  // "GET / HTTP/1.1\r\n" + "X: " + filler + "\r\n" + "\r\n"
  const std::size_t fixed = 16 + 3 + 2 + 2;
  return "GET / HTTP/1.1\r\nX: " + std::string(total - fixed, 'a') + "\r\n\r\n";
}

TEST(http, head_at_the_byte_limit_is_accepted) {
  core::http_limits limits;
  limits.max_header_bytes = 200;
  const std::string req = request_of_size(200);
  ASSERT_EQ(req.size(), 200u);
  for (std::size_t chunk : {0u, 1u}) {
    http_parser p(http_kind::request, limits);
    feed_in_chunks(p, req, chunk);
    EXPECT_TRUE(p.done()) << chunk;
    EXPECT_EQ(p.error(), errc::ok) << chunk;
  }
}

TEST(http, head_over_the_byte_limit) {
  core::http_limits limits;
  limits.max_header_bytes = 200;
  const std::string req = request_of_size(201);
  for (std::size_t chunk : {0u, 1u}) {
    http_parser p(http_kind::request, limits);
    feed_in_chunks(p, req, chunk);
    EXPECT_EQ(p.error(), errc::http_header_too_large) << chunk;
    EXPECT_FALSE(p.done());
  }
}

TEST(http, endless_head_fails_without_waiting_for_its_end) {
  core::http_limits limits;
  limits.max_header_bytes = 1024;
  http_parser p(http_kind::request, limits);
  p.feed("GET / HTTP/1.1\r\n");
  const std::string line = "X-Filler: " + std::string(100, 'z') + "\r\n";
  for (int i = 0; i < 20 && p.error() == errc::ok; ++i) p.feed(line);
  EXPECT_EQ(p.error(), errc::http_header_too_large);
}

TEST(http, header_count_limit) {
  core::http_limits limits;
  limits.max_header_count = 3;
  const std::string three = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  const std::string four = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
  http_parser ok(http_kind::request, limits);
  ok.feed(three);
  EXPECT_TRUE(ok.done());
  http_parser too_many(http_kind::request, limits);
  too_many.feed(four);
  EXPECT_EQ(too_many.error(), errc::http_too_many_headers);
}

TEST(http, default_limits) {
  const core::http_limits limits;
  EXPECT_EQ(limits.max_header_bytes, 16u * 1024);
  EXPECT_EQ(limits.max_header_count, 100u);
}

// ---- header helpers

core::header_list sample_headers() {
  return {{"Host", "a"},
          {"connection", "keep-alive, Upgrade"},
          {"Sec-WebSocket-Protocol", "chat,  superchat ,,"},
          {"SEC-WEBSOCKET-PROTOCOL", "v2"},
          {"Upgrade", "WebSocket"}};
}

TEST(http, iequals_ignores_ascii_case_only) {
  EXPECT_TRUE(core::iequals("Sec-WebSocket-Key", "sec-websocket-key"));
  EXPECT_TRUE(core::iequals("", ""));
  EXPECT_FALSE(core::iequals("Upgrade", "Upgrad"));
  EXPECT_FALSE(core::iequals("Upgrade", "Upgradf"));
  EXPECT_FALSE(core::iequals("K\xc3\xa9", "K\xc3\x89"));  // no Unicode case folding
}

TEST(http, find_header_is_case_insensitive_and_returns_the_first) {
  const auto h = sample_headers();
  const auto* c = core::find_header(h, "CONNECTION");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->value, "keep-alive, Upgrade");
  const auto* p = core::find_header(h, "sec-websocket-protocol");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->value, "chat,  superchat ,,");
  EXPECT_EQ(core::find_header(h, "Origin"), nullptr);
}

TEST(http, count_header) {
  const auto h = sample_headers();
  EXPECT_EQ(core::count_header(h, "sec-websocket-protocol"), 2u);
  EXPECT_EQ(core::count_header(h, "host"), 1u);
  EXPECT_EQ(core::count_header(h, "origin"), 0u);
}

TEST(http, header_tokens_split_trim_and_drop_empty_elements_across_fields) {
  const auto h = sample_headers();
  const auto tokens = core::header_tokens(h, "Sec-WebSocket-Protocol");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0], "chat");
  EXPECT_EQ(tokens[1], "superchat");
  EXPECT_EQ(tokens[2], "v2");
  EXPECT_TRUE(core::header_tokens(h, "Origin").empty());
}

TEST(http, has_token_ignores_case) {
  const auto h = sample_headers();
  EXPECT_TRUE(core::has_token(h, "Connection", "upgrade"));
  EXPECT_TRUE(core::has_token(h, "Connection", "KEEP-ALIVE"));
  EXPECT_TRUE(core::has_token(h, "Upgrade", "websocket"));
  EXPECT_FALSE(core::has_token(h, "Connection", "Upgrad"));
  EXPECT_FALSE(core::has_token(h, "Connection", "keep-alive, Upgrade")) << "elements, not the whole value";
}

TEST(http, append_headers_format) {
  std::string out = "start\r\n";
  core::append_headers(out, {{"A", "1"}, {"Bee", "two words"}});
  EXPECT_EQ(out, "start\r\nA: 1\r\nBee: two words\r\n");
}

}  // namespace
}  // namespace websock::test
