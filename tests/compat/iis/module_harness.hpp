// The in-process harness of the IIS face's rule and fault tests: a module whose behaviour each test
// scripts, registered in code with a websock::iis::host on loopback, and the means to wait for what
// it does without sleeping.
//
//   iis_test::module_script script;
//   script.execute = [&](IHttpContext& ctx) {             // RQ_EXECUTE_REQUEST_HANDLER
//     IWebSocketContext* ws = iis_test::accept_upgrade(ctx);  // 101, Flush(TRUE, TRUE), "websockets"
//     handed.put({&ctx, ws});                             // to the test thread
//     return RQ_NOTIFICATION_PENDING;                     // rule 58: the request stays alive
//   };
//   iis_test::test_host h(script);                        // started; h.port()
//   auto client = iis_test::open_websocket(h.port());     // a RawClient past the 101
//   auto request = handed.take();                         // the module's IHttpContext and context
//   iis_test::completions done;                           // PFN_WEBSOCKET_COMPLETION recorder
//   request->ws->ReadFragment(..., iis_test::completions::callback, &done, &expected);
//   ASSERT_TRUE(done.wait_for(1));
//   request->http->PostCompletion(0);                     // OnAsyncCompletion: FINISH_REQUEST
//   ASSERT_TRUE(h.wait_requests_ended(1));                // RQ_END_REQUEST seen
//
// One test_host at a time per process (the module's entry point is a plain function, so the script
// it runs is process-wide); gtest_discover_tests runs each test in a process of its own anyway.
#pragma once

#include <windows.h>
#include <httpserv.h>
#include <iiswebsocket.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "raw_client.hpp"
#include "websock/iis/host.hpp"

namespace iis_test {

using namespace std::chrono_literals;
using test_support::RawClient;

// How long any wait of a test may take before it fails (nothing here takes more than a fraction).
inline constexpr std::chrono::seconds patience{10};

// What the test module does. Empty members: RQ_NOTIFICATION_CONTINUE (execute),
// RQ_NOTIFICATION_FINISH_REQUEST (async_completion), nothing (dispose).
struct module_script {
  std::function<REQUEST_NOTIFICATION_STATUS(IHttpContext&)> execute;
  std::function<REQUEST_NOTIFICATION_STATUS(IHttpContext&, IHttpCompletionInfo&)> async_completion;
  // CHttpModule::Dispose, which the host calls when it cleans the request up (before the module
  // object is deleted): a test counts cleanups with it.
  std::function<void()> dispose;
};

// Values handed from one thread to another, in order; take() waits a bounded time.
template <class T>
class mailbox {
 public:
  void put(T value) {
    std::lock_guard lock(m_);
    items_.push_back(std::move(value));
    cv_.notify_all();
  }
  std::optional<T> take(std::chrono::milliseconds limit = patience) {
    std::unique_lock lock(m_);
    if (!cv_.wait_for(lock, limit, [&] { return !items_.empty(); })) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    return value;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<T> items_;
};

// A request the module handed to the test thread.
struct handed_request {
  IHttpContext* http = nullptr;
  IWebSocketContext* ws = nullptr;  // null when the module did not upgrade
};

// One PFN_WEBSOCKET_COMPLETION call, as it arrived.
struct completion {
  HRESULT hr = S_OK;
  DWORD bytes = 0;
  BOOL utf8 = FALSE;
  BOOL final_fragment = FALSE;
  BOOL close = FALSE;
  std::thread::id thread;
};

// Records the completions of operations started with `callback` and `this` as their context.
class completions {
 public:
  static VOID WINAPI callback(HRESULT hr, VOID* context, DWORD bytes, BOOL utf8, BOOL final_fragment, BOOL close) {
    auto* self = static_cast<completions*>(context);
    std::lock_guard lock(self->m_);
    self->seen_.push_back({hr, bytes, utf8, final_fragment, close, std::this_thread::get_id()});
    self->cv_.notify_all();
  }
  // True once at least `n` completions have arrived.
  bool wait_for(std::size_t n, std::chrono::milliseconds limit = patience) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, limit, [&] { return seen_.size() >= n; });
  }
  std::size_t count() {
    std::lock_guard lock(m_);
    return seen_.size();
  }
  completion at(std::size_t i) {
    std::lock_guard lock(m_);
    return seen_.at(i);
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<completion> seen_;
};

class test_host;

namespace detail {
inline module_script* script = nullptr;
inline test_host* running = nullptr;
inline IHttpServer* server = nullptr;
void request_ended();
}  // namespace detail

// The host with the scripted module registered and started on 127.0.0.1, any free port. Captures
// the host's log lines (they are also printed, for a failing test's output).
class test_host {
 public:
  explicit test_host(module_script s, websock::iis::host_options o = {}) : script_(std::move(s)) {
    o.host = "127.0.0.1";
    o.port = 0;
    o.log = [this](std::string_view line) {
      std::lock_guard lock(m_);
      log_.emplace_back(line);
      std::fprintf(stderr, "host log: %.*s\n", static_cast<int>(line.size()), line.data());
      cv_.notify_all();
    };
    detail::script = &script_;
    detail::running = this;
    host_ = std::make_unique<websock::iis::host>(std::move(o));
    host_->register_module(L"scripted", &register_scripted);
    host_->start();
  }
  ~test_host() {
    host_.reset();
    detail::running = nullptr;
    detail::script = nullptr;
  }
  test_host(const test_host&) = delete;
  test_host& operator=(const test_host&) = delete;

