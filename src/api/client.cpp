// The client: one event-loop thread, connection attempts, reconnect with exponential backoff.
#include "websock/client.hpp"

#include <condition_variable>
#include <mutex>
#include <random>

#include "api/session.hpp"
#include "net/connector.hpp"
#include "net/tls.hpp"
#include "net/url.hpp"
#include "net/workers.hpp"
#include "websock/core/log_escape.hpp"
#include "websock/error.hpp"

namespace websock {

struct client::state final : std::enable_shared_from_this<client::state>, net::timer_client {
  explicit state(client_options o) : options(std::move(o)), pool(1) {
    net::timer_queue::of(pool.at(0)).use_clock(options.clock);
  }
  // The loop's threads are joined by now (client::stop): the slot may be disarmed from here.
  ~state() { net::timer_queue::of(pool.at(0)).disarm(retry); }

  // The reconnect delay is over.
  void on_deadline() override { attempt(); }

  void attempt();
  void attempt_failed(std::error_code ec, const std::string& raw);
  void connected(const std::shared_ptr<detail::session>& s);
  void connection_closed();
  void schedule_retry();
  void outcome(std::error_code ec, const std::string& detail);
  void set_inactive();

  client_options options;
  handlers user;
  std::function<void(std::error_code, const std::string&)> error_handler;
  net::workers pool;
  net::timer_slot retry;  // the reconnect delay, in the loop's timer queue (loop only)
  std::shared_ptr<asio::ssl::context> tls;
  net::url target;
  core::client_handshake_options request;  // checked and encoded once per connect()
  std::shared_ptr<const handlers> wrapped;
  unsigned failures = 0;
  std::minstd_rand jitter{std::random_device{}()};

  std::mutex mu;  // guards the fields below
  std::condition_variable cv;
  bool started = false;
  bool active = false;    // connecting, open, or waiting to reconnect
  bool stopping = false;
  bool finished = false;  // stopped for good: the loop is gone
  std::weak_ptr<detail::session> live;
  connection current;
  std::uint64_t outcomes = 0;  // counts attempt outcomes, for connect_and_wait
  std::error_code last_error;
  std::string last_detail;
};

void client::state::outcome(std::error_code ec, const std::string& detail) {
  std::lock_guard lock(mu);
  ++outcomes;
  last_error = ec;
  last_detail = detail;
  cv.notify_all();
}

void client::state::set_inactive() {
  std::lock_guard lock(mu);
  active = false;
  current = {};
  cv.notify_all();
}

void client::state::attempt() {
  {
    std::lock_guard lock(mu);
    if (stopping) {
      active = false;
      cv.notify_all();
      return;
    }
  }
  if (target.tls && !tls) {
    std::error_code ec;
    const auto& t = options.tls;
    tls = net::make_client_context({t.verify, t.ca_file, t.cert_file, t.key_file}, ec);
    if (!tls) return attempt_failed(ec, "TLS set-up failed: " + ec.message());
  }
  net::connect_request req;
  req.host = target.host;
  req.port = target.port;
  if (target.tls) req.tls = tls;
  req.tls_policy.verify = options.tls.verify;
  req.server_name = options.tls.server_name;
  req.timeout = options.session.handshake_timeout;
  if (!options.proxy.empty()) {
    if (auto ec = net::parse_host_port(options.proxy, req.proxy_host, req.proxy_port)) {
      return attempt_failed(ec, "bad proxy address: " + options.proxy);
    }
  }
  auto self = shared_from_this();
  net::async_connect(pool.at(0), std::move(req), [self](std::error_code ec, net::any_stream* stream, const std::string& detail) {
    if (ec) return self->attempt_failed(ec, detail);
    auto ch = std::make_shared<runtime::channel>(self->pool.share(self->pool.at(0)), std::move(*stream),
                                                 runtime::channel_options{core::role::client, self->options.session});
    auto s = std::make_shared<detail::session>(ch);
    {
      std::lock_guard lock(self->mu);
      self->live = s;
    }
    core::client_handshake_options hs = self->request;
    std::weak_ptr<detail::session> weak = s;
    s->attach_client(self->wrapped, [self, weak](std::error_code ec2, const std::string& detail2) {
      if (ec2) {
        std::string d = detail2.empty() ? "WebSocket handshake failed: " + ec2.message() : detail2;
        return self->attempt_failed(ec2, d);
      }
      if (auto strong = weak.lock()) self->connected(strong);
    });
    ch->start_client(s, std::move(hs));
  });
}

void client::state::attempt_failed(std::error_code ec, const std::string& raw) {
  // The one place every failure's description passes: it may quote the peer (a proxy's status
  // line, a reason phrase), so it is made one line without control characters here.
  const std::string detail = core::escape_for_terminal(raw);
  if (error_handler) error_handler(ec, detail);
  outcome(ec, detail);
  ++failures;
  const auto& r = options.reconnect;
  if (r.enabled && (r.max_attempts == 0 || failures < r.max_attempts)) return schedule_retry();
  set_inactive();
}

void client::state::connected(const std::shared_ptr<detail::session>& s) {
  failures = 0;
  {
    std::lock_guard lock(mu);
    current = connection(s);
  }
  outcome({}, {});
}

void client::state::connection_closed() {
  {
    std::lock_guard lock(mu);
    current = {};
  }
  if (options.reconnect.enabled) return schedule_retry();
  set_inactive();
}

void client::state::schedule_retry() {
  {
    std::lock_guard lock(mu);
    if (stopping) {
      active = false;
      current = {};
      cv.notify_all();
      return;
    }
  }
  // Exponential backoff with +-20% jitter, so many clients do not return in lockstep.
  const auto& r = options.reconnect;
  auto delay = r.initial_delay;
  for (unsigned i = 1; i < failures && delay < r.max_delay; ++i) delay *= 2;
  delay = std::min(delay, r.max_delay);
  const double factor = 0.8 + 0.4 * static_cast<double>(jitter() % 1000) / 1000.0;
  auto& timers = net::timer_queue::of(pool.at(0));
  timers.arm(retry, *this, timers.now() + std::chrono::milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * factor)));
}

