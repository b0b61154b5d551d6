// The server's opening handshake (RFC 6455 4.2): route lookup, subprotocol choice, the
// application's last word, or a plain HTTP answer when the request is no upgrade at all.
#include <algorithm>

#include "api/server_state.hpp"
#include "api/session.hpp"
#include "api/static_files.hpp"
#include "websock/error.hpp"

namespace websock::detail {
namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

// A GET or HEAD without "Upgrade: websocket" is a page request, not a failed upgrade.
bool is_plain_http(const core::http_head& head) {
  return !core::has_token(head.headers, "Upgrade", "websocket");
}

}  // namespace

void session::start_server(std::shared_ptr<server::state> server) {
  server_ = std::move(server);
  server_->add(shared_from_this());
  started_ = clock::now();
  arm_timer();

  core::server_handshake_options hs;
  hs.select_subprotocol = [this](const core::upgrade_request& req) -> std::string {
    route_ = server_->find_route(path_of(req.target));
    if (!route_) return {};
    // The route's preference order decides among what the client offers.
    for (const auto& p : route_->r.subprotocols) {
      if (std::find(req.subprotocols.begin(), req.subprotocols.end(), p) != req.subprotocols.end()) return p;
    }
    return {};
  };
  hs.decide = [this](const core::upgrade_request& req, core::server_response& response) -> int {
    if (!route_) return 404;
    if (route_->r.on_upgrade) return route_->r.on_upgrade(req, response.extra_headers);
    return 0;
  };
  server_hs_ = std::make_unique<core::server_handshake>(std::move(hs));

  if (auto* tls = std::get_if<net::tls_socket>(&stream_)) {
    tls->async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](std::error_code ec) {
      if (self->phase_ == phase::closed) return;
      if (ec) {
        self->log(log_level::info, self->remote_ + " TLS handshake failed: " + ec.message());
        return self->finish(ec);
      }
      self->after_io();
    });
    return;
  }
  after_io();
}

void session::on_request_bytes(std::span<std::byte> data) {
  const std::size_t used = server_hs_->feed(data);
  if (!server_hs_->done()) return;  // read on
  const auto& head = server_hs_->head();
  if (server_hs_->error() != core::errc::http_malformed && server_hs_->error() != core::errc::http_header_too_large &&
      server_hs_->error() != core::errc::http_too_many_headers && is_plain_http(head)) {
    return serve_http(head);
  }
  if (!server_hs_->accepted()) {
    log(log_level::info, remote_ + " upgrade refused: " + std::to_string(server_hs_->status()) + " " + head.target);
    http_out_ = server_hs_->response();
    phase_ = phase::http;
    return;
  }
  http_out_ = server_hs_->response();
  subprotocol_ = server_hs_->chosen().subprotocol;
  target_ = server_hs_->request().target;
  request_headers_ = server_hs_->request().headers;
  server_hs_.reset();
  // The route's handlers live as long as the route entry we hold.
  handlers_ = std::shared_ptr<const handlers>(route_, &route_->r.callbacks);
  become_open();
  if (phase_ == phase::open) on_frames(data.subspan(used));  // frames that came with the request
}

void session::serve_http(const core::http_head& head) {
  http_request req{head.method, head.target, std::string(path_of(head.target)), head.headers};
  std::optional<http_response> resp;
  if (req.method != "GET" && req.method != "HEAD") {
    resp = http_response{.status = 405, .body = "method not allowed\n", .headers = {{"Allow", "GET, HEAD"}}};
  }
  if (!resp && server_->http_handler) resp = server_->http_handler(req);
  if (!resp && !server_->options.static_dir.empty()) resp = serve_static(server_->options.static_dir, req.path);
  if (!resp) resp = http_response{.status = 404, .body = "not found\n"};
  log(log_level::info, remote_ + " " + req.method + " " + req.target + " " + std::to_string(resp->status));
  http_out_ = serialize(*resp, req.method == "HEAD");
  phase_ = phase::http;
  server_hs_.reset();
}

}  // namespace websock::detail