  std::uint16_t port() const { return host_->port(); }
  websock::iis::host& host() { return *host_; }

  // True once `n` requests have passed RQ_END_REQUEST.
  bool wait_requests_ended(std::size_t n, std::chrono::milliseconds limit = patience) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, limit, [&] { return ended_ >= n; });
  }
  std::size_t requests_ended() {
    std::lock_guard lock(m_);
    return ended_;
  }
  // True once a log line containing `text` has been written.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds limit = patience) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, limit, [&] {
      for (const auto& line : log_) {
        if (line.find(text) != std::string::npos) return true;
      }
      return false;
    });
  }

 private:
  friend void detail::request_ended();

  class scripted_module final : public CHttpModule {
   public:
    REQUEST_NOTIFICATION_STATUS OnExecuteRequestHandler(IHttpContext* ctx, IHttpEventProvider*) override {
      return detail::script->execute ? detail::script->execute(*ctx) : RQ_NOTIFICATION_CONTINUE;
    }
    REQUEST_NOTIFICATION_STATUS OnAsyncCompletion(IHttpContext* ctx, DWORD, BOOL, IHttpEventProvider*,
                                                  IHttpCompletionInfo* info) override {
      return detail::script->async_completion ? detail::script->async_completion(*ctx, *info)
                                              : RQ_NOTIFICATION_FINISH_REQUEST;
    }
    REQUEST_NOTIFICATION_STATUS OnEndRequest(IHttpContext*, IHttpEventProvider*) override {
      detail::request_ended();
      return RQ_NOTIFICATION_CONTINUE;
    }
    VOID Dispose() override {
      if (detail::script->dispose) detail::script->dispose();
      delete this;
    }
  };
  class factory final : public IHttpModuleFactory {
   public:
    HRESULT GetHttpModule(CHttpModule** module, IModuleAllocator*) override {
      *module = new scripted_module;
      return S_OK;
    }
    VOID Terminate() override { delete this; }
  };
  static HRESULT WINAPI register_scripted(DWORD, IHttpModuleRegistrationInfo* info, IHttpServer* server) {
    detail::server = server;
    return info->SetRequestNotifications(new factory, RQ_EXECUTE_REQUEST_HANDLER | RQ_END_REQUEST, 0);
  }

  module_script script_;
  std::mutex m_;
  std::condition_variable cv_;
  std::size_t ended_ = 0;
  std::vector<std::string> log_;
  std::unique_ptr<websock::iis::host> host_;
};

