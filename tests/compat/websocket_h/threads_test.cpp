// Thread safety as documented: the send queue and the receive queue of one handle pumped from
// two threads at once (as .NET does), on both ends, with pings crossing data in both directions.
// The handle serializes the calls; every message must arrive intact and in order.
#include <windows.h>
#include <websocket.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "wsh_harness.hpp"

using namespace wsh_test;

namespace {

using clock_type = std::chrono::steady_clock;

// One direction of the transport.
struct byte_pipe {
  std::mutex m;
  std::condition_variable cv;
  std::deque<BYTE> bytes;

  void write(const WEB_SOCKET_BUFFER* buffers, ULONG count) {
    std::lock_guard lock(m);
    for (ULONG i = 0; i < count; ++i) {
      bytes.insert(bytes.end(), buffers[i].Data.pbBuffer,
                   buffers[i].Data.pbBuffer + buffers[i].Data.ulBufferLength);
    }
    cv.notify_all();
  }
  // Waits for data until `deadline`; returns 0 on time-out.
  ULONG read(BYTE* out, ULONG room, clock_type::time_point deadline) {
    std::unique_lock lock(m);
    if (!cv.wait_until(lock, deadline, [&] { return !bytes.empty(); })) return 0;
    const ULONG n = static_cast<ULONG>(std::min<std::size_t>(room, bytes.size()));
    std::copy_n(bytes.begin(), n, out);
    bytes.erase(bytes.begin(), bytes.begin() + n);
    return n;
  }
};

std::vector<BYTE> message_bytes(int sender, int i) {
  std::vector<BYTE> v(static_cast<std::size_t>(1 + (i * 997) % 9000));
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = static_cast<BYTE>(sender * 31 + i + k);
  return v;
}

// Sends `count` messages, a ping after every fifth, pumping only the send queue.
void sender(WEB_SOCKET_HANDLE h, byte_pipe& out, int id, int count, std::atomic<bool>& failed) {
  const auto deadline = clock_type::now() + std::chrono::seconds(60);
  auto send_one = [&](WEB_SOCKET_BUFFER_TYPE type, WEB_SOCKET_BUFFER* b) {
    if (WebSocketSend(h, type, b, nullptr) != S_OK) {
      failed = true;
      return;
    }
    while (!failed && clock_type::now() < deadline) {
      const action a = get_action(h, WEB_SOCKET_SEND_ACTION_QUEUE);
      if (a.hr != S_OK) {
        failed = true;
        return;
      }
      if (a.kind == WEB_SOCKET_NO_ACTION) {
        std::this_thread::yield();  // blocked behind a pong the receive thread is writing
        continue;
      }
      if (a.kind == WEB_SOCKET_SEND_TO_NETWORK_ACTION) {
        out.write(a.buffers, a.count);
        WebSocketCompleteAction(h, a.action_context, a.total());
        continue;
      }
      WebSocketCompleteAction(h, a.action_context, 0);  // INDICATE_SEND_COMPLETE
      return;
    }
    failed = true;
  };
  for (int i = 0; i < count && !failed; ++i) {
    std::vector<BYTE> payload = message_bytes(id, i);
    WEB_SOCKET_BUFFER b{};
    b.Data.pbBuffer = payload.data();
    b.Data.ulBufferLength = static_cast<ULONG>(payload.size());
    send_one(WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &b);
    if (i % 5 == 0) send_one(WEB_SOCKET_PING_PONG_BUFFER_TYPE, nullptr);
  }
}

// Receives until `count` whole messages arrived, pumping only the receive queue (pongs included).
void receiver(WEB_SOCKET_HANDLE h, byte_pipe& in, byte_pipe& out, int peer_id, int count,
              std::atomic<bool>& failed, int& received) {
  const auto deadline = clock_type::now() + std::chrono::seconds(60);
  std::vector<BYTE> current;
  received = 0;
  while (received < count && !failed) {
    if (WebSocketReceive(h, nullptr, nullptr) != S_OK) {
      failed = true;
      return;
    }
    bool done = false;
    while (!done && !failed) {
      if (clock_type::now() > deadline) {
        failed = true;
        return;
      }
      const action a = get_action(h, WEB_SOCKET_RECEIVE_ACTION_QUEUE);
      if (a.hr != S_OK) {
        failed = true;
        return;
      }
      switch (a.kind) {
        case WEB_SOCKET_NO_ACTION:
          std::this_thread::yield();  // our pong waits for the sender's frame
          break;
        case WEB_SOCKET_SEND_TO_NETWORK_ACTION:
          out.write(a.buffers, a.count);
          WebSocketCompleteAction(h, a.action_context, a.total());
          break;
        case WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION: {
          const ULONG n = in.read(a.buffers[0].Data.pbBuffer, a.buffers[0].Data.ulBufferLength, deadline);
          if (n == 0) failed = true;
          WebSocketCompleteAction(h, a.action_context, n);
          break;
        }
        case WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION: {
          const bytes piece = a.data(0);
          if (a.type == WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE || a.type == WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE) {
            current.insert(current.end(), piece.begin(), piece.end());
            if (a.type == WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE) {
              if (current != message_bytes(peer_id, received)) failed = true;
              current.clear();
              ++received;
            }
          } else if (a.type != WEB_SOCKET_PING_PONG_BUFFER_TYPE) {
            failed = true;
          }
          WebSocketCompleteAction(h, a.action_context, 0);
          done = true;
          break;
        }
        default:
          failed = true;
      }
    }
  }
}

}  // namespace

TEST(WebSocketHThreads, SendAndReceiveQueuesPumpedConcurrently) {
  WEB_SOCKET_HANDLE client = make_client({.receive_buffer = 512, .send_buffer = 512});
  WEB_SOCKET_HANDLE server = make_server({.receive_buffer = 512});
  ASSERT_TRUE(handshake(client, server));
  byte_pipe to_server;
  byte_pipe to_client;
  std::atomic<bool> failed{false};
  constexpr int count = 2000;
  int client_got = 0;
  int server_got = 0;
  std::thread t1(sender, client, std::ref(to_server), 1, count, std::ref(failed));
  std::thread t2(sender, server, std::ref(to_client), 2, count, std::ref(failed));
  std::thread t3(receiver, client, std::ref(to_client), std::ref(to_server), 2, count, std::ref(failed),
                 std::ref(client_got));
  std::thread t4(receiver, server, std::ref(to_server), std::ref(to_client), 1, count, std::ref(failed),
                 std::ref(server_got));
  t1.join();
  t2.join();
  t3.join();
  t4.join();
  EXPECT_FALSE(failed.load());
  EXPECT_EQ(client_got, count);
  EXPECT_EQ(server_got, count);
  WebSocketDeleteHandle(client);
  WebSocketDeleteHandle(server);
}
