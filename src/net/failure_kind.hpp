// What kind of failure a transport error is, whichever layer produced it (the resolver, the socket,
// OpenSSL, our own net_errc): faces that report errors in another vocabulary (WinHTTP's
// ERROR_WINHTTP_*) map these kinds instead of knowing Asio's error categories.
#pragma once

#include <system_error>

namespace websock::net {

enum class failure_kind {
  none,
  name_not_resolved,  // the resolver found no address for the name
  refused,            // no server on the port, or every address failed to connect
  timed_out,          // one of our timers, or the kernel's
  tls,                // the TLS handshake or a TLS record failed
  lost,               // the connection was reset or ended in the middle of something
  cancelled,          // the operation was cancelled by its owner
  proxy,              // the proxy refused or garbled the tunnel
  other,
};

failure_kind classify_failure(const std::error_code& ec) noexcept;

}  // namespace websock::net
