#include "net/tls.hpp"

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

}  // namespace

std::shared_ptr<asio::ssl::context> make_server_context(const tls_server_config& c, std::error_code& ec) {
  auto ctx = base_context(asio::ssl::context::tls_server);
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
  if (c.verify) {
    if (c.ca_file.empty()) {
      ctx->set_default_verify_paths(ec);
    } else {
      ctx->load_verify_file(c.ca_file, ec);
    }
    if (!ec) ctx->set_verify_mode(asio::ssl::verify_peer, ec);
  } else {
    ctx->set_verify_mode(asio::ssl::verify_none, ec);
  }
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

void prepare_client(asio::ssl::stream<asio::ip::tcp::socket>& s, const std::string& host, bool verify,
                    std::error_code& ec) {
  SSL* ssl = s.native_handle();
  std::error_code parse_error;
  const auto address = asio::ip::make_address(host, parse_error);
  const bool is_ip = !parse_error;
  if (!is_ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    ec = make_error_code(net_errc::tls_setup_failed);
    return;
  }
  if (!verify) return;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, address.to_string().c_str())
                       : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (ok != 1) ec = make_error_code(net_errc::tls_setup_failed);
}

}  // namespace websock::net
