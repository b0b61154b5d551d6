// wss:// with a certificate made at test time: verification is on by default.
#include <gtest/gtest.h>

#include <filesystem>

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

TEST(Tls, BadKeyFileFailsAtStart) {
  server srv({.threads = 1, .tls = tls_server_options{"/nonexistent.pem", "/nonexistent.key"}});
  srv.listen("127.0.0.1", 0);
  EXPECT_THROW(srv.start(), std::system_error);
}

}  // namespace
}  // namespace websock::test
