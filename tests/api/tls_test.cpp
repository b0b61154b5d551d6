// wss:// with a certificate made at test time: verification is on by default; the server's TLS
// profile (Mozilla intermediate by default, tls_server_options) against a raw OpenSSL client.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <thread>

#include "raw_socket.hpp"
#include "recorder.hpp"
#include "test_cert.hpp"
#include "tls_server.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

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

// Issue 9 ("memory as a whole"): 3,000 half-done TLS handshakes cost about 84 KB each. With
// server_options::max_tls_handshakes the server stops accepting at the bound, so a further client
// waits in the kernel's backlog (here: until its own timeout) and is served once a place frees.
TEST(Tls, Issue9_TlsHandshakesBeyondTheBoundWaitToBeAccepted) {
  const test_cert cert = make_test_cert();
  server srv({.threads = 1, .tls = tls_server_options{cert.cert_file, cert.key_file}, .max_tls_handshakes = 2});
  srv.route("/echo", {.callbacks = {}});
  srv.listen("127.0.0.1", 0);
  srv.start();
  const std::string url = "wss://127.0.0.1:" + std::to_string(srv.port()) + "/echo";
  // Two peers that connect and never start their handshake hold both places.
  raw_socket idle1(srv.port()), idle2(srv.port());
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (srv.connection_count() < 2 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
  ASSERT_EQ(srv.connection_count(), 2u);
  client waits({.tls = {.verify = false}, .session = {.handshake_timeout = 500ms}});
  connection conn;
  std::string detail;
  EXPECT_TRUE(waits.connect_and_wait(url, conn, &detail)) << "accepted past the bound";
  // One idle peer leaves: its place frees and the next client is accepted and served.
  idle1.reset();
  client served({.tls = {.verify = false}});
  EXPECT_FALSE(served.connect_and_wait(url, conn, &detail)) << detail;
  std::filesystem::remove_all(cert.dir);
}

// A blocking OpenSSL client, to see exactly how the server ends the TLS session.
struct raw_tls_client {
  explicit raw_tls_client(std::uint16_t port, int max_version = 0) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ctx = SSL_CTX_new(TLS_client_method());
    if (max_version != 0) SSL_CTX_set_max_proto_version(ctx, max_version);
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

// What a raw OpenSSL client may offer: the highest version, and the suites for each version
// (empty: OpenSSL's defaults).
struct offer {
  int max_version = TLS1_3_VERSION;
  std::string cipher_list;   // TLS 1.2 and below
  std::string ciphersuites;  // TLS 1.3
  int min_version = 0;       // 0: OpenSSL's default floor
};

// One handshake with that offer over loopback: the suite the server chose, or "" when the
// handshake failed; `version` gets the protocol agreed.
std::string negotiate(std::uint16_t port, const offer& o, std::string* version = nullptr) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_max_proto_version(ctx, o.max_version);
  if (o.min_version != 0) SSL_CTX_set_min_proto_version(ctx, o.min_version);
  bool configured = true;
  if (!o.cipher_list.empty()) configured = SSL_CTX_set_cipher_list(ctx, o.cipher_list.c_str()) == 1;
  if (!o.ciphersuites.empty()) configured = configured && SSL_CTX_set_ciphersuites(ctx, o.ciphersuites.c_str()) == 1;
  std::string chosen;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SSL* ssl = SSL_new(ctx);
  if (configured && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
      chosen = SSL_get_cipher_name(ssl);
      if (version) *version = SSL_get_version(ssl);
    }
  }
  ERR_clear_error();
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ::close(fd);
  EXPECT_TRUE(configured) << "the test's own offer is not valid OpenSSL syntax";
  return chosen;
}

// A TLS 1.2 suite of the default profile.
bool in_profile(const std::string& suite) {
  const std::string list = std::string(":") + tls_intermediate_cipher_list + ":";
  return !suite.empty() && list.find(":" + suite + ":") != std::string::npos;
}

// Mozilla intermediate, TLS 1.2: a suite without forward secrecy (RSA key exchange) or with CBC
// is refused, whichever the client offers alone.
TEST(Tls, MozillaIntermediate_Tls12WithoutForwardSecrecyOrWithCbcIsRefused) {
  tls_server s;
  for (const char* suite : {"AES128-SHA", "AES256-SHA256", "AES128-GCM-SHA256", "AES256-GCM-SHA384",
                            "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384"}) {
    EXPECT_EQ(negotiate(s.srv->port(), {.max_version = TLS1_2_VERSION, .cipher_list = suite}), "") << suite;
  }
}

// ECDHE with AES-GCM or ChaCha20-Poly1305 is accepted, and the WebSocket runs over it.
TEST(Tls, MozillaIntermediate_Tls12EcdheWithAeadIsAccepted) {
  tls_server s;
  for (const char* suite : {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"}) {
    std::string version;
    EXPECT_EQ(negotiate(s.srv->port(), {.max_version = TLS1_2_VERSION, .cipher_list = suite}, &version), suite);
    EXPECT_EQ(version, "TLSv1.2");
  }
  // A client offering every suite at 1.2 gets one of the profile.
  const std::string any = negotiate(s.srv->port(), {.max_version = TLS1_2_VERSION, .cipher_list = "ALL"});
  EXPECT_TRUE(in_profile(any)) << any;
}

TEST(Tls, MozillaIntermediate_Tls13IsAccepted) {
  tls_server s;
  for (const char* suite : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
    std::string version;
    EXPECT_EQ(negotiate(s.srv->port(), {.ciphersuites = suite, .min_version = TLS1_3_VERSION}, &version), suite);
    EXPECT_EQ(version, "TLSv1.3");
  }
  // The whole exchange over the default client offer: TLS 1.3 and an echo.
  recorder r;
  client c({.tls = {.ca_file = s.cert.cert_file}});
  c.callbacks() = r.make();
  connection conn = c.connect_and_wait(s.url());
  ASSERT_FALSE(conn.send_text("thirteen"));
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 1; }));
  EXPECT_EQ(r.messages[0].data, "thirteen");
}

