// The host: the listener and loops, the front owner that turns each request into an
// http_context, the IHttpServer the modules see, and start/stop.
#include "websock/iis/host.hpp"

#include <cstdio>

#include "compat/win32/wide_string.hpp"
#include "host_state.hpp"
#include "http/front.hpp"
#include "http_context.hpp"
#include "websock/core/handshake.hpp"
#include "websock/core/log_escape.hpp"

namespace websock::iis {
namespace {

core::http_head head_of(const http::request& r) {
  core::http_head h;
  h.method = r.method;
  h.target = r.target;
  h.version_minor = r.version_minor;
  h.headers = r.headers;
  return h;
}

// Each request (upgrade or not) becomes an http_context that runs the modules.
class front_owner final : public http::front_owner {
 public:
  explicit front_owner(std::weak_ptr<host::state> st) : st_(std::move(st)) {}

  void on_request(http::front& f, const http::request& r, std::string body) override {
    auto st = st_.lock();
    if (!st) return f.abort();
    begin(st, f, r, std::move(body), false, {});
  }

  void on_upgrade(http::front& f, const http::request& r, std::span<const std::byte> early) override {
    auto st = st_.lock();
    if (!st) return f.abort();
    if (!st->options.websocket_enabled) return begin(st, f, r, {}, false, {});
    // The IIS WebSocket module recognises the upgrade before any module runs: one that is not a
    // valid RFC 6455 upgrade is refused here (400, 426 for a wrong version), as the core decides.
    core::upgrade_request offer;
    if (const auto e = core::check_upgrade_request(head_of(r), offer); e != core::errc::ok) {
      st->log(f.remote_address() + " upgrade refused: " + core::escape_for_log(r.target));
      const int status = core::rejection_status(e);
      core::header_list extra;
      if (status == 426) extra.push_back({"Sec-WebSocket-Version", "13"});
      return f.respond_bytes(core::reject_response(status, "not a valid WebSocket upgrade\n", extra));
    }
    begin(st, f, r, {}, true, std::vector<std::byte>(early.begin(), early.end()));
  }

 private:
  static void begin(const std::shared_ptr<host::state>& st, http::front& f, const http::request& r,
                    std::string body, bool upgrade, std::vector<std::byte> early) {
    auto ctx = std::make_shared<http_context>(st, f.shared_from_this(), r, std::move(body), upgrade, std::move(early));
    ctx->begin();
  }

