// A self-signed certificate made at test time (RSA 2048, SAN localhost and 127.0.0.1), written
// as PEM files into a fresh temporary directory.
#pragma once

#include <string>

namespace websock::test {

struct test_cert {
  std::string dir;
  std::string cert_file;
  std::string key_file;
};

// Throws std::runtime_error if OpenSSL fails.
test_cert make_test_cert();

}  // namespace websock::test