// RFC 8996: TLS 1.0 and 1.1 are refused, even to a client that would take any suite.
TEST(Tls, RFC8996_Tls11AndBelowAreRefused) {
  tls_server s;
  EXPECT_EQ(negotiate(s.srv->port(), {.max_version = TLS1_1_VERSION, .cipher_list = "ALL:@SECLEVEL=0"}), "");
  EXPECT_EQ(negotiate(s.srv->port(), {.max_version = TLS1_VERSION, .cipher_list = "ALL:@SECLEVEL=0"}), "");
}

// No renegotiation: a client asking for one on an established TLS 1.2 session gets the
// no_renegotiation alert, and its new handshake fails.
TEST(Tls, NoRenegotiation_ClientInitiatedRenegotiationIsRefused) {
  tls_server s;
  raw_tls_client c(s.srv->port(), TLS1_2_VERSION);
  ASSERT_TRUE(c.connected);
  ASSERT_EQ(SSL_renegotiate(c.ssl), 1);
  EXPECT_NE(SSL_do_handshake(c.ssl), 1);
  EXPECT_EQ(ERR_GET_REASON(ERR_peek_error()), SSL_R_NO_RENEGOTIATION) << ERR_error_string(ERR_peek_error(), nullptr);
  ERR_clear_error();
}

// tls_server_options: the suites of each version and the lowest version are the server's choice.
TEST(Tls, TlsServerOptions_CipherListCiphersuitesAndMinVersionAreConfigurable) {
  {
    tls_server only_256([](tls_server_options& t) { t.cipher_list = "ECDHE-RSA-AES256-GCM-SHA384"; });
    const auto port = only_256.srv->port();
    EXPECT_EQ(negotiate(port, {.max_version = TLS1_2_VERSION, .cipher_list = "ECDHE-RSA-AES128-GCM-SHA256"}), "");
    EXPECT_EQ(negotiate(port, {.max_version = TLS1_2_VERSION, .cipher_list = "ECDHE-RSA-AES256-GCM-SHA384"}),
              "ECDHE-RSA-AES256-GCM-SHA384");
  }
  {
    tls_server chacha_13([](tls_server_options& t) { t.ciphersuites = "TLS_CHACHA20_POLY1305_SHA256"; });
    const auto port = chacha_13.srv->port();
    EXPECT_EQ(negotiate(port, {.ciphersuites = "TLS_AES_128_GCM_SHA256", .min_version = TLS1_3_VERSION}), "");
    EXPECT_EQ(negotiate(port, {.ciphersuites = "TLS_CHACHA20_POLY1305_SHA256", .min_version = TLS1_3_VERSION}),
              "TLS_CHACHA20_POLY1305_SHA256");
  }
  {
    tls_server only_13([](tls_server_options& t) { t.min_version = tls_version::tls1_3; });
    const auto port = only_13.srv->port();
    EXPECT_EQ(negotiate(port, {.max_version = TLS1_2_VERSION, .cipher_list = "ECDHE-RSA-AES128-GCM-SHA256"}), "");
    std::string version;
    EXPECT_NE(negotiate(port, {}, &version), "");
    EXPECT_EQ(version, "TLSv1.3");
  }
  {
    tls_server no_13([](tls_server_options& t) { t.ciphersuites.clear(); });
    std::string version;
    const std::string chosen = negotiate(no_13.srv->port(), {}, &version);
    EXPECT_TRUE(in_profile(chosen)) << chosen;
    EXPECT_EQ(version, "TLSv1.2");
  }
}

// Suites OpenSSL matches to nothing, or TLS 1.3 only without its suites: start() says so.
TEST(Tls, TlsServerOptions_SuitesOpenSslCannotMatchFailAtStart) {
  const test_cert cert = make_test_cert();
  struct settings {
    std::string cipher_list, ciphersuites;
    tls_version min_version = tls_version::tls1_2;
  };
  for (const auto& [list, suites, min] : {settings{"NO-SUCH-SUITE", tls_intermediate_ciphersuites},
                                          settings{tls_intermediate_cipher_list, "TLS_NO_SUCH_SUITE"},
                                          settings{tls_intermediate_cipher_list, "", tls_version::tls1_3}}) {
    server srv({.threads = 1, .tls = tls_server_options{.cert_file = cert.cert_file, .key_file = cert.key_file,
                                                         .cipher_list = list, .ciphersuites = suites,
                                                         .min_version = min}});
    srv.listen("127.0.0.1", 0);
    EXPECT_THROW(srv.start(), std::system_error) << list << " / " << suites;
  }
  std::filesystem::remove_all(cert.dir);
}

TEST(Tls, BadKeyFileFailsAtStart) {
  server srv({.threads = 1, .tls = tls_server_options{"/nonexistent.pem", "/nonexistent.key"}});
  srv.listen("127.0.0.1", 0);
  EXPECT_THROW(srv.start(), std::system_error);
}

}  // namespace
}  // namespace websock::test
