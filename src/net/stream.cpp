#include "net/stream.hpp"

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include "websock/core/log_escape.hpp"

namespace websock::net {

std::size_t read_some_now(any_stream& s, asio::mutable_buffer buffer, std::error_code& ec) {
  return std::visit(
      [&](auto& x) -> std::size_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, tls_socket>) {
          ec = asio::error::operation_not_supported;
          return 0;
        } else {
          return x.read_some(buffer, ec);
        }
      },
      s);
}

void set_non_blocking(any_stream& s) noexcept {
  std::visit(
      [](auto& x) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(x)>, tls_socket>) {
          std::error_code ignored;
          x.non_blocking(true, ignored);
        }
      },
      s);
}

bool tls_input_buffered(tls_socket& s) noexcept {
  SSL* ssl = s.native_handle();
  // SSL_has_pending: decrypted bytes or unprocessed record bytes inside SSL. The read BIO is
  // Asio's BIO pair: ciphertext Asio already took from the socket and SSL has not read yet.
  if (SSL_has_pending(ssl) == 1) return true;
  BIO* rbio = SSL_get_rbio(ssl);
  return rbio != nullptr && BIO_ctrl_pending(rbio) > 0;
}

void shutdown_send(any_stream& s) noexcept {
  with_socket(s, [](auto& sock) {
    std::error_code ignored;
    sock.shutdown(asio::socket_base::shutdown_send, ignored);
  });
}

void cancel(any_stream& s) noexcept {
  with_socket(s, [](auto& sock) {
    std::error_code ignored;
    sock.cancel(ignored);
  });
}

void close(any_stream& s) noexcept {
  with_socket(s, [](auto& sock) {
    std::error_code ignored;
    sock.close(ignored);
  });
}

void reset(any_stream& s) noexcept {
  with_socket(s, [](auto& sock) {
    std::error_code ignored;
    sock.set_option(asio::socket_base::linger(true, 0), ignored);
    sock.close(ignored);
  });
}

std::string remote_address(any_stream& s) {
  return with_socket(s, [](auto& sock) -> std::string {
    std::error_code ec;
    const auto ep = sock.remote_endpoint(ec);
    if (ec) return "?";
    if constexpr (std::is_same_v<std::decay_t<decltype(ep)>, tcp::endpoint>) {
      const auto a = ep.address();
      std::string out;
      if (a.is_v6()) out += '[';
      out += a.to_string();
      if (a.is_v6()) out += ']';
      out.append(":").append(std::to_string(ep.port()));
      return out;
    } else {
      // A Unix peer names its own socket: any bytes up to ~108, so they are escaped like any
      // peer bytes. The address is for logs and display only.
      return std::string("unix:").append(core::escape_for_log(ep.path()));
    }
  });
}

void set_no_delay(any_stream& s) noexcept {
  with_socket(s, [](auto& sock) {
    if constexpr (std::is_same_v<std::decay_t<decltype(sock)>, tcp::socket>) {
      std::error_code ignored;
      sock.set_option(tcp::no_delay(true), ignored);
    }
  });
}

}  // namespace websock::net
