// The connector's verification policy: each allow_ flag forgives one check of RFC 5280 path
// validation (or the RFC 6125 name check) and nothing else, and a refused handshake reports the
// category of the check that failed. Each case is a server with a certificate made at test time
// that fails exactly that check; the client trusts `ca` unless the case says otherwise.
#include <gtest/gtest.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "net/connector.hpp"
#include "net/tls.hpp"
#include "test_cert.hpp"
#include "tls_server.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

using net::bit;
using net::tls_failure;
using net::tls_verify_policy;
using namespace std::chrono_literals;

struct outcome {
  std::error_code ec;
  net::connect_failure report;
  bool connected = false;
  unsigned seen_on_success = 0;  // tls_verify_failures_seen of the open stream
};

// One connect through net::async_connect, on a loop of the test's own that runs until `done`.
outcome connect_with(const tls_server& s, const std::string& ca_file, const tls_verify_policy& policy,
                     const std::string& host = "127.0.0.1", const std::string& server_name = {}) {
  std::error_code ec;
  auto tls = net::make_client_context({.ca_file = ca_file}, ec);
  EXPECT_FALSE(ec) << ec.message();
  asio::io_context loop;
  net::connect_request req;
  req.host = host;
  req.port = s.srv->port();
  req.tls = tls;
  req.tls_policy = policy;
  req.server_name = server_name;
  req.timeout = 10s;  // a hang fails the test instead of blocking it
  outcome out;
  net::async_connect(loop, std::move(req), [&](std::error_code e, net::any_stream* stream, const net::connect_failure& f) {
    out.ec = e;
    out.report = f;
    if (stream == nullptr) return;
    out.connected = true;
    out.seen_on_success = net::tls_verify_failures_seen(std::get<net::tls_socket>(*stream).stream());
  });
  loop.run();
  return out;
}

constexpr tls_verify_policy allow_only_unknown_ca{.allow_unknown_ca = true};
constexpr tls_verify_policy allow_only_name_mismatch{.allow_name_mismatch = true};
constexpr tls_verify_policy allow_only_expired{.allow_expired = true};
constexpr tls_verify_policy allow_only_wrong_usage{.allow_wrong_usage = true};

// Every flag but the one that would forgive `f`.
tls_verify_policy all_but(tls_failure f) {
  return {.allow_unknown_ca = f != tls_failure::unknown_ca,
          .allow_name_mismatch = f != tls_failure::name_mismatch,
          .allow_expired = f != tls_failure::expired,
          .allow_wrong_usage = f != tls_failure::wrong_usage};
}

// The three outcomes for a certificate failing only the check of category `f`: refused by
// default with `f` named, accepted with the one flag (which saw `f`), refused with all the others.
void expect_only(tls_failure f, const tls_verify_policy& the_flag, const tls_server& s, const std::string& ca_file,
                 const std::string& host = "127.0.0.1", const std::string& server_name = {}) {
  const outcome by_default = connect_with(s, ca_file, {}, host, server_name);
  EXPECT_FALSE(by_default.connected);
  EXPECT_TRUE(by_default.ec);
  EXPECT_EQ(by_default.report.tls_failures, bit(f)) << by_default.report.detail;
  EXPECT_EQ(by_default.report.tls_seen, bit(f));

  const outcome forgiven = connect_with(s, ca_file, the_flag, host, server_name);
  EXPECT_TRUE(forgiven.connected) << forgiven.report.detail;
  EXPECT_EQ(forgiven.seen_on_success, bit(f)) << "the forgiven failure is still on record";

  const outcome other_flags = connect_with(s, ca_file, all_but(f), host, server_name);
  EXPECT_FALSE(other_flags.connected);
  EXPECT_EQ(other_flags.report.tls_failures, bit(f)) << other_flags.report.detail;
}

class TlsPolicy : public ::testing::Test {
 protected:
  test_ca ca;  // the CA the client trusts
  test_cert issued(cert_spec spec) {
    spec.is_ca = false;
    spec.issuer = &ca.cert;
    return make_test_cert(spec);
  }
};

