// Certificates made at test time, written as PEM files into a fresh temporary directory. The
// default is self-signed (RSA 2048, SAN localhost, 127.0.0.1 and ::1) and may act as a CA; a
// cert_spec makes the broken ones too: expired, for another name, issued by another CA, or for
// another use.
#pragma once

#include <filesystem>
#include <string>

namespace websock::test {

struct test_cert {
  std::string dir;
  std::string cert_file;
  std::string key_file;
};

struct cert_spec {
  std::string common_name = "localhost";  // a CA needs its own, or it looks like its leaves
  std::string subject_alt_names = "DNS:localhost,IP:127.0.0.1,IP:::1";
  long valid_from = -3600;      // seconds from now
  long valid_until = 24 * 3600;  // seconds from now; negative: expired
  bool is_ca = true;
  const test_cert* issuer = nullptr;  // signs the certificate; nullptr: self-signed
  std::string extended_key_usage;     // e.g. "clientAuth" (not for a TLS server); empty: none
};

// Throws std::runtime_error if OpenSSL fails.
test_cert make_test_cert(const cert_spec& spec = {});

// A CA a test trusts or not; its directory goes with it.
struct test_ca {
  explicit test_ca(const std::string& name = "websock test CA")
      : cert(make_test_cert({.common_name = name, .subject_alt_names = "DNS:ca.invalid"})) {}
  test_ca(const test_ca&) = delete;
  test_ca& operator=(const test_ca&) = delete;
  ~test_ca() { std::filesystem::remove_all(cert.dir); }
  test_cert cert;
};

}  // namespace websock::test
