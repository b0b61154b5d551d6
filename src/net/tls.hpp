// OpenSSL contexts for both roles: TLS 1.2 and 1.3 only, PEM files, verification on by default;
// the server's protocol profile (suites, lowest version) from tls_server_options.
#pragma once

#include <memory>
#include <string>
#include <system_error>

#include "net/asio.hpp"
#include "net/tls_verify.hpp"
#include "websock/options.hpp"

namespace websock::net {

// The server's settings are the API's own (certificates, client certificates, the protocol
// profile with its defaults), so the two cannot drift apart.
using tls_server_config = websock::tls_server_options;

// The trust store is always loaded (ca_file, else OpenSSL's default paths), so each connection's
// tls_verify_policy may verify whatever `verify` says; `verify` is the mode of connections that
// prepare_client does not set up.
struct tls_client_config {
  bool verify = true;
  std::string ca_file;  // trust only these CAs; empty: OpenSSL's default paths (SSL_CERT_FILE...)
  std::string cert_file;
  std::string key_file;
};

std::shared_ptr<asio::ssl::context> make_server_context(const tls_server_config& c, std::error_code& ec);
std::shared_ptr<asio::ssl::context> make_client_context(const tls_client_config& c, std::error_code& ec);

// Per connection, before the handshake: SNI (host names only, RFC 6066 forbids IP literals) and
// the verification of `policy` (tls_verify.hpp): when verifying, the name or address the
// certificate must carry, and the errors it may be forgiven.
void prepare_client(asio::ssl::stream<asio::ip::tcp::socket>& s, const std::string& host,
                    const tls_verify_policy& policy, std::error_code& ec);

// The categories (tls_failure bits) of a failed client handshake: the verify check that refused
// the certificate; channel_error when the TLS exchange itself failed (an alert, a protocol error,
// the peer closing mid-handshake); 0 when the failure is not TLS's (a reset, a timeout).
unsigned classify_handshake_failure(asio::ssl::stream<asio::ip::tcp::socket>& s, const std::error_code& ec);

// Every category the verification of this connection met (tls_failure bits), forgiven or not;
// valid after a successful handshake too (what the policy let through). 0 without verification.
unsigned tls_verify_failures_seen(asio::ssl::stream<asio::ip::tcp::socket>& s);

// Why a client's TLS handshake failed, in one line. When the certificate failed verification it
// is "certificate verify failed: " and OpenSSL's verify result (X509_verify_cert_error_string:
// "self-signed certificate", "hostname mismatch", "certificate has expired"...), so the user
// learns which check failed; otherwise the error's own message.
std::string describe_handshake_failure(asio::ssl::stream<asio::ip::tcp::socket>& s, const std::error_code& ec);

}  // namespace websock::net
