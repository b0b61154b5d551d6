// Helpers of the fault tests (faults_test.cpp, faults_tls_test.cpp): an upgrade request opened but
// not yet sent (so a test can see which step fails), synchronous or asynchronous; a watchdog for
// the synchronous calls that could block; and the body of a refused upgrade read to its end.
#pragma once

#include <windows.h>
#include <winhttp.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "winhttp_client.hpp"

namespace winhttp_test {

using namespace std::chrono_literals;

struct request_options {
  const wchar_t* host = L"127.0.0.1";
  const wchar_t* path = L"/echo";
  DWORD request_flags = 0;           // WINHTTP_FLAG_SECURE for wss://
  DWORD security_flags = 0;          // set: WINHTTP_OPTION_SECURITY_FLAGS on the request
  recorder* events = nullptr;        // set: an asynchronous session reporting to it
  // Set (without `events`): a synchronous session that still reports to it, so that the handles'
  // destructor waits for HANDLE_CLOSING, by which time the connection (and its TLS state) is
  // gone; otherwise the face's loop may free it after OpenSSL's exit-time clean-up, which then
  // skips the ex_data free callbacks (LeakSanitizer reports the verify state of src/net).
  recorder* sync_events = nullptr;
  int receive_timeout_ms = 0;        // set: WinHttpSetTimeouts on the request, receive only
};

// Session, connection and an upgrade request for `o.path`, up to (not including) SendRequest.
inline bool open_request(connection_handles& h, INTERNET_PORT port, const request_options& o) {
  const bool async = o.events != nullptr;
  recorder* const events = async ? o.events : o.sync_events;
  h.session = WinHttpOpen(L"websock-test", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, async ? WINHTTP_FLAG_ASYNC : 0);
  if (!h.session) return ADD_FAILURE() << "WinHttpOpen: " << GetLastError(), false;
  if (events && !record_callbacks(h, *events)) return false;
  h.connect = WinHttpConnect(h.session, o.host, port, 0);
  if (!h.connect) return ADD_FAILURE() << "WinHttpConnect: " << GetLastError(), false;
  h.request = WinHttpOpenRequest(h.connect, L"GET", o.path, nullptr, nullptr, nullptr, o.request_flags);
  if (!h.request) return ADD_FAILURE() << "WinHttpOpenRequest: " << GetLastError(), false;
  if (!WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0)) {
    return ADD_FAILURE() << "upgrade option: " << GetLastError(), false;
  }
  if (o.security_flags) {
    DWORD flags = o.security_flags;
    if (!WinHttpSetOption(h.request, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof flags)) {
      return ADD_FAILURE() << "security flags: " << GetLastError(), false;
    }
  }
  if (o.receive_timeout_ms && !WinHttpSetTimeouts(h.request, 0, 0, 0, o.receive_timeout_ms)) {
    return ADD_FAILURE() << "WinHttpSetTimeouts: " << GetLastError(), false;
  }
  return true;
}

// SendRequest and ReceiveResponse, synchronous or waited for; false (with a failure) if either fails.
inline bool send_and_receive(connection_handles& h, recorder* events) {
  if (!WinHttpSendRequest(h.request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0)) {
    return ADD_FAILURE() << "WinHttpSendRequest: " << GetLastError(), false;
  }
  if (events && events->wait_for(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, h.request).status == 0) return false;
  if (!WinHttpReceiveResponse(h.request, nullptr)) {
    return ADD_FAILURE() << "WinHttpReceiveResponse: " << GetLastError(), false;
  }
  if (events && events->wait_for(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, h.request).status == 0) return false;
  return true;
}

// What a bounded synchronous call returned and how long it took.
template <class T>
struct timed {
  T value;
  std::chrono::milliseconds took;
};

// Runs `call` on its own thread and waits for it at most `limit`. A call that overruns means the
// face hangs: the program stops at once naming the call (a hung thread cannot be abandoned
// safely: it still holds the test's handles), rather than blocking until ctest's timeout.
template <class Call>
auto bounded(const char* what, Call call, std::chrono::milliseconds limit = 10s) -> timed<decltype(call())> {
  using result = decltype(call());
  auto task = std::make_shared<std::packaged_task<result()>>(std::move(call));
  auto future = task->get_future();
  const auto start = std::chrono::steady_clock::now();
  std::thread([task] { (*task)(); }).detach();
  if (future.wait_for(limit) != std::future_status::ready) {
    std::fprintf(stderr, "%s did not return within %lld ms: the face hangs\n", what,
                 static_cast<long long>(limit.count()));
    std::fflush(stderr);
    std::abort();
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return {future.get(), took};
}

// The body after a refused upgrade, synchronously: WinHttpQueryDataAvailable then WinHttpReadData
// until a query reports 0 bytes; `error` is the failing call's GetLastError.
struct body_read {
  DWORD error = ERROR_SUCCESS;
  std::string data;
  bool ended = false;  // a query reported 0 bytes and a read of it returned 0
};

inline body_read read_body_sync(HINTERNET request) {
  body_read b;
  for (int round = 0; round < 1000; ++round) {
    DWORD available = 0;
    if (!WinHttpQueryDataAvailable(request, &available)) return b.error = GetLastError(), b;
    std::string piece(available, '\0');
    DWORD got = 0;
    if (!WinHttpReadData(request, piece.data(), available, &got)) return b.error = GetLastError(), b;
    if (available == 0) {
      b.ended = got == 0;
      return b;
    }
    b.data.append(piece.data(), got);
  }
  ADD_FAILURE() << "the body never ended";
  return b;
}

// The same on an asynchronous request: each call returns at once and its DATA_AVAILABLE /
// READ_COMPLETE (or REQUEST_ERROR) is waited for.
inline body_read read_body_async(HINTERNET request, recorder& events) {
  body_read b;
  int queries = 0, reads = 0;
  for (int round = 0; round < 1000; ++round) {
    if (!WinHttpQueryDataAvailable(request, nullptr)) return b.error = GetLastError(), b;
    const auto q = events.wait_for_any({WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR},
                                       request, ++queries);
    if (q.status != WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE) return b.error = q.error.dwError ? q.error.dwError : 1, b;
    // The buffer outlives the read: it completes before the next round.
    auto piece = std::make_unique<char[]>(q.value + 1);
    if (!WinHttpReadData(request, piece.get(), q.value, nullptr)) return b.error = GetLastError(), b;
    const auto r = events.wait_for_any({WINHTTP_CALLBACK_STATUS_READ_COMPLETE, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR},
                                       request, ++reads);
    if (r.status != WINHTTP_CALLBACK_STATUS_READ_COMPLETE) return b.error = r.error.dwError ? r.error.dwError : 1, b;
    if (q.value == 0) {
      b.ended = r.length == 0;
      return b;
    }
    b.data.append(piece.get(), r.length);
  }
  ADD_FAILURE() << "the body never ended";
  return b;
}

}  // namespace winhttp_test
