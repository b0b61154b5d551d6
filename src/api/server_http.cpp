// The server's answers to its HTTP fronts: the route and subprotocol of an upgrade, the
// application's last word on it, and plain requests (the on_http handler, then the static
// directory, then 404). Every method reaches the handler; the static files answer 405 to
// anything but GET and HEAD.
#include <algorithm>

#include "api/server_state.hpp"
#include "api/session.hpp"
#include "websock/core/log_escape.hpp"
#include "http/target.hpp"
#include "websock/error.hpp"

namespace websock::detail {
namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

core::http_head head_of(const http::request& r) {
  core::http_head h;
  h.method = r.method;
  h.target = r.target;
  h.version_major = 1;
  h.version_minor = r.version_minor;
  h.headers = r.headers;
  return h;
}

// An application's http_response as the front's answer.
http::answer answer_of(const http_response& r) {
  http::answer a;
  a.head.status = r.status;
  a.head.headers.push_back({"Content-Type", r.content_type});
  for (const auto& h : r.headers) a.head.headers.push_back(h);
  a.head.content_length = r.body.size();
  a.body = r.body;
  return a;
}

class server_http_owner final : public http::front_owner {
 public:
  explicit server_http_owner(std::weak_ptr<server::state> st) : st_(std::move(st)) {
    if (auto s = st_.lock(); s && !s->options.static_dir.empty()) {
      files_.emplace(http::static_options{.root = s->options.static_dir});
    }
  }

  void on_request(http::front& f, const http::request& r, std::string body) override {
    auto st = st_.lock();
    if (!st) return f.abort();
    http_request req{r.method, r.target, std::string(http::split_target(r.target).path), r.headers, std::move(body)};
    std::optional<http::answer> a;
    if (st->http_handler) {
      if (auto resp = st->http_handler(req)) a = answer_of(*resp);
    }
    if (!a && files_) {
      http::file_reply file = files_->serve(r);
      http::answer fa;
      fa.head = std::move(file.head);
      fa.body = std::move(file.body);
      if (file.file) fa.file = std::move(file);
      a = std::move(fa);
    }
    if (!a) a = answer_of(http_response{.status = 404, .body = "not found\n"});
    st->log(log_level::info, f.remote_address() + " " + core::escape_for_log(req.method, 16) + " " +
                                 core::escape_for_log(req.target) + " " + std::to_string(a->head.status));
    f.respond(std::move(*a));
  }

  void on_upgrade(http::front& f, const http::request& r, std::span<const std::byte> early) override {
    auto st = st_.lock();
    if (!st) return f.abort();
    std::shared_ptr<const route_entry> route = st->find_route(path_of(r.target));
    // The route's own limits if it has them (a fan-out room's small buffer), else the server's.
    const session_options& limits = route && route->r.session ? *route->r.session : st->options.session;
    core::server_handshake_options hs;
    hs.deflate = limits.deflate;
    hs.select_subprotocol = [&](const core::upgrade_request& req) -> std::string {
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
    handshake.decide(head_of(r));
    if (!handshake.accepted()) {
      st->log(log_level::info, f.remote_address() + " upgrade refused: " + std::to_string(handshake.status()) + " " +
                                   core::escape_for_log(r.target));
      return f.respond_bytes(handshake.response());
    }
    runtime::channel_options co{core::role::server, limits, runtime::channel_mode::push, st->message_budget};
    if (const auto& agreed = handshake.chosen().deflate) co.deflate = core::session_for(limits.deflate, *agreed);
    auto ch = f.upgrade(co);
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
  std::optional<http::static_files> files_;
};

}  // namespace

std::shared_ptr<http::front_owner> make_http_owner(const std::shared_ptr<server::state>& st) {
  return std::make_shared<server_http_owner>(st);
}

}  // namespace websock::detail
