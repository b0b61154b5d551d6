// "Ours": an in-process websock::server speaking the same command protocol as the Python peer
// (peers/py_peer.py), so each rule test runs against both. On /echo every message comes back as it
// came, except text commands:
//   "close CODE REASON..."  the server closes with that code and reason
//   "close-empty"           the server closes with an empty close frame
//   "send N"                the server sends a binary message of N bytes, byte i = i % 251
//   "ping"                  the server pings, then sends the text "after-ping"
// and on /headers the first message is the upgrade request's headers, one "Name: value" per line.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "websock/server.hpp"

namespace winhttp_test {

inline std::vector<std::byte> pattern(std::size_t n) {
  std::vector<std::byte> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(i % 251);
  return out;
}

class command_server {
 public:
  // `threads`: the server's worker threads (the rule tests use one, the stress test more).
  explicit command_server(std::size_t threads = 1) : srv_(options(threads)) {
    srv_.route("/echo", {.callbacks = {.on_message = [](websock::connection& c, const websock::message& m) {
                           on_command(c, m);
                         }}});
    srv_.route("/headers", {.callbacks = {.on_open =
                                              [](websock::connection& c) {
                                                std::string text;
                                                for (const auto& h : c.request_headers()) {
                                                  text += h.name + ": " + h.value + "\n";
                                                }
                                                c.send_text(text);
                                              },
                                          .on_message = [](websock::connection& c, const websock::message& m) {
                                            on_command(c, m);
                                          }}});
    srv_.route("/protocol", {.callbacks = {.on_message =
                                               [](websock::connection& c, const websock::message& m) {
                                                 on_command(c, m);
                                               }},
                             .subprotocols = {"chat"}});
    srv_.listen("127.0.0.1", 0);
    srv_.start();
  }
  std::uint16_t port() const { return srv_.port(); }

 private:
  static websock::server_options options(std::size_t threads) {
    websock::server_options o;
    o.threads = threads;
    return o;
  }

  static void on_command(websock::connection& c, const websock::message& m) {
    if (m.kind == websock::message_kind::text) {
      const std::string_view t(reinterpret_cast<const char*>(m.data.data()), m.data.size());
      if (t.rfind("close ", 0) == 0) {
        const std::string_view rest = t.substr(6);
        const auto space = rest.find(' ');
        unsigned code = 1000;
        std::from_chars(rest.data(), rest.data() + rest.size(), code);
        c.close(static_cast<std::uint16_t>(code), space == std::string_view::npos ? "" : rest.substr(space + 1));
        return;
      }
      if (t == "close-empty") {
        c.close(websock::close_code::no_status);
        return;
      }
      if (t.rfind("send ", 0) == 0) {
        std::size_t n = 0;
        std::from_chars(t.data() + 5, t.data() + t.size(), n);
        c.send_binary(pattern(n));
        return;
      }
      if (t == "ping") {
        c.ping();
        c.send_text("after-ping");
        return;
      }
    }
    c.send(m.kind, m.data);
  }

  websock::server srv_;
};

}  // namespace winhttp_test
