// Peers that misbehave: stalled handshakes, readers that stop, resets, silent peers.
#include <gtest/gtest.h>

#include <atomic>

#include "raw_socket.hpp"
#include "recorder.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

TEST(Faults, HalfAHandshakeIsDroppedAfterTheTimeout) {
  server srv({.threads = 1, .session = {.handshake_timeout = 300ms}});
  srv.route("/ws", {});
  srv.listen("127.0.0.1", 0);
  srv.start();
  raw_socket s(srv.port());
  ASSERT_TRUE(s.connected());
  ASSERT_TRUE(s.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: webs"));
  const auto start = std::chrono::steady_clock::now();
  s.read(5s);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(s.eof());
  EXPECT_GE(waited, 200ms);
  EXPECT_LT(waited, 3s);
}

// The server pushes 64 KiB messages at a client that never reads: the buffered bytes must stop
// at the limit, and the surplus sends must fail rather than queue.
TEST(Faults, ReaderThatStopsCannotGrowTheServerBufferPastTheLimit) {
  constexpr std::size_t limit = 1u << 20;
  std::atomic<std::size_t> peak{0};
  std::atomic<int> refused{0};
  std::atomic<bool> done{false};
  connection server_conn;
  std::mutex mu;
  server srv({.threads = 1, .session = {.max_buffered_bytes = limit}});
  srv.route("/flood", {.callbacks = {.on_open = [&](connection& c) {
                         std::lock_guard lock(mu);
                         server_conn = c;
                       }}});
  srv.listen("127.0.0.1", 0);
  srv.start();
  raw_socket s(srv.port(), 4096);
  ASSERT_TRUE(s.send(upgrade_request("/flood")));
  ASSERT_NE(s.read(5s, "\r\n\r\n").find("101"), std::string::npos);
  connection c;
  for (int i = 0; i < 500 && !c; ++i) {
    std::this_thread::sleep_for(10ms);
    std::lock_guard lock(mu);
    c = server_conn;
  }
  ASSERT_TRUE(c);
  const std::string chunk(64 * 1024, 'x');
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < until && refused < 50) {
    const auto ec = c.send_text(chunk);
    if (ec == errc::buffer_full) ++refused;
    peak = std::max(peak.load(), c.buffered_amount());
    ASSERT_LE(c.buffered_amount(), limit + chunk.size() + 4);  // the limit plus one message
    if (ec) std::this_thread::sleep_for(1ms);
  }
  done = true;
  EXPECT_GE(refused.load(), 50);
  EXPECT_LE(peak.load(), limit + chunk.size() + 4);
  EXPECT_GT(peak.load(), limit / 2);  // it did fill up: the test exercised the limit
}

TEST(Faults, BufferFullCanCloseWith1008Instead) {
  recorder server_side;
  server srv({.threads = 1,
              .session = {.max_buffered_bytes = 256 * 1024, .on_buffer_full = backpressure_policy::close_connection,
                          .close_timeout = 300ms}});
  srv.route("/flood", {.callbacks = server_side.make()});
  srv.listen("127.0.0.1", 0);
  srv.start();
  raw_socket s(srv.port(), 4096);
  ASSERT_TRUE(s.send(upgrade_request("/flood")));
  ASSERT_NE(s.read(5s, "\r\n\r\n").find("101"), std::string::npos);
  ASSERT_TRUE(server_side.wait([&] { return server_side.opens == 1; }));
  const std::string chunk(64 * 1024, 'y');
  std::error_code ec;
  for (int i = 0; i < 100 && ec != errc::buffer_full; ++i) ec = server_side.last.send_text(chunk);
  EXPECT_EQ(ec, errc::buffer_full);
  // The peer never answers the close: the close timeout ends it.
  ASSERT_TRUE(server_side.wait([&] { return server_side.closes.size() == 1; }, 10s));
  EXPECT_FALSE(server_side.last.is_open());
}

