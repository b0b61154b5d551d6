// Client side transport set-up: resolve, connect (trying every address), an optional HTTP CONNECT
// tunnel through a proxy (RFC 9110 9.3.6), then the TLS handshake for wss://.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include "net/stream.hpp"
#include "net/tls_verify.hpp"

namespace websock::net {

struct connect_request {
  std::string host;
  std::uint16_t port = 0;
  std::shared_ptr<asio::ssl::context> tls;  // set: wss://
  tls_verify_policy tls_policy;  // how the server's certificate is checked (wss:// only)
  std::string server_name;  // SNI and verification name; empty: host
  std::string proxy_host;   // empty: direct
  std::uint16_t proxy_port = 0;
  std::chrono::milliseconds timeout{0};  // zero: none
};

// Why a connect failed: a line for people, and for a failed TLS handshake its categories
// (tls_failure bits, tls_verify.hpp), so a caller can say which check refused the certificate.
struct connect_failure {
  std::string detail;
  unsigned tls_failures = 0;  // classify_handshake_failure: what ended it; 0 when not TLS's
  unsigned tls_seen = 0;      // every verify category met on the way, forgiven or not
};

// `done` runs once on ctx's thread with the stream or the error and its report.
using connect_report_handler = std::function<void(std::error_code, any_stream*, const connect_failure&)>;
void async_connect(asio::io_context& ctx, connect_request request, connect_report_handler done);

// The same with only the one-line description.
using connect_handler = std::function<void(std::error_code, any_stream*, const std::string& detail)>;
void async_connect(asio::io_context& ctx, connect_request request, connect_handler done);

}  // namespace websock::net
