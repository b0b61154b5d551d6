// The server's answers to its HTTP fronts: the route and subprotocol of an upgrade, the
// application's last word on it, and plain requests (the on_http handler, static files, 404).
#include <algorithm>

#include "api/server_state.hpp"
#include "api/session.hpp"
#include "api/static_files.hpp"
#include "websock/error.hpp"

namespace websock::detail {
namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

class server_http_owner final : public http::front_owner {
 public:
  explicit server_http_owner(std::weak_ptr<server::state> st) : st_(std::move(st)) {}

  void on_request(http::front& f, const core::http_head& head) override {
    auto st = st_.lock();
    if (!st) return f.abort();
    http_request req{head.method, head.target, std::string(path_of(head.target)), head.headers};
    std::optional<http_response> resp;
    if (req.method != "GET" && req.method != "HEAD") {
      resp = http_response{.status = 405, .body = "method not allowed\n", .headers = {{"Allow", "GET, HEAD"}}};
    }
    if (!resp && st->http_handler) resp = st->http_handler(req);
    if (!resp && !st->options.static_dir.empty()) resp = serve_static(st->options.static_dir, req.path);
    if (!resp) resp = http_response{.status = 404, .body = "not found\n"};
    st->log(log_level::info, f.remote_address() + " " + req.method + " " + req.target + " " + std::to_string(resp->status));
    f.respond(serialize(*resp, req.method == "HEAD"));
  }

  void on_upgrade(http::front& f, const core::http_head& head, std::span<const std::byte> early) override {
    auto st = st_.lock();
    if (!st) return f.abort();
    std::shared_ptr<const route_entry> route;
    core::server_handshake_options hs;
    hs.select_subprotocol = [&](const core::upgrade_request& req) -> std::string {
      route = st->find_route(path_of(req.target));
      if (!route) return {};
      // The route's preference order decides among what the client offers.
      for (const auto& p : route->r.subprotocols) {
        if (std::find(req.subprotocols.begin(), req.subprotocols.end(), p) != req.subprotocols.end()) return p;
      }
      return {};
    };
    hs.decide = [&](const core::upgrade_request& req, core::server_response& response) -> int {
      if (!route) return 404;
      if (route->r.on_upgrade) return route->r.on_upgrade(req, response.extra_headers);
      return 0;
    };
    core::server_handshake handshake(std::move(hs));
    handshake.decide(head);
    if (!handshake.accepted()) {
      st->log(log_level::info, f.remote_address() + " upgrade refused: " + std::to_string(handshake.status()) + " " + head.target);
      return f.refuse(handshake.response());
    }
    auto ch = f.upgrade(runtime::channel_options{core::role::server, st->options.session});
    auto s = std::make_shared<session>(ch);
    s->attach_server(st, route);
    st->add(s);
    st->remove_front(f.id());
    ch->start_server(s, handshake.response(), handshake.request().target, handshake.request().headers,
                     handshake.chosen().subprotocol, early);
  }

  void on_front_closed(http::front& f) override {
    if (auto st = st_.lock()) st->remove_front(f.id());
  }

  void on_log(http::front&, std::string_view line) override {
    if (auto st = st_.lock()) st->log(log_level::info, std::string(line));
  }

 private:
  std::weak_ptr<server::state> st_;
};

}  // namespace

std::shared_ptr<http::front_owner> make_http_owner(const std::shared_ptr<server::state>& st) {
  return std::make_shared<server_http_owner>(st);
}

}  // namespace websock::detail