// Issue 9 ("memory as a whole"): the per-connection message limit alone let eight connections each
// hold 63 MiB of an unfinished message. With server_options::max_message_memory the connection
// whose message takes the server's total over the budget is closed with 1013 (Try Again Later),
// the others go on, and the memory is counted back once they are gone.
TEST(Faults, Issue9_ServerWideMessageBudgetClosesTheConnectionThatPassesItWith1013) {
  recorder server_side;
  server srv({.threads = 1, .max_message_memory = 8u << 20});
  srv.route("/ws", {.callbacks = server_side.make(true)});
  srv.listen("127.0.0.1", 0);
  srv.start();
  // A masked binary frame announcing 32 MiB (mask key 0: the payload goes as it is), 3 MiB of it.
  std::string head = {'\x82', static_cast<char>(0x80 | 127), 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0};
  const std::string part = head + std::string(3u << 20, 'p');
  std::vector<std::unique_ptr<raw_socket>> peers;
  for (int i = 0; i < 4; ++i) {
    peers.push_back(std::make_unique<raw_socket>(srv.port()));
    ASSERT_TRUE(peers.back()->send(upgrade_request("/ws")));
    ASSERT_NE(peers.back()->read(5s, "\r\n\r\n").find("101"), std::string::npos);
    ASSERT_TRUE(peers.back()->send(part));
  }
  // 12 MiB of unfinished messages cannot fit in 8 MiB: at least one connection is told 1013.
  ASSERT_TRUE(server_side.wait([&] { return !server_side.closes.empty(); }, 20s));
  const std::string close_1013 = {'\x88', '\x02', '\x03', '\xf5'};
  int told = 0;
  for (auto& p : peers) {
    const std::string got = p->read(200ms, close_1013);
    if (got.find(close_1013) != std::string::npos) ++told;
  }
  EXPECT_GE(told, 1);
  EXPECT_LT(told, 4);  // the first 3 MiB always fit: the budget closes only what passes it
  {
    std::lock_guard lock(server_side.mu);
    for (const auto& c : server_side.closes) EXPECT_EQ(c.code, close_code::try_again_later);
  }
  // The rest leave; their memory is counted back, so a 6 MiB message now fits and is echoed.
  for (auto& p : peers) p->reset();
  ASSERT_TRUE(server_side.wait([&] { return server_side.closes.size() == 4; }, 20s));
  raw_socket fresh(srv.port());
  ASSERT_TRUE(fresh.send(upgrade_request("/ws")));
  ASSERT_NE(fresh.read(5s, "\r\n\r\n").find("101"), std::string::npos);
  std::string whole = {'\x82', static_cast<char>(0x80 | 127), 0, 0, 0, 0, 0, 0x60, 0, 0, 0, 0, 0, 0};
  ASSERT_TRUE(fresh.send(whole + std::string(6u << 20, 'w')));
  ASSERT_TRUE(server_side.wait([&] { return server_side.messages.size() == 1; }, 20s));
  EXPECT_EQ(server_side.messages[0].data.size(), 6u << 20);
}

TEST(Faults, ResetMidMessageReachesTheApplicationAs1006) {
  recorder server_side;
  server srv({.threads = 1});
  srv.route("/ws", {.callbacks = server_side.make()});
  srv.listen("127.0.0.1", 0);
  srv.start();
  raw_socket s(srv.port());
  ASSERT_TRUE(s.send(upgrade_request("/ws")));
  ASSERT_NE(s.read(5s, "\r\n\r\n").find("101"), std::string::npos);
  // A masked binary frame header announcing 1000 bytes, then only 10 of them.
  std::string frame = {'\x82', static_cast<char>(0x80 | 126), '\x03', '\xe8', '\x01', '\x02', '\x03', '\x04'};
  frame += std::string(10, 'z');
  ASSERT_TRUE(s.send(frame));
  std::this_thread::sleep_for(50ms);
  s.reset();
  ASSERT_TRUE(server_side.wait([&] { return server_side.closes.size() == 1; }));
  EXPECT_EQ(server_side.closes[0].code, close_code::abnormal);
  EXPECT_TRUE(server_side.closes[0].error);
  EXPECT_FALSE(server_side.closes[0].clean());
  EXPECT_TRUE(server_side.messages.empty());
}

