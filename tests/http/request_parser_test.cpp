// The request parser (src/http/request_parser.hpp) against RFC 9112 and RFC 9110; the names say
// which section each test checks (docs/http.md lists them by rule).
#include "http/request_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parser_driver.hpp"

namespace websock::test {
namespace {

using http::event_kind;
using http::limits;
using http::phase;
using http::request_parser;
using V = std::vector<std::string>;

const std::string get_root = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";

// Every piece size and every single cut give the same transcript as one whole feed.
void expect_split_invariant(const std::string& input, const limits& l = {}) {
  const transcript whole = run_parser(input, 0, l);
  for (std::size_t piece = 1; piece <= input.size(); ++piece) {
    ASSERT_EQ(run_parser(input, piece, l).events, whole.events) << "piece " << piece;
  }
  for (std::size_t cut = 1; cut < input.size(); ++cut) {
    // Two reads: [0, cut) then the rest.
    request_parser p(l);
    transcript t;
    std::string pending = input.substr(0, cut);
    std::vector<std::string> events;
    for (int round = 0; round < 2; ++round) {
      std::string_view bytes = pending;
      bool stop = false;
      while (!stop) {
        const auto e = p.next(bytes);
        bytes.remove_prefix(e.consumed);
        switch (e.kind) {
          case event_kind::need_more: stop = true; break;
          case event_kind::body:
            if (!events.empty() && events.back().starts_with("body ")) events.back() += e.data;
            else events.push_back("body " + std::string(e.data));
            break;
          case event_kind::head: events.push_back("head " + p.current().method + " " + p.current().target); break;
          case event_kind::upgrade: events.push_back("upgrade " + p.current().method + " " + p.current().target); break;
          case event_kind::end: events.push_back("end"); break;
          case event_kind::error: events.push_back("error " + std::to_string(e.error.status)); round = 2; stop = true; break;
          case event_kind::stopped: round = 2; stop = true; break;
        }
      }
      if (round >= 2) break;
      pending = std::string(bytes) + input.substr(cut);
    }
    ASSERT_EQ(events, whole.events) << "cut at " << cut;
  }
}

int status_of(const std::string& input, const limits& l = {}) {
  return run_parser(input, 0, l).error.status;
}

// --- RFC 9112 2.2: message parsing -------------------------------------------------------------

TEST(HttpRequest, RFC9112_2_2_EmptyLinesBeforeRequestAreSkipped) {
  EXPECT_EQ(run_parser("\r\n\r\n" + get_root).events, (V{"head GET /", "end"}));
}

TEST(HttpRequest, RFC9112_2_2_TlsClientHelloRefusedAtFirstByte) {
  request_parser p;
  const std::string hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  const auto e = p.next(std::string_view(hello).substr(0, 1));  // one byte is enough
  EXPECT_EQ(e.kind, event_kind::error);
  EXPECT_EQ(e.error.status, 400);
  EXPECT_EQ(e.consumed, 1u);
  EXPECT_EQ(p.where(), phase::stopped);
  EXPECT_EQ(p.next(hello).kind, event_kind::stopped);
}

TEST(HttpRequest, RFC9112_2_2_NonTokenFirstByteRefusedAtOnce) {
  for (const std::string& first : {std::string(1, '\0'), std::string(" "), std::string("\t"),
                                  std::string("{"), std::string("\x80"), std::string("/")}) {
    request_parser p;
    const auto e = p.next(first);
    EXPECT_EQ(e.kind, event_kind::error) << int(first[0]);
    EXPECT_EQ(e.error.status, 400);
  }
  // A bad byte later in the method is refused at that byte, not at the end of the line.
  request_parser p;
  const auto e = p.next("GE\x16T");
  EXPECT_EQ(e.kind, event_kind::error);
  EXPECT_EQ(e.consumed, 3u);
}

TEST(HttpRequest, RFC9112_2_2_BareLfAndBareCrAre400) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\n\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\rHost: h\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"), 400);
}

// --- RFC 9112 2.3 and 3: request line ----------------------------------------------------------

TEST(HttpRequest, RFC9112_3_MalformedRequestLinesAre400) {
  for (const std::string line :
       {"GET  / HTTP/1.1", "GET / HTTP/1.1 ", "GET /  HTTP/1.1", "GET / HTTP/1.1 extra", "GET /",
        "GET", "GET / http/1.1", "GET / HTTP/1.", "GET / HTTP/11", "GET / HTTP/1.1x",
        "GET /a\x7f HTTP/1.1", "GET /\xc3\xa9 HTTP/1.1", "GET \t/ HTTP/1.1", "G(T / HTTP/1.1",
        "GET relative HTTP/1.1", "GET * HTTP/1.1"}) {
    EXPECT_EQ(status_of(line + "\r\nHost: h\r\n\r\n"), 400) << line;
  }
}

TEST(HttpRequest, RFC9112_2_3_OtherMajorVersionsAre505) {
  EXPECT_EQ(status_of("GET / HTTP/2.0\r\nHost: h\r\n\r\n"), 505);
  EXPECT_EQ(status_of("GET / HTTP/0.9\r\nHost: h\r\n\r\n"), 505);
  const auto t = run_parser("GET / HTTP/1.7\r\nHost: h\r\n\r\n");  // a later 1.x reads as 1.1
  ASSERT_EQ(t.events, (V{"head GET /", "end"}));
  EXPECT_EQ(t.requests[0].version_minor, 1);
}

TEST(HttpRequest, RFC9112_3_2_TargetForms) {
  auto t = run_parser("GET /a?b=c HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(t.requests.at(0).form, http::target_form::origin);
  t = run_parser("GET http://h/a HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(t.requests.at(0).form, http::target_form::absolute);
  t = run_parser("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(t.requests.at(0).form, http::target_form::asterisk);
  t = run_parser("CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(t.requests.at(0).form, http::target_form::authority);
}

TEST(HttpRequest, RFC9112_3_2_HostRequiredOnceIn11) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n"), 400);
  EXPECT_EQ(run_parser("GET / HTTP/1.0\r\n\r\n").events, (V{"head GET /", "end"}));
  // An invalid Host value is refused too; reg-names, ports and IP literals are fine.
  for (const char* bad : {"a b", "a/b", "user@h", "h\"", "h?x"}) {
    EXPECT_EQ(status_of(std::string("GET / HTTP/1.1\r\nHost: ") + bad + "\r\n\r\n"), 400) << bad;
  }
  for (const char* good : {"example.com:8080", "[::1]:80", "xn--bcher-kva.example", ""}) {
    EXPECT_EQ(status_of(std::string("GET / HTTP/1.1\r\nHost: ") + good + "\r\n\r\n"), 0) << good;
  }
}

// --- RFC 9112 5: field lines ---------------------------------------------------------------------

TEST(HttpRequest, RFC9112_5_1_WhitespaceBeforeColonIs400) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost : h\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX\t: y\r\n\r\n"), 400);
}

TEST(HttpRequest, RFC9112_5_2_ObsFoldIs400) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n"), 400);
}

TEST(HttpRequest, RFC9110_5_5_ControlCharactersInFieldsAre400) {
  static constexpr char with_nul[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n";
  EXPECT_EQ(status_of(std::string(with_nul, sizeof with_nul - 1)), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01" "b\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX(y): a\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\n: a\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nnocolon\r\n\r\n"), 400);
  // obs-text and HTAB are field content.
  const auto t = run_parser("GET / HTTP/1.1\r\nHost: h\r\nX:\ta\tb\xe9 \r\n\r\n");
  ASSERT_EQ(t.events, (V{"head GET /", "end"}));
  EXPECT_EQ(t.requests[0].headers[1].value, "a\tb\xe9");
}

// --- RFC 9112 6: message body --------------------------------------------------------------------

TEST(HttpRequest, RFC9112_6_3_ContentLengthBodyInPieces) {
  const std::string req = "POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world";
  EXPECT_EQ(run_parser(req).events, (V{"head POST /u", "body hello world", "end"}));
  expect_split_invariant(req);
}

TEST(HttpRequest, RFC9112_6_3_BodyPiecesAreViewsAsTheyArrive) {
  request_parser p;
  std::string_view in = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\nabc";
  auto e = p.next(in);
  ASSERT_EQ(e.kind, event_kind::head);
  in.remove_prefix(e.consumed);
  e = p.next(in);
  ASSERT_EQ(e.kind, event_kind::body);
  EXPECT_EQ(e.data, "abc");
  EXPECT_EQ(e.data.data(), in.data());  // no copy
  EXPECT_EQ(p.where(), phase::body);
  EXPECT_EQ(p.next("").kind, event_kind::need_more);
  e = p.next("defGET");
  EXPECT_EQ(e.data, "def");
  EXPECT_EQ(e.consumed, 3u);
  EXPECT_EQ(p.next("GET").kind, event_kind::end);
}

TEST(HttpRequest, RFC9112_6_3_InvalidContentLengthIs400) {
  for (const std::string v : {"abc", "-1", "+5", "", "5 5", "0x5", "5, 6", "1.0", "5,"}) {
    EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + v + "\r\n\r\n"), 400)
        << v;
  }
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"),
            400);
  // On any method, GET included: the framing is decided before the method means anything.
  for (const std::string v : {"-1", "+5", "abc"}) {
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: " + v + "\r\n\r\n"), 400) << v;
  }
  // 1*DIGIT: leading zeros are still digits.
  EXPECT_EQ(run_parser("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 002\r\n\r\nab").events,
            (V{"head POST /", "body ab", "end"}));
}

// RFC 9110 8.6 lets a recipient read a repeat of one value as that value or refuse it; we refuse
// every repeat, equal or not, on two field lines or as a list.
TEST(HttpRequest, RFC9110_8_6_RepeatedContentLengthIs400EvenWhenEqual) {
  for (const std::string fields : {"Content-Length: 2\r\nContent-Length: 2\r\n",
                                   "Content-Length: 2\r\ncontent-length: 02\r\n",
                                   "Content-Length: 2, 2\r\n", "Content-Length: 2,2\r\n",
                                   "Content-Length: 2\r\nContent-Length: 3\r\n"}) {
    EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\nab"), 400) << fields;
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\nab"), 400) << fields;
  }
}

TEST(HttpRequest, RFC9112_6_3_ContentLengthWithTransferEncodingIs400) {
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                      "Content-Length: 0\r\n\r\n"), 400);
}

