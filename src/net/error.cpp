// The websock.net category.
#include <string>

#include "websock/error.hpp"

namespace websock {
namespace {

class net_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "websock.net"; }
  std::string message(int value) const override {
    switch (static_cast<net_errc>(value)) {
      case net_errc::ok: return "success";
      case net_errc::bad_url: return "not a ws:// or wss:// URL";
      case net_errc::proxy_refused: return "the proxy refused the tunnel";
      case net_errc::proxy_malformed: return "the proxy's answer is not HTTP";
      case net_errc::tls_setup_failed: return "TLS certificate, key or CA file could not be loaded";
      case net_errc::handshake_timeout: return "opening handshake timed out";
      case net_errc::idle_timeout: return "idle timeout";
      case net_errc::ping_timeout: return "no answer to keep-alive ping";
      case net_errc::close_timeout: return "close handshake timed out";
      case net_errc::listen_failed: return "cannot listen";
    }
    return "unknown websock.net error";
  }
};

}  // namespace

const std::error_category& net_category() noexcept {
  static const net_category_impl instance;
  return instance;
}

}  // namespace websock
