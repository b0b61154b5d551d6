// The server's HTTP/1.1 front over loopback (docs/http.md): keep-alive and pipelining answered in
// order, bodies, HEAD, limits with their statuses, a first byte that cannot begin a request, a slow
// head, upgrades the handshake rules refuse, ambiguous body framing, an upgrade after plain
// requests on one connection, and files streamed rather than loaded.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "raw_socket.hpp"
#include "recorder.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

struct front_server {
  explicit front_server(server_options o = {.threads = 1}) {
    char tmpl[] = "/tmp/websock-front-XXXXXX";
    dir = ::mkdtemp(tmpl);
    std::ofstream(dir + "/a.txt") << "0123456789";
    o.static_dir = dir;
    srv = std::make_unique<server>(std::move(o));
    srv->on_http([](const http_request& r) -> std::optional<http_response> {
      if (r.path == "/echo-body") return http_response{.body = r.method + ":" + r.body};
      if (r.path == "/delete-only") {
        if (r.method != "DELETE") return http_response{.status = 405, .headers = {{"Allow", "DELETE"}}};
        return http_response{.status = 204};
      }
      return std::nullopt;
    });
    srv->route("/ws", {.callbacks = {.on_message = [](connection& c, const message& m) { c.send(m.kind, m.data); }}});
    srv->listen("127.0.0.1", 0);
    srv->start();
  }
  ~front_server() {
    srv.reset();
    std::filesystem::remove_all(dir);
  }
  std::string dir;
  std::unique_ptr<server> srv;
};

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(HttpFront, RFC9112_9_3_KeepAliveServesSeveralRequestsOnOneConnection) {
  front_server f;
  raw_socket s(f.srv->port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(s.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string r = s.read(5s, "0123456789");
    EXPECT_EQ(r.substr(0, 15), "HTTP/1.1 200 OK") << "request " << i;
    EXPECT_FALSE(s.eof());
  }
}

TEST(HttpFront, RFC9112_9_3_2_PipelinedRequestsAreAnsweredInOrder) {
  front_server f;
  raw_socket s(f.srv->port());
  ASSERT_TRUE(s.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                     "POST /echo-body HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                     "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string r = s.read(5s);
  EXPECT_TRUE(s.eof());  // the last request asked to close
  const auto first = r.find("0123456789"), second = r.find("POST:abc"), third = r.find("404 Not Found");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  ASSERT_NE(third, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST(HttpFront, RFC9112_7_1_ChunkedBodyWithTrailersReachesTheHandler) {
  front_server f;
  raw_socket s(f.srv->port());
  ASSERT_TRUE(s.send("PUT /echo-body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                     "3;ext=1\r\nhel\r\n2\r\nlo\r\n0\r\nX-Trailer: t\r\n\r\n"));
  EXPECT_NE(s.read(5s).find("PUT:hello"), std::string::npos);
}

TEST(HttpFront, RFC9110_9_3_2_HeadGetsTheHeadersOfGetWithoutABody) {
  front_server f;
  raw_socket s(f.srv->port());
  ASSERT_TRUE(s.send("HEAD /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string r = s.read(5s);
  EXPECT_NE(r.find("Content-Length: 10"), std::string::npos);
  EXPECT_EQ(r.find("0123456789"), std::string::npos);
}

TEST(HttpFront, EveryMethodReachesTheHandlerWhichDecides) {
  front_server f;
  raw_socket s(f.srv->port());
  ASSERT_TRUE(s.send("DELETE /delete-only HTTP/1.1\r\nHost: x\r\n\r\nPATCH /delete-only HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string r = s.read(5s);
  EXPECT_NE(r.find("HTTP/1.1 204"), std::string::npos);
  EXPECT_NE(r.find("HTTP/1.1 405"), std::string::npos);
  EXPECT_NE(r.find("Allow: DELETE"), std::string::npos);
}

TEST(HttpFront, LimitsAnswerWithTheirOwnStatusAndClose) {
  front_server f;
  const std::pair<std::string, std::string> cases[] = {
      {"GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 414"},
      {"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n", "HTTP/1.1 431"},
      {"POST /echo-body HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", "HTTP/1.1 413"},
      {"GET / HTTP/1.1\r\nHost x\r\n\r\n", "HTTP/1.1 400"},
      {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", "HTTP/1.1 505"},
  };
  for (const auto& [request, status] : cases) {
    raw_socket s(f.srv->port());
    ASSERT_TRUE(s.send(request));
    const std::string r = s.read(5s);
    EXPECT_EQ(r.substr(0, 12), status) << status;
    EXPECT_TRUE(s.eof()) << status;
  }
}

TEST(HttpFront, ATlsClientHelloOnThePlainPortGets400AtOnce) {
  front_server f;
  raw_socket s(f.srv->port());
  // The first bytes of a TLS record (handshake, TLS 1.0 record version): no HTTP request starts so.
  ASSERT_TRUE(s.send(std::string{'\x16', '\x03', '\x01', '\x02', '\x00', '\x01'}));
  const auto start = std::chrono::steady_clock::now();
  const std::string r = s.read(5s);
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 400");
  EXPECT_TRUE(s.eof());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);  // not the 10 s handshake timeout
}

TEST(HttpFront, RFC9110_15_5_9_ASlowHeadGets408) {
  auto clock = std::make_shared<manual_clock>();
  front_server f({.threads = 1, .session = {.handshake_timeout = 10s}, .clock = clock});
  raw_socket s(f.srv->port());
  ASSERT_TRUE(s.send("GET /a.txt HTTP/1.1\r\nHo"));
  // The head timer runs from the accept: wait for it, then let the head time out.
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (f.srv->connection_count() == 0 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
  clock->advance(0s);  // a barrier: the accept handler that started the head timer has finished
  clock->advance(10s);
  const std::string r = s.read(5s);
  EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 408");
}

// Each request on a connection of its own: the status line it gets, and whether the server then
// closed the connection (every refusal below ends it). Reads until the close, or until `until`.
struct answered {
  std::string status;
  bool closed = false;
};
answered ask(const front_server& f, const std::string& request, const std::string& until = {}) {
  raw_socket s(f.srv->port());
  if (!s.send(request)) return {};
  const std::string r = s.read(5s, until);
  return {r.substr(0, r.find("\r\n")), s.eof()};
}

// RFC 6455 4.1 / 4.2.1 and RFC 9112 2.3: an upgrade with a body, over HTTP/1.0, or over another
// major version is refused with 400, 400 and 505, never switched with a 101.
TEST(HttpFront, RFC6455_4_1_UpgradeAttemptsOutsideTheHandshakeRulesNeverGet101) {
  front_server f;
  const std::string up = "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  const std::pair<std::string, std::string> cases[] = {
      {"GET /ws HTTP/1.1\r\n" + up + "Content-Length: 5\r\n\r\nhello", "HTTP/1.1 400 Bad Request"},
      {"GET /ws HTTP/1.1\r\n" + up + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
       "HTTP/1.1 400 Bad Request"},
      {"GET /ws HTTP/1.0\r\n" + up + "\r\n", "HTTP/1.1 400 Bad Request"},
      {"GET /ws HTTP/2.0\r\n" + up + "\r\n", "HTTP/1.1 505 HTTP Version Not Supported"},
  };
  for (const auto& [request, status] : cases) {
    const answered a = ask(f, request);
    EXPECT_EQ(a.status, status) << request;
    EXPECT_TRUE(a.closed) << request;
  }
  // The same head without the body switches.
  EXPECT_EQ(ask(f, "GET /ws HTTP/1.1\r\n" + up + "Content-Length: 0\r\n\r\n", "\r\n\r\n").status,
            "HTTP/1.1 101 Switching Protocols");
}

// RFC 9112 6.3 and RFC 9110 8.6: a body whose length two parsers could read differently is
// refused on any request, GET as well as POST, before the handler sees it.
TEST(HttpFront, RFC9112_6_3_AmbiguousBodyFramingIs400OnAnyRequest) {
  front_server f;
  for (const std::string method : {"GET", "POST"}) {
    for (const std::string fields : {"Content-Length: 3\r\nContent-Length: 3\r\n",
                                     "Content-Length: 3\r\nContent-Length: 4\r\n", "Content-Length: 3, 3\r\n",
                                     "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
                                     "Content-Length: -1\r\n", "Content-Length: +3\r\n", "Content-Length: 3a\r\n"}) {
      const answered a = ask(f, method + " /echo-body HTTP/1.1\r\nHost: x\r\n" + fields + "\r\nabc0\r\n\r\n");
      EXPECT_EQ(a.status, "HTTP/1.1 400 Bad Request") << method << " " << fields;
      EXPECT_TRUE(a.closed) << method << " " << fields;
    }
  }
}

TEST(HttpFront, AnUpgradeMayFollowPlainRequestsOnTheSameConnection) {
  front_server f;
  raw_socket s(f.srv->port());
  ASSERT_TRUE(s.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_NE(s.read(5s, "0123456789").find("200 OK"), std::string::npos);
  ASSERT_TRUE(s.send(upgrade_request("/ws")));
  ASSERT_NE(s.read(5s, "\r\n\r\n").find(" 101 "), std::string::npos);
  // A masked "hi" comes back unmasked.
  ASSERT_TRUE(s.send(std::string{'\x81', '\x82', '\x01', '\x02', '\x03', '\x04', 'h' ^ 1, 'i' ^ 2}));
  EXPECT_NE(s.read(5s, std::string{'\x81', '\x02', 'h', 'i'}).find(std::string{'\x81', '\x02', 'h', 'i'}),
            std::string::npos);
}

TEST(HttpFront, RFC9110_14_RangeRequestsGet206And416) {
  front_server f;
  raw_socket s(f.srv->port());
  ASSERT_TRUE(s.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=2-4\r\n\r\n"
                     "GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=50-\r\nConnection: close\r\n\r\n"));
  const std::string r = s.read(5s);
  EXPECT_NE(r.find("HTTP/1.1 206"), std::string::npos);
  EXPECT_NE(r.find("Content-Range: bytes 2-4/10"), std::string::npos);
  EXPECT_NE(r.find("\r\n\r\n234"), std::string::npos);
  EXPECT_NE(r.find("HTTP/1.1 416"), std::string::npos);
  EXPECT_NE(r.find("Content-Range: bytes */10"), std::string::npos);
}

TEST(HttpFront, StaticPathsCannotEscapeTheRootInAnyEncoding) {
  front_server f;
  for (const std::string target : {"//etc/passwd", "/%2Fetc%2Fhostname", "/..%2f..%2fetc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                                   "/.%2e/.%2e/etc/passwd", "/%5c..%5cetc%5cpasswd", "/a.txt%00.html", "/%c0%ae%c0%ae/etc/passwd"}) {
    raw_socket s(f.srv->port());
    ASSERT_TRUE(s.send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const std::string r = s.read(5s);
    EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 404") << target;
    EXPECT_EQ(r.find("root:"), std::string::npos) << target;
  }
}

TEST(HttpFront, LargeFilesAreStreamedInBoundedPieces) {
  front_server f;
  {
    std::ofstream big(f.dir + "/big.bin", std::ios::binary);
    const std::string mib(1 << 20, 'z');
    for (int i = 0; i < 8; ++i) big << mib;
  }
  raw_socket s(f.srv->port(), 16 * 1024);  // a slow reader: the server must not load the file whole
  ASSERT_TRUE(s.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string r = s.read(30s);
  const auto body = r.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(r.size() - body - 4, 8u << 20);
  EXPECT_EQ(count(r.substr(body + 4), "z"), 8u << 20);
}

}  // namespace
}  // namespace websock::test