  std::weak_ptr<host::state> st_;
};

}  // namespace

// ------------------------------------------------------------------ IHttpServer

VOID server_object::ReportUnhealthy(PCWSTR reason, HRESULT hr) {
  char code[16];
  std::snprintf(code, sizeof code, "0x%08X", static_cast<unsigned>(hr));
  if (log) log("a module reported the process unhealthy (" + std::string(code) + "): " + win32::to_utf8(reason));
}

VOID server_object::RecycleProcess(PCWSTR reason) {
  if (log) log("a module asked for a recycle (ignored): " + win32::to_utf8(reason));
}

HRESULT server_object::GetExtendedInterface(HTTP_SERVER_INTERFACE_VERSION version, PVOID* out) {
  if (!out) return E_INVALIDARG;
  if (version != HTTP_SERVER_INTERFACE_V2) return E_NOINTERFACE;
  *out = static_cast<IHttpServer2*>(this);
  return S_OK;
}

PCWSTR server_object::GetAppPoolConfigFile(DWORD* length) const {
  if (length) *length = 0;
  return L"";
}

HRESULT server_object::GetExtendedInterface(const GUID& from, PVOID input, const GUID& to, PVOID* out) {
  if (!input || !out) return E_INVALIDARG;
  // Every IHttpContext the host hands out is an http_context, which is an IHttpContext3.
  if (from == websock_iis_interface_id<IHttpContext>::value || from == websock_iis_interface_id<IHttpContext2>::value ||
      from == websock_iis_interface_id<IHttpContext3>::value) {
    auto* ctx = static_cast<http_context*>(static_cast<IHttpContext*>(input));
    if (to == websock_iis_interface_id<IHttpContext3>::value) {
      *out = static_cast<IHttpContext3*>(ctx);
      return S_OK;
    }
    if (to == websock_iis_interface_id<IHttpContext2>::value) {
      *out = static_cast<IHttpContext2*>(ctx);
      return S_OK;
    }
    if (to == websock_iis_interface_id<IHttpContext>::value) {
      *out = static_cast<IHttpContext*>(ctx);
      return S_OK;
    }
  }
  *out = nullptr;
  return E_NOINTERFACE;
}

// ------------------------------------------------------------------ state

host::state::state(host_options o) : options(std::move(o)) {
  if (!options.log) {
    options.log = [](std::string_view line) { std::fprintf(stderr, "websock iis: %.*s\n", int(line.size()), line.data()); };
  }
  server.log = options.log;
  pool = std::make_unique<net::blocking_pool>(options.max_module_threads);
}

void host::state::log(std::string_view line) const { options.log(line); }

std::uint64_t host::state::new_request_id() {
  std::lock_guard lock(mu);
  return next_request++;
}

void host::state::add_request(const std::shared_ptr<http_context>& r) {
  std::lock_guard lock(mu);
  requests.emplace(r->id(), r);
}

void host::state::remove_request(std::uint64_t id) {
  std::shared_ptr<http_context> last;  // destroyed outside the lock
  std::lock_guard lock(mu);
  if (auto it = requests.find(id); it != requests.end()) {
    last = std::move(it->second);
    requests.erase(it);
  }
  changed.notify_all();
}

// ------------------------------------------------------------------ host

host::host(host_options options) : st_(std::make_shared<state>(std::move(options))) {}

host::~host() {
  stop();
  // The pool's last tasks may still hold a request (and through it the state) for a moment
  // after stop() saw the request go: joined here, none of them can be the one that destroys the
  // state, whose pool would then join the thread it runs on (std::system_error, terminate).
  // Terminate comes after, when no module code can run any more.
  st_->pool->join();
  st_->modules.terminate();
}

void host::load_module(const std::string& path, std::wstring name) {
  if (st_->started) throw host_error("load_module after start");
  st_->modules.load(path, std::move(name), &st_->server);
}

void host::register_module(std::wstring name, PFN_REGISTERMODULE entry) {
  if (st_->started) throw host_error("register_module after start");
  st_->modules.add(std::move(name), entry, &st_->server);
}

void host::start() {
  auto& st = *st_;
  if (st.started) return;
  if (st.modules.size() == 0) throw host_error("no module: load one with --module");
  if (!st.options.tls_cert_file.empty() || !st.options.tls_key_file.empty()) {
    net::tls_server_config c;
    c.cert_file = st.options.tls_cert_file;
    c.key_file = st.options.tls_key_file;
    std::error_code ec;
    st.tls = net::make_server_context(c, ec);
    if (ec || !st.tls) throw host_error("TLS: " + (ec ? ec.message() : std::string("cannot load the certificate")));
  }
  st.loops = std::make_unique<net::workers>(st.options.io_threads == 0 ? 1 : st.options.io_threads);
  st.front_owner = std::make_shared<front_owner>(st_);
  std::error_code ec;
  std::weak_ptr<state> weak = st_;
  st.listener = net::listener::open_tcp(
      *st.loops, st.options.host, st.options.port,
      [weak](net::any_stream s, asio::io_context& ctx, net::admission_ticket) {
        auto live = weak.lock();
        if (!live) return;
        {
          std::lock_guard lock(live->mu);
          if (live->stopping) return;
        }
        if (live->tls && std::holds_alternative<net::tcp::socket>(s)) {
          s = net::any_stream(std::in_place_type<net::tls_socket>, std::move(std::get<net::tcp::socket>(s)), *live->tls);
        }
        auto f = std::make_shared<http::front>(live->loops->share(ctx), std::move(s), http::front_options{},
                                               live->front_owner);
        {
          std::lock_guard lock(live->mu);
          std::erase_if(live->fronts, [](const std::weak_ptr<http::front>& w) { return w.expired(); });
          live->fronts.push_back(f);
        }
        f->start();
      },
      ec);
  if (ec || !st.listener) {
    throw host_error("cannot listen on " + st.options.host + ":" + std::to_string(st.options.port) + ": " +
                     ec.message());
  }
  st.port = st.listener->port();
  st.loops->start();
  st.listener->start();
  st.started = true;
}

std::uint16_t host::port() const noexcept { return st_->port; }

void host::stop() {
  auto& st = *st_;
  std::vector<std::shared_ptr<http_context>> live;
  std::vector<std::weak_ptr<http::front>> fronts;
  {
    std::lock_guard lock(st.mu);
    if (!st.started || st.stopping) return;
    st.stopping = true;
    for (auto& [id, r] : st.requests) live.push_back(r);
    fronts.swap(st.fronts);
  }
  st.listener->close();
  // Connections between requests go now (an upgraded front has handed its socket over already).
  for (auto& w : fronts) {
    if (auto f = w.lock()) f->abort();
  }
  // Pending WebSocket operations end as cancelled (so modules finish their requests), HTTP
  // requests in progress lose their connection.
  for (auto& r : live) r->stop();
  live.clear();
  {
    std::unique_lock lock(st.mu);
    const auto grace = st.options.abandoned_request_grace + st.options.close_timeout;
    if (!st.changed.wait_for(lock, grace, [&] { return st.requests.empty(); })) {
      st.log(std::to_string(st.requests.size()) + " request(s) still unfinished at stop");
    }
  }
  // A pool task may still be finishing after its request's cleanup, holding the request (and so
  // the state): it ends here, while the loops still run (the request's channel goes to its loop
  // to be dropped), before the factories go, and never drops the state's last reference on a
  // pool thread (whose pool would then join itself).
  st.pool->join();
  // What the cleanups queued on the loops (a dropped connection's last handlers, the listener's
  // close) runs before they stop, or it would keep those connections and their loops alive.
  st.loops->drain();
  st.loops->drain();  // and what those handlers queued (a closed socket's aborted operations)
  st.loops->release();
  st.loops->stop();
  st.loops->join();
}

std::size_t host::live_requests() const {
  std::lock_guard lock(st_->mu);
  return st_->requests.size();
}

bool host::wait_live_requests(std::size_t n, std::chrono::milliseconds limit) const {
  std::unique_lock lock(st_->mu);
  return st_->changed.wait_for(lock, limit, [&] { return st_->requests.size() <= n; });
}

}  // namespace websock::iis
