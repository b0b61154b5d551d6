// Many asynchronous WinHTTP websockets at once against ours (command_server, two worker threads),
// opened and driven from four application threads: every echo checked byte for byte, received in
// pieces smaller than the largest messages (so fragments occur), then Close and WinHttpCloseHandle
// on every handle, and no object left alive afterwards.
//
// Callbacks only queue what happened for the thread that owns the connection; that thread makes
// every WinHTTP call. WRITE_COMPLETE and CLOSE_COMPLETE may come inline, inside the call: the queue
// takes them like any other.
//
// Sanitizer builds define WINHTTP_STRESS_LIGHT (tests/compat/winhttp/CMakeLists.txt): fewer
// connections and messages, the same paths.
#include <windows.h>
#include <winhttp.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "command_server.hpp"
#include "winhttp/diagnostics.hpp"

using namespace winhttp_test;

namespace {

#ifdef WINHTTP_STRESS_LIGHT
constexpr int connections = 50;
constexpr int messages_each = 200;
#else
constexpr int connections = 200;
constexpr int messages_each = 1000;
#endif
constexpr int app_threads = 4;
constexpr std::size_t max_message = 16 * 1024;
constexpr DWORD receive_piece = 4096;  // smaller than most messages: they arrive in fragments
constexpr auto whole_test_limit = std::chrono::seconds(120);

struct connection;

// One callback, as queued for the owning thread.
struct happening {
  connection* conn;
  HINTERNET handle;
  DWORD status;
  WINHTTP_WEB_SOCKET_STATUS ws{};
  DWORD error = 0;
};

class inbox {
 public:
  void push(const happening& h) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(h);
    }
    cv_.notify_one();
  }
  bool pop(happening& out, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_until(lock, deadline, [&] { return !queue_.empty(); })) return false;
    out = queue_.front();
    queue_.pop_front();
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<happening> queue_;
};

enum class phase { upgrading, echoing, closing, closed };

struct connection {
  int index = 0;
  inbox* owner = nullptr;
  std::mt19937 random;
  HINTERNET session = nullptr, connect = nullptr, request = nullptr, websocket = nullptr;
  phase state = phase::upgrading;
  int sent = 0;                    // messages sent so far
  bool write_pending = false;      // the current message's WRITE_COMPLETE has not come yet
  bool echo_pending = false;       // its echo is not complete yet
  bool text = false;               // the current message's kind
  std::vector<unsigned char> out;  // the current message
  std::vector<unsigned char> in;   // its echo so far
  unsigned char piece[receive_piece];
  int opened = 0;                  // handles created
  int closings = 0;                // HANDLE_CLOSING seen
  bool done() const { return state == phase::closed && closings == opened; }
  std::string failure;             // the first thing that went wrong
};

void CALLBACK on_callback(HINTERNET h, DWORD_PTR context, DWORD status, LPVOID info, DWORD length) {
  if (context == 0) return;
  auto* c = reinterpret_cast<connection*>(context);
  happening e{c, h, status};
  if ((status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE || status == WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE) && info &&
      length == sizeof e.ws) {
    std::memcpy(&e.ws, info, sizeof e.ws);
  }
  if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR && info) {
    // By length, not by comparing with c->websocket: the owner thread writes that field.
    e.error = length == sizeof(WINHTTP_WEB_SOCKET_ASYNC_RESULT)
                  ? static_cast<WINHTTP_WEB_SOCKET_ASYNC_RESULT*>(info)->AsyncResult.dwError
                  : static_cast<WINHTTP_ASYNC_RESULT*>(info)->dwError;
  }
  switch (status) {  // the rest (connecting, sending...) needs nothing from the owner
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
      c->owner->push(e);
      break;
    default:
      break;
  }
}

class driver {
 public:
  driver(std::vector<connection*> mine, INTERNET_PORT port, std::chrono::steady_clock::time_point deadline)
      : mine_(std::move(mine)), port_(port), deadline_(deadline) {}

  std::size_t fragments() const { return fragments_; }