TEST_F(TlsPolicy, Rfc5280_6_1_UntrustedIssuerRefusedUnlessUnknownCaAllowed) {
  test_ca stranger("a CA nobody trusts");
  tls_server s(make_test_cert({.is_ca = false, .issuer = &stranger.cert}));
  expect_only(tls_failure::unknown_ca, allow_only_unknown_ca, s, ca.cert.cert_file);
}

TEST_F(TlsPolicy, Rfc5280_6_1_SelfSignedRefusedUnlessUnknownCaAllowed) {
  tls_server s;  // self-signed
  expect_only(tls_failure::unknown_ca, allow_only_unknown_ca, s, ca.cert.cert_file);
}

TEST_F(TlsPolicy, Rfc6125_6_2_OtherAddressRefusedUnlessNameMismatchAllowed) {
  tls_server s(issued({.subject_alt_names = "DNS:localhost"}));  // not 127.0.0.1
  expect_only(tls_failure::name_mismatch, allow_only_name_mismatch, s, ca.cert.cert_file);
}

TEST_F(TlsPolicy, Rfc6125_6_4_OtherHostNameRefusedUnlessNameMismatchAllowed) {
  tls_server s(issued({}));
  expect_only(tls_failure::name_mismatch, allow_only_name_mismatch, s, ca.cert.cert_file, "127.0.0.1", "example.org");
}

TEST_F(TlsPolicy, Rfc5280_4_1_2_5_ExpiredRefusedUnlessExpiredAllowed) {
  tls_server s(issued({.valid_from = -2 * 86400, .valid_until = -86400}));
  expect_only(tls_failure::expired, allow_only_expired, s, ca.cert.cert_file);
}

TEST_F(TlsPolicy, Rfc5280_4_1_2_5_NotYetValidRefusedUnlessExpiredAllowed) {
  tls_server s(issued({.valid_from = 86400, .valid_until = 2 * 86400}));
  expect_only(tls_failure::expired, allow_only_expired, s, ca.cert.cert_file);
}

TEST_F(TlsPolicy, Rfc5280_4_2_1_12_ClientOnlyKeyUsageRefusedUnlessWrongUsageAllowed) {
  tls_server s(issued({.extended_key_usage = "clientAuth"}));
  expect_only(tls_failure::wrong_usage, allow_only_wrong_usage, s, ca.cert.cert_file);
}

TEST_F(TlsPolicy, EachFlagForgivesOnlyItsCheck_ExpiredFromAnUnknownCaNeedsBoth) {
  test_ca stranger("a CA nobody trusts");
  tls_server s(make_test_cert({.valid_from = -2 * 86400, .valid_until = -86400, .is_ca = false, .issuer = &stranger.cert}));
  const outcome one = connect_with(s, ca.cert.cert_file, allow_only_unknown_ca);
  EXPECT_FALSE(one.connected);
  EXPECT_EQ(one.report.tls_failures, bit(tls_failure::expired)) << one.report.detail;
  EXPECT_EQ(one.report.tls_seen, bit(tls_failure::unknown_ca) | bit(tls_failure::expired));
  EXPECT_NE(one.report.detail.find("certificate has expired"), std::string::npos) << one.report.detail;

  const outcome both = connect_with(s, ca.cert.cert_file, {.allow_unknown_ca = true, .allow_expired = true});
  EXPECT_TRUE(both.connected) << both.report.detail;
  EXPECT_EQ(both.seen_on_success, bit(tls_failure::unknown_ca) | bit(tls_failure::expired));
}

