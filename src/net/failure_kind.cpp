#include "net/failure_kind.hpp"

#include "net/asio.hpp"
#include "websock/error.hpp"

namespace websock::net {

failure_kind classify_failure(const std::error_code& ec) noexcept {
  if (!ec) return failure_kind::none;
  const auto& cat = ec.category();
  if (cat == asio::error::get_netdb_category() || cat == asio::error::get_addrinfo_category()) {
    return failure_kind::name_not_resolved;
  }
  if (cat == asio::error::get_ssl_category() || cat == asio::ssl::error::get_stream_category()) {
    return failure_kind::tls;
  }
  if (cat == asio::error::get_misc_category()) {
    return ec == asio::error::eof ? failure_kind::lost : failure_kind::other;
  }
  if (cat == net_category()) {
    switch (static_cast<net_errc>(ec.value())) {
      case net_errc::handshake_timeout:
      case net_errc::idle_timeout:
      case net_errc::ping_timeout:
      case net_errc::close_timeout:
        return failure_kind::timed_out;
      case net_errc::proxy_refused:
      case net_errc::proxy_malformed:
        return failure_kind::proxy;
      case net_errc::tls_setup_failed:
        return failure_kind::tls;
      default:
        return failure_kind::other;
    }
  }
  // Asio's socket errors come in its own system category (asio.system), not the standard one:
  // errno values all the same.
  if (cat == std::system_category() || cat == std::generic_category() || cat == asio::error::get_system_category()) {
    switch (static_cast<std::errc>(ec.value())) {
      case std::errc::connection_refused:
      case std::errc::network_unreachable:
      case std::errc::host_unreachable:
      case std::errc::address_not_available:
        return failure_kind::refused;
      case std::errc::timed_out:
        return failure_kind::timed_out;
      case std::errc::connection_reset:
      case std::errc::connection_aborted:
      case std::errc::broken_pipe:
      case std::errc::not_connected:
        return failure_kind::lost;
      case std::errc::operation_canceled:
        return failure_kind::cancelled;
      default:
        return failure_kind::other;
    }
  }
  return failure_kind::other;
}

}  // namespace websock::net