client::client(client_options options) : state_(std::make_shared<state>(std::move(options))) {}

client::~client() { stop(); }

handlers& client::callbacks() noexcept { return state_->user; }

void client::on_error(std::function<void(std::error_code, const std::string&)> handler) {
  state_->error_handler = std::move(handler);
}

namespace {

// The upgrade request for `url`, checked by the core before anything is connected or sent
// (issue 9 defect 6). A refusal names its culprit, escaped: it is the caller's, but may hold
// anything.
std::error_code prepare_request(const std::string& url, const client_options& o, net::url& target,
                                core::client_handshake_options& request, std::string& detail) {
  if (const auto ec = net::parse_url(url, target)) {
    detail = "bad URL: " + core::escape_for_log(url, 1024);
    return ec;
  }
  request.host = target.host_header();
  request.target = target.target;
  request.subprotocols = o.subprotocols;
  request.extra_headers = o.headers;
  std::string culprit;
  if (const auto e = core::check_client_request(request, &culprit); e != core::errc::ok) {
    detail = "refusing to send the upgrade request: " + core::make_error_code(e).message() + ": " +
             core::escape_for_log(culprit);
    return e;
  }
  return {};
}

}  // namespace

void client::connect(std::string url) {
  auto st = state_;
  net::url parsed;
  core::client_handshake_options request;
  std::string why;
  const std::error_code bad = prepare_request(url, st->options, parsed, request, why);
  {
    std::lock_guard lock(st->mu);
    if (st->active) return;  // one connection per client
    if (st->finished) {
      ++st->outcomes;
      st->last_error = make_error_code(errc::stopped);
      st->last_detail = "the client was stopped";
      st->cv.notify_all();
      return;
    }
    st->active = true;
    st->stopping = false;
    if (!st->started) {
      st->started = true;
      st->pool.start();
    }
  }
  st->target = parsed;
  st->request = std::move(request);
  // The application's handlers, plus the client's own bookkeeping after on_close.
  auto h = std::make_shared<handlers>(st->user);
  h->on_close = [weak = std::weak_ptr<state>(st), user = st->user.on_close](connection& c, const close_info& info) {
    if (user) user(c, info);
    if (auto s = weak.lock()) s->connection_closed();
  };
  st->wrapped = std::move(h);
  st->failures = 0;
  asio::post(st->pool.at(0), [st, bad, why = std::move(why)] {
    if (bad) {
      st->options.reconnect.enabled = false;  // a bad URL or request stays bad
      return st->attempt_failed(bad, why);
    }
    st->attempt();
  });
}

std::error_code client::connect_and_wait(std::string url, connection& out, std::string* detail) {
  auto st = state_;
  std::uint64_t before = 0;
  {
    std::lock_guard lock(st->mu);
    before = st->outcomes;
  }
  connect(std::move(url));
  std::unique_lock lock(st->mu);
  st->cv.wait(lock, [&] { return st->outcomes != before || !st->active; });
  if (st->outcomes == before) {
    if (detail) *detail = "stopped";
    return make_error_code(errc::stopped);
  }
  if (detail) *detail = st->last_detail;
  out = st->current;
  return st->last_error;
}

connection client::connect_and_wait(std::string url) {
  connection c;
  std::string detail;
  if (auto ec = connect_and_wait(std::move(url), c, &detail)) throw std::system_error(ec, detail);
  return c;
}

connection client::current() const {
  std::lock_guard lock(state_->mu);
  return state_->current;
}

bool client::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, timeout, [&] { return !state_->active; });
}

void client::stop() {
  auto st = state_;
  std::shared_ptr<detail::session> live;
  {
    std::lock_guard lock(st->mu);
    if (!st->started || st->finished) return;
    st->stopping = true;
    live = st->live.lock();
  }
  asio::post(st->pool.at(0), [st] {
    if (!st->retry.armed()) return;
    net::timer_queue::of(st->pool.at(0)).disarm(st->retry);  // no reconnect after all
    st->set_inactive();
  });
  if (live) {
    if (live->is_open()) {
      live->close(close_code::going_away, "client stopping");
    } else {
      live->abort();
    }
  }
  // From a callback the loop cannot wait for itself: the close goes on, the destructor joins.
  if (st->pool.on_worker_thread()) return;
  const auto grace = st->options.session.close_timeout + st->options.session.handshake_timeout + std::chrono::seconds(1);
  if (!wait(std::chrono::duration_cast<std::chrono::milliseconds>(grace)) && live) live->abort();
  // Let the loop run out of work (aborted completions included) rather than stop it, so no
  // handler that holds a session is left behind.
  st->pool.release();
  st->pool.join();
  std::lock_guard lock(st->mu);
  st->finished = true;
  st->active = false;
  st->current = {};
}

}  // namespace websock
