// Error codes of the layers above the protocol core, one std::error_category per layer:
//   websock.core  protocol violations and handshake refusals (websock/core/error.hpp), and a
//                 client's own request refused before anything is sent (bad_header_value,
//                 reserved_header, bad_request_target...: core::is_request_option_error)
//   websock.net   transport: URLs, proxies, TLS set-up, timeouts
//   websock       the API: calls the connection's state or limits do not allow
// Socket and TLS errors from the operating system and OpenSSL keep their own categories.
#pragma once

#include <system_error>

#include "websock/core/error.hpp"

namespace websock {

enum class net_errc : int {
  ok = 0,
  bad_url = 1,             // not ws://host[:port]/path or wss://...
  proxy_refused,           // the HTTP proxy answered CONNECT with a status other than 2xx
  proxy_malformed,         // the proxy's answer is not HTTP
  tls_setup_failed,        // certificate, key or CA file could not be loaded
  handshake_timeout,       // the opening handshake (TCP, TLS, HTTP) took too long
  idle_timeout,            // nothing received for the idle timeout
  ping_timeout,            // no answer to a keep-alive ping: the peer is considered dead
  close_timeout,           // the peer did not finish the close handshake in time
  listen_failed,           // could not bind or listen
};

enum class errc : int {
  ok = 0,
  not_open = 1,            // the connection is not open (still connecting, closing or closed)
  buffer_full,             // the connection already buffers max_buffered_bytes: the send is refused
  upgrade_rejected,        // the server answered the upgrade with an HTTP status other than 101
  stopped,                 // the client or server was stopped
};

const std::error_category& net_category() noexcept;
const std::error_category& api_category() noexcept;

inline std::error_code make_error_code(net_errc e) noexcept {
  return {static_cast<int>(e), net_category()};
}
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), api_category()};
}

}  // namespace websock

template <>
struct std::is_error_code_enum<websock::net_errc> : std::true_type {};
template <>
struct std::is_error_code_enum<websock::errc> : std::true_type {};
