// The pieces together as the runtime's driver will use them, minus the socket: bytes in,
// parser events, router, static files or a handler, response bytes out in request order.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/request_parser.hpp"
#include "http/response_writer.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"
#include "http/target.hpp"
#include "websock/core/http.hpp"

namespace websock::test {
namespace {

constexpr std::time_t now = 1700000000;

// A handler writes a whole response for a request whose body it was given.
using handler = std::function<std::string(const http::request&, const std::string& body)>;

// What a connection would write back for `input`, read in pieces of `piece` bytes, and whether
// it would then close.
struct outcome {
  std::string written;
  bool closed = false;
  std::string left_for_websocket;
};

outcome serve(const http::router<handler>& routes, std::string_view input, std::size_t piece) {
  http::request_parser parser;
  outcome out;
  std::string buffer;
  std::string body;
  for (std::size_t at = 0; at < input.size() && !out.closed; at += piece) {
    buffer += input.substr(at, piece);  // "read"
    const std::string_view unread = input.substr(std::min(at + piece, input.size()));
    std::string_view bytes = buffer;
    while (!out.closed) {
      const http::event e = parser.next(bytes);
      bytes.remove_prefix(e.consumed);
      if (e.kind == http::event_kind::need_more) break;
      switch (e.kind) {
        case http::event_kind::head:
          body.clear();
          if (parser.current().expect_continue) out.written += http::write_continue();
          break;
        case http::event_kind::body: body += e.data; break;  // a real driver streams it on
        case http::event_kind::end: {
          const auto& r = parser.current();
          const auto* h = routes.find(http::split_target(r.target).path);
          if (h != nullptr) {
            out.written += (*h)(r, body);
          } else {
            http::response_head nf;
            nf.status = 404;
            out.written += http::write_response(nf, "", http::reply_to::of(r), now);
          }
          out.closed = !r.keep_alive;
          break;
        }
        case http::event_kind::upgrade:
          out.left_for_websocket = std::string(bytes) + std::string(unread);
          out.closed = true;
          break;
        case http::event_kind::error:
          out.written += http::write_error(e.error, now);
          out.closed = true;
          break;
        default: out.closed = true; break;
      }
    }
    buffer.assign(bytes);
  }
  return out;
}

// Streams a static_files reply as the driver does: head, then the file in small pieces.
std::string send_file(const http::static_files& files, const http::request& r) {
  http::file_reply reply = files.serve(r);
  const http::written_head h = http::write_head(reply.head, http::reply_to::of(r), now);
  std::string out = h.bytes;
  if (!h.send_body) return out;
  if (!reply.file) return out + reply.body;
  char buf[4];
  while (const std::size_t n = http::read_file_piece(reply, buf)) out.append(buf, n);
  return out;
}

// Splits written bytes into responses with the core's head parser and the Content-Length.
std::vector<std::pair<int, std::string>> responses(std::string_view written) {
  std::vector<std::pair<int, std::string>> out;
  while (!written.empty()) {
    core::http_parser p(core::http_kind::response);
    const std::size_t n = p.feed(written);
    EXPECT_TRUE(p.done()) << written;
    if (!p.done()) break;
    written.remove_prefix(n);
    std::size_t length = 0;
    if (const auto* cl = core::find_header(p.head().headers, "Content-Length")) {
      length = std::stoul(cl->value);
    }
    const bool bodiless = p.head().status < 200 || p.head().status == 204 || p.head().status == 304;
    if (bodiless) length = 0;
    out.emplace_back(p.head().status, std::string(written.substr(0, length)));
    written.remove_prefix(length);
  }
  return out;
}

class HttpExchange : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/websock-exchange-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    std::ofstream(root_ + "/a.txt") << "hello world";
    files_ = std::make_unique<http::static_files>(http::static_options{root_});
    routes_.prefix("/files/", [this](const http::request& r, const std::string&) {
      http::request inner = r;
      inner.target = r.target.substr(6);  // "/files/a.txt" -> "/a.txt"
      return send_file(*files_, inner);
    });
    routes_.exact("/echo", [](const http::request& r, const std::string& body) {
      http::response_head h;
      if (r.method != "POST") {
        h.status = 405;
        h.headers.push_back({"Allow", "POST"});
        return http::write_response(h, "", http::reply_to::of(r), now);
      }
      h.headers.push_back({"Content-Type", "text/plain"});
      return http::write_response(h, body, http::reply_to::of(r), now);
    });
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  std::string root_;
  std::unique_ptr<http::static_files> files_;
  http::router<handler> routes_;
};

TEST_F(HttpExchange, RFC9112_9_3_2_PipelinedResponsesInRequestOrderAtEverySplit) {
  const std::string input =
      "GET /files/a.txt HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /files/a.txt HTTP/1.1\r\nHost: h\r\nRange: bytes=-5\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "PUT /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx"
      "GET /nowhere HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /files/../a.txt HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
      "GET /files/a.txt HTTP/1.1\r\nHost: h\r\n\r\n";  // after close: never answered
  const outcome whole = serve(routes_, input, input.size());
  const auto got = responses(whole.written);
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[0], (std::pair<int, std::string>{200, "hello world"}));
  EXPECT_EQ(got[1], (std::pair<int, std::string>{206, "world"}));
  EXPECT_EQ(got[2], (std::pair<int, std::string>{200, "abc"}));
  EXPECT_EQ(got[3].first, 405);
  EXPECT_EQ(got[4].first, 404);
  EXPECT_EQ(got[5].first, 404);  // "/../a.txt" climbs out of the file root
  EXPECT_TRUE(whole.closed);
  EXPECT_NE(whole.written.find("Connection: close\r\n"), std::string::npos);
  for (std::size_t piece = 1; piece < input.size(); piece += 7) {
    EXPECT_EQ(serve(routes_, input, piece).written, whole.written) << piece;
  }
}

TEST_F(HttpExchange, RFC9110_10_1_1_ContinueBeforeTheBody) {
  const std::string input =
      "POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok";
  const auto got = responses(serve(routes_, input, 1).written);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, 100);
  EXPECT_EQ(got[1], (std::pair<int, std::string>{200, "ok"}));
}

TEST_F(HttpExchange, RFC9112_2_2_TlsOnThePlainPortGets400AndClose) {
  const outcome o = serve(routes_, std::string("\x16\x03\x01\x00\xa5\x01\x00", 7), 7);
  EXPECT_TRUE(o.closed);
  EXPECT_TRUE(o.written.starts_with("HTTP/1.1 400 Bad Request\r\n"));
}

TEST_F(HttpExchange, RFC9110_7_8_UpgradeHandsTheRestToWebSocket) {
  const std::string head =
      "GET /chat HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  const outcome o = serve(routes_, head + "\x81\x80xxxx", 1000);
  EXPECT_TRUE(o.written.empty());
  EXPECT_EQ(o.left_for_websocket, "\x81\x80xxxx");
}

}  // namespace
}  // namespace websock::test
