// A certificate that fails verification says which check failed (issue 9): OpenSSL's verify
// result, not only "certificate verify failed". Each case is a certificate made at test time.
#include <gtest/gtest.h>

#include <openssl/x509_vfy.h>

#include "test_cert.hpp"
#include "tls_server.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

// The detail of a failed connect to `s` by a client that trusts `ca_file` ("": the system's).
std::string failure(const tls_server& s, const std::string& ca_file, const std::string& host = "127.0.0.1",
                    const std::string& server_name = {}) {
  client c({.tls = {.ca_file = ca_file, .server_name = server_name}});
  connection conn;
  std::string detail;
  EXPECT_TRUE(c.connect_and_wait(s.url(host), conn, &detail)) << "the connect should fail";
  EXPECT_FALSE(conn);
  return detail;
}

std::string verify_failed(long x509_error) {
  return std::string("TLS handshake failed: certificate verify failed: ") + X509_verify_cert_error_string(x509_error);
}

TEST(TlsVerify, Issue9_SelfSignedCertificateIsNamed) {
  tls_server s;  // self-signed, not among the system's CAs
  EXPECT_EQ(failure(s, ""), verify_failed(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT));
}

TEST(TlsVerify, Issue9_CertificateForAnotherHostNameIsNamed) {
  tls_server s;
  EXPECT_EQ(failure(s, s.cert.cert_file, "127.0.0.1", "example.org"), verify_failed(X509_V_ERR_HOSTNAME_MISMATCH));
}

TEST(TlsVerify, Issue9_CertificateForAnotherAddressIsNamed) {
  test_ca ca;
  tls_server s(make_test_cert({.subject_alt_names = "DNS:localhost", .is_ca = false, .issuer = &ca.cert}));
  EXPECT_EQ(failure(s, ca.cert.cert_file), verify_failed(X509_V_ERR_IP_ADDRESS_MISMATCH));
  client by_name({.tls = {.ca_file = ca.cert.cert_file}});
  EXPECT_NO_THROW(by_name.connect_and_wait(s.url("localhost"))) << "the same certificate is right for its name";
}

TEST(TlsVerify, Issue9_ExpiredCertificateIsNamed) {
  test_ca ca;
  tls_server s(make_test_cert({.valid_from = -2 * 86400, .valid_until = -86400, .is_ca = false, .issuer = &ca.cert}));
  EXPECT_EQ(failure(s, ca.cert.cert_file), verify_failed(X509_V_ERR_CERT_HAS_EXPIRED));
}

TEST(TlsVerify, Issue9_CertificateNotYetValidIsNamed) {
  test_ca ca;
  tls_server s(make_test_cert({.valid_from = 86400, .valid_until = 2 * 86400, .is_ca = false, .issuer = &ca.cert}));
  EXPECT_EQ(failure(s, ca.cert.cert_file), verify_failed(X509_V_ERR_CERT_NOT_YET_VALID));
}

TEST(TlsVerify, Issue9_CertificateFromAnUnknownCaIsNamed) {
  test_ca issuer;
  test_ca other("another test CA");
  tls_server s(make_test_cert({.is_ca = false, .issuer = &issuer.cert}));
  EXPECT_EQ(failure(s, other.cert.cert_file), verify_failed(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY));
  client trusted({.tls = {.ca_file = issuer.cert.cert_file}});
  EXPECT_NO_THROW(trusted.connect_and_wait(s.url())) << "its own CA accepts it";
}

}  // namespace
}  // namespace websock::test