TEST(HttpRequest, RFC9112_6_1_TransferCodings) {
  const auto te = [](const std::string& v) {
    return status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: " + v + "\r\n\r\n");
  };
  EXPECT_EQ(te("gzip"), 400);            // chunked not final: length unknowable
  EXPECT_EQ(te("chunked, gzip"), 400);
  EXPECT_EQ(te("chunked, chunked"), 400);
  EXPECT_EQ(te(""), 400);
  EXPECT_EQ(te("gzip, chunked"), 501);   // framing known, coding not implemented
  EXPECT_EQ(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
}

TEST(HttpRequest, RFC9112_6_3_NoFramingMeansNoBody) {
  EXPECT_EQ(run_parser("POST /a HTTP/1.1\r\nHost: h\r\n\r\n" + get_root).events,
            (V{"head POST /a", "end", "head GET /", "end"}));
}

TEST(HttpRequest, RFC9112_7_1_ChunkedWithExtensionsAndTrailers) {
  const std::string req =
      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value;quoted=\"a b\"\r\nhello\r\n"
      "6 ; x\r\n world\r\n"
      "0\r\n"
      "Checksum: abc\r\nX-Trailer: 1\r\n"
      "\r\n";
  const auto t = run_parser(req + get_root);
  EXPECT_EQ(t.events, (V{"head POST /c", "body hello world", "end", "head GET /", "end"}));
  expect_split_invariant(req + get_root);
  request_parser p;
  std::string_view in = req;
  while (true) {
    const auto e = p.next(in);
    in.remove_prefix(e.consumed);
    if (e.kind == event_kind::end || e.kind == event_kind::need_more) break;
  }
  ASSERT_EQ(p.current().trailers.size(), 2u);
  EXPECT_EQ(p.current().trailers[0].name, "Checksum");
  EXPECT_EQ(p.current().trailers[0].value, "abc");
  EXPECT_EQ(p.body_bytes(), 11u);
}

TEST(HttpRequest, RFC9112_7_1_MalformedChunksAre400) {
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (const std::string body : {"zz\r\n", "\r\n", ";x\r\n", "5\r\nabcdefg\r\n", "5\r\nabcde\n",
                                 "5x\r\n", "5;\x01\r\n", "5\n", "0\r\nBad Trailer: x\r\n\r\n",
                                 "0\r\n folded\r\n\r\n"}) {
    EXPECT_EQ(status_of(head + body), 400) << body;
  }
}

// --- RFC 9112 9.3: persistence and pipelining ---------------------------------------------------

TEST(HttpRequest, RFC9112_9_3_KeepAliveDecision) {
  const auto keep = [](const std::string& req) { return run_parser(req).requests.at(0).keep_alive; };
  EXPECT_TRUE(keep("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_FALSE(keep("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  EXPECT_FALSE(keep("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, Close\r\n\r\n"));
  EXPECT_FALSE(keep("GET / HTTP/1.0\r\n\r\n"));
  EXPECT_TRUE(keep("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
}

TEST(HttpRequest, RFC9112_9_3_PipelinedRequestsAtEverySplit) {
  const std::string stream =
      get_root +
      "HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
      "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"
      "\r\n"  // an empty line between requests is skipped
      "GET /last HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
      "GET /never HTTP/1.1\r\n";
  const auto t = run_parser(stream);
  EXPECT_EQ(t.events, (V{"head GET /", "end", "head HEAD /h", "end", "head POST /p", "body abc",
                         "end", "head PUT /c", "body xy", "end", "head GET /last", "end"}));
  EXPECT_EQ(t.after, "GET /never HTTP/1.1\r\n");  // not parsed after Connection: close
  expect_split_invariant(stream);
}

TEST(HttpRequest, RFC9112_9_3_HeadRequestIsMarked) {
  EXPECT_TRUE(run_parser("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n").requests.at(0).is_head());
}

// --- RFC 9110 10.1.1: Expect ----------------------------------------------------------------------

TEST(HttpRequest, RFC9110_10_1_1_ExpectContinueIsVisible) {
  request_parser p;
  const auto e = p.next("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n");
  ASSERT_EQ(e.kind, event_kind::head);
  EXPECT_TRUE(p.current().expect_continue);
  EXPECT_EQ(status_of("PUT / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\n\r\n"), 417);
  EXPECT_FALSE(run_parser("PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").requests.at(0).expect_continue);
}

// --- RFC 6455 4.1 / RFC 9110 7.8: upgrade -----------------------------------------------------------

TEST(HttpRequest, RFC9110_7_8_WebSocketUpgradeEndsTheHttpStream) {
  const std::string head =
      "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  const std::string frame("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
  request_parser p;
  const std::string all = head + frame;
  const auto e = p.next(all);
  EXPECT_EQ(e.kind, event_kind::upgrade);
  EXPECT_EQ(e.consumed, head.size());
  EXPECT_EQ(p.raw_head(), head);
  EXPECT_TRUE(p.current().upgrade);
  EXPECT_EQ(p.next(std::string_view(all).substr(e.consumed)).kind, event_kind::stopped);
  for (std::size_t piece = 1; piece <= all.size(); ++piece) {
    const auto t = run_parser(all, piece);
    ASSERT_EQ(t.events, (V{"upgrade GET /chat"})) << piece;
    ASSERT_EQ(t.after, frame) << piece;
  }
  // Content-Length: 0 announces no body: still an upgrade.
  EXPECT_EQ(run_parser("GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
                       "Content-Length: 0\r\n\r\n").events,
            (V{"upgrade GET /chat"}));
  // Upgrade without the "upgrade" connection option is no upgrade (7.8): plain HTTP, body and all.
  EXPECT_EQ(run_parser("POST / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nContent-Length: 1\r\n\r\nx").events,
            (V{"head POST /", "body x", "end"}));
}

// RFC 6455 4.1: the opening handshake is a GET without content. An upgrade request that
// announces a body (Content-Length > 0, or any Transfer-Encoding) is refused at its head: after a
// 101 nobody could tell its body from frames, and serving it as plain HTTP hides the mistake.
TEST(HttpRequest, RFC6455_4_1_UpgradeRequestWithABodyIs400) {
  const std::string up = "Host: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  for (const std::string method : {"GET", "POST"}) {
    for (const std::string framing : {"Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n"}) {
      const std::string input = method + " /chat HTTP/1.1\r\n" + up + framing + "\r\nhello";
      const auto t = run_parser(input);
      EXPECT_EQ(t.events, (V{"error 400"})) << method << " " << framing;
      expect_split_invariant(input);
    }
  }
}

// RFC 6455 4.2.1 item 1 asks for HTTP/1.1 or later. A 1.0 attempt is still handed on as an
// upgrade head, so the core handshake, the one judge of 4.2.1, answers it (400) and the
// connection never switches; a 2.0 request line is 505 before any header is read (RFC 9112 2.3).
TEST(HttpRequest, RFC6455_4_1_UpgradeNeedsHttp11AndOtherMajorVersionsAre505) {
  const std::string up = "Host: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  const auto t = run_parser("GET /chat HTTP/1.0\r\n" + up);
  ASSERT_EQ(t.events, (V{"upgrade GET /chat"}));
  EXPECT_EQ(t.requests.at(0).version_minor, 0);
  EXPECT_EQ(status_of("GET /chat HTTP/2.0\r\n" + up), 505);
  EXPECT_EQ(status_of("GET /chat HTTP/3.0\r\n" + up), 505);
}

// --- limits ------------------------------------------------------------------------------------------

TEST(HttpRequest, Limits_RequestLineOverLimitIs414AtTheCrossingByte) {
  limits l;
  l.max_request_line = 32;
  const std::string line = "GET /" + std::string(100, 'a');
  request_parser p(l);
  const auto e = p.next(line);  // no line end needed
  EXPECT_EQ(e.kind, event_kind::error);
  EXPECT_EQ(e.error.status, 414);
  EXPECT_EQ(e.consumed, 33u);
  EXPECT_EQ(status_of("GET /" + std::string(27, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", l), 414);
  EXPECT_EQ(run_parser("GET /" + std::string(13, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", 0, l)
                .error.status, 0);  // exactly 32 bytes
}

TEST(HttpRequest, Limits_HeadOverLimitIs431) {
  limits l;
  l.max_head_bytes = 64;
  request_parser p(l);
  const auto e = p.next("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(1000, 'v'));
  EXPECT_EQ(e.error.status, 431);
  EXPECT_EQ(e.consumed, 65u);  // detected at the crossing, not after buffering the rest
}

TEST(HttpRequest, Limits_HeaderCountOverLimitIs431) {
  limits l;
  l.max_header_count = 3;
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", l), 0);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", l), 431);
}

TEST(HttpRequest, Limits_ContentLengthOverLimitIs413BeforeAnyBody) {
  limits l;
  l.max_body_bytes = 10;
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", l), 413);
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", l), 413);
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", l), 0);
}

TEST(HttpRequest, Limits_ChunkedTotalCrossingLimitIs413AtTheChunkHeader) {
  limits l;
  l.max_body_bytes = 10;
  const auto t = run_parser(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n", 0, l);
  EXPECT_EQ(t.events, (V{"head POST /", "body abcdef", "error 413"}));
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "fffffffffffffffffffff\r\n", l), 413);
}

TEST(HttpRequest, Limits_TrailersOverLimitIs431) {
  limits l;
  l.max_trailer_bytes = 16;
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
                      "X: " + std::string(100, 'x') + "\r\n\r\n", l), 431);
}

TEST(HttpRequest, Limits_ChunkLineOverLimitIs400) {
  limits l;
  l.max_chunk_line = 8;
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "1;" + std::string(100, 'e') + "\r\n", l), 400);
}

TEST(HttpRequest, Limits_PhaseTellsSlowHeadFromIdle) {
  request_parser p;
  EXPECT_EQ(p.where(), phase::idle);
  EXPECT_EQ(p.next("\r\n").kind, event_kind::need_more);
  EXPECT_EQ(p.where(), phase::idle);  // blank lines are not a request yet
  EXPECT_EQ(p.next("GE").kind, event_kind::need_more);
  EXPECT_EQ(p.where(), phase::head);  // a timer now means 408
  std::string_view rest = "T / HTTP/1.1\r\nHost: h\r\n\r\n";
  auto e = p.next(rest);
  EXPECT_EQ(e.kind, event_kind::head);
  EXPECT_EQ(p.next(rest.substr(e.consumed)).kind, event_kind::end);
  EXPECT_EQ(p.where(), phase::idle);  // a timer now means a silent close
}

TEST(HttpRequest, ErrorsHaveFixedTextsNeverPeerBytes) {
  for (const std::string bad : {"GET /SECRET HTTP/9.9\r\nHost: h\r\n\r\n",
                                "GET / HTTP/1.1\r\nSECRET : x\r\n\r\n",
                                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: SECRET\r\n\r\n",
                                "SECRET\x01"}) {
    const auto t = run_parser(bad);
    ASSERT_NE(t.error.status, 0) << bad;
    EXPECT_EQ(std::string(t.error.text).find("SECRET"), std::string::npos);
    EXPECT_FALSE(t.error.text.empty());
  }
}

TEST(HttpRequest, AfterAnErrorNothingMoreIsParsed) {
  request_parser p;
  EXPECT_EQ(p.next("\x16").kind, event_kind::error);
  const auto e = p.next(get_root);
  EXPECT_EQ(e.kind, event_kind::stopped);
  EXPECT_EQ(e.consumed, 0u);
  EXPECT_EQ(p.error().status, 400);
  EXPECT_FALSE(p.current().keep_alive);
}

}  // namespace
}  // namespace websock::test
