// wss:// with a certificate made at test time: verification is on by default.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>

#include "raw_socket.hpp"
#include "recorder.hpp"
#include "test_cert.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

struct tls_server {
  tls_server() : cert(make_test_cert()) {
    srv = std::make_unique<server>(server_options{.threads = 1, .tls = tls_server_options{cert.cert_file, cert.key_file}});
    srv->route("/echo", {.callbacks = server_side.make(true)});
    srv->listen("127.0.0.1", 0);
    srv->start();
  }
  ~tls_server() {
    srv.reset();
    std::filesystem::remove_all(cert.dir);
  }
  std::string url(const std::string& host = "127.0.0.1") const {
    return "wss://" + host + ":" + std::to_string(srv->port()) + "/echo";
  }
  test_cert cert;
  recorder server_side;
  std::unique_ptr<server> srv;
};

TEST(Tls, EchoOverWssWithTheTestCa) {
  tls_server s;
  recorder r;
  client c({.tls = {.ca_file = s.cert.cert_file}});
  c.callbacks() = r.make();
  connection conn = c.connect_and_wait(s.url());
  const std::string big = pattern(1u << 20, false);
  ASSERT_FALSE(conn.send_text("secure"));
  ASSERT_FALSE(conn.send_binary(bytes(big)));
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 2; }));
  EXPECT_EQ(r.messages[0].data, "secure");
  EXPECT_TRUE(r.messages[1].data == big);
  ASSERT_FALSE(conn.close(4000, "done"));
  ASSERT_TRUE(r.wait([&] { return r.closes.size() == 1; }));
  EXPECT_EQ(r.closes[0].code, 4000);
}

TEST(Tls, HostNameIsVerified) {
  tls_server s;
  // "localhost" is in the certificate: SNI and name check pass.
  client ok({.tls = {.ca_file = s.cert.cert_file}});
  EXPECT_NO_THROW(ok.connect_and_wait(s.url("localhost")));
  // A name the certificate does not carry fails, although the CA is trusted.
  client wrong({.tls = {.ca_file = s.cert.cert_file, .server_name = "example.org"}});
  connection conn;
  std::string detail;
  EXPECT_TRUE(wrong.connect_and_wait(s.url(), conn, &detail));
  EXPECT_NE(detail.find("TLS"), std::string::npos) << detail;
}

TEST(Tls, UntrustedCertificateFailsByDefault) {
  tls_server s;
  client c;  // system CAs only
  connection conn;
  std::string detail;
  EXPECT_TRUE(c.connect_and_wait(s.url(), conn, &detail));
  EXPECT_FALSE(conn);
  EXPECT_NE(detail.find("TLS handshake failed"), std::string::npos) << detail;
}

TEST(Tls, InsecureModeSkipsVerification) {
  tls_server s;
  client c({.tls = {.verify = false}});
  EXPECT_NO_THROW(c.connect_and_wait(s.url()));
}

// A blocking OpenSSL client, to see exactly how the server ends the TLS session.
struct raw_tls_client {
  explicit raw_tls_client(std::uint16_t port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ctx = SSL_CTX_new(TLS_client_method());
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    connected = connected && SSL_connect(ssl) == 1;
  }
  ~raw_tls_client() {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ::close(fd);
  }
  bool write(const std::string& data) { return SSL_write(ssl, data.data(), static_cast<int>(data.size())) > 0; }
  // Reads until `until` has arrived (or the session ended); returns everything read.
  std::string read_until(const std::string& until) {
    std::string got;
    char buf[4096];
    while (got.find(until) == std::string::npos) {
      const int n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0) {
        last_error = SSL_get_error(ssl, n);
        break;
      }
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }
  int fd = -1;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  bool connected = false;
  int last_error = SSL_ERROR_NONE;
};

TEST(Tls, ServerEndsTheTlsSessionWithCloseNotifyAfterTheCloseHandshake) {
  tls_server s;
  raw_tls_client c(s.srv->port());
  ASSERT_TRUE(c.connected);
  ASSERT_TRUE(c.write(upgrade_request("/echo")));
  ASSERT_NE(c.read_until("\r\n\r\n").find(" 101 "), std::string::npos);
  // A masked close 1000 (mask 0); the server answers it, then ends TLS and TCP.
  ASSERT_TRUE(c.write(std::string{'\x88', '\x82', '\x00', '\x00', '\x00', '\x00', '\x03', '\xe8'}));
  const std::string reply = c.read_until("\x03\xe8");
  EXPECT_NE(reply.find(std::string{'\x88', '\x02', '\x03', '\xe8'}), std::string::npos);
  c.read_until(std::string(1, '\0') + "never");  // until the session ends
  // SSL_ERROR_ZERO_RETURN: a close_notify arrived. A bare FIN would be SSL_ERROR_SSL
  // ("unexpected eof while reading") and a timeout SSL_ERROR_SYSCALL.
  EXPECT_EQ(c.last_error, SSL_ERROR_ZERO_RETURN) << ERR_error_string(ERR_get_error(), nullptr);
}

TEST(Tls, BadKeyFileFailsAtStart) {
  server srv({.threads = 1, .tls = tls_server_options{"/nonexistent.pem", "/nonexistent.key"}});
  srv.listen("127.0.0.1", 0);
  EXPECT_THROW(srv.start(), std::system_error);
}

}  // namespace
}  // namespace websock::test
