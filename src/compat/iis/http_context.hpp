// One request through the IIS pipeline: IHttpContext3 (and the containers, the connection and the
// completion information it hands out) over a request the HTTP front parsed.
//
// The pipeline (docs/compat/iis.md, "Pipeline"): each deterministic notification, then its
// post-notification, goes to the modules subscribed to it in priority order. CONTINUE goes on,
// FINISH_REQUEST skips to RQ_LOG_REQUEST and RQ_END_REQUEST, PENDING suspends the request until
// PostCompletion (then OnAsyncCompletion of the module that pended) or IndicateCompletion. A
// request that no module finished by the end of RQ_EXECUTE_REQUEST_HANDLER is answered 404.
//
// Threads: module code runs on the host's blocking pool only. The pipeline runs on one pool
// thread at a time (running_); completions that arrive while a notification runs are kept and
// taken when it returns PENDING. WebSocket completion callbacks run on the pool through
// run_callback(), which refuses them once the request is done and holds the request's memory
// until the last one returns. All state below is guarded by mu_.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <httpserv.h>

#include "host_state.hpp"
#include "http/front.hpp"
#include "http_request.hpp"
#include "http_response.hpp"
#include "server_variables.hpp"

namespace websock::iis {

class websocket_context;

class http_context final : public IHttpContext3, public std::enable_shared_from_this<http_context> {
 public:
  // `upgrade`: a valid WebSocket upgrade request (core::check_upgrade_request passed) with the
  // WebSocket feature on; `early`: the bytes that came after its head.
  http_context(std::shared_ptr<host::state> st, std::shared_ptr<http::front> front, const http::request& r,
               std::string body, bool upgrade, std::vector<std::byte> early);
  ~http_context();

  // On the front's loop: starts the pipeline on the pool.
  void begin();
  std::uint64_t id() const noexcept { return id_; }

  // ---- IHttpContext ----
  IHttpSite* GetSite() override { return nullptr; }
  IHttpApplication* GetApplication() override { return nullptr; }
  IHttpConnection* GetConnection() override { return &connection_; }
  IHttpRequest* GetRequest() override { return &request_; }
  IHttpResponse* GetResponse() override { return &response_; }
  BOOL GetResponseHeadersSent() const override;
  IHttpUser* GetUser() const override { return nullptr; }
  IHttpModuleContextContainer* GetModuleContextContainer() override { return &module_contexts_; }
  VOID IndicateCompletion(REQUEST_NOTIFICATION_STATUS status) override;
  HRESULT PostCompletion(DWORD bytes) override;
  VOID DisableNotifications(DWORD, DWORD) override {}
  BOOL GetNextNotification(REQUEST_NOTIFICATION_STATUS, DWORD*, BOOL*, CHttpModule**, IHttpEventProvider**) override {
    return FALSE;
  }
  BOOL GetIsLastNotification(REQUEST_NOTIFICATION_STATUS) override { return FALSE; }
  HRESULT ExecuteRequest(BOOL, IHttpContext*, DWORD, IHttpUser*, BOOL*) override { return E_NOTIMPL; }
  DWORD GetExecuteFlags() const override { return 0; }
  HRESULT GetServerVariable(PCSTR name, PCWSTR* value, DWORD* length) override;
  HRESULT GetServerVariable(PCSTR name, PCSTR* value, DWORD* length) override;
  HRESULT SetServerVariable(PCSTR name, PCWSTR value) override;
  VOID* AllocateRequestMemory(DWORD size) override;
  IHttpUrlInfo* GetUrlInfo() override { return nullptr; }
  IMetadataInfo* GetMetadata() override { return nullptr; }
  PCWSTR GetPhysicalPath(DWORD* length) override;
  PCWSTR GetScriptName(DWORD* length) const override;
  PCWSTR GetScriptTranslated(DWORD* length) override;
  IScriptMapInfo* GetScriptMap() const override { return nullptr; }
  VOID SetRequestHandled() override {}
  IHttpFileInfo* GetFileInfo() const override { return nullptr; }
  HRESULT MapPath(PCWSTR, PWSTR, DWORD*) override { return E_NOTIMPL; }
  HRESULT NotifyCustomNotification(ICustomNotificationProvider*, BOOL*) override { return E_NOTIMPL; }
  IHttpContext* GetParentContext() const override { return nullptr; }
  IHttpContext* GetRootContext() const override { return const_cast<http_context*>(this); }
  HRESULT CloneContext(DWORD, IHttpContext**) override { return E_NOTIMPL; }
  HRESULT ReleaseClonedContext() override { return E_NOTIMPL; }
  HRESULT GetCurrentExecutionStats(DWORD*, DWORD*, PCWSTR*, DWORD*, DWORD*, DWORD*) const override;
  IHttpTraceContext* GetTraceContext() const override { return nullptr; }
  HRESULT CancelIo() override;
  HRESULT MapHandler(DWORD, PCWSTR, PCWSTR, PCSTR, IScriptMapInfo**, BOOL) override { return E_NOTIMPL; }
  HRESULT GetExtendedInterface(HTTP_CONTEXT_INTERFACE_VERSION, PVOID*) override { return E_NOINTERFACE; }
  // ---- IHttpContext2, IHttpContext3 ----
  IHttpUser* GetOriginalUser() const override { return nullptr; }
  INamedContextContainer* GetNamedContextContainer() override { return &named_contexts_; }
  VOID EnableFullDuplex() override {}
  HRESULT InheritServerVariable(PCSTR, BOOL) override { return S_OK; }
  HRESULT PostCompletion(DWORD bytes, LPOVERLAPPED_COMPLETION_ROUTINE routine, VOID* context) override;

