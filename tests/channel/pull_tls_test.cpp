// Pull mode over TLS: there the read is in flight on the channel's own input buffer from the
// moment it starts (no readiness wait before it), so nothing may free that buffer meanwhile.
#include <future>

#include "../api/test_cert.hpp"
#include "net/tls.hpp"
#include "channel_harness.hpp"
#include "pull_recorder.hpp"

namespace websock::test {
namespace {

// A TLS server channel in pull mode on the loop, and a blocking TLS client on the test thread.
struct tls_pair {
  test_cert cert = make_test_cert();
  net::workers loop{1};
  asio::io_context peer_ctx;
  std::shared_ptr<asio::ssl::context> server_tls;
  asio::ssl::context client_tls{asio::ssl::context::tls_client};
  std::unique_ptr<asio::ssl::stream<net::tcp::socket>> peer;
  std::shared_ptr<runtime::channel> ch;
  std::shared_ptr<channel_log> log = std::make_shared<channel_log>();

  tls_pair() {
    std::error_code ec;
    server_tls = net::make_server_context({cert.cert_file, cert.key_file}, ec);
    EXPECT_TRUE(server_tls) << ec.message();
    auto& ctx = loop.at(0);
    net::tcp::acceptor acceptor(ctx, {asio::ip::make_address("127.0.0.1"), 0});
    net::tcp::socket client(peer_ctx);
    client.connect(acceptor.local_endpoint());
    net::any_stream ours(std::in_place_type<net::tls_socket>, acceptor.accept(), *server_tls);
    peer = std::make_unique<asio::ssl::stream<net::tcp::socket>>(std::move(client), client_tls);
    loop.start();
    std::promise<std::error_code> shaken;
    auto& tls = std::get<net::tls_socket>(ours);
    asio::post(ctx, [&] { tls.async_handshake(asio::ssl::stream_base::server, [&](std::error_code e) { shaken.set_value(e); }); });
    peer->handshake(asio::ssl::stream_base::client);  // the test certificate is not verified here
    EXPECT_FALSE(shaken.get_future().get());
    ch = std::make_shared<runtime::channel>(loop.share(ctx), std::move(ours),
                                            runtime::channel_options{core::role::server, {}, runtime::channel_mode::pull});
    std::promise<void> started;
    asio::post(ctx, [&] {
      ch->start_server(log, "HTTP/1.1 101 Switching Protocols\r\n\r\n", "/t", {}, "", {});
      started.set_value();
    });
    started.get_future().wait();
    std::string head;
    asio::read_until(*peer, asio::dynamic_buffer(head), "\r\n\r\n");
  }
  ~tls_pair() {
    ch->abort();
    loop.release();
    loop.join();
  }
};

TEST(ChannelPullTls, ReadAfterACancelledReadDoesNotFreeTheBufferOfTheReadInFlight) {
  tls_pair t;
  auto rec = std::make_shared<pull_recorder>(t.ch, 4096);
  rec->read();  // the TLS read starts into the channel's input buffer and waits for bytes
  t.ch->pull_cancel();
  ASSERT_TRUE(rec->wait_reads(1));
  EXPECT_EQ(rec->reads()[0].error, std::make_error_code(std::errc::operation_canceled));
  rec->read();  // nothing to hand out yet; the read in flight still owns the buffer
  asio::write(*t.peer, asio::buffer(frame(0x82, "over tls", true)));
  ASSERT_TRUE(rec->wait_reads(2));
  EXPECT_FALSE(rec->reads()[1].error);
  EXPECT_EQ(rec->reads()[1].bytes, "over tls");
  EXPECT_TRUE(rec->reads()[1].last);
}

}  // namespace
}  // namespace websock::test
