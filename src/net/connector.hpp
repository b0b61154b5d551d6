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

namespace websock::net {

struct connect_request {
  std::string host;
  std::uint16_t port = 0;
  std::shared_ptr<asio::ssl::context> tls;  // set: wss://
  bool verify = true;
  std::string server_name;  // SNI and verification name; empty: host
  std::string proxy_host;   // empty: direct
  std::uint16_t proxy_port = 0;
  std::chrono::milliseconds timeout{0};  // zero: none
};

// `done` runs once on ctx's thread with the stream or the error and a one-line description.
using connect_handler = std::function<void(std::error_code, any_stream*, const std::string& detail)>;

void async_connect(asio::io_context& ctx, connect_request request, connect_handler done);

}  // namespace websock::net
