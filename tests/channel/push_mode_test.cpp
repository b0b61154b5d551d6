// The channel in push mode over a socketpair, against a raw peer: the close handshake as RFC 6455
// 7.1.1 orders it, its timers under a manual clock, backpressure, and the thread rules of
// docs/runtime.md ("Threads").
#include <future>

#include "channel_harness.hpp"
#include "websock/core/handshake.hpp"
#include "websock/error.hpp"

namespace websock::test {
namespace {

const std::string switching = "HTTP/1.1 101 Switching Protocols\r\n\r\n";

TEST(ChannelPush, ServerWrites101ThenDeliversFramesThatCameWithTheHead) {
  channel_rig rig(core::role::server);
  rig.start_server(frame(0x81, "early", true));
  EXPECT_EQ(rig.peer->read(switching.size()), switching);
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->messages.size() == 1; }));
  EXPECT_EQ(rig.log->messages[0], "early");
  EXPECT_EQ(rig.log->opens, 1);
}

TEST(ChannelPush, RFC6455_7_1_1_ServerClosesTcpFirstAfterTheCloseHandshake) {
  channel_rig rig(core::role::server);
  rig.start_server();
  rig.peer->read(switching.size());
  ASSERT_TRUE(rig.peer->send(frame(0x88, close_payload(1000, "bye"), true)));
  // The echoed close (code only), then the server's FIN without waiting for ours.
  EXPECT_EQ(rig.peer->read(4), frame(0x88, close_payload(1000), false));
  EXPECT_TRUE(rig.peer->wait_eof());
  rig.peer->shutdown_write();
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->closes.size() == 1; }));
  EXPECT_EQ(rig.log->closes[0].code, 1000);
  EXPECT_EQ(rig.log->closes[0].reason, "bye");
  EXPECT_TRUE(rig.log->closes[0].clean());
}

TEST(ChannelPush, RFC6455_7_1_1_ClientWaitsForTheServerToCloseTcp) {
  channel_rig rig(core::role::client);
  rig.on_loop([&] { rig.ch->start_client(rig.log, {.host = "h", .target = "/t"}); });
  const std::string request = rig.peer->read_until("\r\n\r\n");
  const auto at = request.find("Sec-WebSocket-Key: ");
  ASSERT_NE(at, std::string::npos);
  const std::string key = request.substr(at + 19, request.find("\r\n", at) - at - 19);
  ASSERT_TRUE(rig.peer->send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: " + core::compute_accept_key(key) + "\r\n\r\n"));
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->opens == 1; }));
  ASSERT_TRUE(rig.peer->send(frame(0x88, close_payload(1001), false)));
  EXPECT_EQ(rig.peer->read(8).size(), 8u);       // the client's masked close reply
  EXPECT_TRUE(rig.peer->stays_open(200ms));      // and no FIN: the server closes first
  rig.peer->shutdown_write();
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->closes.size() == 1; }));
  EXPECT_EQ(rig.log->closes[0].code, 1001);
  EXPECT_TRUE(rig.log->closes[0].clean());
}

TEST(ChannelPush, RFC6455_7_1_7_ProtocolErrorSendsItsCloseCodeAndReportsIt) {
  channel_rig rig(core::role::server);
  rig.start_server();
  rig.peer->read(switching.size());
  ASSERT_TRUE(rig.peer->send(frame(0x81, "x", false)));  // unmasked client frame (5.1)
  EXPECT_EQ(rig.peer->read(4), frame(0x88, close_payload(1002), false));
  EXPECT_TRUE(rig.peer->wait_eof());
  rig.peer->close();
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->closes.size() == 1; }));
  EXPECT_EQ(rig.log->closes[0].code, 1002);
  EXPECT_EQ(rig.log->closes[0].error, core::errc::unmasked_frame);
}

