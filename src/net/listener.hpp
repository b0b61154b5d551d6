// An acceptor (TCP or Unix-domain) that hands each new socket to the next worker's loop.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <system_error>

#include "net/admission.hpp"
#include "net/stream.hpp"
#include "net/workers.hpp"

namespace websock::net {

class listener : public std::enable_shared_from_this<listener> {
 public:
  // Called on the socket's worker thread.
  // The ticket holds a place in the listener's admission (empty without one).
  using on_accept = std::function<void(any_stream, asio::io_context&, admission_ticket)>;

  // Binds and listens; the acceptor itself runs on pool.at(0).
  static std::shared_ptr<listener> open_tcp(workers& pool, const std::string& host, std::uint16_t port,
                                            on_accept handler, std::error_code& ec);
  static std::shared_ptr<listener> open_unix(workers& pool, const std::string& path, on_accept handler,
                                             std::error_code& ec);

  std::uint16_t port() const noexcept { return port_; }
  // Before start(): each accept first takes a place in `gate`; while it is full, accepting waits.
  void set_admission(std::shared_ptr<admission> gate) { gate_ = std::move(gate); }
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
  // Takes a place for the next accept; false: full, and `again` runs on the acceptor's loop once
  // a place frees.
  bool admit(admission_ticket& ticket, void (listener::*again)());

  workers& pool_;
  on_accept handler_;
  std::unique_ptr<tcp::acceptor> tcp_;
  std::unique_ptr<unix_protocol::acceptor> unix_;
  std::string unix_path_;
  std::uint16_t port_ = 0;
  std::unique_ptr<asio::steady_timer> retry_timer_;
  std::shared_ptr<admission> gate_;
};

}  // namespace websock::net
