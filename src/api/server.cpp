// The server: listeners hand sockets to worker loops, where each becomes a session.
#include "websock/server.hpp"

#include <thread>

#include "api/server_state.hpp"
#include "api/session.hpp"
#include "net/tls.hpp"
#include "websock/error.hpp"

namespace websock {

server::state::state(server_options o) : options(std::move(o)) {
  pool = std::make_unique<net::workers>(options.threads);
  if (options.tls && options.max_tls_handshakes != 0) {
    tls_admission = std::make_shared<net::admission>(options.max_tls_handshakes);
  }
  if (options.max_message_memory != 0) {
    message_budget = std::make_shared<runtime::message_budget>(options.max_message_memory);
  }
}

std::shared_ptr<const detail::route_entry> server::state::find_route(std::string_view path) const {
  std::lock_guard lock(mu);
  const auto it = routes.find(std::string(path));
  return it == routes.end() ? nullptr : it->second;
}

void server::state::add(const std::shared_ptr<detail::session>& s) {
  std::lock_guard lock(mu);
  sessions.emplace(s->id(), s);
}

void server::state::remove(std::uint64_t id) {
  std::lock_guard lock(mu);
  sessions.erase(id);
  if (sessions.empty() && fronts.empty()) cv.notify_all();
}

void server::state::add_front(const std::shared_ptr<http::front>& f) {
  std::lock_guard lock(mu);
  fronts.emplace(f->id(), f);
}

void server::state::remove_front(std::uint64_t id) {
  std::lock_guard lock(mu);
  fronts.erase(id);
  if (sessions.empty() && fronts.empty()) cv.notify_all();
}

namespace {

// Runs on the socket's worker loop.
void accept_one(const std::shared_ptr<server::state>& st, net::any_stream s, asio::io_context& ctx,
                net::admission_ticket ticket) {
  {
    std::lock_guard lock(st->mu);
    if (st->stopping) return;  // accepted just before the listener closed: drop it
  }
  if (st->tls && std::holds_alternative<net::tcp::socket>(s)) {
    s = net::any_stream(std::in_place_type<net::tls_socket>, std::move(std::get<net::tcp::socket>(s)), *st->tls);
  }
  net::timer_queue::of(ctx).use_clock(st->options.clock);
  http::front_options fo;
  fo.head_timeout = st->options.session.handshake_timeout;
  auto f = std::make_shared<http::front>(st->pool->share(ctx), std::move(s), fo, st->http_owner);
  f->hold_during_tls_handshake(std::move(ticket));
  st->add_front(f);
  f->start();
}

net::listener::on_accept make_acceptor(const std::shared_ptr<server::state>& st) {
  return [weak = std::weak_ptr<server::state>(st)](net::any_stream s, asio::io_context& ctx,
                                                   net::admission_ticket ticket) {
    if (auto strong = weak.lock()) accept_one(strong, std::move(s), ctx, std::move(ticket));
  };
}

// Waits until every session is gone or the deadline passes.
bool wait_empty(server::state& st, std::chrono::milliseconds timeout) {
  std::unique_lock lock(st.mu);
  return st.cv.wait_for(lock, timeout, [&] { return st.sessions.empty() && st.fronts.empty(); });
}

std::vector<std::shared_ptr<detail::session>> snapshot(server::state& st) {
  std::vector<std::shared_ptr<detail::session>> out;
  std::lock_guard lock(st.mu);
  for (auto& [id, weak] : st.sessions) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::shared_ptr<http::front>> fronts_snapshot(server::state& st) {
  std::vector<std::shared_ptr<http::front>> out;
  std::lock_guard lock(st.mu);
  for (auto& [id, weak] : st.fronts) {
    if (auto f = weak.lock()) out.push_back(std::move(f));
  }
  return out;
}

void stop_state(const std::shared_ptr<server::state>& st) {
  std::lock_guard stopper(st->stop_mu);  // one stopper at a time; later ones find it stopped
  {
    std::lock_guard lock(st->mu);
    if (st->stopped) return;
    st->stopping = true;
    if (!st->started) {
      st->stopped = true;
      st->cv.notify_all();
      return;
    }
    for (auto& l : st->listeners) l->close();
  }
  // 1001 to everyone, then wait for the close handshakes (each session's close timer bounds its
  // own), then drop whatever is left.
  for (auto& f : fronts_snapshot(*st)) f->abort();  // requests in progress are just dropped
  for (auto& s : snapshot(*st)) s->shutdown(close_code::going_away, "server shutting down");
  const auto grace = st->options.session.close_timeout + std::chrono::milliseconds(500);
  if (!wait_empty(*st, grace)) {
    for (auto& f : fronts_snapshot(*st)) f->abort();
    for (auto& s : snapshot(*st)) s->abort();
    wait_empty(*st, std::chrono::seconds(2));
  }
  st->pool->release();
  st->pool->join();
  std::lock_guard lock(st->mu);
  st->listeners.clear();
  st->stopped = true;
  st->cv.notify_all();
}

}  // namespace

server::server(server_options options) : state_(std::make_shared<state>(std::move(options))) {
  state_->http_owner = detail::make_http_owner(state_);
}

server::~server() { stop(); }

server& server::route(std::string path, websock::route r) {
  auto entry = std::make_shared<detail::route_entry>();
  entry->r = std::move(r);
  std::lock_guard lock(state_->mu);
  state_->routes[std::move(path)] = std::move(entry);
  return *this;
}

server& server::on_http(std::function<std::optional<http_response>(const http_request&)> handler) {
  std::lock_guard lock(state_->mu);
  state_->http_handler = std::move(handler);
  return *this;
}

std::error_code server::try_listen(const std::string& host, std::uint16_t port) {
  std::error_code ec;
  auto l = net::listener::open_tcp(*state_->pool, host, port, make_acceptor(state_), ec);
  if (!l) return ec ? ec : make_error_code(net_errc::listen_failed);
  if (state_->tls_admission) l->set_admission(state_->tls_admission);  // TCP listeners speak TLS
  std::lock_guard lock(state_->mu);
  state_->listeners.push_back(l);
  if (state_->started) l->start();
  return {};
}

std::error_code server::try_listen_unix(const std::string& path) {
  std::error_code ec;
  auto l = net::listener::open_unix(*state_->pool, path, make_acceptor(state_), ec);
  if (!l) return ec ? ec : make_error_code(net_errc::listen_failed);
  std::lock_guard lock(state_->mu);
  state_->listeners.push_back(l);
  if (state_->started) l->start();
  return {};
}

void server::listen(const std::string& host, std::uint16_t port) {
  if (auto ec = try_listen(host, port)) {
    throw std::system_error(ec, "cannot listen on " + host + ":" + std::to_string(port));
  }
}

void server::listen_unix(const std::string& path) {
  if (auto ec = try_listen_unix(path)) throw std::system_error(ec, "cannot listen on " + path);
}

std::uint16_t server::port() const noexcept {
  std::lock_guard lock(state_->mu);
  for (const auto& l : state_->listeners) {
    if (l->port() != 0) return l->port();
  }
  return 0;
}

void server::start() {
  std::lock_guard lock(state_->mu);
  if (state_->started) return;
  if (state_->options.tls) {
    const auto& t = *state_->options.tls;
    std::error_code ec;
    state_->tls = net::make_server_context(t, ec);
    if (!state_->tls) {
      throw std::system_error(ec, "TLS set-up failed for " + t.cert_file + " / " + t.key_file +
                                      " (or no suite matched cipher_list / ciphersuites)");
    }
  }
  state_->started = true;
  state_->pool->start();
  for (auto& l : state_->listeners) l->start();
}

void server::run() {
  start();
  std::unique_lock lock(state_->mu);
  state_->cv.wait(lock, [&] { return state_->stopped; });
}

void server::stop() {
  if (state_->pool->on_worker_thread()) {
    // Called from a callback: a loop cannot join itself, so a helper thread does the stopping.
    std::thread([st = state_] { stop_state(st); }).detach();
    return;
  }
  stop_state(state_);
}

std::size_t server::connection_count() const noexcept {
  std::lock_guard lock(state_->mu);
  return state_->sessions.size() + state_->fronts.size();
}

}  // namespace websock