  // ---- for the response, the request and the WebSocket context ----
  // IHttpResponse::Flush: on an upgrade request with status 101 and more_data, the handshake.
  HRESULT flush(BOOL async, BOOL more_data, DWORD* sent, BOOL* completion_expected);
  // An asynchronous Flush, WriteEntityChunks or ReadEntityBody that completed at once, for a
  // caller that passed no pfCompletionExpected: its OnAsyncCompletion comes later.
  void complete_later(DWORD bytes, HRESULT hr);
  // Runs a WebSocket completion callback on the pool, unless the request is done by then.
  void run_callback(std::function<void()> callback);
  // The connection of the WebSocket is gone (on its loop).
  void on_connection_ended();
  // ResetConnection, CloseTcpConnection: drops the connection at once.
  void reset_connection();
  // Host stop: pending WebSocket operations end as cancelled, the connection goes.
  void stop();
  void log(const std::string& line);
  host::state& host_state() noexcept { return *st_; }

 private:
  struct completion {
    DWORD bytes = 0;
    HRESULT status = S_OK;
  };
  class completion_info final : public IHttpCompletionInfo {
   public:
    completion c;
    DWORD GetCompletionBytes() const override { return c.bytes; }
    HRESULT GetCompletionStatus() const override { return c.status; }
  };
  class connection final : public IHttpConnection {
   public:
    explicit connection(http_context& ctx) : ctx_(ctx) {}
    BOOL IsConnected() const override;
    VOID* AllocateMemory(DWORD size) override { return ctx_.AllocateRequestMemory(size); }
    IHttpConnectionModuleContextContainer* GetModuleContextContainer() override { return nullptr; }

   private:
    http_context& ctx_;
  };
  class named_container final : public INamedContextContainer {
   public:
    explicit named_container(http_context& ctx) : ctx_(ctx) {}
    IHttpStoredContext* GetNamedContext(LPCWSTR name) override;
    HRESULT SetNamedContext(IHttpStoredContext* context, LPCWSTR name) override;
    std::map<std::wstring, IHttpStoredContext*> contexts;  // guarded by the context's mu_

   private:
    http_context& ctx_;
  };
  class module_container final : public IHttpModuleContextContainer {
   public:
    explicit module_container(http_context& ctx) : ctx_(ctx) {}
    IHttpStoredContext* GetModuleContext(HTTP_MODULE_ID id) override;
    HRESULT SetModuleContext(IHttpStoredContext* context, HTTP_MODULE_ID id) override;
    std::map<HTTP_MODULE_ID, IHttpStoredContext*> contexts;  // guarded by the context's mu_