TEST(Faults, SilentPeerIsDetectedByKeepAlive) {
  recorder server_side;
  server srv({.threads = 1, .session = {.ping_interval = 100ms, .ping_timeout = 200ms}});
  srv.route("/ws", {.callbacks = server_side.make()});
  srv.listen("127.0.0.1", 0);
  srv.start();
  raw_socket s(srv.port());
  ASSERT_TRUE(s.send(upgrade_request("/ws")));
  ASSERT_NE(s.read(5s, "\r\n\r\n").find("101"), std::string::npos);
  // The raw peer never answers pings.
  ASSERT_TRUE(server_side.wait([&] { return server_side.closes.size() == 1; }, 5s));
  EXPECT_EQ(server_side.closes[0].code, close_code::abnormal);
  EXPECT_EQ(server_side.closes[0].error, net_errc::ping_timeout);
  // It did ping: a ping frame (0x89) reached the peer.
  EXPECT_NE(s.read(500ms).find('\x89'), std::string::npos);
}

TEST(Faults, LivePeerSurvivesKeepAlive) {
  // The server's clock is a manual one: each step passes the ping interval, the server pings,
  // and the client's automatic pong reaches it before the next step.
  auto clock = std::make_shared<manual_clock>();
  recorder server_side;
  server srv({.threads = 1, .session = {.ping_interval = 50ms, .ping_timeout = 200ms}, .clock = clock});
  srv.route("/ws", {.callbacks = server_side.make()});
  srv.listen("127.0.0.1", 0);
  srv.start();
  client c;  // answers pings automatically
  connection conn = c.connect_and_wait("ws://127.0.0.1:" + std::to_string(srv.port()) + "/ws");
  for (std::size_t round = 1; round <= 12; ++round) {  // 600 ms of keep-alive
    clock->advance(50ms);
    ASSERT_TRUE(server_side.wait([&] { return server_side.pongs.size() == round; }, 5s)) << "round " << round;
  }
  EXPECT_TRUE(conn.is_open());
  std::lock_guard lock(server_side.mu);
  EXPECT_TRUE(server_side.closes.empty());
}

TEST(Faults, IdleTimeoutClosesWith1001) {
  recorder server_side;
  recorder client_side;
  server srv({.threads = 1, .session = {.idle_timeout = 200ms}});
  srv.route("/ws", {.callbacks = server_side.make()});
  srv.listen("127.0.0.1", 0);
  srv.start();
  client c;
  c.callbacks() = client_side.make();
  c.connect_and_wait("ws://127.0.0.1:" + std::to_string(srv.port()) + "/ws");
  ASSERT_TRUE(client_side.wait([&] { return client_side.closes.size() == 1; }, 5s));
  EXPECT_EQ(client_side.closes[0].code, close_code::going_away);
}

TEST(Faults, ProtocolErrorClosesWith1002) {
  recorder server_side;
  server srv({.threads = 1});
  srv.route("/ws", {.callbacks = server_side.make()});
  srv.listen("127.0.0.1", 0);
  srv.start();
  raw_socket s(srv.port());
  ASSERT_TRUE(s.send(upgrade_request("/ws")));
  ASSERT_NE(s.read(5s, "\r\n\r\n").find("101"), std::string::npos);
  ASSERT_TRUE(s.send(std::string{'\x81', '\x01', 'a'}));  // unmasked client frame (5.1)
  const std::string reply = s.read(3s);
  // A close frame with 1002 (0x03EA), then the server closes TCP.
  EXPECT_NE(reply.find(std::string{'\x88', '\x02', '\x03', '\xea'}), std::string::npos);
  ASSERT_TRUE(server_side.wait([&] { return server_side.closes.size() == 1; }));
  EXPECT_EQ(server_side.closes[0].code, close_code::protocol_error);
  EXPECT_EQ(server_side.closes[0].error, core::errc::unmasked_frame);
}

}  // namespace
}  // namespace websock::test
