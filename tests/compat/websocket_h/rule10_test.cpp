// Rule 10 of shared/spec/README.md: after WebSocketEndServerHandshake the header array that
// WebSocketBeginServerHandshake returned is no longer valid. Observed from outside: this binary
// replaces the global operator delete and records what is freed while End runs, so the test sees
// the array's memory being released without touching it.
#include <windows.h>
#include <websocket.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "wsh_harness.hpp"

namespace {

std::atomic<bool> recording{false};
std::atomic<void*> watched{nullptr};
std::atomic<bool> watched_freed{false};

void note_free(void* p) noexcept {
  if (p != nullptr && recording.load() && p == watched.load()) watched_freed = true;
}

}  // namespace

// Every non-aligned form, so that each allocation and release goes through malloc/free here.
void* operator new(std::size_t n) {
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n == 0 ? 1 : n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n == 0 ? 1 : n); }
void operator delete(void* p) noexcept {
  note_free(p);
  std::free(p);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { operator delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { operator delete(p); }

using namespace wsh_test;

namespace {

// Runs a server's Begin and returns the response array; End is left to the caller.
PWEB_SOCKET_HTTP_HEADER begin(WEB_SOCKET_HANDLE server, ULONG& count) {
  WEB_SOCKET_HTTP_HEADER request[] = {
      header("Host", "h"), header("Upgrade", "websocket"), header("Connection", "Upgrade"),
      header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), header("Sec-WebSocket-Version", "13")};
  PWEB_SOCKET_HTTP_HEADER response = nullptr;
  EXPECT_EQ(WebSocketBeginServerHandshake(server, "chat", nullptr, 0, request, 5, &response, &count),
            S_OK);
  return response;
}

}  // namespace

TEST(WebSocketHRules, Rule10_EndServerHandshakeReleasesBeginOutput) {
  WEB_SOCKET_HANDLE server = make_server();
  ULONG count = 0;
  PWEB_SOCKET_HTTP_HEADER response = begin(server, count);
  ASSERT_NE(response, nullptr);
  ASSERT_EQ(count, 4u);  // Upgrade, Connection, Accept, Protocol
  // Valid until End: readable now.
  EXPECT_EQ(std::string(response[3].pcValue, response[3].ulValueLength), "chat");

  watched = response;
  watched_freed = false;
  recording = true;
  ASSERT_EQ(WebSocketEndServerHandshake(server), S_OK);
  recording = false;
  EXPECT_TRUE(watched_freed.load()) << "End kept Begin's header array alive";
  WebSocketDeleteHandle(server);
}

// Control: without End (and before Delete) the array stays allocated; Delete releases it.
TEST(WebSocketHRules, Rule10_BeginOutputLivesUntilEndOrDelete) {
  WEB_SOCKET_HANDLE server = make_server();
  ULONG count = 0;
  PWEB_SOCKET_HTTP_HEADER response = begin(server, count);
  watched = response;
  watched_freed = false;
  recording = true;
  WEB_SOCKET_HANDLE unrelated = make_client();
  WebSocketDeleteHandle(unrelated);
  EXPECT_FALSE(watched_freed.load());
  WebSocketDeleteHandle(server);
  recording = false;
  EXPECT_TRUE(watched_freed.load());
}
