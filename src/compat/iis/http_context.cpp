#include "http_context.hpp"

#include <future>

#include "compat/win32/wide_string.hpp"
#include "errors.hpp"
#include "websock/core/handshake.hpp"
#include "websock/core/log_escape.hpp"
#include "websocket_context.hpp"

namespace websock::iis {
namespace {

constexpr std::size_t log_step = 10 * 2;  // RQ_LOG_REQUEST, where FINISH_REQUEST skips to
constexpr std::size_t execute_post_step = 7 * 2 + 1;  // after RQ_EXECUTE_REQUEST_HANDLER's post

// The WebSocket's channel events: only its end matters here (pull reads carry the data).
class ws_events final : public runtime::channel_events {
 public:
  explicit ws_events(std::weak_ptr<http_context> ctx) : ctx_(std::move(ctx)) {}
  void on_closed(runtime::channel&, const close_info&) override {
    if (auto c = ctx_.lock()) c->on_connection_ended();
  }
  void on_log(runtime::channel&, std::string_view line) override {
    if (auto c = ctx_.lock()) c->log(std::string(line));
  }

 private:
  std::weak_ptr<http_context> ctx_;
};

}  // namespace

http_context::http_context(std::shared_ptr<host::state> st, std::shared_ptr<http::front> front,
                           const http::request& r, std::string body, bool upgrade, std::vector<std::byte> early)
    : st_(std::move(st)),
      id_(st_->new_request_id()),
      front_(std::move(front)),
      request_(r, std::move(body), request_facts{front_->remote_address(), st_->tls != nullptr, st_->port}),
      response_(*this),
      variables_(request_, st_->options.websocket_enabled, upgrade),
      upgrade_(upgrade),
      early_(std::move(early)) {
  modules_.assign(st_->modules.size(), nullptr);
  request_.on_complete_later([this](DWORD bytes, HRESULT hr) { complete_later(bytes, hr); });
}

http_context::~http_context() = default;

void http_context::log(const std::string& line) { st_->log("request " + std::to_string(id_) + ": " + line); }

void http_context::begin() {
  st_->add_request(shared_from_this());
  {
    std::lock_guard lock(mu_);
    running_ = true;
  }
  st_->pool->post([self = shared_from_this()] { self->run(std::nullopt, std::nullopt); });
}

// ------------------------------------------------------------------ the pipeline

CHttpModule* http_context::module_at(std::size_t index) {
  if (!modules_[index]) {
    CHttpModule* m = nullptr;
    const HRESULT hr = st_->modules.at(index).factory->GetHttpModule(&m, &allocator_);
    if (FAILED(hr) || !m) {
      log("module " + win32::to_utf8(st_->modules.at(index).name) + ": GetHttpModule failed");
      return nullptr;
    }
    modules_[index] = m;
  }
  return modules_[index];
}

REQUEST_NOTIFICATION_STATUS http_context::call_notification(CHttpModule& m, DWORD notification, bool post) {
  IHttpEventProvider* p = static_cast<IAuthenticationProvider*>(&provider_);
  switch (notification) {
    case RQ_BEGIN_REQUEST:
      return post ? m.OnPostBeginRequest(this, p) : m.OnBeginRequest(this, p);
    case RQ_AUTHENTICATE_REQUEST:
      return post ? m.OnPostAuthenticateRequest(this, p) : m.OnAuthenticateRequest(this, &provider_);
    case RQ_AUTHORIZE_REQUEST:
      return post ? m.OnPostAuthorizeRequest(this, p) : m.OnAuthorizeRequest(this, p);
    case RQ_RESOLVE_REQUEST_CACHE:
      return post ? m.OnPostResolveRequestCache(this, p) : m.OnResolveRequestCache(this, p);
    case RQ_MAP_REQUEST_HANDLER:
      return post ? m.OnPostMapRequestHandler(this, p) : m.OnMapRequestHandler(this, &provider_);
    case RQ_ACQUIRE_REQUEST_STATE:
      return post ? m.OnPostAcquireRequestState(this, p) : m.OnAcquireRequestState(this, p);
    case RQ_PRE_EXECUTE_REQUEST_HANDLER:
      return post ? m.OnPostPreExecuteRequestHandler(this, p) : m.OnPreExecuteRequestHandler(this, p);
    case RQ_EXECUTE_REQUEST_HANDLER:
      return post ? m.OnPostExecuteRequestHandler(this, p) : m.OnExecuteRequestHandler(this, p);
    case RQ_RELEASE_REQUEST_STATE:
      return post ? m.OnPostReleaseRequestState(this, p) : m.OnReleaseRequestState(this, p);
    case RQ_UPDATE_REQUEST_CACHE:
      return post ? m.OnPostUpdateRequestCache(this, p) : m.OnUpdateRequestCache(this, p);
    case RQ_LOG_REQUEST:
      return post ? m.OnPostLogRequest(this, p) : m.OnLogRequest(this, p);
    case RQ_END_REQUEST:
      return post ? m.OnPostEndRequest(this, p) : m.OnEndRequest(this, p);
    default:
      return RQ_NOTIFICATION_CONTINUE;
  }
}

bool http_context::seek() {
  for (;;) {
    if (step_ >= pipeline.size() * 2) return false;
    if (!order_ready_) {
      order_ = st_->modules.order_for(pipeline[step_ / 2], step_ % 2 == 1);
      order_ready_ = true;
      module_ = 0;
    }
    if (module_ < order_.size()) return true;
    // The handler notifications are over and nobody finished the request: IIS's last handler
    // (the static file handler) would find nothing either.
    if (step_ == execute_post_step && !finishing_ && !ws_) response_.answer_instead(404, "not found\n");
    ++step_;
    order_ready_ = false;
  }
}

void http_context::advance(REQUEST_NOTIFICATION_STATUS status) {
  if (status != RQ_NOTIFICATION_FINISH_REQUEST) {
    ++module_;
    return;
  }
  finishing_ = true;
  if (step_ < log_step) {
    step_ = log_step;  // RQ_LOG_REQUEST and RQ_END_REQUEST still run
    order_ready_ = false;
  } else {
    module_ = order_.size();  // the rest of this notification is skipped
  }
}

bool http_context::take_resumption(std::optional<completion>& c, std::optional<REQUEST_NOTIFICATION_STATUS>& s) {
  std::lock_guard lock(mu_);
  if (posted_) {
    c = posted_;
    posted_.reset();
    return true;
  }
  if (indicated_) {
    s = indicated_;
    indicated_.reset();
    return true;
  }
  pending_ = true;  // rule 58: suspended until PostCompletion or IndicateCompletion
  running_ = false;
  return false;
}

void http_context::run(std::optional<REQUEST_NOTIFICATION_STATUS> resumed, std::optional<completion> completed) {
  std::optional<REQUEST_NOTIFICATION_STATUS> status = resumed;
  for (;;) {
    if (completed) {
      // A completion for the module that pended: its OnAsyncCompletion gives the status.
      CHttpModule* m = modules_[order_[module_]];
      completion_info_.c = *completed;
      completed.reset();
      status = m->OnAsyncCompletion(this, pipeline[step_ / 2], step_ % 2 == 1,
                                    static_cast<IAuthenticationProvider*>(&provider_), &completion_info_);
    } else {
      if (status) advance(*status);
      if (!seek()) break;
      if (step_ >= log_step) end_websocket();  // RQ_LOG_REQUEST and RQ_END_REQUEST come after it
      CHttpModule* m = module_at(order_[module_]);
      if (!m) {
        response_.answer_instead(500, "module failed\n");
        status = RQ_NOTIFICATION_FINISH_REQUEST;
        continue;
      }
      status = call_notification(*m, pipeline[step_ / 2], step_ % 2 == 1);
    }
    if (*status == RQ_NOTIFICATION_PENDING) {
      std::optional<REQUEST_NOTIFICATION_STATUS> indicated;
      if (!take_resumption(completed, indicated)) return;  // suspended: a completion resumes us
      if (indicated) status = indicated;
      continue;
    }
    std::lock_guard lock(mu_);
    if (posted_ || indicated_) log("a completion arrived for a notification that did not return PENDING; dropped");
    posted_.reset();
    indicated_.reset();
  }
  end_pipeline();
}

HRESULT http_context::PostCompletion(DWORD bytes) { return post_completion({bytes, S_OK}); }

HRESULT http_context::PostCompletion(DWORD bytes, LPOVERLAPPED_COMPLETION_ROUTINE routine, VOID*) {
  if (routine) return E_NOTIMPL;
  return post_completion({bytes, S_OK});
}

void http_context::complete_later(DWORD bytes, HRESULT hr) { (void)post_completion({bytes, hr}); }

HRESULT http_context::post_completion(completion c) {
  std::unique_lock lock(mu_);
  if (done_ || pipeline_over_) return hr_wrong_state;
  if (pending_) {
    pending_ = false;
    running_ = true;
    lock.unlock();
    st_->pool->post([self = shared_from_this(), c] { self->run(std::nullopt, c); });
    return S_OK;
  }
  posted_ = c;  // the running notification takes it when it returns PENDING
  return S_OK;
}

VOID http_context::IndicateCompletion(REQUEST_NOTIFICATION_STATUS status) {
  if (status == RQ_NOTIFICATION_PENDING) return;
  std::unique_lock lock(mu_);
  if (done_ || pipeline_over_) return;
  if (pending_) {
    pending_ = false;
    running_ = true;
    lock.unlock();
    st_->pool->post([self = shared_from_this(), status] { self->run(status, std::nullopt); });
    return;
  }
  indicated_ = status;
}

void http_context::end_pipeline() {
  {
    std::lock_guard lock(mu_);
    pipeline_over_ = true;
    running_ = false;
  }
  answer();
  std::unique_lock lock(mu_);
  done_ = true;
  finish_locked(lock);
}

void http_context::end_websocket() {
  if (!ws_) return;
  {
    std::lock_guard lock(mu_);
    if (ws_finished_) return;
    ws_finished_ = true;  // completions from now on call no module back
  }
  ws_->request_ended();
}

void http_context::answer() {
  if (ws_) return end_websocket();
  std::shared_ptr<http::front> f;
  {
    std::lock_guard lock(mu_);
    f = std::move(front_);
  }
  if (!f) return;
  if (response_.status() == 101) response_.answer_instead(500, "WebSocket upgrade not completed\n");
  http::answer a{response_.head(), response_.body(), std::nullopt};
  asio::post(f->context(), [f, a = std::move(a)]() mutable { f->respond(std::move(a)); });
}

void http_context::finish_locked(std::unique_lock<std::mutex>& lock) {
  if (callbacks_running_ != 0 || cleaned_) return;
  cleaned_ = true;
  lock.unlock();
  cleanup();
}

void http_context::cleanup() {
  // The stored contexts first (they may point at their module), then the modules (rule: no
  // module code runs after this for the request).
  for (auto& [name, c] : named_contexts_.contexts) {
    if (c && c != ws_.get()) c->CleanupStoredContext();
  }
  for (auto& [id, c] : module_contexts_.contexts) {
    if (c) c->CleanupStoredContext();
  }
  for (CHttpModule*& m : modules_) {
    if (m) m->Dispose();
    m = nullptr;
  }
  {
    std::lock_guard lock(mu_);
    memory_.clear();
  }
  // The timer belongs to the channel's loop: it goes there to be destroyed.
  std::unique_ptr<asio::steady_timer> timer;
  {
    std::lock_guard lock(mu_);
    timer = std::move(abandon_timer_);
  }
  if (timer) asio::post(ws_->channel().context(), [t = std::move(timer)] {});
  // The connection ends with the request (its 1001 went out when the pipeline ended), and its
  // channel is finished before the request can go, on whatever thread drops it last.
  if (ws_) ws_->release_connection();
  st_->remove_request(id_);
}

void http_context::run_callback(std::function<void()> callback) {
  {
    std::lock_guard lock(mu_);
    if (done_ || ws_finished_) return;
    ++callbacks_running_;  // holds the request's memory until the callback returns
  }
  st_->pool->post([self = shared_from_this(), callback = std::move(callback)] {
    bool run;
    {
      std::lock_guard lock(self->mu_);
      run = !self->done_ && !self->ws_finished_;
    }
    if (run) callback();
    std::unique_lock lock(self->mu_);
    --self->callbacks_running_;
    if (self->done_) self->finish_locked(lock);
  });
}

// ------------------------------------------------------------------ the WebSocket handshake

HRESULT http_context::flush(BOOL async, BOOL more_data, DWORD* sent, BOOL* completion_expected) {
  if (sent) *sent = 0;
  if (response_.status() == 101 && !ws_) {
    if (!upgrade_) return hr_unsupported;  // not a WebSocket upgrade request (or the feature is off)
    // Rule 57: with fMoreData = FALSE the upgrade does not happen (the 101 stays unsent; a request
    // that ends so is answered 500).
    if (more_data) {
      if (const HRESULT hr = accept_upgrade(); FAILED(hr)) return hr;
    }
  }
  // Everything else stays buffered: the host writes a response whole, when the request ends.
  if (async && !completion_expected) {
    complete_later(0, S_OK);
  } else if (completion_expected) {
    *completion_expected = FALSE;
  }
  return S_OK;
}

HRESULT http_context::accept_upgrade() {
  core::http_head head;
  head.method = request_.GetHttpMethod();
  head.target = request_.target();
  head.version_minor = request_.version_minor();
  head.headers = request_.headers();
  core::upgrade_request offer;
  if (core::check_upgrade_request(head, offer) != core::errc::ok) return E_INVALIDARG;  // a module changed it
  core::server_response chosen;
  for (auto& f : response_.fields()) {
    // The host's own (rule 56's handshake): whatever the module set for these is replaced.
    if (same_header_name(f.name, "Upgrade") || same_header_name(f.name, "Connection") || same_header_name(f.name, "Sec-WebSocket-Accept")) {
      continue;
    }
    if (same_header_name(f.name, "Sec-WebSocket-Protocol")) {
      if (std::find(offer.subprotocols.begin(), offer.subprotocols.end(), f.value) == offer.subprotocols.end()) {
        log("Sec-WebSocket-Protocol " + core::escape_for_log(f.value) + " was not offered: upgrade refused");
        return E_INVALIDARG;
      }
      chosen.subprotocol = f.value;
      continue;
    }
    if (same_header_name(f.name, "Sec-WebSocket-Extensions")) {
      log("Sec-WebSocket-Extensions set by a module: no extension is implemented; upgrade refused");
      return E_INVALIDARG;
    }
    chosen.extra_headers.push_back(f);
  }
  const std::string response = core::accept_response(offer, chosen);
  const host_options& o = st_->options;
  runtime::channel_options co;
  co.role = core::role::server;
  co.mode = runtime::channel_mode::pull;
  // Keep-alive by unsolicited pong: a module hears the client only while it reads, so a ping's
  // answer could wait unread and look like a dead client.
  co.keepalive_pong = true;
  co.limits.max_message_size = o.receive_buffer_limit;
  co.limits.ping_interval = o.ping_interval;
  co.limits.close_timeout = o.close_timeout;
  co.limits.handshake_timeout = std::chrono::milliseconds(0);

  std::shared_ptr<http::front> f;
  {
    std::lock_guard lock(mu_);
    f = front_;
  }
  if (!f) return hr_wrong_state;
  auto ws = std::make_shared<websocket_context>(weak_from_this());
  auto events = std::make_shared<ws_events>(weak_from_this());
  std::promise<std::shared_ptr<runtime::channel>> upgraded;
  asio::post(f->context(), [&] {
    auto ch = f->upgrade(co);
    if (ch) ch->start_server(events, response, offer.target, offer.headers, chosen.subprotocol, early_);
    upgraded.set_value(std::move(ch));
  });
  auto ch = upgraded.get_future().get();
  if (!ch) return hr_peer_gone;  // the client left before the 101
  ws->attach(std::move(ch));
  std::lock_guard lock(mu_);
  ws_ = std::move(ws);
  named_contexts_.contexts[IIS_WEBSOCKET] = ws_.get();  // rule 56: from now on, the same one
  front_.reset();
  return S_OK;
}

void http_context::on_connection_ended() {
  std::lock_guard lock(mu_);
  connection_ended_ = true;
  if (done_ || !ws_) return;
  // The module should finish the request now (its outstanding operations have failed). If it
  // has not after the grace period, with nothing outstanding, the host does (and says so). The
  // timer lives on this loop; mu_ guards the pointer, which the cleanup takes on a pool thread.
  abandon_timer_ = std::make_unique<asio::steady_timer>(ws_->channel().context());
  watch_abandoned_locked();
}

void http_context::watch_abandoned_locked() {
  abandon_timer_->expires_after(st_->options.abandoned_request_grace);
  abandon_timer_->async_wait([weak = weak_from_this()](std::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    std::unique_lock lock(self->mu_);
    if (self->done_) return;  // the cleanup may have the timer already
    if (self->running_ || self->callbacks_running_ != 0 || !self->ws_->idle()) {
      return self->watch_abandoned_locked();  // still busy: look again later
    }
    self->pipeline_over_ = true;
    self->done_ = true;
    self->pending_ = false;
    lock.unlock();
    self->log("the module did not finish the request after its connection ended; cleaned up");
    self->st_->pool->post([self] {
      self->ws_->request_ended();
      std::unique_lock l(self->mu_);
      self->finish_locked(l);
    });
  });
}

void http_context::reset_connection() {
  std::shared_ptr<websocket_context> ws;
  std::shared_ptr<http::front> f;
  {
    std::lock_guard lock(mu_);
    ws = ws_;
    f = front_;
  }
  if (ws) return ws->CloseTcpConnection();
  if (f) f->abort();
}

void http_context::stop() {
  std::shared_ptr<websocket_context> ws;
  std::shared_ptr<http::front> f;
  {
    std::lock_guard lock(mu_);
    ws = ws_;
    f = front_;
  }
  if (ws) return ws->stop();
  if (f) f->abort();
}

HRESULT http_context::CancelIo() {
  std::shared_ptr<websocket_context> ws;
  {
    std::lock_guard lock(mu_);
    ws = ws_;
  }
  if (ws) ws->CancelOutstandingIO();
  return S_OK;
}

// ------------------------------------------------------------------ the rest of IHttpContext

BOOL http_context::GetResponseHeadersSent() const {
  std::lock_guard lock(mu_);
  return ws_ != nullptr;
}

HRESULT http_context::GetServerVariable(PCSTR name, PCWSTR* value, DWORD* length) {
  std::lock_guard lock(mu_);
  return variables_.get(name, value, length);
}

HRESULT http_context::GetServerVariable(PCSTR name, PCSTR* value, DWORD* length) {
  std::lock_guard lock(mu_);
  return variables_.get(name, value, length);
}

HRESULT http_context::SetServerVariable(PCSTR name, PCWSTR value) {
  std::lock_guard lock(mu_);
  return variables_.set(name, value);
}

VOID* http_context::AllocateRequestMemory(DWORD size) {
  if (size == 0) return nullptr;
  std::lock_guard lock(mu_);
  memory_.push_back(std::make_unique<std::byte[]>(size));
  return memory_.back().get();
}

PCWSTR http_context::GetPhysicalPath(DWORD* length) {
  if (length) *length = 0;
  return L"";  // no file system behind URLs here
}

PCWSTR http_context::GetScriptName(DWORD* length) const {
  std::lock_guard lock(mu_);
  if (script_name_.empty()) script_name_ = win32::to_wide(request_.path());
  if (length) *length = static_cast<DWORD>(script_name_.size());
  return script_name_.c_str();
}

PCWSTR http_context::GetScriptTranslated(DWORD* length) { return GetPhysicalPath(length); }

HRESULT http_context::GetCurrentExecutionStats(DWORD* notification, DWORD* start, PCWSTR* module, DWORD* module_start,
                                               DWORD* async_notification, DWORD* async_start) const {
  const std::size_t step = step_;
  if (notification) *notification = step / 2 < pipeline.size() ? pipeline[step / 2] : 0;
  if (start) *start = 0;
  if (module) *module = nullptr;
  if (module_start) *module_start = 0;
  if (async_notification) *async_notification = 0;
  if (async_start) *async_start = 0;
  return S_OK;
}

BOOL http_context::connection::IsConnected() const {
  std::lock_guard lock(ctx_.mu_);
  if (ctx_.ws_) return ctx_.ws_->channel().is_open() && !ctx_.ws_->channel().finished();
  return !ctx_.connection_ended_;
}

IHttpStoredContext* http_context::named_container::GetNamedContext(LPCWSTR name) {
  if (!name) return nullptr;
  std::lock_guard lock(ctx_.mu_);
  const auto it = contexts.find(name);
  return it == contexts.end() ? nullptr : it->second;
}

HRESULT http_context::named_container::SetNamedContext(IHttpStoredContext* context, LPCWSTR name) {
  if (!context || !name) return E_INVALIDARG;
  std::lock_guard lock(ctx_.mu_);
  // The host's own name: the "websockets" context appears with the 101 (rule 56), nothing else.
  if (std::wstring_view(name) == IIS_WEBSOCKET) return E_INVALIDARG;
  // A name taken: ERROR_ALREADY_ASSIGNED, as IIS documents for SetModuleContext (inferred here).
  if (!contexts.emplace(name, context).second) return HRESULT_FROM_WIN32(ERROR_ALREADY_ASSIGNED);
  return S_OK;
}

IHttpStoredContext* http_context::module_container::GetModuleContext(HTTP_MODULE_ID id) {
  std::lock_guard lock(ctx_.mu_);
  const auto it = contexts.find(id);
  return it == contexts.end() ? nullptr : it->second;
}

HRESULT http_context::module_container::SetModuleContext(IHttpStoredContext* context, HTTP_MODULE_ID id) {
  if (!context || !id) return E_INVALIDARG;
  std::lock_guard lock(ctx_.mu_);
  if (!contexts.emplace(id, context).second) return HRESULT_FROM_WIN32(ERROR_ALREADY_ASSIGNED);
  return S_OK;
}

VOID http_context::event_provider::SetErrorStatus(HRESULT hr) {
  std::lock_guard lock(ctx_.mu_);
  ctx_.error_status_ = hr;
}

}  // namespace websock::iis
