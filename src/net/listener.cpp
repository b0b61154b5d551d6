#include "net/listener.hpp"

#include <cstdio>

#include "websock/error.hpp"

namespace websock::net {

listener::listener(workers& pool, on_accept handler)
    : pool_(pool), handler_(std::move(handler)), retry_timer_(std::make_unique<asio::steady_timer>(pool.at(0))) {}

template <class Retry>
void listener::back_off(Retry retry) {
  retry_timer_->expires_after(std::chrono::milliseconds(50));
  retry_timer_->async_wait([self = shared_from_this(), retry](std::error_code ec) {
    if (!ec) (self.get()->*retry)();
  });
}

std::shared_ptr<listener> listener::open_tcp(workers& pool, const std::string& host, std::uint16_t port,
                                             on_accept handler, std::error_code& ec) {
  std::shared_ptr<listener> l(new listener(pool, std::move(handler)));
  tcp::resolver resolver(pool.at(0));
  const auto results = resolver.resolve(host, std::to_string(port),
                                        tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    if (!ec) ec = make_error_code(net_errc::listen_failed);
    return nullptr;
  }
  const tcp::endpoint ep = results.begin()->endpoint();
  l->tcp_ = std::make_unique<tcp::acceptor>(pool.at(0));
  auto& a = *l->tcp_;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  // "::" means IPv6 only here; listen on "0.0.0.0" too for both.
  if (!ec && ep.protocol() == tcp::v6()) a.set_option(asio::ip::v6_only(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return nullptr;
  l->port_ = a.local_endpoint(ec).port();
  return l;
}

std::shared_ptr<listener> listener::open_unix(workers& pool, const std::string& path, on_accept handler,
                                              std::error_code& ec) {
  std::shared_ptr<listener> l(new listener(pool, std::move(handler)));
  std::remove(path.c_str());  // a stale socket file from an earlier run would block bind
  l->unix_ = std::make_unique<unix_protocol::acceptor>(pool.at(0));
  auto& a = *l->unix_;
  a.open(unix_protocol(), ec);
  if (!ec) a.bind(unix_protocol::endpoint(path), ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return nullptr;
  l->unix_path_ = path;
  return l;
}

void listener::start() {
  asio::post(pool_.at(0), [self = shared_from_this()] {
    if (self->tcp_) self->accept_tcp();
    if (self->unix_) self->accept_unix();
  });
}

void listener::close() {
  asio::post(pool_.at(0), [self = shared_from_this()] {
    std::error_code ignored;
    self->retry_timer_->cancel();
    if (self->tcp_) self->tcp_->close(ignored);
    if (self->unix_) {
      self->unix_->close(ignored);
      std::remove(self->unix_path_.c_str());
    }
  });
}

bool listener::admit(admission_ticket& ticket, void (listener::*again)()) {
  if (!gate_) return true;
  asio::io_context& acceptor_loop = pool_.at(0);
  auto resume = [weak = weak_from_this(), &acceptor_loop, again] {
    asio::post(acceptor_loop, [weak, again] {
      if (auto self = weak.lock()) (self.get()->*again)();
    });
  };
  if (!gate_->try_enter(std::move(resume))) return false;
  ticket = admission_ticket(gate_);
  return true;
}

void listener::accept_tcp() {
  if (!tcp_->is_open()) return;
  admission_ticket ticket;
  if (!admit(ticket, &listener::accept_tcp)) return;
  asio::io_context& target = pool_.next();
  tcp_->async_accept(target, [self = shared_from_this(), &target, ticket = std::move(ticket)](
                                 std::error_code ec, tcp::socket s) mutable {
    if (ec == asio::error::operation_aborted || !self->tcp_->is_open()) return;
    if (!ec) {
      asio::post(target, [self, s = std::move(s), &target, ticket = std::move(ticket)]() mutable {
        self->handler_(any_stream(std::in_place_type<tcp::socket>, std::move(s)), target, std::move(ticket));
      });
    }
    // Errors such as EMFILE are transient: keep accepting, after a pause.
    if (ec) return self->back_off(&listener::accept_tcp);
    self->accept_tcp();
  });
}

void listener::accept_unix() {
  if (!unix_->is_open()) return;
  admission_ticket ticket;
  if (!admit(ticket, &listener::accept_unix)) return;
  asio::io_context& target = pool_.next();
  unix_->async_accept(target, [self = shared_from_this(), &target, ticket = std::move(ticket)](
                                  std::error_code ec, unix_protocol::socket s) mutable {
    if (ec == asio::error::operation_aborted || !self->unix_->is_open()) return;
    if (!ec) {
      asio::post(target, [self, s = std::move(s), &target, ticket = std::move(ticket)]() mutable {
        self->handler_(any_stream(std::in_place_type<unix_protocol::socket>, std::move(s)), target,
                       std::move(ticket));
      });
    }
    if (ec) return self->back_off(&listener::accept_unix);
    self->accept_unix();
  });
}

}  // namespace websock::net