inline void detail::request_ended() {
  test_host* h = running;
  std::lock_guard lock(h->m_);
  ++h->ended_;
  h->cv_.notify_all();
}

// The request's "websockets" context as a module finds it (null until the 101 is flushed).
inline IWebSocketContext* websocket_of(IHttpContext& ctx) {
  IHttpContext3* ctx3 = nullptr;
  if (FAILED(HttpGetExtendedInterface(detail::server, &ctx, &ctx3)) || !ctx3) return nullptr;
  return static_cast<IWebSocketContext*>(ctx3->GetNamedContextContainer()->GetNamedContext(IIS_WEBSOCKET));
}

// The accept sequence of a module: status 101, Flush(fAsync = TRUE, fMoreData), the context.
inline IWebSocketContext* accept_upgrade(IHttpContext& ctx, BOOL more_data = TRUE) {
  ctx.GetResponse()->SetStatus(101, "Switching Protocols");
  DWORD sent = 0;
  BOOL expected = FALSE;
  if (FAILED(ctx.GetResponse()->Flush(TRUE, more_data, &sent, &expected))) return nullptr;
  return websocket_of(ctx);
}

// A server variable as a string ("" and the failure when it cannot be read).
inline HRESULT server_variable(IHttpContext& ctx, const char* name, std::string& value) {
  PCSTR text = nullptr;
  DWORD length = 0;
  const HRESULT hr = ctx.GetServerVariable(name, &text, &length);
  value = SUCCEEDED(hr) && text ? std::string(text, length) : std::string();
  return hr;
}

// A raw client that sent an upgrade for `path` and read the head (which the caller may check).
struct websocket_client {
  std::unique_ptr<RawClient> socket;
  std::string head;
};

inline websocket_client open_websocket(std::uint16_t port, std::string_view path = "/ws") {
  websocket_client c{std::make_unique<RawClient>(port), {}};
  c.socket->send(test_support::upgrade_request(path));
  c.head = c.socket->read_head();
  return c;
}

// The two ways of calling IWebSocketContext: fAsync = FALSE, or fAsync = TRUE with a
// pfCompletionExpected (completed inline or through the callback).
enum class mode { sync, async };

struct op_result {
  HRESULT hr = E_FAIL;
  DWORD bytes = 0;
  BOOL utf8 = FALSE;
  BOOL final_fragment = FALSE;
  BOOL close = FALSE;
  bool by_callback = false;  // async and *pfCompletionExpected was TRUE
  std::string data;          // a read's bytes
};

namespace detail {
// The result of an asynchronous call that returned `hr` with `expected`: the inline `now`, or the
// callback's (the first completion after `before`, waited for).
inline op_result settle(HRESULT hr, BOOL expected, op_result now, completions& done, std::size_t before) {
  if (FAILED(hr) || !expected) {
    now.hr = hr;
    return now;
  }
  op_result r;
  if (!done.wait_for(before + 1)) {
    ADD_FAILURE() << "no completion callback within " << patience.count() << " s";
    return r;
  }
  const completion c = done.at(before);
  r.hr = c.hr;
  r.bytes = c.bytes;
  r.utf8 = c.utf8;
  r.final_fragment = c.final_fragment;
  r.close = c.close;
  r.by_callback = true;
  return r;
}
}  // namespace detail

