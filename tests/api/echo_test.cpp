// Our client against our server over loopback: messages of every size class, ping, subprotocols,
// address families, sends from other threads, upgrade refusals.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <atomic>
#include <thread>

#include "recorder.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

// A server with an echo route, listening on an ephemeral loopback port.
struct echo_server {
  explicit echo_server(server_options o = {}, std::string host = "127.0.0.1") : srv(with_threads(std::move(o))) {
    srv.route("/echo", {.callbacks = server_side.make(true), .subprotocols = {"chat.v2", "chat.v1"}});
    srv.listen(host, 0);
    srv.start();
  }
  static server_options with_threads(server_options o) {
    if (o.threads == 0) o.threads = 2;
    return o;
  }
  std::string url(const std::string& path = "/echo") const { return "ws://127.0.0.1:" + std::to_string(srv.port()) + path; }

  recorder server_side;
  server srv;
};

struct echo_case {
  std::size_t size;
  message_kind kind;
};

class EchoSizes : public ::testing::TestWithParam<echo_case> {};

TEST_P(EchoSizes, MessageComesBackIntact) {
  echo_server s;
  recorder r;
  client c;
  c.callbacks() = r.make();
  connection conn = c.connect_and_wait(s.url());
  const auto [size, kind] = GetParam();
  const std::string payload = pattern(size, kind == message_kind::text);
  ASSERT_FALSE(conn.send(kind, bytes(payload)));
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 1; }, 60s));
  EXPECT_EQ(r.messages[0].kind, kind);
  EXPECT_EQ(r.messages[0].data.size(), payload.size());
  EXPECT_TRUE(r.messages[0].data == payload);
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, EchoSizes,
    ::testing::Values(echo_case{0, message_kind::text}, echo_case{0, message_kind::binary},
                      echo_case{1, message_kind::binary}, echo_case{125, message_kind::text},
                      echo_case{126, message_kind::binary}, echo_case{65535, message_kind::binary},
                      echo_case{65536, message_kind::text}, echo_case{1u << 20, message_kind::binary},
                      echo_case{16u << 20, message_kind::binary}, echo_case{16u << 20, message_kind::text}),
    [](const auto& p) {
      return std::string(p.param.kind == message_kind::text ? "text_" : "binary_") + std::to_string(p.param.size);
    });

// Issue 9 defect 5, at the default limits (64 MiB per message, 64 MiB of buffered output): the
// echo of a message whose frame passes the buffer limit (64 MiB - 9 up to 64 MiB) used to be
// refused with buffer_full and dropped without a word. Every accepted message is echoed; one over
// the message limit closes with 1009.
TEST(Echo, Issue9Defect5_DefaultLimitsEchoEveryMessageUpToTheMessageLimit) {
  echo_server s;
  recorder r;
  client c;
  c.callbacks() = r.make();
  connection conn = c.connect_and_wait(s.url());
  constexpr std::size_t limit = 64u << 20;
  const std::size_t sizes[] = {limit - 10, limit - 9, limit};  // frames of limit, limit + 1, limit + 10
  for (std::size_t i = 0; i < std::size(sizes); ++i) {
    ASSERT_FALSE(conn.send_binary(bytes(std::string(sizes[i], 'x'))));
    ASSERT_TRUE(r.wait([&] { return r.messages.size() == i + 1 || !r.closes.empty(); }, 60s)) << sizes[i];
    ASSERT_EQ(r.messages.size(), i + 1) << "no echo of " << sizes[i] << " bytes";
    EXPECT_EQ(r.messages[i].data.size(), sizes[i]);
  }
  ASSERT_FALSE(conn.send_binary(bytes(std::string(limit + 1, 'x'))));
  ASSERT_TRUE(r.wait([&] { return r.closes.size() == 1; }, 60s));
  EXPECT_EQ(r.closes[0].code, close_code::message_too_big);
  std::lock_guard lock(s.server_side.mu);
  EXPECT_TRUE(s.server_side.failed_echoes.empty());
}

