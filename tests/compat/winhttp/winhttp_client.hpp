// Test-side helpers over the WinHTTP face: open a websocket the way the Microsoft sample does
// (synchronously or on an asynchronous session with a recording callback), and the callback
// recorder the asynchronous rules are checked with.
#pragma once

#include <windows.h>
#include <winhttp.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <condition_variable>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace winhttp_test {

// One callback as it arrived.
struct callback_event {
  HINTERNET handle;
  DWORD status;
  DWORD length;
  std::thread::id thread;
  WINHTTP_WEB_SOCKET_STATUS ws_status{};      // READ_COMPLETE / WRITE_COMPLETE on a websocket
  WINHTTP_WEB_SOCKET_ASYNC_RESULT ws_error{};  // REQUEST_ERROR on a websocket
  WINHTTP_ASYNC_RESULT error{};               // REQUEST_ERROR on a request
  DWORD value = 0;                            // DATA_AVAILABLE's byte count, SECURE_FAILURE's flags
  bool info_null = false;
};

// Records every callback; tests wait for a status with wait_for (no sleeping).
class recorder {
 public:
  static recorder& of(DWORD_PTR context) { return *reinterpret_cast<recorder*>(context); }

  static void CALLBACK callback(HINTERNET h, DWORD_PTR context, DWORD status, LPVOID info, DWORD length) {
    if (context == 0) return;
    callback_event e{h, status, length, std::this_thread::get_id()};
    e.info_null = info == nullptr;
    if ((status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE || status == WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE) &&
        length == sizeof(WINHTTP_WEB_SOCKET_STATUS) && info) {
      std::memcpy(&e.ws_status, info, sizeof e.ws_status);
    }
    if ((status == WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE || status == WINHTTP_CALLBACK_STATUS_SECURE_FAILURE) &&
        length == sizeof(DWORD) && info) {
      std::memcpy(&e.value, info, sizeof e.value);
    }
    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR && info) {
      if (length == sizeof(WINHTTP_WEB_SOCKET_ASYNC_RESULT)) std::memcpy(&e.ws_error, info, sizeof e.ws_error);
      if (length == sizeof(WINHTTP_ASYNC_RESULT)) std::memcpy(&e.error, info, sizeof e.error);
    }
    of(context).add(e);
  }

  void add(const callback_event& e) {
    std::lock_guard lock(mu_);
    events_.push_back(e);
    cv_.notify_all();
  }

  // Waits for the n-th (from 1) callback with `status` on `h` (any handle if null); fails the test
  // after `timeout`.
  callback_event wait_for(DWORD status, HINTERNET h = nullptr, int n = 1,
                          std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return wait_for_any({status}, h, n, timeout);
  }

  // Waits for the n-th (from 1) callback on `h` (any handle if null) whose status is one of
  // `statuses`: a completion or the REQUEST_ERROR that replaces it.
  callback_event wait_for_any(std::initializer_list<DWORD> statuses, HINTERNET h = nullptr, int n = 1,
                              std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const std::vector<DWORD> wanted(statuses);
    const DWORD status = wanted.front();  // named in the failure message
    std::unique_lock lock(mu_);
    callback_event found{};
    const bool ok = cv_.wait_for(lock, timeout, [&] {
      int seen = 0;
      for (const auto& e : events_) {
        const bool match = std::find(wanted.begin(), wanted.end(), e.status) != wanted.end();
        if (match && (!h || e.handle == h) && ++seen == n) {
          found = e;
          return true;
        }
      }
      return false;
    });
    if (!ok) {
      std::string seen;
      for (const auto& e : events_) {
        char line[64];
        std::snprintf(line, sizeof line, " %p:0x%x", e.handle, static_cast<unsigned>(e.status));
        seen += line;
      }
      ADD_FAILURE() << "no callback 0x" << std::hex << status << " on " << h << "; seen:" << seen;
    }
    return found;
  }

  std::vector<callback_event> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::vector<DWORD> statuses(HINTERNET h) const {
    std::lock_guard lock(mu_);
    std::vector<DWORD> out;
    for (const auto& e : events_) {
      if (e.handle == h) out.push_back(e.status);
    }
    return out;
  }
  std::size_t count(DWORD status, HINTERNET h = nullptr) const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& e : events_) n += e.status == status && (!h || e.handle == h);
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<callback_event> events_;
};

// Handles of one upgraded connection; closes what is still open.
struct connection_handles {
  HINTERNET session = nullptr;
  HINTERNET connect = nullptr;
  HINTERNET request = nullptr;
  HINTERNET websocket = nullptr;
  // Asynchronous: HANDLE_CLOSING may come on a loop thread after WinHttpCloseHandle returned, so
  // the recorder (declared before us, destroyed after) is waited on for each.
  recorder* events = nullptr;
  ~connection_handles() {
    for (HINTERNET h : {websocket, request, connect, session}) {
      if (!h) continue;
      WinHttpCloseHandle(h);
      if (events) events->wait_for(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, h);
    }
  }
};