// One ReadFragment of at most `capacity` bytes, waited for. Callbacks are recorded in `done`.
inline op_result read_fragment(IWebSocketContext& ws, mode m, completions& done, DWORD capacity = 65536) {
  std::string buffer(capacity, '\0');
  op_result now;
  DWORD size = capacity;
  BOOL expected = FALSE;
  const std::size_t before = done.count();
  const HRESULT hr = ws.ReadFragment(buffer.data(), &size, m == mode::async, &now.utf8, &now.final_fragment, &now.close,
                                     completions::callback, &done, &expected);
  now.bytes = size;
  op_result r = m == mode::sync ? (now.hr = hr, now) : detail::settle(hr, expected, now, done, before);
  // The bytes are in the buffer either way (a callback reports only their count).
  if (SUCCEEDED(r.hr)) r.data = buffer.substr(0, r.bytes);
  return r;
}

// One WriteFragment of `data`, waited for.
inline op_result write_fragment(IWebSocketContext& ws, mode m, completions& done, std::string data, BOOL utf8 = TRUE,
                                BOOL final_fragment = TRUE) {
  DWORD size = static_cast<DWORD>(data.size());
  BOOL expected = FALSE;
  const std::size_t before = done.count();
  const HRESULT hr = ws.WriteFragment(data.data(), &size, m == mode::async, utf8, final_fragment, completions::callback,
                                      &done, &expected);
  op_result now;
  now.bytes = size;
  return m == mode::sync ? (now.hr = hr, now) : detail::settle(hr, expected, now, done, before);
}

// One SendConnectionClose, waited for.
inline op_result send_close(IWebSocketContext& ws, mode m, completions& done, USHORT status, LPCWSTR reason) {
  BOOL expected = FALSE;
  const std::size_t before = done.count();
  const HRESULT hr = ws.SendConnectionClose(m == mode::async, status, reason, completions::callback, &done, &expected);
  op_result now;
  return m == mode::sync ? (now.hr = hr, now) : detail::settle(hr, expected, now, done, before);
}

// An asynchronous read the test starts itself (its buffer must outlive the operation).
struct pending_read {
  char buffer[64] = {};
  DWORD size = sizeof buffer;
  BOOL utf8 = FALSE, final_fragment = FALSE, close = FALSE, expected = FALSE;

  HRESULT start(IWebSocketContext& ws, PFN_WEBSOCKET_COMPLETION callback, VOID* context) {
    size = sizeof buffer;
    return ws.ReadFragment(buffer, &size, TRUE, &utf8, &final_fragment, &close, callback, context, &expected);
  }
};

// A close frame's code and reason as a client reads them.
struct close_frame {
  std::uint16_t code = 0;
  std::string reason;
};
inline close_frame parse_close(const test_support::ServerFrame& f) {
  close_frame c;
  if (f.payload.size() >= 2) {
    c.code = static_cast<std::uint16_t>((static_cast<unsigned char>(f.payload[0]) << 8) |
                                        static_cast<unsigned char>(f.payload[1]));
    c.reason = f.payload.substr(2);
  }
  return c;
}

// The two ways of calling the context, as gtest names them.
inline std::string mode_name(mode m) { return m == mode::sync ? "Sync" : "Async"; }

// What the rule and fault tests stand on: a module that accepts every upgrade and hands the
// request to the test (which plays the module from then on and finishes it), the client that
// opened it, and a count of the host's cleanups (Dispose).
class accepting_fixture {
 protected:
  module_script accepting() {
    module_script s;
    s.execute = [this](IHttpContext& ctx) {
      handed.put({&ctx, accept_upgrade(ctx)});
      return RQ_NOTIFICATION_PENDING;
    };
    s.dispose = [this] { ++disposed; };
    return s;
  }
  // The client connects and upgrades; the request the module handed over.
  handed_request open(test_host& h) {
    client = open_websocket(h.port());
    EXPECT_NE(client.head.find(" 101 "), std::string::npos) << client.head;
    auto r = handed.take();
    EXPECT_TRUE(r && r->ws) << "the module got no WebSocket context";
    return r ? *r : handed_request{};
  }

  std::atomic<int> disposed{0};
  mailbox<handed_request> handed;
  websocket_client client;
};

}  // namespace iis_test