  // Runs on its application thread: opens every connection, then reacts to callbacks until all are
  // closed (or the deadline passes). Returns the failures, empty if none.
  std::string run() {
    for (connection* c : mine_) {
      c->owner = &inbox_;
      start_upgrade(*c);
    }
    std::size_t finished = 0;
    for (connection* c : mine_) finished += c->done();
    while (finished < mine_.size()) {
      happening e;
      if (!inbox_.pop(e, deadline_)) return "deadline passed with " + std::to_string(mine_.size() - finished) +
                                            " connections unfinished" + failures();
      connection& c = *e.conn;
      const bool was_done = c.done();
      handle(c, e);
      if (!was_done && c.done()) ++finished;
    }
    return failures();
  }

 private:
  void fail(connection& c, const std::string& what) {
    if (c.failure.empty()) c.failure = "connection " + std::to_string(c.index) + ": " + what;
    close_everything(c);
  }

  std::string failures() const {
    std::string out;
    for (const connection* c : mine_) {
      if (!c->failure.empty()) out += "\n" + c->failure;
    }
    return out;
  }

  void start_upgrade(connection& c) {
    c.session = WinHttpOpen(L"stress", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, WINHTTP_FLAG_ASYNC);
    if (!c.session) return fail(c, "WinHttpOpen " + std::to_string(GetLastError()));
    ++c.opened;
    WinHttpSetStatusCallback(c.session, on_callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    DWORD_PTR context = reinterpret_cast<DWORD_PTR>(&c);
    WinHttpSetOption(c.session, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof context);
    c.connect = WinHttpConnect(c.session, L"127.0.0.1", port_, 0);
    c.opened += c.connect != nullptr;
    c.request = c.connect ? WinHttpOpenRequest(c.connect, L"GET", L"/echo", nullptr, nullptr, nullptr, 0) : nullptr;
    c.opened += c.request != nullptr;
    if (!c.request || !WinHttpSetOption(c.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0) ||
        !WinHttpSendRequest(c.request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0)) {
      fail(c, "opening failed: " + std::to_string(GetLastError()));
    }
  }

  void handle(connection& c, const happening& e) {
    switch (e.status) {
      case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        ++c.closings;
        return;
      case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        if (c.state != phase::closed) fail(c, "REQUEST_ERROR " + std::to_string(e.error));
        return;
      case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        if (!WinHttpReceiveResponse(c.request, nullptr)) fail(c, "ReceiveResponse " + std::to_string(GetLastError()));
        return;
      case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        upgraded(c);
        return;
      case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
        c.write_pending = false;
        next_message_if_ready(c);
        return;
      case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        received(c, e.ws);
        return;
      case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE:
        close_everything(c);
        return;
      default:
        return;
    }
  }

  void upgraded(connection& c) {
    c.websocket = WinHttpWebSocketCompleteUpgrade(c.request, reinterpret_cast<DWORD_PTR>(&c));
    if (!c.websocket) return fail(c, "CompleteUpgrade " + std::to_string(GetLastError()));
    ++c.opened;
    WinHttpCloseHandle(c.request);  // rule 34: the websocket works on without it
    c.request = nullptr;
    c.state = phase::echoing;
    next_message_if_ready(c);
  }

  void next_message_if_ready(connection& c) {
    if (c.state != phase::echoing || c.write_pending || c.echo_pending) return;
    if (c.sent == messages_each) {
      c.state = phase::closing;
      const DWORD error = WinHttpWebSocketClose(c.websocket, 1000, nullptr, 0);
      if (error != ERROR_SUCCESS) fail(c, "Close " + std::to_string(error));
      return;
    }
    const std::size_t size = std::uniform_int_distribution<std::size_t>(0, max_message)(c.random);
    c.text = (c.random() & 1) != 0;
    c.out.resize(size);
    // Text: upper-case letters and digits, valid UTF-8 that no server command starts with.
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (auto& b : c.out) {
      b = c.text ? static_cast<unsigned char>(alphabet[c.random() % (sizeof alphabet - 1)])
                 : static_cast<unsigned char>(c.random());
    }
    c.in.clear();
    c.write_pending = c.echo_pending = true;
    ++c.sent;
    // The receive first: the echo may come before Send returns.
    if (!post_receive(c)) return;
    const auto type = c.text ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
    const DWORD error = WinHttpWebSocketSend(c.websocket, type, c.out.empty() ? nullptr : c.out.data(),
                                             static_cast<DWORD>(c.out.size()));
    if (error != ERROR_SUCCESS) fail(c, "Send " + std::to_string(error));
  }

  bool post_receive(connection& c) {
    const DWORD error = WinHttpWebSocketReceive(c.websocket, c.piece, sizeof c.piece, nullptr, nullptr);
    if (error != ERROR_SUCCESS) fail(c, "Receive " + std::to_string(error));
    return error == ERROR_SUCCESS;
  }

  void received(connection& c, const WINHTTP_WEB_SOCKET_STATUS& s) {
    if (c.state != phase::echoing || !c.echo_pending) return fail(c, "READ_COMPLETE with nothing pending");
    c.in.insert(c.in.end(), c.piece, c.piece + s.dwBytesTransferred);
    const auto fragment = c.text ? WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
    const auto whole = c.text ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
    if (s.eBufferType == fragment) {
      ++fragments_;
      if (c.in.size() > c.out.size()) return fail(c, "echo longer than the message");
      post_receive(c);
      return;
    }
    if (s.eBufferType != whole) return fail(c, "buffer type " + std::to_string(s.eBufferType));
    if (c.in != c.out) {
      return fail(c, "echo of message " + std::to_string(c.sent) + " (" + std::to_string(c.out.size()) +
                         " bytes) differs: " + std::to_string(c.in.size()) + " bytes back");
    }
    c.echo_pending = false;
    next_message_if_ready(c);
  }

  void close_everything(connection& c) {
    if (c.state == phase::closed) return;
    c.state = phase::closed;
    // HANDLE_CLOSING comes for each (maybe later, on a loop thread): done() waits for them all.
    for (HINTERNET* h : {&c.websocket, &c.request, &c.connect, &c.session}) {
      if (*h) WinHttpCloseHandle(*h);
      *h = nullptr;
    }
  }

  inbox inbox_;
  std::size_t fragments_ = 0;  // READ_COMPLETEs of a part of a message
  std::vector<connection*> mine_;
  INTERNET_PORT port_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace

// Leaks: after Close and WinHttpCloseHandle on every handle, the face holds no object any more.
TEST(AsyncStress, ManyConnectionsEchoRandomMessagesFromFourThreadsThenCloseWithoutLeaks) {
  command_server server(2);
  const std::size_t objects_before = websock::winhttp::live_objects();
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + whole_test_limit;

  std::vector<std::unique_ptr<connection>> all;
  for (int i = 0; i < connections; ++i) {
    auto c = std::make_unique<connection>();
    c->index = i;
    c->random.seed(0x5eed0000u + static_cast<unsigned>(i));
    all.push_back(std::move(c));
  }
  std::vector<std::unique_ptr<driver>> drivers;
  for (int t = 0; t < app_threads; ++t) {
    std::vector<connection*> mine;
    for (int i = t; i < connections; i += app_threads) mine.push_back(all[static_cast<std::size_t>(i)].get());
    drivers.push_back(std::make_unique<driver>(std::move(mine), server.port(), deadline));
  }
  std::vector<std::string> results(app_threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < app_threads; ++t) {
    threads.emplace_back([&, t] { results[static_cast<std::size_t>(t)] = drivers[static_cast<std::size_t>(t)]->run(); });
  }
  for (auto& t : threads) t.join();
  bool all_done = true;
  for (const auto& r : results) {
    EXPECT_EQ(r, "");
    all_done = all_done && r.empty();
  }
  if (!all_done) {
    // Callbacks may still come for what did not finish: the connections and inboxes they point to
    // are left alive on purpose rather than freed under them.
    for (auto& c : all) c.release();
    for (auto& d : drivers) d.release();
    return;
  }

  // Every HANDLE_CLOSING has come; the objects die as the operations holding them let go.
  const auto left = std::max(deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration{});
  EXPECT_EQ(websock::winhttp::wait_live_objects_at_most(
                objects_before, std::chrono::duration_cast<std::chrono::milliseconds>(left) + std::chrono::seconds(1)),
            objects_before);
  std::size_t fragments = 0;
  for (const auto& d : drivers) fragments += d->fragments();
  EXPECT_GT(fragments, 0u) << "no message arrived in pieces";
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::printf("%d connections x %d messages echoed in %lld ms\n", connections, messages_each,
              static_cast<long long>(took.count()));
}
