// Certificates made at test time, written as PEM files into a fresh temporary directory. The
// default is self-signed (RSA 2048, SAN localhost, 127.0.0.1 and ::1) and may act as a CA; a
// cert_spec makes the broken ones too: expired, for another name, or issued by another CA.
#pragma once

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
};

// Throws std::runtime_error if OpenSSL fails.
test_cert make_test_cert(const cert_spec& spec = {});

}  // namespace websock::test