TEST(Echo, ManySmallMessagesKeepTheirOrder) {
  echo_server s;
  recorder r;
  client c;
  c.callbacks() = r.make();
  connection conn = c.connect_and_wait(s.url());
  for (int i = 0; i < 2000; ++i) ASSERT_FALSE(conn.send_text("m" + std::to_string(i)));
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 2000; }));
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(r.messages[static_cast<std::size_t>(i)].data, "m" + std::to_string(i));
}

TEST(Echo, PingIsAnsweredWithItsPayload) {
  echo_server s;
  recorder r;
  client c;
  c.callbacks() = r.make();
  connection conn = c.connect_and_wait(s.url());
  ASSERT_FALSE(conn.ping(bytes("are you there")));
  ASSERT_TRUE(r.wait([&] { return r.pongs.size() == 1; }));
  EXPECT_EQ(r.pongs[0], "are you there");
  EXPECT_TRUE(conn.ping(bytes(std::string(126, 'x'))));  // over the control-frame limit
}

TEST(Echo, ServerPicksItsPreferredOfferedSubprotocol) {
  echo_server s;
  client c({.subprotocols = {"chat.v1", "chat.v2"}});
  connection conn = c.connect_and_wait(s.url());
  EXPECT_EQ(conn.subprotocol(), "chat.v2");
  ASSERT_TRUE(s.server_side.wait([&] { return s.server_side.opens == 1; }));
  EXPECT_EQ(s.server_side.last.subprotocol(), "chat.v2");
}

TEST(Echo, NoCommonSubprotocolMeansNone) {
  echo_server s;
  client c({.subprotocols = {"other"}});
  connection conn = c.connect_and_wait(s.url());
  EXPECT_EQ(conn.subprotocol(), "");
}

// Request headers are there in on_open, and given back after it (no handshake memory while the
// connection lives) unless the route keeps them.
TEST(Echo, ExtraHeadersReachTheServer) {
  for (const bool keep : {false, true}) {
    server srv({.threads = 1});
    std::mutex mu;
    std::string seen;
    connection opened;
    srv.route("/h", {.callbacks = {.on_open = [&](connection& c) {
                       std::lock_guard lock(mu);
                       if (const auto* h = core::find_header(c.request_headers(), "X-Token")) seen = h->value;
                       opened = c;
                     }},
                     .keep_request_headers = keep});
    srv.listen("127.0.0.1", 0);
    srv.start();
    recorder r;
    client c({.headers = {{"X-Token", "abc"}}});
    c.callbacks() = r.make();
    connection conn = c.connect_and_wait("ws://127.0.0.1:" + std::to_string(srv.port()) + "/h");
    ASSERT_FALSE(conn.send_text("barrier"));  // on_open has returned once a message was handled
    ASSERT_FALSE(conn.ping({}));
    ASSERT_TRUE(r.wait([&] { return r.pongs.size() == 1; }));
    std::lock_guard lock(mu);
    EXPECT_EQ(seen, "abc") << "keep=" << keep;
    EXPECT_EQ(opened.request_headers().empty(), !keep) << "keep=" << keep;
  }
}

TEST(Echo, SendFromManyThreads) {
  echo_server s;
  recorder r;
  client c;
  c.callbacks() = r.make();
  connection conn = c.connect_and_wait(s.url());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 250; ++i) EXPECT_FALSE(conn.send_text(std::to_string(t) + ":" + std::to_string(i)));
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 1000; }));
  // Each thread's messages keep their order.
  std::vector<int> next(4, 0);
  for (const auto& m : r.messages) {
    const int t = m.data[0] - '0';
    EXPECT_EQ(m.data, std::to_string(t) + ":" + std::to_string(next[static_cast<std::size_t>(t)]++));
  }
}

