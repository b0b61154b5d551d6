#include "net/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "websock/error.hpp"

namespace websock::net {
namespace {

std::shared_ptr<asio::ssl::context> base_context(asio::ssl::context::method m) {
  auto ctx = std::make_shared<asio::ssl::context>(m);
  // SSLv3, TLS 1.0 and 1.1 are broken or deprecated (RFC 8996): 1.2 is the floor.
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
  return ctx;
}

// The protocol profile of tls_server_options: the TLS 1.2 and 1.3 suites and the lowest version.
// Renegotiation is refused whatever the library's default (OpenSSL 1.1.1 allowed a client to ask
// for it): nothing here needs it, and a client could use it to make the server redo costly
// handshakes on one connection. False when OpenSSL refuses a setting (no suite matched) or the
// settings contradict each other (TLS 1.3 only, without 1.3 suites).
bool apply_profile(SSL_CTX* ctx, const tls_server_config& c) {
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  const int min = c.min_version == tls_version::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
  // Without suites TLS 1.3 must be off as a version too: OpenSSL would agree on 1.3 first and
  // then fail the handshake for want of a suite, instead of going on with 1.2.
  const int max = c.ciphersuites.empty() ? TLS1_2_VERSION : 0;  // 0: the highest OpenSSL has
  if (max != 0 && min > max) return false;
  return SSL_CTX_set_min_proto_version(ctx, min) == 1 && SSL_CTX_set_max_proto_version(ctx, max) == 1 &&
         SSL_CTX_set_cipher_list(ctx, c.cipher_list.c_str()) == 1 &&
         SSL_CTX_set_ciphersuites(ctx, c.ciphersuites.c_str()) == 1;
}

}  // namespace

std::shared_ptr<asio::ssl::context> make_server_context(const tls_server_config& c, std::error_code& ec) {
  auto ctx = base_context(asio::ssl::context::tls_server);
  if (!apply_profile(ctx->native_handle(), c)) {
    ERR_clear_error();  // OpenSSL's reasons stay on the thread's queue otherwise
    ec = make_error_code(net_errc::tls_setup_failed);
    return nullptr;
  }
  ctx->use_certificate_chain_file(c.cert_file, ec);
  if (!ec) ctx->use_private_key_file(c.key_file, asio::ssl::context::pem, ec);
  if (!ec && !c.client_ca_file.empty()) {
    ctx->load_verify_file(c.client_ca_file, ec);
    auto mode = asio::ssl::verify_peer;
    if (c.require_client_cert) mode |= asio::ssl::verify_fail_if_no_peer_cert;
    if (!ec) ctx->set_verify_mode(mode, ec);
  }
  if (ec) {
    ec = make_error_code(net_errc::tls_setup_failed);
    return nullptr;
  }
  return ctx;
}

std::shared_ptr<asio::ssl::context> make_client_context(const tls_client_config& c, std::error_code& ec) {
  auto ctx = base_context(asio::ssl::context::tls_client);
  // The trust store, loaded whatever `verify` says so that any connection's policy may verify.
  // Without a CA file it is OpenSSL's default paths (SSL_CTX_set_default_verify_paths): the
  // system's store, or the file and directory that SSL_CERT_FILE and SSL_CERT_DIR name. OpenSSL
  // reads those variables here, once per context, so a user (or a test, before its client makes
  // the context) can trust a private CA with no option of ours, as with other OpenSSL programs.
  if (c.ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
  } else {
    ctx->load_verify_file(c.ca_file, ec);
  }
  if (!ec) ctx->set_verify_mode(c.verify ? asio::ssl::verify_peer : asio::ssl::verify_none, ec);
  if (!ec && !c.cert_file.empty()) {
    ctx->use_certificate_chain_file(c.cert_file, ec);
    if (!ec) ctx->use_private_key_file(c.key_file, asio::ssl::context::pem, ec);
  }
  if (ec) {
    ec = make_error_code(net_errc::tls_setup_failed);
    return nullptr;
  }
  return ctx;
}

void prepare_client(asio::ssl::stream<asio::ip::tcp::socket>& s, const std::string& host,
                    const tls_verify_policy& policy, std::error_code& ec) {
  SSL* ssl = s.native_handle();
  std::error_code parse_error;
  const auto address = asio::ip::make_address(host, parse_error);
  const bool is_ip = !parse_error;
  if (!is_ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    ec = make_error_code(net_errc::tls_setup_failed);
    return;
  }
  install_verify_policy(ssl, policy, ec);
  if (ec || !policy.verify) return;
  // Set even when a mismatch is allowed: the mismatch is then recorded, not hidden.
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, address.to_string().c_str())
                       : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (ok != 1) ec = make_error_code(net_errc::tls_setup_failed);
}

namespace {

// Without verify_peer OpenSSL still records a verify result but goes on: it is not the cause.
// With it, and no record of ours (a stream prepare_client did not set up), a result other than
// X509_V_OK is what ended the handshake.
long unrecorded_verify_error(SSL* ssl) {
  const long result = SSL_get_verify_result(ssl);
  return (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0 ? result : X509_V_OK;
}

// The verify error that ended the handshake, or X509_V_OK. Our record, when there is one, rather
// than SSL_get_verify_result: that is the last error met, maybe a forgiven one, when the handshake
// failed afterwards for another reason.
long refusing_verify_error(SSL* ssl) {
  if (const tls_verify_record* r = verify_record(ssl)) return r->refused != 0 ? r->refused_error : X509_V_OK;
  return unrecorded_verify_error(ssl);
}

}  // namespace

unsigned classify_handshake_failure(asio::ssl::stream<asio::ip::tcp::socket>& s, const std::error_code& ec) {
  if (!ec) return 0;
  SSL* ssl = s.native_handle();
  if (const tls_verify_record* r = verify_record(ssl); r != nullptr && r->refused != 0) return r->refused;
  if (const long error = refusing_verify_error(ssl); error != X509_V_OK) return bit(verify_error_category(error));
  // OpenSSL's own errors, and Asio's for a peer that closed without finishing the handshake.
  if (ec.category() == asio::error::get_ssl_category() || ec.category() == asio::ssl::error::get_stream_category()) {
    return bit(tls_failure::channel_error);
  }
  return 0;
}

unsigned tls_verify_failures_seen(asio::ssl::stream<asio::ip::tcp::socket>& s) {
  const tls_verify_record* r = verify_record(s.native_handle());
  return r == nullptr ? 0 : r->seen;
}

std::string describe_handshake_failure(asio::ssl::stream<asio::ip::tcp::socket>& s, const std::error_code& ec) {
  // A signature checked against the wrong CA shows as an RSA padding error on OpenSSL's queue:
  // the verify error, when there is one, says what happened.
  if (const long error = refusing_verify_error(s.native_handle()); error != X509_V_OK) {
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(error);
  }
  return ec.message();
}

}  // namespace websock::net
