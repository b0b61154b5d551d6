// The close handshake both ways, registered codes, and the server's graceful shutdown (RFC 6455
// 7.1, 7.4; the IANA close code registry).
#include <gtest/gtest.h>

#include "recorder.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

struct fixture {
  fixture() {
    srv.route("/ws", {.callbacks = server_side.make(true)});
    srv.listen("127.0.0.1", 0);
    srv.start();
    c.callbacks() = client_side.make();
    conn = c.connect_and_wait("ws://127.0.0.1:" + std::to_string(srv.port()) + "/ws");
    server_side.wait([&] { return server_side.opens == 1; });
  }
  recorder server_side;
  recorder client_side;
  server srv{{.threads = 1}};
  client c;
  connection conn;
};

TEST(Close, ClientCodeAndReasonReachTheServer) {
  fixture f;
  ASSERT_FALSE(f.conn.close(4001, "bye now"));
  ASSERT_TRUE(f.server_side.wait([&] { return f.server_side.closes.size() == 1; }));
  EXPECT_EQ(f.server_side.closes[0].code, 4001);
  EXPECT_EQ(f.server_side.closes[0].reason, "bye now");
  EXPECT_TRUE(f.server_side.closes[0].clean());
  // The server echoes the code (5.5.1), so the client sees it too.
  ASSERT_TRUE(f.client_side.wait([&] { return f.client_side.closes.size() == 1; }));
  EXPECT_EQ(f.client_side.closes[0].code, 4001);
  EXPECT_TRUE(f.client_side.closes[0].clean());
}

TEST(Close, ServerCodeAndReasonReachTheClient) {
  fixture f;
  ASSERT_FALSE(f.server_side.last.close(4002, "go away"));
  ASSERT_TRUE(f.client_side.wait([&] { return f.client_side.closes.size() == 1; }));
  EXPECT_EQ(f.client_side.closes[0].code, 4002);
  EXPECT_EQ(f.client_side.closes[0].reason, "go away");
  ASSERT_TRUE(f.server_side.wait([&] { return f.server_side.closes.size() == 1; }));
  EXPECT_EQ(f.server_side.closes[0].code, 4002);
  EXPECT_FALSE(f.server_side.last.is_open());
}

// IANA registry: a server restarting says 1012 (or 1013, 1014); the client reports that code and a
// clean close, not a protocol error of its own (1002 "invalid close code").
TEST(Close, IANA_ServiceRestart1012FromTheServerReachesTheClientAsItself) {
  fixture f;
  ASSERT_FALSE(f.server_side.last.close(close_code::service_restart, "restarting"));
  ASSERT_TRUE(f.client_side.wait([&] { return f.client_side.closes.size() == 1; }));
  EXPECT_EQ(f.client_side.closes[0].code, close_code::service_restart);
  EXPECT_EQ(f.client_side.closes[0].reason, "restarting");
  EXPECT_TRUE(f.client_side.closes[0].clean());
  ASSERT_TRUE(f.server_side.wait([&] { return f.server_side.closes.size() == 1; }));
  EXPECT_EQ(f.server_side.closes[0].code, close_code::service_restart);  // echoed back (5.5.1)
}

TEST(Close, EmptyCloseIsReportedAs1005AndSendsFailAfterwards) {
  fixture f;
  ASSERT_FALSE(f.conn.close(close_code::normal));
  ASSERT_TRUE(f.client_side.wait([&] { return f.client_side.closes.size() == 1; }));
  EXPECT_EQ(f.client_side.closes[0].code, close_code::normal);
  EXPECT_EQ(f.conn.send_text("late"), errc::not_open);
}

TEST(Close, InvalidCodesAreRefusedAtTheCall) {
  fixture f;
  EXPECT_TRUE(f.conn.close(1006));
  EXPECT_TRUE(f.conn.close(1000, std::string(124, 'r')));
  EXPECT_TRUE(f.conn.is_open());
}

TEST(Close, GracefulShutdownSends1001) {
  fixture f;
  f.srv.stop();
  ASSERT_TRUE(f.client_side.wait([&] { return f.client_side.closes.size() == 1; }));
  EXPECT_EQ(f.client_side.closes[0].code, close_code::going_away);
  EXPECT_TRUE(f.client_side.closes[0].clean());
  EXPECT_EQ(f.srv.connection_count(), 0u);
}

}  // namespace
}  // namespace websock::test