   private:
    http_context& ctx_;
  };
  // One provider for every notification: each provider interface is IHttpEventProvider's method.
  class event_provider final : public IAuthenticationProvider,
                               public IMapHandlerProvider,
                               public IMapPathProvider,
                               public ISendResponseProvider,
                               public IReadEntityProvider,
                               public ICustomNotificationProvider {
   public:
    explicit event_provider(http_context& ctx) : ctx_(ctx) {}
    VOID SetErrorStatus(HRESULT hr) override;

   private:
    http_context& ctx_;
  };

  class module_allocator final : public IModuleAllocator {
   public:
    explicit module_allocator(http_context& ctx) : ctx_(ctx) {}
    VOID* AllocateMemory(DWORD size) override { return ctx_.AllocateRequestMemory(size); }

   private:
    http_context& ctx_;
  };

  // The pipeline, on the pool.
  // From the start (nothing), after a PENDING (the status it resumes with, or a completion for
  // the module's OnAsyncCompletion). Until the request suspends or the pipeline is over.
  void run(std::optional<REQUEST_NOTIFICATION_STATUS> resumed, std::optional<completion> completed);
  HRESULT post_completion(completion c);
  HRESULT accept_upgrade();
  // Arms the abandoned-request check (on the channel's loop, mu_ held).
  void watch_abandoned_locked();
  // Moves past the notification that returned `status`.
  void advance(REQUEST_NOTIFICATION_STATUS status);
  // True when (step_, module_) names a module to call, moving on to the next that does.
  bool seek();
  REQUEST_NOTIFICATION_STATUS call_notification(CHttpModule& m, DWORD notification, bool post);
  CHttpModule* module_at(std::size_t index);
  // What a notification's PENDING meets: a completion or an indication that arrived meanwhile
  // (taken), or nothing (the request is suspended; false).
  bool take_resumption(std::optional<completion>& c, std::optional<REQUEST_NOTIFICATION_STATUS>& s);
  // The request is finished (the handler notifications are over, or a module returned
  // FINISH_REQUEST): its WebSocket ends (1001) and no completion calls a module back any more.
  // On the pipeline's thread, once.
  void end_websocket();
  void end_pipeline();
  void answer();
  void finish_locked(std::unique_lock<std::mutex>& lock);
  void cleanup();

  std::shared_ptr<host::state> st_;
  const std::uint64_t id_;
  std::shared_ptr<http::front> front_;  // until answered or upgraded
  http_request request_;
  http_response response_;
  server_variables variables_;
  connection connection_{*this};
  named_container named_contexts_{*this};
  module_container module_contexts_{*this};
  event_provider provider_{*this};
  completion_info completion_info_;
  module_allocator allocator_{*this};
  const bool upgrade_;
  std::vector<std::byte> early_;
  std::shared_ptr<websocket_context> ws_;

  mutable std::mutex mu_;
  std::vector<CHttpModule*> modules_;       // per module table entry, made when first needed
  std::vector<std::unique_ptr<std::byte[]>> memory_;  // AllocateRequestMemory and the allocator's
  // pipeline index * 2 + (post ? 1 : 0); atomic: GetCurrentExecutionStats reads it from any thread.
  std::atomic<std::size_t> step_{0};
  std::size_t module_ = 0;                  // position in the step's order
  std::vector<std::size_t> order_;          // the current step's modules
  bool order_ready_ = false;
  bool running_ = false;                    // a pool thread is in the pipeline
  bool pending_ = false;                    // suspended: waiting for a completion or indication
  std::optional<completion> posted_;        // arrived while running
  std::optional<REQUEST_NOTIFICATION_STATUS> indicated_;  // arrived while running
  bool finishing_ = false;                  // a module returned FINISH_REQUEST
  bool pipeline_over_ = false;
  bool done_ = false;                       // no more module calls
  unsigned callbacks_running_ = 0;
  bool cleaned_ = false;
  bool connection_ended_ = false;
  bool ws_finished_ = false;                // end_websocket() ran
  HRESULT error_status_ = S_OK;
  mutable std::wstring script_name_;
  std::unique_ptr<asio::steady_timer> abandon_timer_;  // used on the channel's loop; the pointer under mu_
};

}  // namespace websock::iis
