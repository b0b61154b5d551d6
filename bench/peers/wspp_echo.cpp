// websocketpp echo server as its echo_server example has it: the asio (Boost) config without TLS,
// one thread, a message handler that sends the payload back with the same opcode. Logging off and
// TCP_NODELAY on, like every peer in the comparison.
//   bench_wspp_echo [PORT]   prints "listening on 127.0.0.1:PORT" once ready (PORT 0: any)
#include <cstdio>
#include <cstdlib>
#include <utility>  // before Boost 1.74: its asio/awaitable.hpp uses std::exchange without it
#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

using server = websocketpp::server<websocketpp::config::asio>;

int main(int argc, char** argv) {
  const auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 9003);
  server s;
  s.clear_access_channels(websocketpp::log::alevel::all);
  s.clear_error_channels(websocketpp::log::elevel::all);
  s.init_asio();
  s.set_reuse_addr(true);
  // The socket is not open yet when socket_init runs: set TCP_NODELAY once the connection is.
  s.set_open_handler([&s](websocketpp::connection_hdl h) {
    boost::system::error_code ignored;
    s.get_con_from_hdl(h)->get_raw_socket().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  });
  s.set_message_handler([&s](websocketpp::connection_hdl h, server::message_ptr m) {
    websocketpp::lib::error_code ec;
    s.send(h, m->get_payload(), m->get_opcode(), ec);
  });
  s.listen(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  s.start_accept();
  websocketpp::lib::asio::error_code ec;
  std::printf("listening on 127.0.0.1:%d\n", s.get_local_endpoint(ec).port());
  std::fflush(stdout);
  s.run();
}