TEST(Echo, ServerSendsFromAnotherThread) {
  echo_server s;
  recorder r;
  client c;
  c.callbacks() = r.make();
  c.connect_and_wait(s.url());
  ASSERT_TRUE(s.server_side.wait([&] { return s.server_side.opens == 1; }));
  connection server_conn = s.server_side.last;
  std::thread([&] { EXPECT_FALSE(server_conn.send_text("pushed")); }).join();
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 1; }));
  EXPECT_EQ(r.messages[0].data, "pushed");
}

TEST(Echo, IPv6Loopback) {
  echo_server s({}, "::1");
  recorder r;
  client c;
  c.callbacks() = r.make();
  connection conn = c.connect_and_wait("ws://[::1]:" + std::to_string(s.srv.port()) + "/echo");
  ASSERT_FALSE(conn.send_text("six"));
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 1; }));
  EXPECT_EQ(r.messages[0].data, "six");
  EXPECT_EQ(s.server_side.last.remote_address().substr(0, 5), "[::1]");
}

TEST(Echo, UnixSocketServerAcceptsUpgrades) {
  const std::string path = "/tmp/websock-test-" + std::to_string(::getpid()) + ".sock";
  recorder server_side;
  server srv({.threads = 1});
  srv.route("/echo", {.callbacks = server_side.make(true)});
  srv.listen_unix(path);
  srv.start();
  ASSERT_TRUE(std::filesystem::exists(path));
  // No Unix-socket client in the API: a raw exchange proves the server side.
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  const std::string req =
      "GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  ASSERT_EQ(::write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
  char buf[512];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ASSERT_GT(n, 12);
  EXPECT_EQ(std::string(buf, 12), "HTTP/1.1 101");
  ASSERT_TRUE(server_side.wait([&] { return server_side.opens == 1; }));
  ::close(fd);
  ASSERT_TRUE(server_side.wait([&] { return server_side.closes.size() == 1; }));
  EXPECT_EQ(server_side.closes[0].code, close_code::abnormal);
}

TEST(Echo, UpgradeHookRefusesWithItsStatus) {
  server srv({.threads = 1});
  srv.route("/private", {.on_upgrade = [](const upgrade_request& req, header_list&) {
                           return core::find_header(req.headers, "Authorization") ? 0 : 401;
                         }});
  srv.listen("127.0.0.1", 0);
  srv.start();
  const std::string url = "ws://127.0.0.1:" + std::to_string(srv.port()) + "/private";
  client anonymous;
  connection conn;
  std::string detail;
  const auto ec = anonymous.connect_and_wait(url, conn, &detail);
  EXPECT_EQ(ec, errc::upgrade_rejected);
  EXPECT_NE(detail.find("401"), std::string::npos) << detail;
  client authorised({.headers = {{"Authorization", "Bearer x"}}});
  EXPECT_NO_THROW(authorised.connect_and_wait(url));
}

TEST(Echo, UnknownRouteIs404) {
  echo_server s;
  client c;
  connection conn;
  std::string detail;
  EXPECT_EQ(c.connect_and_wait(s.url("/nope"), conn, &detail), errc::upgrade_rejected);
  EXPECT_NE(detail.find("404"), std::string::npos) << detail;
}

TEST(Echo, ConnectFailureIsReported) {
  client c;
  connection conn;
  std::string detail;
  // Port 1 on loopback: nothing listens there.
  EXPECT_TRUE(c.connect_and_wait("ws://127.0.0.1:1/", conn, &detail));
  EXPECT_FALSE(conn);
  EXPECT_FALSE(detail.empty());
  client bad;
  EXPECT_EQ(bad.connect_and_wait("http//nope", conn, &detail), net_errc::bad_url);
}