// Reports the session's callbacks (and its children's, which inherit them) to `events`: the
// callback with every notification, `events` as the context value, and `h` waits for each
// HANDLE_CLOSING when it closes. False (with a test failure) if the context cannot be set.
inline bool record_callbacks(connection_handles& h, recorder& events) {
  h.events = &events;
  WinHttpSetStatusCallback(h.session, recorder::callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
  DWORD_PTR ctx = reinterpret_cast<DWORD_PTR>(&events);
  if (WinHttpSetOption(h.session, WINHTTP_OPTION_CONTEXT_VALUE, &ctx, sizeof ctx)) return true;
  ADD_FAILURE() << "context option: " << GetLastError();
  return false;
}

struct open_options {
  const wchar_t* path = L"/echo";
  bool async = false;
  recorder* events = nullptr;  // async: the callback's context and recorder
  DWORD send_buffer = 0;       // set: WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE on the request
  const wchar_t* extra_headers = nullptr;
  bool close_request = true;   // close the request handle after the upgrade (as the sample does)
};

// Runs the sample's sequence up to a websocket handle; returns false (with a test failure) when a
// step fails. `error` gets GetLastError of the failing step.
inline bool open_websocket(connection_handles& h, INTERNET_PORT port, const open_options& o, DWORD* error = nullptr) {
  auto failed = [&](const char* step) {
    const DWORD e = GetLastError();
    if (error) *error = e;
    ADD_FAILURE() << step << " failed: " << e;
    return false;
  };
  h.session = WinHttpOpen(L"websock-test", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, o.async ? WINHTTP_FLAG_ASYNC : 0);
  if (!h.session) return failed("WinHttpOpen");
  if (o.async && !record_callbacks(h, *o.events)) return failed("record_callbacks");
  h.connect = WinHttpConnect(h.session, L"127.0.0.1", port, 0);
  if (!h.connect) return failed("WinHttpConnect");
  h.request = WinHttpOpenRequest(h.connect, L"GET", o.path, nullptr, nullptr, nullptr, 0);
  if (!h.request) return failed("WinHttpOpenRequest");
  if (!WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0)) return failed("upgrade option");
  if (o.send_buffer && !WinHttpSetOption(h.request, WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE,
                                         const_cast<DWORD*>(&o.send_buffer), sizeof(DWORD))) {
    return failed("send buffer option");
  }
  if (o.extra_headers && !WinHttpAddRequestHeaders(h.request, o.extra_headers, static_cast<DWORD>(-1),
                                                   WINHTTP_ADDREQ_FLAG_ADD)) {
    return failed("WinHttpAddRequestHeaders");
  }
  if (!WinHttpSendRequest(h.request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0)) return failed("WinHttpSendRequest");
  if (o.async) {
    const auto e = o.events->wait_for(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, h.request);
    if (e.status == 0) return failed("SENDREQUEST_COMPLETE");
  }
  if (!WinHttpReceiveResponse(h.request, nullptr)) return failed("WinHttpReceiveResponse");
  if (o.async) {
    const auto e = o.events->wait_for(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, h.request);
    if (e.status == 0) return failed("HEADERS_AVAILABLE");
  }
  h.websocket = WinHttpWebSocketCompleteUpgrade(h.request, reinterpret_cast<DWORD_PTR>(o.events));
  if (!h.websocket) return failed("WinHttpWebSocketCompleteUpgrade");
  if (o.close_request) {
    WinHttpCloseHandle(h.request);
    if (h.events) h.events->wait_for(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, h.request);
    h.request = nullptr;
  }
  return true;
}

inline DWORD send_text(HINTERNET ws, std::string_view text) {
  return WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, const_cast<char*>(text.data()),
                              static_cast<DWORD>(text.size()));
}

// A whole message by synchronous receives into `piece`-byte reads; the buffer types seen in order.
struct received {
  DWORD error = 0;
  std::vector<std::byte> data;
  std::vector<WINHTTP_WEB_SOCKET_BUFFER_TYPE> types;
};
inline received receive_message(HINTERNET ws, std::size_t piece = 64 * 1024) {
  received r;
  std::vector<std::byte> buf(piece);
  for (;;) {
    DWORD n = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type{};
    r.error = WinHttpWebSocketReceive(ws, buf.data(), static_cast<DWORD>(buf.size()), &n, &type);
    if (r.error != ERROR_SUCCESS) return r;
    r.types.push_back(type);
    r.data.insert(r.data.end(), buf.begin(), buf.begin() + n);
    if (type != WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE && type != WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE) return r;
  }
}

inline std::string as_text(const std::vector<std::byte>& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

}  // namespace winhttp_test
