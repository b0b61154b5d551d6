// The objects behind HINTERNET handles: session, connection, request, websocket. A handle is a
// number in a table (handle_table), never a pointer we would have to trust: a closed or made-up
// handle is ERROR_INVALID_HANDLE, not a crash. Each object is shared: the table holds it while the
// handle is open, and every operation in flight holds it until its last callback.
//
// What a child takes from its parent when it is made (spec section 1): the async flag, the status
// callback with its notification mask, and the context value.
#pragma once

#include <windows.h>
#include <winhttp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "diagnostics.hpp"  // live_objects(): tests count leaks
#include "http/client_exchange.hpp"
#include "websock/core/handshake.hpp"
#include "websock/core/http.hpp"

namespace websock::winhttp {

enum class kind : DWORD {
  session = WINHTTP_HANDLE_TYPE_SESSION,
  connection = WINHTTP_HANDLE_TYPE_CONNECT,
  request = WINHTTP_HANDLE_TYPE_REQUEST,
  websocket = WINHTTP_HANDLE_TYPE_WEBSOCKET,
};

// WinHttpSetTimeouts and the *_TIMEOUT options, in milliseconds; 0 is no limit.
struct timeouts {
  int resolve = 0;
  int connect = 60000;
  int send = 30000;
  int receive = 30000;
  // WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT and _KEEPALIVE_INTERVAL, set on any handle and taken
  // by the websocket handles made below it.
  DWORD ws_close = 10000;
  DWORD ws_keepalive = 30000;
};

struct object {
  explicit object(kind k);
  virtual ~object();
  object(const object&) = delete;
  object& operator=(const object&) = delete;

  const kind type;
  HINTERNET handle = nullptr;
  std::shared_ptr<object> parent;
  bool async = false;

  // Guarded by mu: the callback, its mask and the context (WinHttpSetStatusCallback and
  // WINHTTP_OPTION_CONTEXT_VALUE may change them from any thread).
  mutable std::mutex mu;
  WINHTTP_STATUS_CALLBACK callback = nullptr;
  DWORD mask = 0;
  DWORD_PTR context = 0;
  // HANDLE_CLOSING was delivered: nothing may follow it (rule 52).
  std::atomic<bool> closing_delivered{false};
  // WinHttpCloseHandle was called: pending operations end as cancelled.
  std::atomic<bool> closed{false};
  timeouts limits;

  // Takes callback, mask, context, async flag and timeouts from `p`, which becomes the parent.
  void inherit(const std::shared_ptr<object>& p);
};

struct session final : object {
  session() : object(kind::session) {}
  std::string agent;
  DWORD access_type = WINHTTP_ACCESS_TYPE_DEFAULT_PROXY;
  std::string proxy;   // WINHTTP_ACCESS_TYPE_NAMED_PROXY: "host:port" lists as given
  std::string bypass;  // proxy bypass list
  DWORD secure_protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3;
  DWORD ws_receive_buffer = 32768;
  DWORD ws_send_buffer = 32768;
};

struct connection final : object {
  connection() : object(kind::connection) {}
  std::string host;  // as given to WinHttpConnect (UTF-8), brackets of an IPv6 literal removed
  INTERNET_PORT port = 0;
};

enum class request_state : std::uint8_t { opened, sending, sent, receiving, received, upgraded, failed };

struct request final : object {
  request() : object(kind::request) {}
  std::string verb = "GET";
  std::string target = "/";
  DWORD flags = 0;
  bool upgrade = false;         // WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET was set
  DWORD security_flags = 0;     // SECURITY_FLAG_IGNORE_*
  DWORD ws_receive_buffer = 0;  // from the session unless set on the request
  DWORD ws_send_buffer = 0;
  core::header_list headers;    // the application's, in order (WinHttpAddRequestHeaders)

  // Guarded by mu.
  request_state state = request_state::opened;
  bool busy = false;  // an asynchronous step is outstanding
  std::unique_ptr<core::client_handshake> handshake;  // an upgrade's: its key checks the 101
  std::shared_ptr<http::client_exchange> exchange;
  std::vector<std::byte> body_ahead;  // read by QueryDataAvailable, not yet by ReadData
  std::size_t body_ahead_begin = 0;
  bool body_end = false;
};

class websocket;

// The handle table: HINTERNET values are numbers handed out once and never reused.
HINTERNET register_handle(std::shared_ptr<object> obj);
// The object of an open handle, or null (ERROR_INVALID_HANDLE).
std::shared_ptr<object> find_handle(HINTERNET h);
template <class T>
std::shared_ptr<T> find_as(HINTERNET h, kind k) {
  auto obj = find_handle(h);
  if (!obj || obj->type != k) return nullptr;
  return std::static_pointer_cast<T>(obj);
}
// Removes the handle; the object lives on while operations hold it.
std::shared_ptr<object> remove_handle(HINTERNET h);

// Calls the object's status callback if its mask asks for `status` and HANDLE_CLOSING has not
// been delivered yet. Runs on the calling thread.
void notify(object& obj, DWORD status, LPVOID info, DWORD length);
// The last callback of a handle (rule 52): HANDLE_CLOSING, once.
void notify_closing(object& obj);

}  // namespace websock::winhttp
