// Plain HTTP on the WebSocket port: static files, the application's handler, 404.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "raw_socket.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

struct static_server {
  static_server() {
    char tmpl[] = "/tmp/websock-static-XXXXXX";
    dir = ::mkdtemp(tmpl);
    std::filesystem::create_directory(dir + "/sub");
    std::ofstream(dir + "/hello.txt") << "hello from disk\n";
    std::ofstream(dir + "/index.html") << "<h1>index</h1>";
    std::ofstream(dir + "/sub/app.js") << "console.log(1)";
    srv = std::make_unique<server>(server_options{.threads = 1, .static_dir = dir});
    srv->on_http([](const http_request& r) -> std::optional<http_response> {
      if (r.path == "/api/status") return http_response{.content_type = "application/json", .body = "{\"ok\":true}"};
      return std::nullopt;
    });
    srv->route("/ws", {});
    srv->listen("127.0.0.1", 0);
    srv->start();
  }
  ~static_server() {
    srv.reset();
    std::filesystem::remove_all(dir);
  }
  std::string get(const std::string& target, const std::string& method = "GET") {
    raw_socket s(srv->port());
    s.send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    return s.read(5s);  // the server closes after its answer
  }
  std::string dir;
  std::unique_ptr<server> srv;
};

std::string body_of(const std::string& response) {
  const auto p = response.find("\r\n\r\n");
  return p == std::string::npos ? std::string{} : response.substr(p + 4);
}

TEST(Http, ServesAFileWithItsType) {
  static_server s;
  const std::string r = s.get("/hello.txt");
  EXPECT_EQ(r.substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_NE(r.find("Content-Type: text/plain"), std::string::npos);
  EXPECT_NE(r.find("Content-Length: 16"), std::string::npos);
  EXPECT_EQ(body_of(r), "hello from disk\n");
  EXPECT_NE(s.get("/sub/app.js").find("text/javascript"), std::string::npos);
}

TEST(Http, DirectoryMeansIndexHtml) {
  static_server s;
  const std::string r = s.get("/");
  EXPECT_EQ(body_of(r), "<h1>index</h1>");
  EXPECT_NE(r.find("text/html"), std::string::npos);
}

TEST(Http, MissingFileIs404) {
  static_server s;
  EXPECT_EQ(s.get("/nope.txt").substr(0, 12), "HTTP/1.1 404");
}

TEST(Http, PathsCannotLeaveTheRoot) {
  static_server s;
  EXPECT_EQ(s.get("/../../etc/passwd").substr(0, 12), "HTTP/1.1 404");
  EXPECT_EQ(s.get("/%2e%2e/%2e%2e/etc/passwd").substr(0, 12), "HTTP/1.1 404");
  EXPECT_EQ(s.get("/sub/../../etc/hostname").substr(0, 12), "HTTP/1.1 404");
}

TEST(Http, ApplicationHandlerComesFirst) {
  static_server s;
  const std::string r = s.get("/api/status");
  EXPECT_NE(r.find("application/json"), std::string::npos);
  EXPECT_EQ(body_of(r), "{\"ok\":true}");
}

TEST(Http, HeadHasNoBodyAndPostIs405) {
  static_server s;
  const std::string head = s.get("/hello.txt", "HEAD");
  EXPECT_NE(head.find("Content-Length: 16"), std::string::npos);
  EXPECT_EQ(body_of(head), "");
  EXPECT_EQ(s.get("/hello.txt", "POST").substr(0, 12), "HTTP/1.1 405");
}

TEST(Http, BadUpgradeGetsARefusal) {
  static_server s;
  raw_socket sock(s.srv->port());
  // Upgrade without a key: 400, not a page.
  sock.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n");
  EXPECT_EQ(sock.read(5s).substr(0, 12), "HTTP/1.1 400");
}

}  // namespace
}  // namespace websock::test
