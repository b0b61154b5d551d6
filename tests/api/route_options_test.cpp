// A route's own session options (issue 9 defect 5 for a fan-out room): its connections get its
// limits and backpressure policy, the other routes keep the server's.
#include <gtest/gtest.h>

#include "raw_socket.hpp"
#include "recorder.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

// Sends 64 KiB messages at a peer that never reads; returns the first error, after at most `n`.
std::error_code flood(const connection& c, int n) {
  const std::string chunk(64 * 1024, 'r');
  for (int i = 0; i < n; ++i) {
    if (auto ec = c.send_text(chunk)) return ec;
  }
  return {};
}

TEST(RouteOptions, Issue9Defect5_RouteLimitsCloseASlowMemberWith1008AndOtherRoutesKeepTheServers) {
  recorder room, plain;
  server srv({.threads = 1});  // the server's defaults: 64 MiB, fail_send
  srv.route("/room", {.callbacks = room.make(),
                      .session = session_options{.max_buffered_bytes = 256 * 1024,
                                                 .on_buffer_full = backpressure_policy::close_connection}});
  srv.route("/plain", {.callbacks = plain.make()});
  srv.listen("127.0.0.1", 0);
  srv.start();

  raw_socket member(srv.port(), 4096);
  ASSERT_TRUE(member.send(upgrade_request("/room")));
  ASSERT_NE(member.read(5s, "\r\n\r\n").find("101"), std::string::npos);
  ASSERT_TRUE(room.wait([&] { return room.opens == 1; }));
  // 100 x 64 KiB is far past 256 KiB plus what the kernel buffers, and far below 64 MiB.
  EXPECT_EQ(flood(room.last, 100), errc::buffer_full);
  // The policy closed it: once the peer reads, it finds the close frame with 1008 behind the
  // messages that fitted (a frame: 0x88, length 18, code 0x03f0, the reason).
  const std::string wire = member.read(10s, "\x03\xf0send buffer full");
  EXPECT_NE(wire.find("\x88\x12\x03\xf0send buffer full"), std::string::npos);

  raw_socket other(srv.port(), 4096);
  ASSERT_TRUE(other.send(upgrade_request("/plain")));
  ASSERT_NE(other.read(5s, "\r\n\r\n").find("101"), std::string::npos);
  ASSERT_TRUE(plain.wait([&] { return plain.opens == 1; }));
  EXPECT_EQ(flood(plain.last, 100), std::error_code{});  // the server's 64 MiB still applies
  EXPECT_TRUE(plain.last.is_open());
}

}  // namespace
}  // namespace websock::test