// The name is checked at depth 0, the intermediate's dates at depth 1: forgiving the one must not
// let the other through.
TEST_F(TlsPolicy, EachFlagForgivesOnlyItsCheck_ExpiredIntermediateUnderAForgivenName) {
  test_cert intermediate =
      make_test_cert({.common_name = "an expired intermediate", .subject_alt_names = "DNS:ca.invalid",
                      .valid_from = -2 * 86400, .valid_until = -86400, .issuer = &ca.cert});
  test_cert leaf = make_test_cert({.subject_alt_names = "DNS:localhost", .is_ca = false, .issuer = &intermediate});
  {
    // The server sends its chain: the leaf, then the intermediate.
    std::ifstream in(intermediate.cert_file);
    std::ofstream(leaf.cert_file, std::ios::app) << in.rdbuf();
  }
  std::filesystem::remove_all(intermediate.dir);
  tls_server s(std::move(leaf));

  const outcome name_only = connect_with(s, ca.cert.cert_file, allow_only_name_mismatch);
  EXPECT_FALSE(name_only.connected);
  EXPECT_EQ(name_only.report.tls_failures, bit(tls_failure::expired)) << name_only.report.detail;

  const outcome dates_only = connect_with(s, ca.cert.cert_file, allow_only_expired);
  EXPECT_FALSE(dates_only.connected);
  EXPECT_EQ(dates_only.report.tls_failures, bit(tls_failure::name_mismatch)) << dates_only.report.detail;

  const outcome both = connect_with(s, ca.cert.cert_file, {.allow_name_mismatch = true, .allow_expired = true});
  EXPECT_TRUE(both.connected) << both.report.detail;
  EXPECT_EQ(both.seen_on_success, bit(tls_failure::name_mismatch) | bit(tls_failure::expired));
}

TEST_F(TlsPolicy, ValidCertificateConnectsWithNothingOnRecord) {
  tls_server s(issued({}));
  const outcome o = connect_with(s, ca.cert.cert_file, {});
  EXPECT_TRUE(o.connected) << o.report.detail;
  EXPECT_EQ(o.seen_on_success, 0u);
}

TEST_F(TlsPolicy, VerifyOffAcceptsAnythingAndRecordsNothing) {
  test_ca stranger("a CA nobody trusts");
  tls_server s(make_test_cert({.subject_alt_names = "DNS:localhost", .valid_from = -2 * 86400,
                               .valid_until = -86400, .is_ca = false, .issuer = &stranger.cert}));
  const outcome o = connect_with(s, ca.cert.cert_file, {.verify = false});
  EXPECT_TRUE(o.connected) << o.report.detail;
  EXPECT_EQ(o.seen_on_success, 0u);
}

// No certificate at all: a plain ws:// server answers the ClientHello as bad HTTP.
TEST_F(TlsPolicy, TlsExchangeFailureIsAChannelError) {
  server plain({.threads = 1});
  plain.listen("127.0.0.1", 0);
  plain.start();
  asio::io_context loop;
  std::error_code ec;
  net::connect_request req;
  req.host = "127.0.0.1";
  req.port = plain.port();
  req.tls = net::make_client_context({.ca_file = ca.cert.cert_file}, ec);
  req.timeout = 10s;
  net::connect_failure report;
  std::error_code failed;
  net::async_connect(loop, std::move(req), [&](std::error_code e, net::any_stream*, const net::connect_failure& f) {
    failed = e;
    report = f;
  });
  loop.run();
  EXPECT_TRUE(failed);
  EXPECT_EQ(report.tls_failures, bit(tls_failure::channel_error)) << report.detail;
  EXPECT_EQ(report.tls_seen, 0u);
}

TEST_F(TlsPolicy, TransportFailureIsNoTlsCategory) {
  std::uint16_t closed_port = 0;
  {
    server probe({.threads = 1});
    probe.listen("127.0.0.1", 0);
    closed_port = probe.port();
  }  // nothing listens there now
  asio::io_context loop;
  std::error_code ec;
  net::connect_request req;
  req.host = "127.0.0.1";
  req.port = closed_port;
  req.tls = net::make_client_context({.ca_file = ca.cert.cert_file}, ec);
  net::connect_failure report;
  bool failed = false;
  net::async_connect(loop, std::move(req), [&](std::error_code e, net::any_stream*, const net::connect_failure& f) {
    failed = static_cast<bool>(e);
    report = f;
  });
  loop.run();
  EXPECT_TRUE(failed);
  EXPECT_EQ(report.tls_failures, 0u) << report.detail;
}

