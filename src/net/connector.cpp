#include "net/connector.hpp"

#include <optional>

#include "net/timer_queue.hpp"
#include "net/tls.hpp"
#include "websock/error.hpp"

namespace websock::net {
namespace {

// One connection attempt; keeps itself alive through its pending handlers.
// The timeout is a slot in the loop's timer queue (the loop's clock, injectable in tests).
class connect_op final : public std::enable_shared_from_this<connect_op>, private timer_client {
 public:
  connect_op(asio::io_context& ctx, connect_request req, connect_report_handler done)
      : req_(std::move(req)), done_(std::move(done)), resolver_(ctx), socket_(ctx), timers_(timer_queue::of(ctx)) {}
  ~connect_op() { timers_.disarm(slot_); }

  void start() {
    if (req_.timeout.count() > 0) timers_.arm(slot_, *this, timers_.now() + req_.timeout);
    const bool proxied = !req_.proxy_host.empty();
    const std::string& host = proxied ? req_.proxy_host : req_.host;
    const std::uint16_t port = proxied ? req_.proxy_port : req_.port;
    resolver_.async_resolve(host, std::to_string(port), tcp::resolver::numeric_service,
                            [self = shared_from_this(), host](std::error_code ec, tcp::resolver::results_type r) {
                              if (ec) return self->fail(ec, "cannot resolve " + host + ": " + ec.message());
                              self->connect(r);
                            });
  }

 private:
  void connect(const tcp::resolver::results_type& endpoints) {
    asio::async_connect(socket_, endpoints, [self = shared_from_this()](std::error_code ec, const tcp::endpoint& ep) {
      if (ec) {
        const bool proxied = !self->req_.proxy_host.empty();
        return self->fail(ec, std::string("cannot connect to ") + (proxied ? "proxy " : "") +
                                  (proxied ? self->req_.proxy_host : self->req_.host) + ": " + ec.message());
      }
      (void)ep;
      std::error_code ignored;
      self->socket_.set_option(tcp::no_delay(true), ignored);
      if (self->req_.proxy_host.empty()) return self->tunnel_ready();
      self->send_connect();
    });
  }

  void send_connect() {
    const bool v6 = req_.host.find(':') != std::string::npos;
    const std::string authority = (v6 ? "[" + req_.host + "]" : req_.host) + ":" + std::to_string(req_.port);
    proxy_request_ = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
    asio::async_write(socket_, asio::buffer(proxy_request_), [self = shared_from_this()](std::error_code ec, std::size_t) {
      if (ec) return self->fail(ec, "proxy write failed: " + ec.message());
      asio::async_read_until(self->socket_, self->proxy_reply_, "\r\n\r\n",
                             [self](std::error_code ec2, std::size_t n) { self->on_proxy_reply(ec2, n); });
    });
  }

  void on_proxy_reply(std::error_code ec, std::size_t head_size) {
    if (ec) return fail(ec, "proxy closed the tunnel request: " + ec.message());
    const auto data = proxy_reply_.data();
    const std::string head(asio::buffers_begin(data), asio::buffers_begin(data) + static_cast<std::ptrdiff_t>(head_size));
    // "HTTP/1.1 200 Connection established": any 2xx opens the tunnel.
    if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) {
      return fail(make_error_code(net_errc::proxy_malformed), "proxy answer is not HTTP");
    }
    const auto space = head.find(' ');
    if (space == std::string::npos || head.size() < space + 4 || head[space + 1] != '2') {
      const auto eol = head.find("\r\n");
      return fail(make_error_code(net_errc::proxy_refused), "proxy refused the tunnel: " + head.substr(0, eol));
    }
    // A proxy sends nothing after its answer until we speak, so no tunnel bytes are lost here.
    tunnel_ready();
  }

  void tunnel_ready() {
    if (!req_.tls) return finish();
    tls_.emplace(std::move(socket_), *req_.tls);
    std::error_code ec;
    prepare_client(tls_->stream(), req_.server_name.empty() ? req_.host : req_.server_name, req_.tls_policy, ec);
    if (ec) return fail(ec, "TLS set-up failed");
    tls_->async_handshake(asio::ssl::stream_base::client, [self = shared_from_this()](std::error_code ec2) {
      if (ec2) {
        return self->fail(ec2, connect_failure{"TLS handshake failed: " + describe_handshake_failure(self->tls_->stream(), ec2),
                                                 classify_handshake_failure(self->tls_->stream(), ec2), tls_verify_failures_seen(self->tls_->stream())});
      }
      self->finish();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    timers_.disarm(slot_);
    if (tls_) {
      any_stream s(std::in_place_type<tls_socket>, std::move(*tls_));
      done_({}, &s, connect_failure{});
    } else {
      any_stream s(std::in_place_type<tcp::socket>, std::move(socket_));
      done_({}, &s, connect_failure{});
    }
  }

  void fail(std::error_code ec, std::string detail) { fail(ec, connect_failure{std::move(detail)}); }
  void fail(std::error_code ec, const connect_failure& report) {
    if (finished_) return;
    finished_ = true;
    timers_.disarm(slot_);
    resolver_.cancel();
    std::error_code ignored;
    if (tls_) {
      tls_->lowest_layer().close(ignored);
    } else {
      socket_.close(ignored);
    }
    done_(ec, nullptr, report);
  }

  connect_request req_;
  connect_report_handler done_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  std::optional<tls_socket> tls_;
  void on_deadline() override {
    auto self = shared_from_this();
    fail(make_error_code(net_errc::handshake_timeout), "timed out connecting");
  }

  timer_queue& timers_;
  timer_slot slot_;
  std::string proxy_request_;
  asio::streambuf proxy_reply_;
  bool finished_ = false;
};

}  // namespace

void async_connect(asio::io_context& ctx, connect_request request, connect_report_handler done) {
  std::make_shared<connect_op>(ctx, std::move(request), std::move(done))->start();
}

void async_connect(asio::io_context& ctx, connect_request request, connect_handler done) {
  async_connect(ctx, std::move(request),
                connect_report_handler([done = std::move(done)](std::error_code ec, any_stream* s, const connect_failure& f) {
                  done(ec, s, f.detail);
                }));
}

}  // namespace websock::net
