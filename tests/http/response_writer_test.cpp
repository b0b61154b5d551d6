// The response writer (src/http/response_writer.hpp) and chunk framing (chunked.hpp).
#include "http/response_writer.hpp"

#include <gtest/gtest.h>

#include "http/chunked.hpp"
#include "websock/http.hpp"
#include "http/request_parser.hpp"

namespace websock::test {
namespace {

using http::reply_to;
using http::response_body;
using http::response_head;

constexpr std::time_t now = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
const reply_to get11{false, true, 1};

response_head text(int status, std::uint64_t length = 0) {
  response_head r;
  r.status = status;
  r.headers.push_back({"Content-Type", "text/plain"});
  r.content_length = length;
  return r;
}

TEST(HttpResponse, RFC9112_4_StatusLineDateServerLength) {
  const auto h = http::write_head(text(200, 5), get11, now);
  ASSERT_TRUE(h.ok);
  EXPECT_EQ(h.bytes,
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: websock\r\n"
            "Content-Length: 5\r\nContent-Type: text/plain\r\n\r\n");
  EXPECT_TRUE(h.send_body);
  EXPECT_FALSE(h.chunked);
  EXPECT_FALSE(h.close_after);
}

TEST(HttpResponse, RFC9110_15_ReasonPhrasesFromTheOneTable) {
  EXPECT_STREQ(core::http_reason_phrase(206), "Partial Content");
  EXPECT_STREQ(core::http_reason_phrase(416), "Range Not Satisfiable");
  EXPECT_STREQ(core::http_reason_phrase(505), "HTTP Version Not Supported");
  EXPECT_STREQ(websock::http_reason(404), "Not Found");  // the public name forwards
  for (int s : {100, 101, 200, 204, 206, 301, 302, 304, 400, 401, 403, 404, 405, 408, 411, 413,
                414, 416, 417, 426, 429, 431, 500, 501, 503, 505}) {
    EXPECT_STRNE(core::http_reason_phrase(s), "Unknown") << s;
  }
}

TEST(HttpResponse, RFC9110_9_3_2_HeadGetsTheHeadersOfGetWithoutBody) {
  const auto get = http::write_head(text(200, 1234), get11, now);
  const auto head = http::write_head(text(200, 1234), reply_to{true, true, 1}, now);
  EXPECT_EQ(get.bytes, head.bytes);
  EXPECT_TRUE(get.send_body);
  EXPECT_FALSE(head.send_body);
  EXPECT_EQ(http::write_response(text(200), "body", reply_to{true, true, 1}, now).find("body"),
            std::string::npos);
  EXPECT_NE(http::write_response(text(200), "body", get11, now).find("Content-Length: 4\r\n"),
            std::string::npos);
}

TEST(HttpResponse, RFC9110_6_4_1_InformationalNoContentNotModifiedHaveNoBody) {
  for (int s : {100, 204, 304}) {
    const auto h = http::write_head(text(s, 10), get11, now);
    ASSERT_TRUE(h.ok);
    EXPECT_FALSE(h.send_body) << s;
    EXPECT_EQ(h.bytes.find("Content-Length"), std::string::npos) << s;
    EXPECT_EQ(h.bytes.find("Transfer-Encoding"), std::string::npos) << s;
  }
  EXPECT_EQ(http::write_continue(), "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(HttpResponse, RFC9112_9_3_ConnectionHeaderFollowsTheRequest) {
  auto h = http::write_head(text(200), reply_to{false, false, 1}, now);
  EXPECT_TRUE(h.close_after);
  EXPECT_NE(h.bytes.find("Connection: close\r\n"), std::string::npos);
  h = http::write_head(text(200), reply_to{false, true, 0}, now);
  EXPECT_FALSE(h.close_after);
  EXPECT_NE(h.bytes.find("Connection: keep-alive\r\n"), std::string::npos);
  h = http::write_head(text(200), get11, now);
  EXPECT_EQ(h.bytes.find("Connection"), std::string::npos);
}

TEST(HttpResponse, RFC9112_7_1_ChunkedResponseFraming) {
  response_head r = text(200);
  r.body = response_body::chunked;
  const auto h = http::write_head(r, get11, now);
  EXPECT_TRUE(h.chunked);
  EXPECT_NE(h.bytes.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(h.bytes.find("Content-Length"), std::string::npos);
  std::string body;
  http::append_chunk(body, "hello world, this is 26 b.");
  http::append_chunk(body, "");  // would end the body: nothing
  body += http::last_chunk;
  EXPECT_EQ(body, "1a\r\nhello world, this is 26 b.\r\n0\r\n\r\n");
  EXPECT_EQ(http::chunk_header(4096), "1000\r\n");

  // Our own parser reads it back.
  http::request_parser p;
  const std::string req = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
  std::string_view in = req;
  std::string got;
  for (;;) {
    const auto e = p.next(in);
    in.remove_prefix(e.consumed);
    if (e.kind == http::event_kind::body) got += e.data;
    if (e.kind == http::event_kind::end || e.kind == http::event_kind::need_more) break;
  }
  EXPECT_EQ(got, "hello world, this is 26 b.");

  // An HTTP/1.0 peer gets the body delimited by the close instead.
  const auto old = http::write_head(r, reply_to{false, true, 0}, now);
  EXPECT_FALSE(old.chunked);
  EXPECT_TRUE(old.close_after);
  EXPECT_EQ(old.bytes.find("Transfer-Encoding"), std::string::npos);
  EXPECT_NE(old.bytes.find("Connection: close\r\n"), std::string::npos);
}

TEST(HttpResponse, RFC9110_5_5_HeaderInjectionIsRefused) {
  for (const http::http_header& bad :
       {http::http_header{"X", "a\r\nSet-Cookie: evil"}, http::http_header{"X", "a\nb"},
        http::http_header{"X", std::string("a\0b", 3)}, http::http_header{"X", "a\rb"},
        http::http_header{"X Y", "v"}, http::http_header{"", "v"},
        http::http_header{"X:", "v"}, http::http_header{"Content-Length", "5"},
        http::http_header{"connection", "close"}, http::http_header{"Transfer-Encoding", "x"}}) {
    response_head r = text(200);
    r.headers.push_back(bad);
    const auto h = http::write_head(r, get11, now);
    EXPECT_FALSE(h.ok) << bad.name;
    EXPECT_TRUE(h.bytes.empty());
    EXPECT_TRUE(http::write_response(r, "x", get11, now).empty());
  }
  response_head r = text(99);
  EXPECT_FALSE(http::write_head(r, get11, now).ok);
}

TEST(HttpResponse, ErrorResponsesCloseAndCarryTheFixedText) {
  const auto out = http::write_error({431, "request head too large"}, now);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(out.find("Content-Length: 23\r\n"), std::string::npos);
  EXPECT_TRUE(out.ends_with("\r\n\r\nrequest head too large\n"));
}

TEST(HttpResponse, RFC9110_15_5_9_SlowHeadAnswer) {
  const auto out = http::write_error(http::request_timeout, now);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 408 Request Timeout\r\n"));
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
}

}  // namespace
}  // namespace websock::test