TEST(Echo, ReconnectsWithBackoffAfterTheServerGoesAway) {
  auto first = std::make_unique<echo_server>();
  const std::uint16_t port = first->srv.port();
  recorder r;
  client c({.reconnect = {.enabled = true, .initial_delay = 50ms, .max_delay = 200ms}});
  c.callbacks() = r.make();
  c.connect("ws://127.0.0.1:" + std::to_string(port) + "/echo");
  ASSERT_TRUE(r.wait([&] { return r.opens == 1; }));
  first.reset();  // graceful stop: 1001
  ASSERT_TRUE(r.wait([&] { return r.closes.size() == 1; }));
  EXPECT_EQ(r.closes[0].code, close_code::going_away);
  // A new server on the same port: the client finds it by itself. Its recorder is declared
  // first, so it outlives the server, whose close callbacks may still run as the server stops
  // (ASan saw one write into a recorder already gone).
  recorder second;
  server again({.threads = 1});
  again.route("/echo", {.callbacks = second.make(true)});
  again.listen("127.0.0.1", port);
  again.start();
  ASSERT_TRUE(r.wait([&] { return r.opens == 2; }, 10s));
  c.stop();
}

}  // namespace
}  // namespace websock::test

namespace websock::test {
namespace {

// connection::send(kind, shared_bytes) and message::share(): a large message that arrived in
// pieces is handed over without a copy (the shared bytes are the received ones), echoed by
// gather write after its header, and interleaves in order with copied sends.
TEST(Echo, SharedLargeMessagesComeBackIntactAndInOrder) {
  server srv({.threads = 1});
  std::atomic<int> shared_in_place{0};
  srv.route("/share", {.callbacks = {.on_message = [&](connection& c, const message& m) {
                         const std::byte* received = m.data.data();
                         shared_bytes s = m.share();
                         if (s.bytes.data() == received && s.bytes.size() == m.data.size()) ++shared_in_place;
                         ASSERT_FALSE(c.send_text("before"));
                         ASSERT_FALSE(c.send(m.kind, std::move(s)));
                         ASSERT_FALSE(c.send_text("after"));
                       }}});
  srv.listen("127.0.0.1", 0);
  srv.start();
  recorder r;
  client c;
  c.callbacks() = r.make();
  connection conn = c.connect_and_wait("ws://127.0.0.1:" + std::to_string(srv.port()) + "/share");
  std::vector<std::string> sent;
  for (std::size_t size : {70000u, 300000u, 65536u, 5u}) {
    std::string payload(size, '\0');
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + (i * 31 + size) % 26);
    ASSERT_FALSE(conn.send_binary(bytes(payload)));
    sent.push_back(payload);
  }
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 3 * sent.size() || !r.closes.empty(); }, 30s));
  ASSERT_EQ(r.messages.size(), 3 * sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(r.messages[3 * i].data, "before");
    EXPECT_EQ(r.messages[3 * i + 1].data, sent[i]) << "message " << i;
    EXPECT_EQ(r.messages[3 * i + 2].data, "after");
  }
  EXPECT_EQ(shared_in_place.load(), 3);  // the three that a 64 KiB read cannot hold whole
}

// A shared payload sent from another thread is not copied there either, and keeps its order.
TEST(Echo, SharedBytesFromAnotherThread) {
  server srv({.threads = 1});
  std::mutex mu;
  std::vector<connection> peers;
  srv.route("/hold", {.callbacks = {.on_open = [&](connection& c) {
                        std::lock_guard lock(mu);
                        peers.push_back(c);
                      }}});
  srv.listen("127.0.0.1", 0);
  srv.start();
  recorder r;
  client c;
  c.callbacks() = r.make();
  connection conn = c.connect_and_wait("ws://127.0.0.1:" + std::to_string(srv.port()) + "/hold");
  ASSERT_TRUE(r.wait([&] { std::lock_guard lock(mu); return peers.size() == 1; }));
  auto block = std::make_shared<std::string>(100000, 'z');
  const shared_bytes payload{block, {reinterpret_cast<const std::byte*>(block->data()), block->size()}};
  std::thread([&] {
    std::lock_guard lock(mu);
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(peers[0].send(message_kind::binary, payload));
  }).join();
  ASSERT_TRUE(r.wait([&] { return r.messages.size() == 3; }, 30s));
  for (const auto& m : r.messages) EXPECT_EQ(m.data, *block);
}

}  // namespace
}  // namespace websock::test
