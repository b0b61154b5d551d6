// How a client verifies the server's certificate, one connection at a time: a policy that may
// relax single checks (an unknown CA, a name that does not match, a date out of range, a key
// usage that does not allow a TLS server), and the categories of the failures OpenSSL found.
// The policy lives with the connection's SSL object (ex_data), so it needs no owner of its own
// and follows the stream wherever it is moved.
#pragma once

#include <openssl/ssl.h>

#include <system_error>

namespace websock::net {

// Default: verify everything. Each allow_ flag accepts one category of verify error and nothing
// else, so a certificate failing two checks still needs both flags.
struct tls_verify_policy {
  bool verify = true;  // false: nothing is checked (and nothing recorded)
  bool allow_unknown_ca = false;     // self-signed, issuer not found, root not trusted
  bool allow_name_mismatch = false;  // the certificate names another host or address
  bool allow_expired = false;        // expired or not valid yet (any certificate of the chain)
  bool allow_wrong_usage = false;    // its key usage or extended key usage excludes a TLS server
};

// Categories of a failed client handshake, as bits of an unsigned set.
enum class tls_failure : unsigned {
  none = 0,
  unknown_ca = 1,
  name_mismatch = 2,
  expired = 4,
  wrong_usage = 8,
  revoked = 16,
  invalid_cert = 32,          // any other verify error: a bad signature, a malformed extension...
  channel_error = 64,         // the TLS exchange failed without a verify error (alert, protocol)
  revocation_unknown = 128,   // a CRL or OCSP answer was needed and not usable
};

constexpr unsigned bit(tls_failure f) noexcept { return static_cast<unsigned>(f); }
constexpr bool has(unsigned set, tls_failure f) noexcept { return (set & bit(f)) != 0; }

// The category of one OpenSSL verify error (X509_V_ERR_...); none for X509_V_OK.
tls_failure verify_error_category(long x509_error) noexcept;

// What the verify callback saw on one connection.
struct tls_verify_record {
  unsigned seen = 0;         // every category met, accepted or not
  unsigned refused = 0;      // the category that ended verification (one bit), or 0
  long refused_error = 0;    // its X509_V_ERR_ code (X509_V_OK when none)
};

// Sets the connection's verify mode and callback from `policy` (before the handshake). Fails
// (tls_setup_failed) only if OpenSSL cannot hold the record.
void install_verify_policy(SSL* ssl, const tls_verify_policy& policy, std::error_code& ec);

// The record of a connection install_verify_policy was given with verify on; nullptr otherwise.
const tls_verify_record* verify_record(const SSL* ssl) noexcept;

}  // namespace websock::net