TEST(ChannelPush, CloseTimeoutDropsAPeerThatNeverAnswers) {
  channel_rig rig(core::role::server, {.close_timeout = 5s});
  rig.start_server();
  rig.peer->read(switching.size());
  EXPECT_FALSE(rig.ch->close(1000, "done"));
  EXPECT_EQ(rig.peer->read(8), frame(0x88, close_payload(1000, "done"), false));
  rig.clock->advance(4s);
  EXPECT_TRUE(rig.log->closes.empty());
  rig.clock->advance(1s);
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->closes.size() == 1; }));
  EXPECT_EQ(rig.log->closes[0].code, core::close_code::abnormal);
  EXPECT_EQ(rig.log->closes[0].error, net_errc::close_timeout);
}

TEST(ChannelPush, ClientHandshakeTimeoutReportsTheFailureOnce) {
  channel_rig rig(core::role::client, {.handshake_timeout = 2s});
  rig.on_loop([&] { rig.ch->start_client(rig.log, {.host = "h"}); });
  rig.peer->read_until("\r\n\r\n");  // the request; no answer follows
  rig.clock->advance(2s);
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->handshake_failures.size() == 1; }));
  EXPECT_EQ(rig.log->handshake_failures[0], net_errc::handshake_timeout);
  EXPECT_EQ(rig.log->opens, 0);
  EXPECT_TRUE(rig.log->closes.empty());
}

TEST(ChannelPush, IdleTimeoutClosesWith1001) {
  channel_rig rig(core::role::server, {.idle_timeout = 30s});
  rig.start_server();
  rig.peer->read(switching.size());
  rig.clock->advance(30s);
  const std::string expected = frame(0x88, close_payload(1001, "idle timeout"), false);
  EXPECT_EQ(rig.peer->read(expected.size()), expected);
}

TEST(ChannelPush, KeepAlivePingThenDeadPeerIs1006) {
  channel_rig rig(core::role::server, {.ping_interval = 10s, .ping_timeout = 5s});
  rig.start_server();
  rig.peer->read(switching.size());
  rig.clock->advance(10s);
  EXPECT_EQ(rig.peer->read(2), std::string("\x89\x00", 2));  // an empty ping
  rig.clock->advance(5s);
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->closes.size() == 1; }));
  EXPECT_EQ(rig.log->closes[0].code, core::close_code::abnormal);
  EXPECT_EQ(rig.log->closes[0].error, net_errc::ping_timeout);
}

TEST(ChannelPush, SendsPastTheBufferLimitFailAndDrainFollows) {
  channel_rig rig(core::role::server, {.max_buffered_bytes = 64 * 1024});
  rig.start_server();
  rig.peer->read(switching.size());
  const std::vector<std::byte> chunk(16 * 1024, std::byte{'a'});
  std::error_code refused;
  std::size_t accepted = 0;
  rig.on_loop([&] {  // on the loop nothing is written until the handler returns
    for (int i = 0; i < 8 && !refused; ++i) {
      refused = rig.ch->send(core::message_kind::binary, chunk);
      if (!refused) ++accepted;
    }
  });
  EXPECT_EQ(refused, errc::buffer_full);
  EXPECT_EQ(accepted, 4u);  // a send is taken while under 64 KiB: three 16 KiB frames leave room for a fourth
  rig.peer->read(accepted * (chunk.size() + 4));
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->drains == 1; }));
  EXPECT_EQ(rig.ch->buffered(), 0u);
}

TEST(ChannelPush, SendsFromAnotherThreadKeepTheirOrderAndEventsRunOnTheLoop) {
  channel_rig rig(core::role::server);
  rig.start_server();
  rig.peer->read(switching.size());
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    const std::string text = std::to_string(i);
    ASSERT_FALSE(rig.ch->send(core::message_kind::text, std::as_bytes(std::span(text.data(), text.size()))));
    expected += frame(0x81, text, false);
  }
  EXPECT_EQ(rig.peer->read(expected.size()), expected);
  ASSERT_TRUE(rig.peer->send(frame(0x81, "in", true)));
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->messages.size() == 1; }));
  EXPECT_FALSE(rig.log->off_loop_event);
}

}  // namespace
}  // namespace websock::test
