#include "net/stream.hpp"

namespace websock::net {

void shutdown_send(any_stream& s) noexcept {
  with_socket(s, [](auto& sock) {
    std::error_code ignored;
    sock.shutdown(asio::socket_base::shutdown_send, ignored);
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
      const std::string path = ep.path();
      return std::string("unix:").append(path);
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