// The old handler (a description only) still gets the same line.
TEST_F(TlsPolicy, DescriptionOnlyHandlerStillGetsTheLine) {
  test_ca stranger("a CA nobody trusts");
  tls_server s(make_test_cert({.is_ca = false, .issuer = &stranger.cert}));
  asio::io_context loop;
  std::error_code ec;
  net::connect_request req;
  req.host = "127.0.0.1";
  req.port = s.srv->port();
  req.tls = net::make_client_context({.ca_file = ca.cert.cert_file}, ec);
  std::string detail;
  net::async_connect(loop, std::move(req),
                     net::connect_handler([&](std::error_code, net::any_stream*, const std::string& d) { detail = d; }));
  loop.run();
  EXPECT_EQ(detail, std::string("TLS handshake failed: certificate verify failed: ") +
                        X509_verify_cert_error_string(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY));
}

// OpenSSL's default paths (no ca_file) honour SSL_CERT_FILE and SSL_CERT_DIR, read when the
// client context is made. The variables are changed in a child process (a threadsafe death test
// runs this test again in a fresh process) before that child starts any thread, so setenv races
// with no getenv and the parent's environment is untouched. Both are unset first: the machine's
// own may name the system store, and the control case must see only OpenSSL's built-in paths.
enum class trust_by { nothing, cert_file, cert_dir };

// Exit codes of the child: 0 connected, 2 refused for an unknown CA, 1 anything else.
int connect_trusting_by_environment(trust_by how) {
  int code = 1;
  {
    test_ca own("a CA named by the environment");
    ::unsetenv("SSL_CERT_FILE");
    ::unsetenv("SSL_CERT_DIR");
    if (how == trust_by::cert_file) ::setenv("SSL_CERT_FILE", own.cert.cert_file.c_str(), 1);
    if (how == trust_by::cert_dir) {
      // A hashed directory, as c_rehash makes: <subject name hash>.0 for each CA.
      FILE* f = std::fopen(own.cert.cert_file.c_str(), "r");
      X509* x = f == nullptr ? nullptr : PEM_read_X509(f, nullptr, nullptr, nullptr);
      if (f != nullptr) std::fclose(f);
      if (x == nullptr) return 1;
      char name[32];
      std::snprintf(name, sizeof name, "%08lx.0", X509_subject_name_hash(x));
      X509_free(x);
      const std::filesystem::path dir = std::filesystem::path(own.cert.dir) / "hashed";
      std::filesystem::create_directory(dir);
      std::filesystem::copy_file(own.cert.cert_file, dir / name);
      ::setenv("SSL_CERT_DIR", dir.c_str(), 1);
    }
    tls_server s(make_test_cert({.is_ca = false, .issuer = &own.cert}));
    const outcome o = connect_with(s, "", {});
    std::fprintf(stderr, o.connected ? "trusted\n" : "refused: %s\n", o.report.detail.c_str());
    if (o.connected) code = 0;
    if (o.report.tls_failures == bit(tls_failure::unknown_ca)) code = 2;
  }
  return code;
}

TEST(TlsPolicyTrustStore, DefaultPathsHonourSslCertFile) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::_Exit(connect_trusting_by_environment(trust_by::cert_file)), ::testing::ExitedWithCode(0), "trusted");
}

TEST(TlsPolicyTrustStore, DefaultPathsHonourSslCertDir) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::_Exit(connect_trusting_by_environment(trust_by::cert_dir)), ::testing::ExitedWithCode(0), "trusted");
}

TEST(TlsPolicyTrustStore, WithoutEitherVariableTheSameCaIsUnknown) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::_Exit(connect_trusting_by_environment(trust_by::nothing)), ::testing::ExitedWithCode(2),
              "refused: .*unable to get local issuer certificate");
}

}  // namespace
}  // namespace websock::test
