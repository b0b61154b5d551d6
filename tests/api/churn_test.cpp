// Fault test: 5,000 connections opened and closed concurrently (4 client threads, batches of 50),
// ending every way a connection can end: a clean close handshake, a FIN without close, a TCP
// reset, a dropped half-handshake, and our own client's stop(). Afterwards the server must hold no
// session, every opened connection must have been reported closed exactly once, and (release
// build) the heap must be back near where it started. Under the asan preset, LeakSanitizer checks
// at exit that nothing was leaked.
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "raw_socket.hpp"
#include "recorder.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

const std::string hi_frame{'\x81', '\x82', '\x01', '\x02', '\x03', '\x04', 'h' ^ 1, 'i' ^ 2};
const std::string hi_echo{'\x81', '\x02', 'h', 'i'};
// Masked close 1000 (mask 0): the payload is the code itself.
const std::string close_frame{'\x88', '\x82', '\x00', '\x00', '\x00', '\x00', '\x03', '\xe8'};

enum class ending { clean, fin, reset, half_handshake, count };

struct tally {
  std::atomic<int> upgraded{0};
  std::atomic<int> echoed{0};
  std::atomic<int> clean_closes_seen{0};  // the server's close reply reached the client
  std::atomic<int> failures{0};
};

void run_batch(std::uint16_t port, int first, int count, tally& t) {
  std::vector<std::optional<raw_socket>> socks(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    auto& s = socks[static_cast<std::size_t>(i)];
    s.emplace(port);
    const auto how = static_cast<ending>((first + i) % static_cast<int>(ending::count));
    if (how == ending::half_handshake) {
      s->send("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpg");
    } else {
      s->send(upgrade_request("/echo"));
    }
  }
  // All requests are out before any answer is read: the batch is open at the same time.
  for (int i = 0; i < count; ++i) {
    auto& s = *socks[static_cast<std::size_t>(i)];
    const auto how = static_cast<ending>((first + i) % static_cast<int>(ending::count));
    if (how == ending::half_handshake) continue;
    std::string got = s.read(10s, "\r\n\r\n");
    if (got.find(" 101 ") == std::string::npos) {
      ++t.failures;
      continue;
    }
    ++t.upgraded;
    got.erase(0, got.find("\r\n\r\n") + 4);
    s.send(hi_frame);
    if (got.find(hi_echo) == std::string::npos) got += s.read(10s, hi_echo);
    if (got.find(hi_echo) != std::string::npos) ++t.echoed;
  }
  for (int i = 0; i < count; ++i) {
    auto& s = *socks[static_cast<std::size_t>(i)];
    switch (static_cast<ending>((first + i) % static_cast<int>(ending::count))) {
      case ending::clean: {
        s.send(close_frame);
        const std::string reply = s.read(10s);  // until the server's FIN
        if (reply.find(std::string{'\x88', '\x02', '\x03', '\xe8'}) != std::string::npos && s.eof()) {
          ++t.clean_closes_seen;
        }
        break;
      }
      case ending::reset:
        s.reset();
        break;
      case ending::fin:
      case ending::half_handshake:
      case ending::count:
        break;  // the destructor closes the socket
    }
  }
}

TEST(Churn, FiveThousandConnectionsOpenedAndClosedConcurrentlyLeaveNothingBehind) {
  constexpr int threads = 4;
  constexpr int per_thread = 1250;
  constexpr int batch = 50;
  constexpr int clients_per_thread = 10;  // websock::client connections, each stopped cleanly

  std::atomic<int> opens{0};
  std::atomic<int> closes{0};
  std::atomic<int> clean{0};
  server srv({.threads = 2, .session = {.handshake_timeout = 2s, .close_timeout = 2s}});
  srv.route("/echo", {.callbacks = {.on_open = [&](connection&) { ++opens; },
                                    .on_message = [](connection& c, const message& m) { c.send(m.kind, m.data); },
                                    .on_close = [&](connection&, const close_info& i) {
                                      ++closes;
                                      if (i.clean()) ++clean;
                                    }}});
  srv.listen("127.0.0.1", 0);
  srv.start();
  const std::uint16_t port = srv.port();

  const auto heap = [] {
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
  };

  // One round opens and closes 5,000 connections and checks every one was accounted for.
  const auto churn_round = [&](int round) {
    const int opens_before = opens.load();
    const int closes_before = closes.load();
    const int clean_before = clean.load();
    const auto start = std::chrono::steady_clock::now();
    tally t;
    std::atomic<int> client_ok{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
      workers.emplace_back([&, w] {
        for (int done = 0; done < per_thread; done += batch) run_batch(port, w * per_thread + done, batch, t);
        for (int i = 0; i < clients_per_thread; ++i) {
          client c({.session = {.close_timeout = 2s}});
          c.callbacks().on_message = [](connection& conn, const message&) { conn.close(); };
          connection conn;
          if (c.connect_and_wait("ws://127.0.0.1:" + std::to_string(port) + "/echo", conn) == std::error_code{}) {
            conn.send_text("x");
            if (c.wait(10s)) ++client_ok;
          }
        }
      });
    }
    for (auto& w : workers) w.join();

    constexpr int total = threads * per_thread;
    constexpr int upgrades = total - total / static_cast<int>(ending::count);  // all but half-handshakes
    EXPECT_EQ(t.failures.load(), 0) << "round " << round;
    EXPECT_EQ(t.upgraded.load(), upgrades);
    EXPECT_EQ(t.echoed.load(), upgrades);
    EXPECT_EQ(t.clean_closes_seen.load(), total / static_cast<int>(ending::count));
    EXPECT_EQ(client_ok.load(), threads * clients_per_thread);

    // Half-handshakes are dropped by the handshake timeout; everything else ends at once.
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (srv.connection_count() != 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(20ms);
    EXPECT_EQ(srv.connection_count(), 0u);
    EXPECT_EQ(opens.load() - opens_before, upgrades + threads * clients_per_thread);
    EXPECT_EQ(closes.load() - closes_before, opens.load() - opens_before);  // on_close once per open
    EXPECT_EQ(clean.load() - clean_before, total / static_cast<int>(ending::count) + threads * clients_per_thread);
    std::printf("round %d, 5,000 connections: %.1f s\n", round,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  };

  // The first round warms every cache (allocator arenas, thread-local buffers, client pools); a
  // leak grows with each round, a cache does not, so the heap is compared across the second.
  churn_round(1);
  const std::size_t heap_before = heap();
  churn_round(2);

  // Nothing per connection is left: the second round ends where it began (sanitizer
  // allocators do not report through mallinfo2; LeakSanitizer covers them at exit).
  const std::size_t heap_after = heap();
  if (heap_before != 0) {
    EXPECT_LT(static_cast<double>(heap_after), static_cast<double>(heap_before) + 512.0 * 1024)
        << "before " << heap_before << " after " << heap_after;
  }
}

}  // namespace
}  // namespace websock::test
