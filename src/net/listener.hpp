// An acceptor (TCP or Unix-domain) that hands each new socket to the next worker's loop.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include "net/stream.hpp"
#include "net/workers.hpp"

namespace websock::net {

class listener : public std::enable_shared_from_this<listener> {
 public:
  // Called on the socket's worker thread.
  using on_accept = std::function<void(any_stream, asio::io_context&)>;

  // Binds and listens; the acceptor itself runs on pool.at(0).
  static std::shared_ptr<listener> open_tcp(workers& pool, const std::string& host, std::uint16_t port,
                                            on_accept handler, std::error_code& ec);
  static std::shared_ptr<listener> open_unix(workers& pool, const std::string& path, on_accept handler,
                                             std::error_code& ec);

  std::uint16_t port() const noexcept { return port_; }
  void start();
  // Stops accepting (posted to the acceptor's loop; safe from any thread).
  void close();

 private:
  listener(workers& pool, on_accept handler);
  void accept_tcp();
  void accept_unix();
  // After an accept error (EMFILE, ENOBUFS...) wait a little instead of spinning.
  template <class Retry>
  void back_off(Retry retry);

  workers& pool_;
  on_accept handler_;
  std::unique_ptr<tcp::acceptor> tcp_;
  std::unique_ptr<unix_protocol::acceptor> unix_;
  std::string unix_path_;
  std::uint16_t port_ = 0;
  std::unique_ptr<asio::steady_timer> retry_timer_;
};

}  // namespace websock::net
